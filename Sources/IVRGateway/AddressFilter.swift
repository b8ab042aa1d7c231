/// Which peers may talk to a gateway (SPEC 12: FastAGI has no
/// authentication). Loopback is always allowed; any other address must fall
/// in one of the `--allow` CIDR blocks (`10.0.0.0/8`, `2001:db8::/32`).
public struct AddressFilter: Sendable, Equatable {
    public struct Block: Sendable, Equatable {
        var bytes: [UInt8]
        var prefix: Int
    }

    public private(set) var blocks: [Block] = []

    public init() {}

    /// Adds a block; nil (with the reason) when it is not a CIDR block.
    public mutating func allow(_ text: String) -> String? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let bytes = Self.parse(String(parts[0])) else { return "'\(text)' is not an address or a CIDR block, such as 10.0.0.0/8" }
        let bits = bytes.count * 8
        let prefix: Int
        if parts.count == 2 {
            guard let value = Int(parts[1]), (0...bits).contains(value) else { return "'\(text)': the prefix length must be from 0 to \(bits)" }
            prefix = value
        } else {
            prefix = bits
        }
        blocks.append(Block(bytes: bytes, prefix: prefix))
        return nil
    }

    public func allows(_ address: String) -> Bool {
        guard var bytes = Self.parse(address) else { return false }
        // An IPv4 address mapped into IPv6 (::ffff:a.b.c.d) is that IPv4 address.
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { bytes = Array(bytes[12...]) }
        if bytes.count == 4, bytes[0] == 127 { return true }
        if bytes.count == 16, bytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
        return blocks.contains { block in
            guard block.bytes.count == bytes.count else { return false }
            var remaining = block.prefix
            for (a, b) in zip(block.bytes, bytes) where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : UInt8(truncatingIfNeeded: 0xFF << (8 - remaining))
                if a & mask != b & mask { return false }
                remaining -= 8
            }
            return true
        }
    }

    /// An IPv4 or IPv6 address as bytes.
    static func parse(_ text: String) -> [UInt8]? {
        if text.contains(":") { return parseIPv6(text) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let value = UInt8(part) else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    static func parseIPv6(_ text: String) -> [UInt8]? {
        var text = text
        // A dotted IPv4 tail (::ffff:10.0.0.1) is two groups.
        if let colon = text.lastIndex(of: ":"), text[colon...].contains(".") {
            guard let v4 = parse(String(text[text.index(after: colon)...])), v4.count == 4 else { return nil }
            text = String(text[...colon]) + String(UInt16(v4[0]) << 8 | UInt16(v4[1]), radix: 16) + ":"
                + String(UInt16(v4[2]) << 8 | UInt16(v4[3]), radix: 16)
        }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            var result: [UInt16] = []
            for group in part.split(separator: ":", omittingEmptySubsequences: false) {
                guard !group.isEmpty, group.count <= 4, let value = UInt16(group, radix: 16) else { return nil }
                result.append(value)
            }
            return result
        }
        var words: [UInt16]
        if halves.count == 2 {
            guard let head = groups(halves[0]), let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            words = head + [UInt16](repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard let all = groups(halves[0]), all.count == 8 else { return nil }
            words = all
        }
        return words.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }
    }
}

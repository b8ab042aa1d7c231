/// Bytes from the manager into messages: the banner line first
/// (`Asterisk Call Manager/9.0.0`), then `Key: Value` lines ended by a blank
/// line. Lines end with CRLF (a bare LF is accepted). A line or message
/// past the limits is a protocol error, never unbounded memory.
public struct AMIFramer: Sendable {
    public enum Item: Sendable, Equatable {
        case banner(String)
        case message(AMIMessage)
    }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case lineTooLong
        case messageTooLarge
        public var description: String {
            switch self {
            case .lineTooLong: return "the manager sent a line longer than 8 KiB"
            case .messageTooLarge: return "the manager sent a message of more than 500 lines"
            }
        }
    }

    static let maxLine = 8 * 1024
    static let maxFields = 500

    var line: [UInt8] = []
    var fields: [(String, String)] = []
    var sawBanner = false

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(Problem) -> [Item] {
        var items: [Item] = []
        for byte in bytes {
            guard byte == 0x0A else {
                guard line.count < Self.maxLine else { throw .lineTooLong }
                line.append(byte)
                continue
            }
            if line.last == 0x0D { line.removeLast() }
            let text = String(decoding: line, as: UTF8.self)
            line.removeAll(keepingCapacity: true)
            if !sawBanner {
                sawBanner = true
                items.append(.banner(text))
                continue
            }
            if text.isEmpty {
                if !fields.isEmpty { items.append(.message(AMIMessage(fields))) }
                fields.removeAll()
                continue
            }
            guard fields.count < Self.maxFields else { throw .messageTooLarge }
            if let colon = text.firstIndex(of: ":") {
                let value = text[text.index(after: colon)...].drop { $0 == " " }
                fields.append((String(text[..<colon]), String(value)))
            } else {
                fields.append((text, ""))  // a command's output line: kept, unnamed
            }
        }
        return items
    }
}

import Foundation

/// Where the compiler reads files from: the disk, or (for tests and tools)
/// a set of files held in memory. Only the compiler reads files; the
/// interpreter never does.
public protocol FileSource: Sendable {
    func contents(atPath path: String) -> Data?
    func fileExists(atPath path: String) -> Bool
}

public struct DiskFiles: FileSource {
    public init() {}
    public func contents(atPath path: String) -> Data? { FileManager.default.contents(atPath: path) }
    public func fileExists(atPath path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}

/// Files in memory, keyed by path (`/flows/hotline.yaml`).
public struct MemoryFiles: FileSource {
    public var files: [String: Data]

    public init(_ files: [String: String]) {
        self.files = files.mapValues { Data($0.utf8) }
    }

    public func contents(atPath path: String) -> Data? { files[Self.normalize(path)] }
    public func fileExists(atPath path: String) -> Bool { files[Self.normalize(path)] != nil }

    static func normalize(_ path: String) -> String { (path as NSString).standardizingPath }
}

/// FNV-1a, 64 bits: the content hash that names a machine's version. It
/// identifies a build of a flow, it is not a security boundary.
public struct ContentHash {
    private var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func add(_ text: String) {
        for byte in text.utf8 { mix(byte) }
        mix(0)
    }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01b3
    }

    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

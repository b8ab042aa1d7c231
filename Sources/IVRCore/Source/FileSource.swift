import Foundation

/// Where the compiler reads files from: the disk, or (for tests and tools)
/// a set of files held in memory. Only the compiler reads files; the
/// interpreter never does.
public protocol FileSource: Sendable {
    func contents(atPath path: String) -> Data?
    func fileExists(atPath path: String) -> Bool
    /// A file's size in bytes (recorded audio is listed with its size in
    /// the machine's version); nil when it does not exist.
    func size(atPath path: String) -> Int?
}

public struct DiskFiles: FileSource {
    public init() {}
    public func contents(atPath path: String) -> Data? { FileManager.default.contents(atPath: path) }
    public func fileExists(atPath path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
    public func size(atPath path: String) -> Int? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size].flatMap { ($0 as? NSNumber)?.intValue }
    }
}

/// Files in memory, keyed by path (`/flows/hotline.yaml`).
public struct MemoryFiles: FileSource {
    public var files: [String: Data]

    public init(_ files: [String: String]) {
        self.files = files.mapValues { Data($0.utf8) }
    }

    public func contents(atPath path: String) -> Data? { files[Self.normalize(path)] }
    /// A file, or a directory that holds one.
    public func fileExists(atPath path: String) -> Bool {
        let normalized = Self.normalize(path)
        if files[normalized] != nil { return true }
        let prefix = normalized.hasSuffix("/") ? normalized : normalized + "/"
        return files.keys.contains { $0.hasPrefix(prefix) }
    }

    public func size(atPath path: String) -> Int? { files[Self.normalize(path)]?.count }

    static func normalize(_ path: String) -> String { (path as NSString).standardizingPath }
}

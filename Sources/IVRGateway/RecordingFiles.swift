import Foundation
import IVRCore

/// A `FileSource` that remembers every file the compiler read and its
/// text: the files a version was built from, to keep in the store and to
/// watch for changes.
public final class RecordingFiles: FileSource, @unchecked Sendable {
    // Guarded by `lock`.
    private var read: [String: Data] = [:]
    private let lock = NSLock()
    private let base: FileSource

    public init(_ base: FileSource = DiskFiles()) {
        self.base = base
    }

    public func contents(atPath path: String) -> Data? {
        let data = base.contents(atPath: path)
        if let data {
            lock.lock()
            read[path] = data
            lock.unlock()
        }
        return data
    }

    public func fileExists(atPath path: String) -> Bool { base.fileExists(atPath: path) }
    public func size(atPath path: String) -> Int? { base.size(atPath: path) }

    /// Every file read, by absolute path.
    public var files: [String: Data] {
        lock.lock()
        defer { lock.unlock() }
        return read
    }
}

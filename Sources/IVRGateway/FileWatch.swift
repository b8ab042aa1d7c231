import Foundation

/// The files a gateway serves as last seen: each file's size and time of
/// change, and the flow files under the paths it was given (a new flow
/// file is a change too). Comparing two snapshots says whether to reload.
/// Polled (every second) rather than inotify: the same on Linux and macOS,
/// and it sees editors that save by renaming and mounted configuration
/// swapped by symlink.
public struct FileWatch: Sendable, Equatable {
    struct Stamp: Sendable, Equatable {
        var size: Int
        var modified: Double
    }

    /// File → stamp; nil when the file is missing.
    var stamps: [String: Stamp?] = [:]

    public init() {}

    public static func snapshot(paths: [String], files: [String]) -> FileWatch {
        var watch = FileWatch()
        for file in Set(files + FlowLibrary.flowFiles(paths).map { ($0 as NSString).standardizingPath }) {
            let path = file.hasPrefix("/") ? file : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(file)
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let stamp = attributes.map {
                Stamp(size: ($0[.size] as? NSNumber)?.intValue ?? 0, modified: ($0[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)
            }
            watch.stamps[(path as NSString).standardizingPath] = .some(stamp)
        }
        return watch
    }

    /// The first file (by name) that differs between the two, or nil.
    public func changed(from other: FileWatch) -> String? {
        let names = Set(stamps.keys).union(other.stamps.keys).sorted()
        return names.first { stamps[$0] ?? nil != other.stamps[$0] ?? nil }.map { ($0 as NSString).lastPathComponent }
    }
}

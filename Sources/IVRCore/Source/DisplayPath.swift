import Foundation

/// How files are named to people: relative to a directory when inside it.
public enum DisplayPath {
    public static func relative(_ path: String, to directory: String) -> String {
        let base = (directory as NSString).standardizingPath
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }
}

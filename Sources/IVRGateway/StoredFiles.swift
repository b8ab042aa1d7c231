import Foundation
import IVRCore

/// A version's files as the store kept them, over the disk: the flow,
/// catalogs, data and knowledge files come from the store (whatever the
/// disk holds now); what the store does not keep, the recordings, is looked
/// up on the disk (their sizes are part of the version).
struct StoredFiles: FileSource {
    let files: [String: Data]
    private let disk = DiskFiles()

    func contents(atPath path: String) -> Data? { files[(path as NSString).standardizingPath] }

    func fileExists(atPath path: String) -> Bool {
        files[(path as NSString).standardizingPath] != nil || disk.fileExists(atPath: path)
    }

    func size(atPath path: String) -> Int? {
        files[(path as NSString).standardizingPath]?.count ?? disk.size(atPath: path)
    }
}

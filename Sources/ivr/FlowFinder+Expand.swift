import Foundation
import IVRCore
import IVRTools

extension FlowFinder {
    /// The files named on the command line: a file as it is, a directory
    /// as the files `search` finds under it; a path that does not exist is
    /// a usage error.
    /// `keep` decides for a file named on its own (`ivr check Flows/*.yaml`
    /// names data and scenario files too).
    static func expand(_ paths: [String], keep: (String) -> Bool = { _ in true }, search: (String) -> [String]) throws -> [String] {
        try paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw Console.fail("no such file or directory '\(path)'", code: ExitStatus.usage)
            }
            return isDirectory.boolValue ? search(path) : (keep(path) ? [path] : [])
        }
    }

}

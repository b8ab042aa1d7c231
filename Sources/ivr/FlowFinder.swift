import Foundation
import IVRCore
import IVRTools

/// Finds flow and scenario files under a directory.
enum FlowFinder {
    static let resourceSuffixes = [".kb.yaml", ".data.yaml", ".test.yaml", ".callers.yaml"]

    /// YAML files that hold a flow (a top-level `flow:` or `states:` key);
    /// catalogs, knowledge bases, data and scenarios are left out.
    static func flows(under directory: String) -> [String] {
        yamlFiles(under: directory).filter { path in
            guard !resourceSuffixes.contains(where: path.hasSuffix),
                  let data = FileManager.default.contents(atPath: path) else { return false }
            let text = String(decoding: data, as: UTF8.self)
            return text.split(separator: "\n").contains { $0.hasPrefix("flow:") || $0.hasPrefix("states:") }
        }
    }

    static func knowledgeBases(under directory: String) -> [String] {
        yamlFiles(under: directory).filter { $0.hasSuffix(".kb.yaml") }
    }

    static func scenarios(under directory: String) -> [String] {
        yamlFiles(under: directory).filter { $0.hasSuffix(".test.yaml") }
    }

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

    /// Data, scenario and caller-model files are not flows, whatever path
    /// names them.
    static func isCheckable(_ path: String) -> Bool {
        !path.hasSuffix(".data.yaml") && !path.hasSuffix(".test.yaml") && !path.hasSuffix(".callers.yaml")
    }

    static func yamlFiles(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var result: [String] = []
        while let item = enumerator.nextObject() as? String {
            if item.hasSuffix(".yaml") || item.hasSuffix(".yml") {
                result.append((directory as NSString).appendingPathComponent(item))
            }
        }
        return result.sorted()
    }
}

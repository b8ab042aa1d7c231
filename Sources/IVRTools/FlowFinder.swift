import Foundation

/// Finds flow, knowledge-base and scenario files under a directory, by
/// name and first lines (the command line and the gateways both serve
/// "every flow under this directory").
public enum FlowFinder {
    public static let resourceSuffixes = [".kb.yaml", ".data.yaml", ".test.yaml", ".callers.yaml", ".campaign.yaml"]

    /// YAML files that hold a flow (a top-level `flow:` or `states:` key);
    /// catalogs, knowledge bases, data and scenarios are left out.
    public static func flows(under directory: String) -> [String] {
        yamlFiles(under: directory).filter { path in
            guard !resourceSuffixes.contains(where: path.hasSuffix),
                  let data = FileManager.default.contents(atPath: path) else { return false }
            let text = String(decoding: data, as: UTF8.self)
            return text.split(separator: "\n").contains { $0.hasPrefix("flow:") || $0.hasPrefix("states:") }
        }
    }

    public static func knowledgeBases(under directory: String) -> [String] {
        yamlFiles(under: directory).filter { $0.hasSuffix(".kb.yaml") }
    }

    public static func campaigns(under directory: String) -> [String] {
        yamlFiles(under: directory).filter { $0.hasSuffix(".campaign.yaml") }
    }

    public static func scenarios(under directory: String) -> [String] {
        yamlFiles(under: directory).filter { $0.hasSuffix(".test.yaml") }
    }

    /// Data, scenario and caller-model files are not flows, whatever path
    /// names them.
    public static func isCheckable(_ path: String) -> Bool {
        !path.hasSuffix(".data.yaml") && !path.hasSuffix(".test.yaml") && !path.hasSuffix(".callers.yaml")
    }

    public static func yamlFiles(under directory: String) -> [String] {
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

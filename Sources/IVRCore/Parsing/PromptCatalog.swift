import Foundation
import Yams

/// One language's prompts: `Prompts/<tag>.yaml`, nested mappings flattened
/// into dotted keys (`main: {menu: ...}` is `main.menu`).
public struct PromptCatalog {
    public static let audioExtensions = ["wav", "mp3", "gsm", "sln", "ulaw", "alaw"]

    public var language: String
    public var path: String
    public var entries: [String: Located<String>] = [:]
    /// `<dir>/<tag>/` when it exists (checked once, at load): recorded audio.
    var audioDirectory: String?

    /// Loads `<directory>/<language>.yaml`; nil (with a diagnostic) when it is
    /// missing or broken. `mark` is where the flow names the language.
    public static func load(directory: String, language: String, display: (String) -> String,
                            mark: SourceMark, files: FileSource, bag: DiagnosticBag,
                            sources: inout [String]) -> PromptCatalog? {
        let path = (directory as NSString).appendingPathComponent("\(language).yaml")
        guard files.fileExists(atPath: path) else {
            bag.report(.noPromptCatalog(language, expected: display(path)), at: mark)
            return nil
        }
        let local = DiagnosticBag()
        guard let document = YAMLDocument.load(path: path, displayName: display(path), files: files, into: local) else {
            bag.add(contentsOf: local.diagnostics)
            return nil
        }
        sources.append(document.text)
        var catalog = PromptCatalog(language: language, path: path)
        let audio = (directory as NSString).appendingPathComponent(language)
        catalog.audioDirectory = files.fileExists(atPath: audio) ? audio : nil
        if let root = document.root {
            catalog.flatten(root, prefix: "", reader: NodeReader(file: document.file, bag: local))
        }
        bag.add(contentsOf: local.diagnostics)
        return catalog
    }

    mutating func flatten(_ node: Node, prefix: String, reader: NodeReader) {
        guard let entries = reader.entries(node, prefix.isEmpty ? "the catalog" : "'\(prefix)'") else { return }
        for entry in entries {
            let key = prefix.isEmpty ? entry.key.value : "\(prefix).\(entry.key.value)"
            switch entry.value {
            case .mapping:
                flatten(entry.value, prefix: key, reader: reader)
            default:
                if let text = reader.string(entry.value, "the prompt '\(key)'") {
                    self.entries[key] = text
                }
            }
        }
    }

    /// The recorded audio for a key, if a file `<dir>/<tag>/<key>.<ext>`
    /// exists: its file name, format and size in bytes.
    public func audio(for key: String, files: FileSource) -> (file: String, format: String, size: Int)? {
        guard let directory = audioDirectory else { return nil }
        for ext in Self.audioExtensions {
            let candidate = (directory as NSString).appendingPathComponent("\(key).\(ext)")
            if let size = files.size(atPath: candidate) {
                return ("\(key).\(ext)", ext, size)
            }
        }
        return nil
    }
}

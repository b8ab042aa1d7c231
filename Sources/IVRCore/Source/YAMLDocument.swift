import Foundation
import Yams

/// A YAML file read through Yams (libyaml), with every failure turned into a
/// diagnostic at its line and column. Hostile input is bounded here: a
/// document that nests deeper than `YAMLShape.maxDepth` levels or whose
/// aliases expand past `maxNodes` nodes is refused before a tree exists.
public struct YAMLDocument {
    public static let maxNodes = 1_000_000
    public static let maxBytes = 16 * 1024 * 1024

    public let file: String
    public let root: Node?
    public let text: String

    /// Reads and parses `path`; `displayName` is how diagnostics name the file.
    public static func load(path: String, displayName: String? = nil, files: FileSource = DiskFiles(),
                            into bag: DiagnosticBag) -> YAMLDocument? {
        let name = displayName ?? path
        guard let data = files.contents(atPath: path) else {
            bag.report(files.fileExists(atPath: path) ? .fileUnreadable(name) : .fileNotFound(name), at: SourceMark(file: name, line: 1, column: 1))
            return nil
        }
        return parse(data: data, file: name, into: bag)
    }

    public static func parse(data: Data, file: String, into bag: DiagnosticBag) -> YAMLDocument? {
        guard data.count <= maxBytes else {
            bag.report(.fileTooLarge(bytes: data.count, limit: maxBytes), at: SourceMark(file: file, line: 1, column: 1))
            return nil
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            let offset = firstInvalidUTF8Offset(data)
            bag.report(.notUTF8(offset: offset), at: markOf(byteOffset: offset, in: data, file: file))
            return nil
        }
        return parse(text: text, file: file, into: bag)
    }

    public static func parse(text: String, file: String, into bag: DiagnosticBag) -> YAMLDocument? {
        // Measured before Yams composes a tree: aliases can make a small
        // text nest without bound or expand past any budget (YAMLShape).
        if YAMLShape.needsMeasuring(text) {
            do {
                try YAMLShape.check(text, maxNodes: maxNodes)
            } catch {
                bag.report(error.message, at: SourceMark(file: file, line: error.line, column: error.column))
                return nil
            }
        }
        let root: Node?
        do {
            root = try Parser(yaml: text).singleRoot()
        } catch let error as YamlError {
            bag.add(diagnostic(for: error, text: text, file: file))
            return nil
        } catch {
            bag.report(.yamlSyntax("\(error)"), at: SourceMark(file: file, line: 1, column: 1))
            return nil
        }
        return YAMLDocument(file: file, root: root, text: text)
    }

    // MARK: - Errors from libyaml

    static func diagnostic(for error: YamlError, text: String, file: String) -> Diagnostic {
        func at(_ mark: Mark) -> SourceMark { SourceMark(file: file, line: max(1, mark.line), column: max(1, mark.column)) }
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            if let context, context.text.contains("alias"), let key = unquotedKey("*", line: context.mark.line, in: text) {
                // `*: back` in options: YAML reads `*` as the start of an alias.
                return Diagnostic(.unquotedStarKey(key),
                                  at: SourceMark(file: file, line: context.mark.line, column: max(1, context.mark.column)))
            }
            var problem = problem
            if let context, !context.text.isEmpty { problem += " (\(context.text) at line \(context.mark.line))" }
            return Diagnostic(.yamlSyntax(problem), at: at(mark))
        case let .reader(problem, offset, _, _):
            let data = Data(text.utf8)
            return Diagnostic(.yamlSyntax(problem), at: markOf(byteOffset: offset ?? 0, in: data, file: file))
        case let .duplicatedKeysInMapping(duplicates, context):
            let key = duplicates.first ?? ""
            if let second = secondOccurrence(of: key, after: context.mark, in: text) {
                return Diagnostic(.duplicateKey(key, firstLine: context.mark.line),
                                  at: SourceMark(file: file, line: second.line, column: second.column))
            }
            return Diagnostic(.duplicateKey(key, firstLine: nil), at: at(context.mark))
        default:
            return Diagnostic(.yamlSyntax("\(error)"), at: SourceMark(file: file, line: 1, column: 1))
        }
    }

    /// The value after an unquoted `key:` at the start of line `line` (1-based), if it is there.
    static func unquotedKey(_ key: String, line: Int, in text: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count else { return nil }
        let content = lines[line - 1].drop { $0 == " " || $0 == "-" || $0 == "{" || $0 == "," }
        guard content.hasPrefix(key) else { return nil }
        let rest = content.dropFirst(key.count).drop { $0 == " " }
        guard rest.hasPrefix(":") else { return nil }
        let value = rest.dropFirst().trimmingCharacters(in: .whitespaces)
        return value.isEmpty ? "..." : String(value.prefix { $0 != "}" && $0 != "," && $0 != "#" }).trimmingCharacters(in: .whitespaces)
    }

    /// Lines whose text starts with an unquoted `#:`: YAML reads the option
    /// as a comment and it vanishes. (line, column, the value written).
    static func commentedOptions(in text: String) -> [(line: Int, column: Int, value: String)] {
        var found: [(Int, Int, String)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = line.prefix { $0 == " " }.count
            let content = line.dropFirst(indent)
            guard content.hasPrefix("#"), let value = unquotedKey("#", line: index + 1, in: text), value != "..." else { continue }
            found.append((index + 1, indent + 1, value))
        }
        return found
    }

    /// Yams reports a duplicated key at its first occurrence; the author wants
    /// the second one. In block style it is the next line that starts at the
    /// same column with the same key, before the mapping's indentation ends.
    static func secondOccurrence(of key: String, after first: Mark, in text: String) -> (line: Int, column: Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard first.line >= 1, first.line < lines.count else { return nil }
        let spellings = [key, "\"\(key)\"", "'\(key)'"]
        for index in first.line..<lines.count {
            let line = lines[index]
            let indent = line.prefix { $0 == " " }.count
            let rest = line.dropFirst(indent)
            if rest.isEmpty || rest.hasPrefix("#") { continue }
            if indent + 1 < first.column { return nil }
            guard indent + 1 == first.column else { continue }
            for spelling in spellings where rest.hasPrefix(spelling) {
                let after = rest.dropFirst(spelling.count).drop { $0 == " " }
                if after.hasPrefix(":") { return (index + 1, first.column) }
            }
        }
        return nil
    }

    /// Where the first byte that is not valid UTF-8 stands (for the message).
    static func firstInvalidUTF8Offset(_ data: Data) -> Int {
        let bytes = [UInt8](data)
        var index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length: Int
            switch lead {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return index
            }
            guard index + length <= bytes.count else { return index }
            for next in bytes[(index + 1)..<(index + length)] where next & 0xC0 != 0x80 { return index }
            index += length
        }
        return bytes.count
    }

    static func markOf(byteOffset: Int, in data: Data, file: String) -> SourceMark {
        var line = 1, column = 1
        for byte in data.prefix(byteOffset) {
            if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
        }
        return SourceMark(file: file, line: line, column: column)
    }
}

import Yams

/// One `key: value` pair of a YAML mapping, with the key's mark.
public struct YAMLEntry {
    public var key: Located<String>
    public var value: Node
}

/// Typed, checked access to YAML nodes. Every read that fails records a
/// diagnostic at the offending node and returns nil, so parsers can go on
/// and report every mistake of a file in one run. Scalars are always taken
/// as their source text (`yes`, `010` and `2026-12-25` stay strings).
public struct NodeReader {
    public let file: String
    public let bag: DiagnosticBag

    public init(file: String, bag: DiagnosticBag) {
        self.file = file
        self.bag = bag
    }

    public func mark(_ node: Node) -> SourceMark {
        let mark = node.mark
        return SourceMark(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    public func report(_ message: DiagnosticMessage, at node: Node) { bag.report(message, at: mark(node)) }

    static func kindName(_ node: Node) -> String {
        switch node {
        case .scalar: return "a text value"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .alias: return "an alias"
        }
    }

    /// A scalar's text; `what` names the value in the error ("'prompt'").
    public func string(_ node: Node, _ what: String) -> Located<String>? {
        guard case .scalar(let scalar) = node else {
            report(.wrongType(what, expected: "a text value", actual: Self.kindName(node)), at: node)
            return nil
        }
        return Located(scalar.string, at: mark(node))
    }

    /// A text value or a list of them (`say: welcome` or `say: [a, b]`).
    public func strings(_ node: Node, _ what: String) -> [Located<String>]? {
        switch node {
        case .scalar:
            return string(node, what).map { [$0] }
        case .sequence(let sequence):
            var result: [Located<String>] = []
            for item in sequence {
                guard let value = string(item, "each item of \(what)") else { return nil }
                result.append(value)
            }
            return result
        default:
            report(.wrongType(what, expected: "a text value or a list", actual: Self.kindName(node)), at: node)
            return nil
        }
    }

    public func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            report(.wrongType(what, expected: "a list", actual: Self.kindName(node)), at: node)
            return nil
        }
        return Array(sequence)
    }

    /// A mapping's pairs in order. Keys must be text; a key written twice
    /// (`"1"` and `1` are the same key here) is an error at its second place.
    public func entries(_ node: Node, _ what: String) -> [YAMLEntry]? {
        guard case .mapping(let mapping) = node else {
            report(.wrongType(what, expected: "a mapping", actual: Self.kindName(node)), at: node)
            return nil
        }
        var result: [YAMLEntry] = []
        var seen: [String: SourceMark] = [:]
        for (key, value) in mapping {
            guard let name = string(key, "a key in \(what)") else { continue }
            if let first = seen[name.value] {
                bag.report(.duplicateKey(name.value, firstLine: first.line), at: name.mark)
                continue
            }
            seen[name.value] = name.mark
            result.append(YAMLEntry(key: name, value: value))
        }
        return result
    }

    /// A mapping whose keys must come from `allowed`; unknown keys are errors
    /// with a suggestion. `what` names the mapping ("menu 'main'").
    public func fields(_ node: Node, _ what: String, allowed: [String]) -> Fields? {
        guard let list = entries(node, what) else { return nil }
        var fields = Fields(node: node, mark: mark(node), entries: [:])
        for entry in list {
            if allowed.contains(entry.key.value) {
                fields.entries[entry.key.value] = entry
            } else {
                bag.report(.unknownKey(entry.key.value, in: what, suggestion: Suggestion.closest(to: entry.key.value, in: allowed)),
                           at: entry.key.mark)
            }
        }
        return fields
    }

    public struct Fields {
        public var node: Node
        public var mark: SourceMark
        public var entries: [String: YAMLEntry]

        public subscript(_ key: String) -> Node? { entries[key]?.value }
        public func has(_ key: String) -> Bool { entries[key] != nil }
        public func keyMark(_ key: String) -> SourceMark? { entries[key]?.key.mark }
    }

    /// `true` or `false`, nothing else.
    public func bool(_ node: Node, _ what: String) -> Located<Bool>? {
        guard let text = string(node, what) else { return nil }
        switch text.value {
        case "true": return Located(true, at: text.mark)
        case "false": return Located(false, at: text.mark)
        default:
            bag.report(.notBoolean(what, text.value), at: text.mark)
            return nil
        }
    }

    /// A whole number in `range`.
    public func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Located<Int>? {
        guard let text = string(node, what) else { return nil }
        guard let value = Int(text.value), text.value.allSatisfy(\.isASCII) else {
            bag.report(.notWholeNumber(what, text.value), at: text.mark)
            return nil
        }
        guard range.contains(value) else {
            bag.report(.numberOutOfRange(what, range, value), at: text.mark)
            return nil
        }
        return Located(value, at: text.mark)
    }

    /// A duration (`500ms`, `5s`, `2m`) in milliseconds, more than zero.
    public func duration(_ node: Node, _ what: String) -> Located<Int>? {
        guard let text = string(node, what) else { return nil }
        guard let milliseconds = Duration.milliseconds(text.value) else {
            bag.report(.badDuration(what, text.value), at: text.mark)
            return nil
        }
        guard milliseconds > 0 else {
            bag.report(.durationNotPositive(what), at: text.mark)
            return nil
        }
        return Located(milliseconds, at: text.mark)
    }
}

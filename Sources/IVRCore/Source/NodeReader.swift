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

    public func error(_ message: String, at node: Node) { bag.error(message, at: mark(node)) }

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
            error("\(what) must be a text value, not \(Self.kindName(node))", at: node)
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
            error("\(what) must be a text value or a list, not \(Self.kindName(node))", at: node)
            return nil
        }
    }

    public func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            error("\(what) must be a list, not \(Self.kindName(node))", at: node)
            return nil
        }
        return Array(sequence)
    }

    /// A mapping's pairs in order. Keys must be text; a key written twice
    /// (`"1"` and `1` are the same key here) is an error at its second place.
    public func entries(_ node: Node, _ what: String) -> [YAMLEntry]? {
        guard case .mapping(let mapping) = node else {
            error("\(what) must be a mapping, not \(Self.kindName(node))", at: node)
            return nil
        }
        var result: [YAMLEntry] = []
        var seen: [String: SourceMark] = [:]
        for (key, value) in mapping {
            guard let name = string(key, "a key in \(what)") else { continue }
            if let first = seen[name.value] {
                bag.error("duplicate key '\(name.value)' (first written at line \(first.line))", at: name.mark)
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
                bag.error("unknown key '\(entry.key.value)' in \(what)\(Suggestion.hint(for: entry.key.value, in: allowed))",
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
            bag.error("\(what) must be true or false, not '\(text.value)'", at: text.mark)
            return nil
        }
    }

    /// A whole number in `range`.
    public func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Located<Int>? {
        guard let text = string(node, what) else { return nil }
        guard let value = Int(text.value), text.value.allSatisfy(\.isASCII) else {
            bag.error("\(what) must be a whole number, not '\(text.value)'", at: text.mark)
            return nil
        }
        guard range.contains(value) else {
            let bound = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            bag.error("\(what) must be \(bound), not \(value)", at: text.mark)
            return nil
        }
        return Located(value, at: text.mark)
    }

    /// A duration (`500ms`, `5s`, `2m`) in milliseconds, more than zero.
    public func duration(_ node: Node, _ what: String) -> Located<Int>? {
        guard let text = string(node, what) else { return nil }
        guard let milliseconds = Duration.milliseconds(text.value) else {
            bag.error("bad duration '\(text.value)' for \(what): write a number with ms, s or m, such as 500ms, 5s or 2m", at: text.mark)
            return nil
        }
        guard milliseconds > 0 else {
            bag.error("\(what) must be longer than 0", at: text.mark)
            return nil
        }
        return Located(milliseconds, at: text.mark)
    }
}

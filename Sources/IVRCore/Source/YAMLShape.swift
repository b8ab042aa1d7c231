import CYaml

/// Measures a YAML text's shape from libyaml's events before any tree is
/// built: its nesting depth and node count with every alias expanded. A
/// chain of anchors can make a small text nest thousands of levels deep or
/// expand to billions of nodes; measured here, iteratively and with memory
/// bounded by the number of anchors, such a document is refused before
/// Yams composes it (and before its duplicate-key check hashes an alias
/// bomb) and before anything walks or frees a deep tree.
enum YAMLShape {
    struct Refusal: Error {
        var message: DiagnosticMessage
        var line: Int
        var column: Int
    }

    /// Nothing in a flow, catalog, knowledge base or data file nests
    /// anywhere near this deep; it keeps every recursive walk (ours, Yams',
    /// and the tree's deinit) shallow.
    static let maxDepth = 200

    /// A cheap look at the bytes: only a text that could hold an alias
    /// (`&`), or nest deeper than the limit by indentation or brackets, is
    /// measured exactly (libyaml itself refuses more than 1000 levels).
    static func needsMeasuring(_ text: String) -> Bool {
        var indent = 0, atLineStart = true, brackets = 0
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): return true
            case UInt8(ascii: "\n"): atLineStart = true; indent = 0
            case UInt8(ascii: " ") where atLineStart:
                indent += 1
                if indent > maxDepth { return true }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                atLineStart = false
                brackets += 1
                if brackets > maxDepth { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                atLineStart = false
                brackets -= 1
            default:
                atLineStart = false
            }
        }
        return false
    }

    /// Throws a refusal when the document nests deeper than `maxDepth` or
    /// expands past `maxNodes`; returns quietly on a syntax error, which the
    /// real parse reports with its own message.
    static func check(_ text: String, maxNodes: Int) throws(Refusal) {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return }
        defer { yaml_parser_delete(&parser) }
        var bytes = Array(text.utf8)
        struct Frame { var anchor: String?; var depth = 0; var nodes = 1 }
        var stack: [Frame] = []
        var anchors: [String: (depth: Int, nodes: Int)] = [:]
        var total = 0
        try bytes.withUnsafeMutableBufferPointer { (buffer: inout UnsafeMutableBufferPointer<UInt8>) throws(Refusal) in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var event = yaml_event_t()
            func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
                pointer.map { String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self)) }
            }
            /// A finished node (depth in levels of collections, nodes expanded).
            func finished(depth: Int, nodes: Int, anchor: String?, line: Int, column: Int) throws(Refusal) {
                if depth > maxDepth {
                    throw Refusal(message: .yamlTooDeep(maxDepth), line: line, column: column)
                }
                if let anchor { anchors[anchor] = (depth, nodes) }
                if stack.isEmpty {
                    total = total.addingReportingOverflow(nodes).overflow ? Int.max : total + nodes
                } else {
                    let last = stack.count - 1
                    stack[last].depth = max(stack[last].depth, depth)
                    let sum = stack[last].nodes.addingReportingOverflow(nodes)
                    stack[last].nodes = sum.overflow ? Int.max : sum.partialValue
                    if stack[last].nodes > maxNodes {
                        throw Refusal(message: .yamlTooLarge(maxNodes), line: line, column: column)
                    }
                }
                if total > maxNodes {
                    throw Refusal(message: .yamlTooLarge(maxNodes), line: line, column: column)
                }
            }
            while true {
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let line = Int(event.start_mark.line) + 1, column = Int(event.start_mark.column) + 1
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return
                case YAML_SEQUENCE_START_EVENT:
                    stack.append(Frame(anchor: name(event.data.sequence_start.anchor)))
                    if stack.count > maxDepth {
                        throw Refusal(message: .yamlTooDeep(maxDepth), line: line, column: column)
                    }
                case YAML_MAPPING_START_EVENT:
                    stack.append(Frame(anchor: name(event.data.mapping_start.anchor)))
                    if stack.count > maxDepth {
                        throw Refusal(message: .yamlTooDeep(maxDepth), line: line, column: column)
                    }
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    guard let frame = stack.popLast() else { return }
                    try finished(depth: frame.depth + 1, nodes: frame.nodes, anchor: frame.anchor, line: line, column: column)
                case YAML_SCALAR_EVENT:
                    try finished(depth: 0, nodes: 1, anchor: name(event.data.scalar.anchor), line: line, column: column)
                case YAML_ALIAS_EVENT:
                    guard let anchor = name(event.data.alias.anchor), let shape = anchors[anchor] else { return }
                    // The alias stands for the whole anchored node; the
                    // stack of open collections adds to its depth.
                    if stack.count + shape.depth > maxDepth {
                        throw Refusal(message: .yamlTooDeep(maxDepth), line: line, column: column)
                    }
                    try finished(depth: shape.depth, nodes: shape.nodes, anchor: nil, line: line, column: column)
                default:
                    break
                }
            }
        }
    }
}

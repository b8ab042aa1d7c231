/// Text with placeholders, parsed once at compile time: `{name}`,
/// `{name.field}`, `{name:digits}`, `{name:amount}`. A brace that does not
/// open a placeholder of that form is kept as text.
public struct Template: Sendable, Hashable, Codable {
    public enum Format: String, Sendable, Hashable, Codable {
        case plain, digits, amount
    }

    public enum Piece: Sendable, Hashable, Codable {
        case text(String)
        case value(variable: String, field: String?, format: Format)
    }

    public var pieces: [Piece]
    /// The text itself when there is no placeholder: plays need no rendering.
    public let literal: String?

    public init(_ source: String) {
        var pieces: [Piece] = []
        var text = ""
        var rest = Substring(source)
        // One pass: a placeholder's body holds no brace, so the search for
        // its `}` stops at the next `{` (40,000 `{` took 20 s when each one
        // searched to the end of the text).
        while let open = rest.firstIndex(of: "{") {
            text += rest[..<open]
            let after = rest[rest.index(after: open)...]
            let stop = after.firstIndex { $0 == "{" || $0 == "}" }
            if let close = stop, after[close] == "}", let piece = Self.placeholder(after[..<close]) {
                if !text.isEmpty { pieces.append(.text(text)); text = "" }
                pieces.append(piece)
                rest = after[after.index(after: close)...]
            } else {
                text += "{"
                rest = after
            }
        }
        text += rest
        if !text.isEmpty { pieces.append(.text(text)) }
        self.pieces = pieces
        switch pieces.count {
        case 0: literal = ""
        case 1: if case .text(let only) = pieces[0] { literal = only } else { literal = nil }
        default: literal = nil
        }
    }

    private static func placeholder(_ body: Substring) -> Piece? {
        let formatSplit = body.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        var format = Format.plain
        if formatSplit.count == 2 {
            guard let parsed = Format(rawValue: String(formatSplit[1])), parsed != .plain else { return nil }
            format = parsed
        }
        let path = formatSplit[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard path.allSatisfy(isIdentifier) else { return nil }
        return .value(variable: String(path[0]), field: path.count == 2 ? String(path[1]) : nil, format: format)
    }

    /// Placeholders written with a format that does not exist, as
    /// (`{x:money}`, `money`): such text is read out literally, so the
    /// compiler reports it.
    public static func unknownFormats(in source: String) -> [(placeholder: String, format: String)] {
        var found: [(String, String)] = []
        var rest = Substring(source)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let stop = after.firstIndex(where: { $0 == "{" || $0 == "}" }) else { break }
            if after[stop] == "}" {
                let parts = after[..<stop].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                let path = parts[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
                if parts.count == 2, path.allSatisfy(isIdentifier), isIdentifier(parts[1]),
                   Format(rawValue: String(parts[1])) == nil || parts[1] == "plain" {
                    found.append(("{" + after[..<stop] + "}", String(parts[1])))
                }
            }
            rest = after[stop...]
        }
        return found
    }

    static func isIdentifier(_ text: Substring) -> Bool {
        guard let first = text.first, first.isLetter || first == "_" else { return false }
        return text.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// The variables the placeholders read (roots of `name.field`).
    public var variables: [String] {
        pieces.compactMap { if case .value(let name, _, _) = $0 { return name } else { return nil } }
    }

    public var isPlainText: Bool { literal != nil }

    /// Fills the placeholders. `value` returns a variable's (or field's)
    /// text, nil when unset; `mask` returns true for a variable whose value
    /// must be written `***` (sensitive values in traces).
    public func render(value: (String, String?) -> String?, mask: (String) -> Bool = { _ in false }) -> String {
        if let literal { return literal }
        var result = ""
        for piece in pieces {
            switch piece {
            case .text(let text):
                result += text
            case .value(let name, let field, let format):
                if mask(name) { result += "***"; continue }
                let raw = value(name, field) ?? ""
                switch format {
                case .plain: result += raw
                case .digits: result += Numbers.digits(raw)
                case .amount: result += Numbers.amount(raw)
                }
            }
        }
        return result
    }
}

/// Text with placeholders, parsed once at compile time: `{name}`,
/// `{name.field}`, `{name:digits}`, `{name:amount}`. A brace that does not
/// open a placeholder of that form is kept as text.
public struct Template: Sendable, Hashable, Codable {
    public enum Format: String, Sendable, Hashable, Codable, CaseIterable {
        case plain, digits, amount
    }

    /// The formats a placeholder can name: `digits`, `amount`.
    public static let formats = Format.allCases.filter { $0 != .plain }.map(\.rawValue)

    public enum Piece: Sendable, Hashable, Codable {
        case text(String)
        case value(variable: String, field: String?, format: Format)
    }

    public var pieces: [Piece]
    /// The text itself when there is no placeholder: plays need no rendering.
    public let literal: String?

    public init(_ source: String) {
        let pieces = Self.scan(source).pieces
        self.pieces = pieces
        switch pieces.count {
        case 0: literal = ""
        case 1: if case .text(let only) = pieces[0] { literal = only } else { literal = nil }
        default: literal = nil
        }
    }

    /// Placeholders written with a format that does not exist, as
    /// (`{x:money}`, `money`): such text is read out literally, so the
    /// compiler reports it.
    public static func unknownFormats(in source: String) -> [(placeholder: String, format: String)] {
        scan(source).unknownFormats
    }

    /// The one reading of a text: its pieces, and the placeholders with an
    /// unknown format that stay text. One pass: a placeholder's body holds
    /// no brace, so the search for its `}` stops at the next `{` (40,000 `{`
    /// took 20 s when each one searched to the end of the text).
    private static func scan(_ source: String) -> (pieces: [Piece], unknownFormats: [(placeholder: String, format: String)]) {
        var pieces: [Piece] = []
        var unknown: [(placeholder: String, format: String)] = []
        var text = ""
        var rest = Substring(source)
        while let open = rest.firstIndex(of: "{") {
            text += rest[..<open]
            let after = rest[rest.index(after: open)...]
            let stop = after.firstIndex { $0 == "{" || $0 == "}" }
            if let close = stop, after[close] == "}" {
                switch body(after[..<close]) {
                case .placeholder(let piece):
                    if !text.isEmpty { pieces.append(.text(text)); text = "" }
                    pieces.append(piece)
                    rest = after[after.index(after: close)...]
                    continue
                case .unknownFormat(let format):
                    unknown.append(("{" + after[..<close] + "}", format))
                case .text:
                    break
                }
            }
            text += "{"
            rest = after
        }
        text += rest
        if !text.isEmpty { pieces.append(.text(text)) }
        return (pieces, unknown)
    }

    private enum Body {
        case placeholder(Piece)
        /// `{name:word}` with a word that is not a format: stays text.
        case unknownFormat(String)
        case text
    }

    private static func body(_ body: Substring) -> Body {
        let formatSplit = body.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let path = formatSplit[0].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard path.allSatisfy(isIdentifier) else { return .text }
        var format = Format.plain
        if formatSplit.count == 2 {
            guard let parsed = Format(rawValue: String(formatSplit[1])), parsed != .plain else {
                return isIdentifier(formatSplit[1]) ? .unknownFormat(String(formatSplit[1])) : .text
            }
            format = parsed
        }
        return .placeholder(.value(variable: String(path[0]), field: path.count == 2 ? String(path[1]) : nil, format: format))
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

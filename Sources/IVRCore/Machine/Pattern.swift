import Foundation

/// A compiled ICU regular expression (`pattern:`, `matches:`) that searches
/// the value; anchor it to match the whole value.
public struct Pattern: @unchecked Sendable {
    // NSRegularExpression is immutable and documented as safe to share
    // between threads, hence the unchecked Sendable.
    public let source: String
    private let regex: NSRegularExpression

    /// Nil with the reason when the expression does not compile.
    public static func compile(_ source: String) -> Result<Pattern, PatternError> {
        do {
            return .success(Pattern(source: source, regex: try NSRegularExpression(pattern: source)))
        } catch {
            return .failure(PatternError(reason: Self.reason(for: source)))
        }
    }

    private init(source: String, regex: NSRegularExpression) {
        self.source = source
        self.regex = regex
    }

    public func matches(_ value: String) -> Bool {
        regex.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
    }

    public struct PatternError: Error {
        public var reason: String
    }

    /// NSRegularExpression's own errors say little; name the usual suspects.
    static func reason(for source: String) -> String {
        var depth = 0
        var escaped = false
        var inClass = false
        for character in source {
            if escaped { escaped = false; continue }
            switch character {
            case "\\": escaped = true
            case "[" where !inClass: inClass = true
            case "]" where inClass: inClass = false
            case "(" where !inClass: depth += 1
            case ")" where !inClass:
                depth -= 1
                if depth < 0 { return "a ')' has no '('" }
            default: break
            }
        }
        if escaped { return "it ends with a lone '\\'" }
        if inClass { return "a '[' is not closed" }
        if depth > 0 { return "a '(' is not closed" }
        return "ICU cannot compile it"
    }
}

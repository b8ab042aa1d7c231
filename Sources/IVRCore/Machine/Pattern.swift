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

    /// ICU reports progress every few thousand backtracking steps; a match
    /// that needs more than this many reports (about a tenth of a second)
    /// gives up and counts as no match. Counted in steps, not time: the
    /// core reads no clock, and the same entry always gives the same answer.
    public static let progressLimit = 256

    /// Whether the pattern finds a match in `value`, within `progressLimit`.
    public func matches(_ value: String) -> Bool {
        var found = false
        var reports = 0
        regex.enumerateMatches(in: value, options: [.reportProgress], range: NSRange(value.startIndex..., in: value)) { result, _, stop in
            if result != nil {
                found = true
                stop.pointee = true
            } else {
                reports += 1
                if reports > Self.progressLimit { stop.pointee = true }
            }
        }
        return found
    }

    /// A repeated group that itself repeats or may match nothing, as in
    /// `(1?){40}` or `(a+)+`: such patterns can backtrack exponentially
    /// on some entries. A heuristic for a compile-time warning.
    public var mayBacktrackExponentially: Bool {
        var open: [Bool] = []  // per open group: does it hold a quantifier yet?
        var justClosedRepeating = false  // the last thing read closed such a group
        var escaped = false, inClass = false
        var previous: Character = " "
        for character in source {
            defer { previous = character }
            if escaped { escaped = false; justClosedRepeating = false; continue }
            if inClass { if character == "]" { inClass = false }; continue }
            switch character {
            case "\\": escaped = true
            case "[": inClass = true
            case "(": open.append(false)
            case ")":
                let held = open.popLast() ?? false
                if held, !open.isEmpty { open[open.count - 1] = true }
                justClosedRepeating = held
                continue
            case "*", "+", "{", "?":
                if character == "?", previous == "(" { break }  // (?: ...) is not a quantifier
                if justClosedRepeating, character != "?" { return true }
                if !open.isEmpty { open[open.count - 1] = true }
            default: break
            }
            justClosedRepeating = false
        }
        return false
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

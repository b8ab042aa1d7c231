/// A diagnostic as swiftc and rustc print it: the `file:line:column` line,
/// then the source line with a caret under the text it is about, the
/// diagnostic's id, and its fix-it.
///
///     Flows/a.yaml:6:38: error: unknown state 'mian' (did you mean 'main'?)
///         6 |     menu: { prompt: hi, options: { "1": mian } }
///           |                                         ^~~~ IVR0101 unknown-state
///           = fix-it: replace with 'main'
public enum DiagnosticExcerpt {
    /// `source`: the text of the diagnostic's file, when it can be read
    /// (without it, only the id and fix-it follow the first line).
    public static func render(_ diagnostic: Diagnostic, source: String?) -> String {
        var lines = [diagnostic.description]
        let number = String(diagnostic.mark.line)
        let gutter = String(repeating: " ", count: number.count + 5)
        if let source, let line = Self.line(diagnostic.mark.line, of: source) {
            let characters = Array(line)
            let start = min(max(diagnostic.mark.column - 1, 0), characters.count)
            let padding = characters[..<start].map { $0 == "\t" ? "\t" : String(repeating: " ", count: width($0)) }.joined()
            let length = tokenLength(characters, from: start)
            let underline = "^" + String(repeating: "~", count: max(0, characters[start..<(start + length)].map(width).reduce(0, +) - 1))
            lines.append("    \(number) | \(line)")
            lines.append("\(gutter)| \(padding)\(underline) \(diagnostic.id.label)")
        } else {
            lines.append("\(gutter)= \(diagnostic.id.label)")
        }
        if let fixIt = diagnostic.fixIt { lines.append("\(gutter)= fix-it: \(fixIt.message)") }
        return lines.joined(separator: "\n")
    }

    /// Line `number` (from 1) of a text, without its line break.
    static func line(_ number: Int, of text: String) -> Substring? {
        guard number >= 1 else { return nil }
        var current = 1
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == "\n" || text[index] == "\r\n" {
                if current == number { return text[start..<index] }
                current += 1
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        return current == number ? text[start..<text.endIndex] : nil
    }

    /// How many characters the caret line underlines: a quoted scalar to
    /// its closing quote, a plain one to the next `,` `]` `}` `#` or `: `,
    /// an opening bracket alone.
    static func tokenLength(_ characters: [Character], from start: Int) -> Int {
        guard start < characters.count else { return 1 }
        let first = characters[start]
        if first == "\"" || first == "'" {
            var index = start + 1
            while index < characters.count, characters[index] != first { index += 1 }
            return min(index, characters.count - 1) - start + 1
        }
        if first == "{" || first == "[" { return 1 }
        if first == "#" || first == "*" { return start + 1 < characters.count && characters[start + 1] == ":" ? 2 : 1 }
        var end = start
        while end < characters.count {
            let character = characters[end]
            if ",]}#".contains(character) { break }
            if character == ":", end + 1 == characters.count || characters[end + 1] == " " { break }
            end += 1
        }
        while end > start + 1, characters[end - 1] == " " { end -= 1 }
        return max(1, end - start)
    }

    /// Terminal cells a character takes: two for East Asian wide ones (the
    /// Chinese of a prompt), one otherwise.
    static func width(_ character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first?.value else { return 1 }
        let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                                           0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                                           0xFFE0...0xFFE6, 0x20000...0x3FFFD]
        return wide.contains { $0.contains(scalar) } ? 2 : 1
    }
}

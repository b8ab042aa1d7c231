/// The commands a gateway sends, formatted as Asterisk reads them: one line
/// ending in `\n` alone (a `\r` would stay in the last argument), arguments
/// separated by spaces, values quoted with `"` and `\` escapes as res_agi's
/// parser expects. A line break inside a value would end the command early,
/// so it becomes a space.
public enum AGICommand: Sendable, Equatable {
    case answer
    /// `STREAM FILE sound "digits"`: the keys that may cut the prompt.
    case streamFile(sound: String, escapeDigits: String)
    /// `WAIT FOR DIGIT ms` (-1 waits for ever).
    case waitForDigit(milliseconds: Int)
    case exec(application: String, arguments: String)
    case setVariable(name: String, value: String)
    case getVariable(name: String)
    case hangup
    case verbose(message: String, level: Int)

    public var line: String {
        switch self {
        case .answer: return "ANSWER\n"
        case let .streamFile(sound, digits): return "STREAM FILE \(Self.word(sound)) \(Self.quoted(digits))\n"
        case .waitForDigit(let milliseconds): return "WAIT FOR DIGIT \(milliseconds)\n"
        case let .exec(application, arguments): return "EXEC \(Self.word(application)) \(Self.quoted(arguments))\n"
        case let .setVariable(name, value): return "SET VARIABLE \(Self.word(name)) \(Self.word(value))\n"
        case .getVariable(let name): return "GET VARIABLE \(Self.word(name))\n"
        case .hangup: return "HANGUP\n"
        case let .verbose(message, level): return "VERBOSE \(Self.quoted(message)) \(level)\n"
        }
    }

    /// Whether the command plays or waits: `result=-1` from one of these is
    /// the caller hanging up (or, for `STREAM FILE`, a missing file).
    public var isMedia: Bool {
        switch self {
        case .streamFile, .waitForDigit: return true
        default: return false
        }
    }

    /// Always quoted: `"a \"b\" c"`.
    public static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            switch character {
            case "\"", "\\": result += "\\" + String(character)
            case "\n", "\r", "\r\n": result += " "
            default: result.append(character)
            }
        }
        return result + "\""
    }

    /// As it is when it holds nothing res_agi would split or unescape
    /// (`abandoned`), else quoted; the empty value is `""`.
    public static func word(_ text: String) -> String {
        let plain = !text.isEmpty && !text.contains { $0 == " " || $0 == "\t" || $0 == "\"" || $0 == "\\" || $0.isNewline }
        return plain ? text : quoted(text)
    }
}

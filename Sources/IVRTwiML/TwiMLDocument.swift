/// A TwiML answer (SPEC 13): the verbs, and their XML.
public struct TwiMLDocument: Sendable, Equatable {
    public enum Verb: Sendable, Equatable {
        case say(text: String, language: String, voice: String?)
        case play(url: String)
        /// Keys; the verbs inside play while Twilio listens (barge-in).
        case gather(numDigits: Int, finishOnKey: String, timeout: Int, action: String, inside: [Verb])
        case dial(number: String, action: String)
        case hangup
    }

    public var verbs: [Verb]

    public init(_ verbs: [Verb]) {
        self.verbs = verbs
    }

    public var xml: String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>" + verbs.map(Self.xml).joined() + "</Response>"
    }

    static func xml(_ verb: Verb) -> String {
        switch verb {
        case let .say(text, language, voice):
            let voiceAttribute = voice.map { " voice=\"\(escape($0))\"" } ?? ""
            return "<Say language=\"\(escape(language))\"\(voiceAttribute)>\(escape(text))</Say>"
        case .play(let url):
            return "<Play>\(escape(url))</Play>"
        case let .gather(numDigits, finishOnKey, timeout, action, inside):
            return "<Gather input=\"dtmf\" numDigits=\"\(numDigits)\" finishOnKey=\"\(escape(finishOnKey))\" timeout=\"\(timeout)\" "
                + "actionOnEmptyResult=\"true\" action=\"\(escape(action))\" method=\"POST\">" + inside.map(xml).joined() + "</Gather>"
        case let .dial(number, action):
            return "<Dial action=\"\(escape(action))\" method=\"POST\">\(escape(number))</Dial>"
        case .hangup:
            return "<Hangup/>"
        }
    }

    /// XML text and attribute escaping; control characters XML 1.0 cannot
    /// carry (and U+FFFE, U+FFFF) become spaces. Byte by byte on UTF-8
    /// (every character it changes is one byte, or the three of U+FFFE and
    /// U+FFFF), and the text itself when nothing needs escaping, the usual case.
    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        func needsWork(_ byte: UInt8) -> Bool {
            byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == 0xEF
        }
        guard utf8.contains(where: needsWork) else { return text }
        let bytes = Array(utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            case UInt8(ascii: "'"): out += Array("&apos;".utf8)
            case UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): out.append(byte)
            case ..<0x20: out.append(UInt8(ascii: " "))
            case 0xEF where index + 1 < bytes.count && bytes[index] == 0xBF && (bytes[index + 1] == 0xBE || bytes[index + 1] == 0xBF):
                out.append(UInt8(ascii: " "))
                index += 2
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

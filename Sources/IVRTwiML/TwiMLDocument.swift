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
    /// carry become spaces.
    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: result += " "
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}

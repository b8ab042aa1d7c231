/// One line of a call's trace (SPEC section 8). Sensitive values are
/// already masked here: a trace never reveals what a caller typed in a
/// sensitive ask.
public struct TraceEvent: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case enter
        /// `audio`: the recorded file, as a reference each host resolves.
        case play(prompt: String, language: String, text: String, audio: MediaReference?)
        case wait(maxKeys: Int, finishOn: String?, timeoutMs: Int, interDigitTimeoutMs: Int)
        case key(String)
        case timeout
        case noInput(attempt: Int)
        case noMatch(attempt: Int, input: String)
        case set(name: String, value: String)
        case lookup(table: String, key: String, found: Bool)
        case answer(article: String)
        case transfer(target: String)
        /// The host reported that a transfer failed, and why.
        case transferFailed(reason: String)
        case end(outcome: String, steps: Int)
    }

    public var state: String
    public var kind: Kind

    public init(state: String, kind: Kind) {
        self.state = state
        self.kind = kind
    }

    public var event: String {
        switch kind {
        case .enter: return "enter"
        case .play: return "play"
        case .wait: return "wait"
        case .key: return "key"
        case .timeout: return "timeout"
        case .noInput: return "no_input"
        case .noMatch: return "no_match"
        case .set: return "set"
        case .lookup: return "lookup"
        case .answer: return "answer"
        case .transfer: return "transfer"
        case .transferFailed: return "transfer_failed"
        case .end: return "end"
        }
    }

    /// One JSON object, fields in the spec's order; `audio` is the file
    /// relative to its prompt directory (`zh-CN/main.menu.wav`).
    public var json: String { json(media: \.relativePath) }

    /// One JSON object, with `audio` as this host resolves it (the command
    /// line writes the file's path).
    public func json(media: (MediaReference) -> String) -> String {
        var fields: [(String, JSONValue)] = [("event", .string(event)), ("state", .string(state))]
        switch kind {
        case .enter, .timeout:
            break
        case let .play(prompt, language, text, audio):
            fields += [("prompt", .string(prompt)), ("language", .string(language)), ("text", .string(text))]
            if let audio { fields.append(("audio", .string(media(audio)))) }
        case let .wait(maxKeys, finishOn, timeout, interDigit):
            fields += [("max_keys", .int(maxKeys)), ("finish_on", finishOn.map(JSONValue.string) ?? .null),
                       ("timeout_ms", .int(timeout)), ("inter_digit_timeout_ms", .int(interDigit))]
        case .key(let key):
            fields.append(("key", .string(key)))
        case .noInput(let attempt):
            fields.append(("attempt", .int(attempt)))
        case let .noMatch(attempt, input):
            fields += [("attempt", .int(attempt)), ("input", .string(input))]
        case let .set(name, value):
            fields += [("name", .string(name)), ("value", .string(value))]
        case let .lookup(table, key, found):
            fields += [("table", .string(table)), ("key", .string(key)), ("found", .bool(found))]
        case .answer(let article):
            fields.append(("article", .string(article)))
        case .transfer(let target):
            fields.append(("target", .string(target)))
        case .transferFailed(let reason):
            fields.append(("reason", .string(reason)))
        case let .end(outcome, steps):
            fields += [("outcome", .string(outcome)), ("steps", .int(steps))]
        }
        return JSONValue.object(fields).text
    }
}

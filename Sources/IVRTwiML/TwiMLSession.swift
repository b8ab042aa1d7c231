import Foundation
import IVRCore

/// One webhook request of a call (SPEC 13), with no I/O: from the saved
/// call (or a new one) and the request's parameters to the TwiML answer and
/// the new saved call, sealed in the answer's action URLs. Lookups are
/// asked of the host (`Step.lookup`, then `lookupResult`); every interpreter
/// event and output is handed out for records and popularity. The server
/// around it carries the steps out and decides nothing.
public struct TwiMLSession {
    /// How a flow language is spoken by `<Say>` (`--voices`).
    public struct Voice: Sendable, Equatable {
        public var language: String
        public var voice: String?

        public init(language: String, voice: String? = nil) {
            self.language = language
            self.voice = voice
        }

        /// Mandarin, Cantonese (Twilio's `zh-HK`) and English as Twilio names them; others as written.
        public static let defaults: [String: Voice] = ["zh-CN": Voice(language: "zh-CN"), "yue-HK": Voice(language: "zh-HK"),
                                                      "en-US": Voice(language: "en-US")]
    }

    public struct Options: Sendable {
        public var voices: [String: Voice]
        /// Transfer target → number or SIP address to dial (`--targets`).
        public var targets: [String: String]
        /// `https://ivr.example.com/twiml/hotline`: actions are `<base>/next?s=TOKEN`.
        public var actionBase: String
        /// `https://ivr.example.com/audio/`: recordings are served below it.
        public var audioBase: String

        public init(voices: [String: Voice] = Voice.defaults, targets: [String: String] = [:], actionBase: String, audioBase: String) {
            self.voices = voices
            self.targets = targets
            self.actionBase = actionBase
            self.audioBase = audioBase
        }
    }

    public enum Step: Sendable, Equatable {
        /// Look the key up and answer with `lookupResult`.
        case lookup(table: String, key: String, sensitive: Bool)
        /// An interpreter event and its output: for records and popularity.
        case interpreted(Event, Output)
        /// The answer to this request.
        case respond(TwiMLDocument)
    }

    public enum RequestProblem: Error, Equatable, CustomStringConvertible {
        case notWaiting
        public var description: String { "this call is not waiting for keys or a dial result" }
    }

    public private(set) var interpreter: Interpreter
    let options: Options
    let callSid: String
    let tokens: CallToken
    /// Verbs of this answer so far (prompts of every output since the request came).
    var verbs: [TwiMLDocument.Verb] = []
    /// Prompts of this answer not yet placed (a Gather may take the last of them inside).
    var pending: [Action.Play] = []

    /// A new call: `From` and `To` are the caller and called numbers;
    /// `variables` the call data (the webhook URL's query parameters but
    /// `lang`), which must give the flow's inputs (`Machine.missingInputs`).
    public static func start(machine: Machine, callSid: String, from: String, to: String, language: String?, time: Date,
                             variables: [String: String] = [:], popularity: Popularity, options: Options,
                             tokens: CallToken) -> (TwiMLSession, [Step]) {
        var interpreter = Interpreter(machine: machine)
        interpreter.popularity = popularity
        interpreter.tracing = false
        interpreter.coverage = true
        var session = TwiMLSession(interpreter: interpreter, options: options, callSid: callSid, tokens: tokens)
        let event = Event.start(caller: from, called: to, language: language, time: time)
        let output = session.interpreter.start(caller: from, called: to, language: language, time: time, variables: variables)
        return (session, [.interpreted(event, output)] + session.carry(output))
    }

    /// A call resumed from its token (already opened and checked against `callSid`).
    public static func resume(machine: Machine, saved: Data, callSid: String, popularity: Popularity, options: Options,
                              tokens: CallToken) throws(ResumeError) -> TwiMLSession {
        var interpreter = try Interpreter(machine: machine, saved: saved, sealer: tokens.sealer)
        interpreter.popularity = popularity
        interpreter.tracing = false
        interpreter.coverage = true
        return TwiMLSession(interpreter: interpreter, options: options, callSid: callSid, tokens: tokens)
    }

    /// `<Gather>`'s answer: `Digits` (without the finish key) and
    /// `FinishedOnKey`. Fewer digits than asked and no finish key: the entry
    /// ended by silence; no digits: a timeout.
    public mutating func gathered(digits: String, finishedOnKey: String?) throws(RequestProblem) -> [Step] {
        guard interpreter.isWaiting else { throw .notWaiting }
        var steps: [Step] = []
        var output: Output?
        let keys = digits.compactMap(DTMFKey.init) + (finishedOnKey.flatMap { $0.first.flatMap(DTMFKey.init) }.map { [$0] } ?? [])
        for key in keys where interpreter.isWaiting {
            let out = interpreter.key(key)
            steps.append(.interpreted(.key(key), out))
            collect(out)
            output = out
        }
        // No key at all, or an entry left part-way (Twilio stopped listening
        // after its timeout): silence, as the interpreter counts it.
        var partial = false
        if case .waiting(let wait) = interpreter.directive, wait.entered > 0 { partial = true }
        if interpreter.isWaiting, keys.isEmpty || partial {
            let out = interpreter.timeout()
            steps.append(.interpreted(.timeout, out))
            collect(out)
            output = out
        }
        guard let output else { return steps }
        return steps + carry(directiveOf: output)
    }

    /// `<Dial>`'s answer: `completed` or `answered` ends the call
    /// transferred; anything else is a failed transfer (`on_fail`).
    public mutating func dialed(status: String) throws(RequestProblem) -> [Step] {
        guard case .transferring = interpreter.directive else { throw .notWaiting }
        if status == "completed" || status == "answered" {
            return [.respond(TwiMLDocument([.hangup]))]
        }
        let output = interpreter.transferFailed(status)
        return [.interpreted(.transferFailed(status), output)] + carry(output)
    }

    public mutating func lookupResult(_ record: [String: String]?) -> [Step] {
        guard interpreter.isAwaitingLookup else { return [] }
        let output = interpreter.lookupResult(record)
        return [.interpreted(.lookupResult(record), output)] + carry(output)
    }

    /// The caller left (the status callback): the call ends where it stands.
    public mutating func callerLeft() -> [Step] {
        guard !interpreter.isEnded else { return [] }
        let output = interpreter.hangup()
        return [.interpreted(.hangup, output)]
    }

    // MARK: - Carrying out outputs

    private mutating func collect(_ output: Output) {
        for case .play(let play) in output.actions { pending.append(play) }
    }

    private mutating func carry(_ output: Output) -> [Step] {
        collect(output)
        return carry(directiveOf: output)
    }

    private mutating func carry(directiveOf output: Output) -> [Step] {
        switch output.directive {
        case .waiting(let wait):
            // The barge-in prompts at the end play inside the Gather (a key
            // cuts them); the others before it, in order.
            let inside = pending.reversed().prefix { $0.bargeIn }.reversed()
            let before = pending.dropLast(inside.count)
            verbs += before.map(verb)
            let gather = TwiMLDocument.Verb.gather(numDigits: max(1, wait.maxKeys - wait.entered),
                                                   finishOnKey: wait.finishOn.map { String($0.character) } ?? "",
                                                   timeout: max(1, (wait.timeoutMs + 999) / 1000), action: action(),
                                                   inside: inside.map(verb))
            return respond(verbs + [gather])
        case .lookup(let table, let key):
            var sensitive = false
            if case .lookup(_, let masked) = interpreter.call.phase { sensitive = masked }
            return [.lookup(table: table, key: key, sensitive: sensitive)]
        case .transferring(let target):
            guard let number = options.targets[target] else {
                let reason = "no dial string for '\(target)' in --targets"
                let failed = interpreter.transferFailed(reason)
                return [.interpreted(.transferFailed(reason), failed)] + carry(failed)
            }
            return respond(verbs + pending.map(verb) + [.dial(number: number, action: action())])
        case .ended, .ignored:
            return respond(verbs + pending.map(verb) + [.hangup])
        }
    }

    private mutating func respond(_ all: [TwiMLDocument.Verb]) -> [Step] {
        verbs = []
        pending = []
        return [.respond(TwiMLDocument(all))]
    }

    private func verb(_ play: Action.Play) -> TwiMLDocument.Verb {
        if let audio = play.audio {
            let path = [String(interpreter.machine.version.prefix(16)), String(audio.root), audio.language, audio.file]
                .map(Self.escapePath).joined(separator: "/")
            return .play(url: options.audioBase + path)
        }
        let voice = options.voices[play.language] ?? Voice(language: play.language)
        return .say(text: play.text, language: voice.language, voice: voice.voice)
    }

    /// The action URL, carrying the call as it stands now.
    private func action() -> String {
        // A call that cannot be saved (it never should) ends at the next request.
        let token = (try? interpreter.save(sealer: tokens.sealer)).flatMap {
            try? tokens.seal(version: interpreter.machine.version, saved: $0, callSid: callSid)
        } ?? ""
        return options.actionBase + "/next?s=" + token
    }

    static func escapePath(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? text
    }
}

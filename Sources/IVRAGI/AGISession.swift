import Foundation
import IVRCore

/// One Asterisk call, between the interpreter and the AGI dialogue (SPEC
/// 12), with no I/O: it turns the interpreter's actions and directives into
/// AGI commands, one at a time, and Asterisk's replies into interpreter
/// events. The socket adapter carries out its `Step`s in one switch and
/// decides nothing.
public struct AGISession {
    public enum TTS: Sendable, Equatable {
        /// Prompts without a recording are skipped (and logged).
        case none
        /// `EXEC <application> "<text>"`, such as Festival.
        case exec(String)
    }

    public enum Transfer: Sendable, Equatable {
        /// Set `IVR_TRANSFER` and end the session; the dialplan dials.
        case dialplan
        /// `EXEC Dial "<template with {target}>"`, then `DIALSTATUS`.
        case dial(template: String)
    }

    public struct Options: Sendable, Equatable {
        public var tts: TTS
        public var transfer: Transfer

        public init(tts: TTS = .none, transfer: Transfer = .dialplan) {
            self.tts = tts
            self.transfer = transfer
        }
    }

    /// What the adapter carries out.
    public enum Step: Sendable, Equatable {
        case send(AGICommand)
        /// Look the key up (data tables or `--lookup-url`) and answer with
        /// `lookupResult`. `sensitive`: the key holds what a caller typed in
        /// a `sensitive` ask (it must not go in a URL or a log).
        case lookup(table: String, key: String, sensitive: Bool)
        /// An interpreter event and its output: for records and
        /// popularity counts.
        case interpreted(Event, Output)
        /// A prompt has no recording and no TTS: log it (once per prompt
        /// and language).
        case noAudio(prompt: String, language: String)
        /// A sound file Asterisk could not play: log it; the call goes on.
        case missingSound(String)
        /// The call was refused before it was answered (an input the flow
        /// declares is in neither the arguments nor the channel): log it.
        case refused(String)
        /// End the session (close the socket).
        case close
    }

    enum Phase: Equatable {
        case notStarted
        /// Reading the flow's inputs the arguments lack from channel
        /// variables (a dialer's `Originate` sets them), then `AMDSTATUS`.
        case readingCallData(name: String)
        case answering
        /// Prompts of the last output, then its directive.
        case playing
        /// `STREAM FILE` answered -1: was it a hangup or a missing file?
        case checkingPlayback(sound: String)
        case waiting(Action.Wait)
        case lookingUp
        case dialing(target: String)
        case readingDialStatus(target: String)
        /// Setting the end variables (then `HANGUP`, when it is among them).
        case finishing
        case closed
    }

    public let options: Options
    public private(set) var interpreter: Interpreter
    var phase = Phase.notStarted
    var plays: [Action.Play] = []
    var directive: Directive?
    var finishing: [AGICommand] = []
    /// Asterisk said `HANGUP`, or a media command showed the line is gone.
    var callerGone = false
    /// A command is awaiting its reply (the dialogue allows one).
    var inFlight = false

    /// `popularity`: article hits as the store had them when the call
    /// started (they order `top` menus).
    public init(machine: Machine, options: Options = Options(), popularity: Popularity = Popularity()) {
        self.options = options
        interpreter = Interpreter(machine: machine)
        interpreter.popularity = popularity
        interpreter.tracing = false
        interpreter.coverage = true
    }

    public var isClosed: Bool { phase == .closed }

    // MARK: - Inputs

    /// The environment block arrived: answer the channel. `now` is the
    /// call's time (the gateway's clock).
    public mutating func start(_ environment: AGIEnvironment, now: Date) -> [Step] {
        guard phase == .notStarted else { return [] }
        startInfo = (environment, now)
        let missing = interpreter.machine.missingInputs(Self.callData(environment).variables)
        guard !missing.isEmpty else {
            phase = .answering
            return send(.answer)
        }
        // A dialer's call: its data is on the channel.
        toRead = missing + ["AMDSTATUS"]
        return readNext()
    }

    private var startInfo: (AGIEnvironment, Date)?
    /// The call's data came from the channel: a dialer placed it (outbound).
    public var isDialerCall: Bool { !channelData.isEmpty }
    /// Channel variables still to read, and those read.
    private var toRead: [String] = []
    private var channelData: [String: String] = [:]

    private mutating func readNext() -> [Step] {
        guard !toRead.isEmpty else { return answerOrRefuse() }
        let name = toRead.removeFirst()
        phase = .readingCallData(name: name)
        return send(.getVariable(name: name))
    }

    /// Every input found: answer. Else refuse, naming what is missing.
    private mutating func answerOrRefuse() -> [Step] {
        let arguments = startInfo.map { Self.callData($0.0).variables } ?? [:]
        let missing = interpreter.machine.missingInputs(arguments.merging(channelData) { first, _ in first })
        guard missing.isEmpty else {
            let reason = interpreter.machine.needs(missing) + ": add " + missing.map { "\($0)=VALUE" }.joined(separator: ",")
                + " to the AGI arguments or set it on the channel"
            finishing = Self.unknownFlow(reason)
            phase = .finishing
            return [.refused(reason)] + finishNext()
        }
        phase = .answering
        return send(.answer)
    }

    /// The call data of a dialer's call: the inputs read from the channel,
    /// `direction` outbound, and `answered_by` from `AMDSTATUS` (Asterisk's
    /// AMD(): MACHINE, HUMAN, NOTSURE).
    static func dialerData(_ channel: [String: String]) -> [String: String] {
        guard !channel.isEmpty else { return [:] }
        var data = channel.filter { $0.key != "AMDSTATUS" }
        data["direction"] = "outbound"
        switch channel["AMDSTATUS"] {
        case "MACHINE"?: data["answered_by"] = "machine"
        case "HUMAN"?: data["answered_by"] = "human"
        case "NOTSURE"?: data["answered_by"] = "unknown"
        default: break
        }
        return data
    }

    /// The flow the dialplan named does not exist (or does not compile):
    /// say so on the channel and end the session.
    public static func unknownFlow(_ reason: String) -> [AGICommand] {
        [.setVariable(name: "IVR_OUTCOME", value: "error"), .setVariable(name: "IVR_ERROR", value: reason)]
    }

    /// The dialplan's `name=value` arguments: `lang` is the call's
    /// language, the others call data (the flow's inputs among them).
    public static func callData(_ environment: AGIEnvironment) -> (language: String?, variables: [String: String]) {
        var variables: [String: String] = [:]
        var language: String?
        for (name, value) in environment.namedArguments {
            if name == "lang" { language = value } else { variables[name] = value }
        }
        return (language, variables)
    }

    /// Asterisk's reply to the command in flight.
    public mutating func reply(_ command: AGICommand, _ reply: AGIReply) -> [Step] {
        inFlight = false
        if reply == .deadChannel, command.isMedia { callerGone = true }
        switch phase {
        case .notStarted, .closed:
            return []
        case .readingCallData(let name):
            guard !callerGone, reply != .deadChannel else {
                // Gone before the call was answered: nothing started, nothing to end.
                phase = .closed
                return [.close]
            }
            if case .success(1, let value?, _) = reply { channelData[name] = value }
            return readNext()
        case .answering:
            guard !callerGone, reply != .deadChannel, let (environment, now) = startInfo else { return callerHungUp() }
            let (language, arguments) = Self.callData(environment)
            let variables = arguments.merging(Self.dialerData(channelData)) { first, _ in first }
            let event = Event.start(caller: environment.caller, called: environment.called, language: language, time: now)
            let output = interpreter.start(caller: environment.caller, called: environment.called, language: language, time: now,
                                           variables: variables)
            return [.interpreted(event, output)] + take(output)
        case .playing:
            if callerGone { return callerHungUp() }
            guard case .streamFile(let sound, _) = command, let result = reply.result else {
                return playNext()  // a TTS EXEC, or a reply without a result: go on
            }
            if result == -1 {
                // A hangup or a missing file (Asterisk answers both -1): one
                // more command tells, as a HANGUP line comes before its reply.
                phase = .checkingPlayback(sound: sound)
                return send(.getVariable(name: "PLAYBACKSTATUS"))
            }
            if result > 0, let key = Self.key(result) {
                // A key cut the prompt: the prompts still queued before the
                // wait are skipped, and the key goes to the wait.
                plays = []
                return deliverAfterPlays(key)
            }
            return playNext()
        case .checkingPlayback(let sound):
            if callerGone { return callerHungUp() }
            phase = .playing
            return [.missingSound(sound)] + playNext()
        case .waiting(let wait):
            if callerGone || reply == .deadChannel { return callerHungUp() }
            guard let result = reply.result, result >= 0 else { return callerHungUp() }
            if result == 0 {
                let output = interpreter.timeout()
                return [.interpreted(.timeout, output)] + take(output)
            }
            guard let key = Self.key(result) else {
                return send(.waitForDigit(milliseconds: wait.entered > 0 ? wait.interDigitTimeoutMs : wait.timeoutMs))
            }
            let output = interpreter.key(key)
            return [.interpreted(.key(key), output)] + take(output)
        case .lookingUp:
            return []
        case .dialing(let target):
            if callerGone { return callerHungUp() }
            phase = .readingDialStatus(target: target)
            return send(.getVariable(name: "DIALSTATUS"))
        case .readingDialStatus:
            if callerGone { return callerHungUp() }
            if case .success(_, let status?, _) = reply, status == "ANSWER" {
                // The agent took the call and it has ended: the IVR's part was a transfer.
                return finish(hangUp: true)
            }
            let status: String
            if case .success(_, let data, _) = reply { status = data ?? "UNKNOWN" } else { status = "UNKNOWN" }
            let event = Event.transferFailed(status)
            let output = interpreter.transferFailed(status)
            return [.interpreted(event, output)] + take(output)
        case .finishing:
            return finishNext()
        }
    }

    /// Asterisk's `HANGUP` line: the caller is gone. A command in flight
    /// still gets its reply, which carries the session on.
    public mutating func hangupLine() -> [Step] {
        callerGone = true
        guard !inFlight else { return [] }
        switch phase {
        case .notStarted, .closed, .finishing: return []
        default: return callerHungUp()
        }
    }

    public mutating func lookupResult(_ record: [String: String]?) -> [Step] {
        guard phase == .lookingUp else { return [] }
        let output = interpreter.lookupResult(record)
        let steps: [Step] = [.interpreted(.lookupResult(record), output)]
        if callerGone, interpreter.isWaiting { return steps + callerHungUp() }
        return steps + take(output)
    }

    /// The peer broke the protocol: the call ends where it stands.
    public mutating func protocolError() -> [Step] {
        guard phase != .closed else { return [] }
        var steps: [Step] = []
        if phase != .notStarted, !interpreter.isEnded {
            let output = interpreter.hangup()
            steps.append(.interpreted(.hangup, output))
        }
        phase = .closed
        return steps + [.close]
    }

    // MARK: - Carrying out outputs

    /// Plays an output's prompts, then carries out its directive.
    private mutating func take(_ output: Output) -> [Step] {
        plays = output.actions.compactMap { action in
            if case .play(let play) = action { return play }
            return nil
        }
        directive = output.directive
        phase = .playing
        return playNext()
    }

    private mutating func playNext() -> [Step] {
        var steps: [Step] = []
        while !plays.isEmpty {
            let play = plays.removeFirst()
            if let audio = play.audio {
                return steps + send(.streamFile(sound: audio.soundName, escapeDigits: play.bargeIn ? "0123456789*#ABCD" : ""))
            }
            switch options.tts {
            case .exec(let application):
                return steps + send(.exec(application: application, arguments: play.text))
            case .none:
                steps.append(.noAudio(prompt: play.prompt, language: play.language))
            }
        }
        return steps + carryOut()
    }

    private mutating func deliverAfterPlays(_ key: DTMFKey) -> [Step] {
        guard case .waiting? = directive else { return carryOut() }
        let output = interpreter.key(key)
        return [.interpreted(.key(key), output)] + take(output)
    }

    private mutating func carryOut() -> [Step] {
        switch directive {
        case .waiting(let wait)?:
            phase = .waiting(wait)
            return send(.waitForDigit(milliseconds: wait.entered > 0 ? wait.interDigitTimeoutMs : wait.timeoutMs))
        case .lookup(let table, let key)?:
            phase = .lookingUp
            return [.lookup(table: table, key: key, sensitive: lookupKeyIsSensitive)]
        case .transferring(let target)?:
            switch options.transfer {
            case .dialplan:
                finishing = [.setVariable(name: "IVR_TRANSFER", value: target)]
                return finish(hangUp: false)
            case .dial(let template):
                phase = .dialing(target: target)
                return send(.exec(application: "Dial", arguments: template.replacingOccurrences(of: "{target}", with: target)))
            }
        case .ended(let outcome)?:
            return finish(hangUp: outcome != FlowVocabulary.Outcome.abandoned.rawValue && !callerGone)
        case .ignored?, nil:
            return finish(hangUp: !callerGone)
        }
    }

    /// Whether the current lookup's key holds what a `sensitive` ask took
    /// (the interpreter masks it in traces the same way).
    private var lookupKeyIsSensitive: Bool {
        if case .lookup(_, let masked) = interpreter.call.phase { return masked }
        return false
    }

    private mutating func callerHungUp() -> [Step] {
        callerGone = true
        var steps: [Step] = []
        if !interpreter.isEnded {
            let output = interpreter.hangup()
            steps.append(.interpreted(.hangup, output))
        } else if case .transferring = interpreter.call.phase {
            let output = interpreter.hangup()
            steps.append(.interpreted(.hangup, output))
        }
        return steps + finish(hangUp: false)
    }

    /// Sets the end variables for the agent's screen and the dialplan, then
    /// hangs up when asked.
    private mutating func finish(hangUp: Bool) -> [Step] {
        let call = interpreter.call
        finishing += [.setVariable(name: "IVR_OUTCOME", value: call.outcome ?? FlowVocabulary.Outcome.failed.rawValue),
                      .setVariable(name: "IVR_STATE", value: interpreter.variable("state") ?? ""),
                      // The call's language, for routing to an agent who speaks it.
                      .setVariable(name: "IVR_VAR_language", value: interpreter.variable("language") ?? "")]
        for (name, value) in call.variables.sorted(by: { $0.key < $1.key }) where !call.sensitive.contains(name) {
            switch value {
            case .text(let text):
                finishing.append(.setVariable(name: "IVR_VAR_\(name)", value: text))
            case .record(let record):
                for (field, text) in record.sorted(by: { $0.key < $1.key }) {
                    finishing.append(.setVariable(name: "IVR_VAR_\(name)_\(field)", value: text))
                }
            }
        }
        if hangUp { finishing.append(.hangup) }
        phase = .finishing
        return finishNext()
    }

    private mutating func finishNext() -> [Step] {
        guard !finishing.isEmpty else {
            phase = .closed
            return [.close]
        }
        return send(finishing.removeFirst())
    }

    private mutating func send(_ command: AGICommand) -> [Step] {
        inFlight = true
        return [.send(command)]
    }

    /// The key of a `result=<ASCII code>`.
    static func key(_ code: Int) -> DTMFKey? {
        guard let scalar = Unicode.Scalar(code) else { return nil }
        return DTMFKey(Character(scalar))
    }
}

/// What the interpreter asks the host to do, in order.
public enum Action: Sendable, Equatable {
    case play(Play)
    case wait(Wait)
    case lookup(table: String, key: String)
    case transfer(String)
    case hangup(String)
    /// A knowledge-base article was played: count a hit (the host keeps the
    /// counts, the interpreter only reads them as `Popularity`).
    case countHit(knowledgeBase: String, article: String)
    /// The call ended `resolved` after an answer: count a resolution for
    /// the last article played.
    case countResolution(knowledgeBase: String, article: String)

    public struct Play: Sendable, Equatable {
        public var prompt: String
        public var language: String
        /// The text with placeholders filled (real values, also sensitive ones).
        public var text: String
        /// Absolute path of a recorded file for this prompt, if one exists.
        public var audio: String?
        /// Keys pressed during this prompt interrupt it (and are kept).
        public var bargeIn: Bool

        public init(prompt: String, language: String, text: String, audio: String?, bargeIn: Bool) {
            self.prompt = prompt
            self.language = language
            self.text = text
            self.audio = audio
            self.bargeIn = bargeIn
        }
    }

    /// Collect up to `maxKeys` keys; `finishOn` ends the entry early. The
    /// host starts `timeoutMs` when the last prompt has finished, and
    /// `interDigitTimeoutMs` after each key of a multi-key entry.
    public struct Wait: Sendable, Equatable {
        public var maxKeys: Int
        public var finishOn: DTMFKey?
        public var timeoutMs: Int
        public var interDigitTimeoutMs: Int
        public var bargeIn: Bool

        public init(maxKeys: Int, finishOn: DTMFKey?, timeoutMs: Int, interDigitTimeoutMs: Int, bargeIn: Bool) {
            self.maxKeys = maxKeys
            self.finishOn = finishOn
            self.timeoutMs = timeoutMs
            self.interDigitTimeoutMs = interDigitTimeoutMs
            self.bargeIn = bargeIn
        }
    }
}

/// What one event produced: the actions for the host and the trace lines.
public struct Output: Sendable, Equatable {
    public var actions: [Action] = []
    public var trace: [TraceEvent] = []
    /// States and transitions passed, when `Interpreter.coverage` is on.
    public var covered: [CoveragePoint] = []

    public init(actions: [Action] = [], trace: [TraceEvent] = [], covered: [CoveragePoint] = []) {
        self.actions = actions
        self.trace = trace
        self.covered = covered
    }
}

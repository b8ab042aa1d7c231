/// What the interpreter asks the host to do, in order, before the output's
/// `Directive` (which says what comes next: wait, look up, transfer, end).
public enum Action: Sendable, Equatable {
    case play(Play)
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
        /// The recorded audio for this prompt, if one exists; each host
        /// resolves it (a path, a sound name, a URL).
        public var audio: MediaReference?
        /// Keys pressed during this prompt interrupt it (and are kept).
        public var bargeIn: Bool

        public init(prompt: String, language: String, text: String, audio: MediaReference?, bargeIn: Bool) {
            self.prompt = prompt
            self.language = language
            self.text = text
            self.audio = audio
            self.bargeIn = bargeIn
        }
    }

    /// Collect up to `maxKeys` keys; `finishOn` ends the entry early. The
    /// host starts `timeoutMs` when the last prompt has finished, and
    /// `interDigitTimeoutMs` after each key of a multi-key entry: when
    /// `entered` is above zero, keys of this entry were already typed and
    /// the next one is timed with `interDigitTimeoutMs`.
    public struct Wait: Sendable, Equatable {
        public var maxKeys: Int
        public var finishOn: DTMFKey?
        public var timeoutMs: Int
        public var interDigitTimeoutMs: Int
        public var bargeIn: Bool
        public var entered: Int

        public init(maxKeys: Int, finishOn: DTMFKey?, timeoutMs: Int, interDigitTimeoutMs: Int, bargeIn: Bool, entered: Int = 0) {
            self.maxKeys = maxKeys
            self.finishOn = finishOn
            self.timeoutMs = timeoutMs
            self.interDigitTimeoutMs = interDigitTimeoutMs
            self.bargeIn = bargeIn
            self.entered = entered
        }
    }
}

/// What one event produced: the actions for the host, the directive that
/// ends them, and the trace lines.
public struct Output: Sendable, Equatable {
    public var actions: [Action]
    public var directive: Directive
    public var trace: [TraceEvent]
    /// States and transitions passed, when `Interpreter.coverage` is on.
    public var covered: [CoveragePoint]

    public init(actions: [Action] = [], directive: Directive, trace: [TraceEvent] = [], covered: [CoveragePoint] = []) {
        self.actions = actions
        self.directive = directive
        self.trace = trace
        self.covered = covered
    }
}

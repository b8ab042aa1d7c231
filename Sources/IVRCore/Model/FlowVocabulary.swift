/// The words of the flow language, each defined once: the keys the parser
/// accepts, the defaults the compiler fills in and the outcomes a call can
/// end with. The parser, the compiler, the interpreter and `ivr schema`
/// read them from here; a test holds `Docs/flow-language.md` to them.
public enum FlowVocabulary {
    public static let topKeys = ["flow", "description", "start", "languages", "inputs", "knowledge", "data", "prompts",
                                 "hours", "defaults", "global", "states"]
    public static let requiredTopKeys = ["flow", "start", "languages", "states"]
    public static let stateKinds = ["say", "menu", "ask", "branch", "set", "lookup", "answer", "call", "return",
                                    "transfer", "hangup"]
    /// The kinds a `next` follows.
    public static let kindsWithNext = ["say", "set", "call"]
    /// Keys of every state that waits (menu, ask, answer).
    public static let promptedKeys = ["prompt", "no_input", "no_match", "retries", "timeout", "inter_digit_timeout",
                                      "barge_in", "on_failure"]
    public static let menuKeys = promptedKeys + ["options"]
    public static let askKeys = promptedKeys + ["save_as", "min_digits", "max_digits", "finish_on", "pattern", "check",
                                                "confirm", "sensitive", "options", "next"]
    public static let requiredAskKeys = ["prompt", "save_as", "next"]
    public static let answerKeys = promptedKeys + ["category", "top", "article", "by_code", "search", "item", "max_digits",
                                                   "finish_on", "after"]
    public static let answerAfterKeys = ["prompt", "options"]
    public static let lookupKeys = ["table", "key", "save_as", "found", "not_found", "fields"]
    public static let requiredLookupKeys = ["table", "key", "save_as", "found", "not_found"]
    public static let transferKeys = ["to", "say", "on_fail"]
    public static let hangupKeys = ["outcome", "say"]
    public static let defaultsKeys = ["timeout", "inter_digit_timeout", "retries", "barge_in", "max_steps", "on_failure"]
    public static let transitionKeys = ["say", "set", "goto", "transfer", "hangup"]
    /// A transition ends in exactly one of these.
    public static let transitionEnds = ["goto", "transfer", "hangup"]
    public static let conditionKeys = ["var", "equals", "in", "matches", "less_than", "greater_than", "exists",
                                       "open", "all", "any", "not"]
    public static let conditionTests = ["equals", "in", "matches", "less_than", "greater_than", "exists"]
    /// Transition targets that are not states.
    public static let builtInTargets = ["repeat", "back", "restart"]
    /// Variables the interpreter sets, which a flow cannot assign.
    public static let readOnlyVariables = ["caller", "called", "state", "attempt"]
    /// Variables every call has without a flow setting them: the read-only
    /// ones, `language`, and what the host says of the call's direction
    /// (`direction`: `inbound` unless a dialer says `outbound`;
    /// `answered_by`: `human` on an inbound call, else the dialer's
    /// `human`, `machine` or `unknown`). None can be a flow's input.
    public static let builtInVariables = readOnlyVariables + ["language", "direction", "answered_by"]
    /// Keys of a campaign file (`*.campaign.yaml`, SPEC 14).
    public static let campaignKeys = ["campaign", "flow", "targets", "caller_id", "timezone", "window", "closed", "max_attempts", "retry",
                                      "concurrency", "rate", "do_not_call", "simulate"]
    public static let requiredCampaignKeys = ["campaign", "flow", "targets", "timezone", "window"]
    /// How a campaign call attempt ends; the last three may be retried.
    public static let callResults = ["answered", "machine", "busy", "no_answer", "failed"]
    /// `check:` of an ask.
    public static let checks = ["luhn"]
    /// `search:` of an answer.
    public static let searches = ["keypad"]

    /// What the compiler fills in where a flow says nothing (`defaults:`
    /// changes the first five for a whole flow).
    public enum Defaults {
        public static let timeoutMs = 5_000
        public static let interDigitTimeoutMs = 3_000
        public static let retries = 3
        public static let bargeIn = true
        public static let maxSteps = 500
        /// `on_failure` when neither the state nor `defaults` gives one.
        public static let onFailure = Outcome.failed
        /// `max_digits` of an ask or a code search.
        public static let maxDigits = 20
        /// `hangup: { say: ... }` without an outcome.
        public static let hangupOutcome = Outcome.resolved
    }

    /// The outcomes the interpreter itself gives (a `hangup` may name others).
    public enum Outcome: String, CaseIterable, Sendable {
        /// The caller was helped without an agent (the default of `hangup`).
        case resolved
        /// The call was handed to a transfer target.
        case transferred
        /// The caller hung up first.
        case abandoned
        /// The flow gave up: failures past `retries` with no `on_failure`,
        /// `max_steps`, a broken call.
        case failed
    }
}

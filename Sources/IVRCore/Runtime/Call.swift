import Foundation

/// The state of one call, a value: save it at any wait (`SavedCall`, SPEC 9)
/// and resume it later, in this process or another, on the machine version
/// it names. Each phase carries its own data; nothing else is loose.
public struct Call: Sendable, Hashable {
    public enum Phase: Sendable, Hashable {
        case notStarted
        /// Between states, running without waiting (never seen by a host).
        case running
        /// A menu waits for one key.
        case menu
        /// An ask collects an entry; the keys typed so far.
        case entry(String)
        /// An ask's confirm prompt waits for 1 or 2.
        case confirm
        /// An answer state (knowledge base): the sub-machine's own phase.
        case answer(AnswerMachine)
        /// A lookup was asked for; `key` as sent, `masked` when it came from
        /// a sensitive variable.
        case lookup(key: String, masked: Bool)
        /// After a transfer: a gateway may still report `transferFailed`,
        /// which takes the `on_fail` of the transfer state at `onFail`.
        case transferring(target: String, onFail: Int?)
        case ended(outcome: String)
    }

    public enum Value: Sendable, Hashable {
        case text(String)
        case record([String: String])
    }

    /// The last knowledge-base article played, for resolutions.
    public struct LastAnswer: Sendable, Hashable {
        public var knowledge: Int
        public var article: String

        public init(knowledge: Int, article: String) {
            self.knowledge = knowledge
            self.article = article
        }
    }

    /// Keys a call keeps typed ahead; more are dropped and counted.
    public static let maxTypeAhead = 32

    /// The content hash of the machine this call runs on.
    public var machineVersion: String
    /// The built-in `caller` and `called` (kept out of `variables`, so that a
    /// call that sets nothing holds no dictionary).
    public var caller: String = ""
    public var called: String = ""
    public var phase: Phase = .notStarted
    public var state: Int = 0
    /// Failures counted in the current phase (the `attempt` variable).
    public var failures: Int = 0
    public var variables: [String: Value] = [:]
    /// Variables whose values must never appear in traces or saved calls in clear.
    public var sensitive: Set<String> = []
    public var language: Int = 0
    /// Waiting states entered, for `back`.
    public var history: [Int] = []
    /// Call states to return to from sub-flows.
    public var returns: [Int] = []
    public var steps: Int = 0
    /// Keys that arrived while the interpreter was not waiting (at most `maxTypeAhead`).
    public var typeAhead: [DTMFKey] = []
    /// Keys dropped because the type-ahead buffer was full.
    public var droppedKeys: Int = 0
    public var time: Date = Date(timeIntervalSince1970: 0)
    public var lastAnswer: LastAnswer?
    /// SPEC 5.3: after an entry that `max_digits` ended, its `finish_on` key
    /// typed as the very next input ends what the caller just typed ("then
    /// press #") and is dropped; `masked` when the entry was sensitive.
    public var dropNext: DropKey?

    public struct DropKey: Sendable, Hashable {
        public var key: DTMFKey
        public var masked: Bool
        public init(key: DTMFKey, masked: Bool) { self.key = key; self.masked = masked }
    }

    public init(machineVersion: String) { self.machineVersion = machineVersion }

    /// The outcome once the interpreter's part is over (transferring or ended).
    public var outcome: String? {
        switch phase {
        case .ended(let outcome): return outcome
        case .transferring: return FlowVocabulary.Outcome.transferred.rawValue
        default: return nil
        }
    }
}

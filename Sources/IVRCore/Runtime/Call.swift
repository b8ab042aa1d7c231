import Foundation

/// The state of one call, a value: save it (Codable) at any wait and resume
/// it later, in this process or another, on the machine version it names.
public struct Call: Sendable, Codable, Hashable {
    public enum Phase: Sendable, Codable, Hashable {
        case notStarted
        /// Between states, running without waiting (never seen by a host).
        case running
        case menu
        case entry
        case confirm
        case lookup(key: String, masked: Bool)
        /// An answer state offering articles as a menu (`offer`), playing
        /// the after menu (`after`), or collecting a code or keypad search.
        case answerOffer(articles: [String], prompted: Bool)
        case answerAfter(article: String)
        case answerEntry
        /// After a transfer: a gateway may still report `transferFailed`.
        case transferring(onFail: Int?)
        case ended
    }

    public enum Value: Sendable, Codable, Hashable {
        case text(String)
        case record([String: String])
    }

    /// The content hash of the machine this call runs on.
    public var machineVersion: String
    public var phase: Phase = .notStarted
    public var state: Int = 0
    /// Failures counted in the current state (the `attempt` variable).
    public var failures: Int = 0
    /// Keys of the entry being typed in an ask, code or search.
    public var entry: String = ""
    public var variables: [String: Value] = [:]
    /// Variables whose values must never appear in traces.
    public var sensitive: Set<String> = []
    public var language: Int = 0
    /// Waiting states entered, for `back`.
    public var history: [Int] = []
    /// Call states to return to from sub-flows.
    public var returns: [Int] = []
    public var steps: Int = 0
    /// Keys that arrived while the interpreter was not waiting.
    public var typeAhead: [DTMFKey] = []
    public var time: Date = Date(timeIntervalSince1970: 0)
    public var outcome: String?
    /// The last knowledge-base article played (for resolutions).
    public var lastArticle: String?
    public var lastKnowledge: Int?
    public var lastTransfer: String?

    public init(machineVersion: String) { self.machineVersion = machineVersion }
}

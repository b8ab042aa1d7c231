import Foundation

/// One call as the stores keep it (SPEC 10); `CallRecorder` builds it.
public struct CallRecord: Sendable, Equatable, Codable {
    public enum Direction: String, Sendable, Codable { case inbound, outbound }

    /// One state the call entered, and what happened there.
    public struct Step: Sendable, Equatable, Codable {
        public var state: String
        public var entered: Date
        /// Keys pressed in this state (a count: values of a sensitive ask are never kept).
        public var keys: Int = 0
        public var noInputs: Int = 0
        public var noMatches: Int = 0
        /// How the call left: the next state's name, or the outcome at an end.
        public var exit: String?
        /// Times the caller ran out of retries here (`on_failure` taken).
        public var failures: Int = 0
        /// Knowledge articles played here.
        public var answers: [String] = []
        /// Articles the caller said solved the question (the after menu's 2).
        public var resolutions: [String] = []
        /// Lookups made here: table and whether a record was found (never the key).
        public var lookups: [Lookup] = []

        public init(state: String, entered: Date) {
            self.state = state
            self.entered = entered
        }
    }

    public struct Lookup: Sendable, Equatable, Codable {
        public var table: String
        public var found: Bool
        /// The host got no usable answer (a lookup URL down, late or
        /// answering garbage): the caller heard "not found".
        public var failed: Bool
        public init(table: String, found: Bool, failed: Bool = false) {
            self.table = table
            self.found = found
            self.failed = failed
        }

        enum CodingKeys: String, CodingKey { case table, found, failed }

        /// Records written before `failed` existed read as not failed.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            table = try container.decode(String.self, forKey: .table)
            found = try container.decode(Bool.self, forKey: .found)
            failed = try container.decodeIfPresent(Bool.self, forKey: .failed) ?? false
        }
    }

    public var id: String
    public var flow: String
    public var machineVersion: String
    public var direction: Direction
    public var caller: String
    public var called: String
    public var started: Date
    public var ended: Date?
    public var language: String
    /// Nil while the call is in progress (reports show `interrupted`).
    public var outcome: String?
    public var transferTarget: String?
    public var steps: Int
    public var path: [Step]
    /// The time zone reports count this call's hour of the week in: the
    /// flow's first schedule's, else UTC.
    public var timeZone: String = "UTC"

    /// What reports call a call that never ended.
    public static let interrupted = "interrupted"

    public init(id: String, flow: String, machineVersion: String, direction: Direction, caller: String, called: String,
                started: Date, language: String) {
        self.id = id
        self.flow = flow
        self.machineVersion = machineVersion
        self.direction = direction
        self.caller = caller
        self.called = called
        self.started = started
        self.language = language
        self.ended = nil
        self.outcome = nil
        self.transferTarget = nil
        self.steps = 0
        self.path = []
    }
}

import Foundation

/// One record per call (SPEC 10), written from the call's first state on
/// and brought up to date at every wait; a call never ended reads as
/// `interrupted`. Nothing in a record reveals a sensitive value.
public protocol CallRecordStore: Sendable {
    /// Inserts or replaces the record with this id.
    func save(_ record: CallRecord) async throws(StoreError)
    func record(id: String) async throws(StoreError) -> CallRecord?
    /// Records of a flow (all flows when nil) that started in [since, until).
    func records(flow: String?, since: Date?, until: Date?) async throws(StoreError) -> [CallRecord]
}

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
        /// Knowledge articles played here.
        public var answers: [String] = []
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
        public init(table: String, found: Bool) { self.table = table; self.found = found }
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

import Foundation

/// Which calls a report covers (SPEC 10: `ivr report`'s filters).
public struct ReportQuery: Sendable, Equatable {
    public var flow: String?
    public var since: Date?
    public var until: Date?
    public var version: String?
    /// A caller who calls the same flow again within this many seconds was
    /// not helped the first time (first-call resolution).
    public var repeatWindow: TimeInterval = 24 * 3600

    public init(flow: String? = nil, since: Date? = nil, until: Date? = nil, version: String? = nil,
                repeatWindow: TimeInterval = 24 * 3600) {
        self.flow = flow
        self.since = since
        self.until = until
        self.version = version
        self.repeatWindow = repeatWindow
    }
}

/// The contact-centre measures over a set of calls (SPEC 10), aggregated
/// by the store (in SQL for SQLite), never by loading every record.
public struct CallReport: Sendable, Equatable {
    public struct Duration: Sendable, Equatable {
        public var mean: Double
        public var p50: Double
        public var p90: Double
    }

    /// One state's part of the funnel.
    public struct StateMeasures: Sendable, Equatable {
        public var state: String
        public var entered: Int
        /// Callers who hung up there.
        public var abandoned: Int
        public var noInput: Int
        public var noMatch: Int
        /// Times callers ran out of retries there (`on_failure` taken).
        public var failed: Int
        /// Where callers went next: a state's name, or `end`.
        public var exits: [(String, Int)]
        /// The earliest position in a call at which callers meet it (the
        /// funnel's order).
        public var firstPosition: Int

        public static func == (a: Self, b: Self) -> Bool {
            a.state == b.state && a.entered == b.entered && a.abandoned == b.abandoned && a.noInput == b.noInput
                && a.noMatch == b.noMatch && a.failed == b.failed && a.firstPosition == b.firstPosition
                && a.exits.map(\.0) == b.exits.map(\.0) && a.exits.map(\.1) == b.exits.map(\.1)
        }
    }

    public struct ArticleMeasures: Sendable, Equatable {
        public var id: String
        public var hits: Int
        public var resolutions: Int
    }

    public var calls = 0
    /// Every outcome seen with its count, most frequent first
    /// (`interrupted` for calls never ended).
    public var outcomes: [(String, Int)] = []
    /// Among calls with a known caller, the share not followed by another
    /// call of that caller to the flow within the window; nil without any.
    public var firstCallResolutionRate: Double?
    /// Time in the IVR of calls that ended; nil without any.
    public var duration: Duration?
    /// In the order callers meet them.
    public var states: [StateMeasures] = []
    public var articles: [ArticleMeasures] = []
    /// Calls by hour of the week (168 buckets, Monday 00:00 first), each in
    /// its call's time zone (the flow's first schedule's, else UTC).
    public var hours: [Int] = Array(repeating: 0, count: 168)

    public init() {}

    public func count(_ outcome: String) -> Int { outcomes.first { $0.0 == outcome }?.1 ?? 0 }
    func share(_ count: Int) -> Double { calls == 0 ? 0 : Double(count) / Double(calls) }

    public var containmentRate: Double { calls == 0 ? 0 : 1 - transferRate }
    public var transferRate: Double { share(count("transferred")) }
    public var abandonmentRate: Double { share(count("abandoned")) }
    public var failureRate: Double { share(count("failed")) }

    public static func == (a: Self, b: Self) -> Bool {
        a.calls == b.calls && a.outcomes.map(\.0) == b.outcomes.map(\.0) && a.outcomes.map(\.1) == b.outcomes.map(\.1)
            && a.firstCallResolutionRate == b.firstCallResolutionRate && a.duration == b.duration && a.states == b.states
            && a.articles == b.articles && a.hours == b.hours
    }
}

/// Stores that can measure the calls they keep.
public protocol ReportStore: Sendable {
    func report(_ query: ReportQuery) async throws(StoreError) -> CallReport
    /// The machine versions of the calls a query covers, oldest first.
    func versions(_ query: ReportQuery) async throws(StoreError) -> [String]
}

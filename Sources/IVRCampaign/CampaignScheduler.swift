import DequeModule
import Foundation
import HeapModule
import IVRCore
import IVRTools

/// Which campaign calls to place, and when (SPEC 14), with no I/O and no
/// clock: it is told the time (`tick`) and each attempt's result
/// (`finished`) and answers with the calls to place now and when to ask
/// again. It holds every target to the window in the target's own time
/// zone and the closed dates, `concurrency` calls at once, `rate` new calls
/// in any span, retries after their delay up to `max_attempts`, never a
/// do-not-call number, and never two calls at once to one number.
public struct CampaignScheduler: Sendable {
    public struct Settings: Sendable {
        public var maxAttempts: Int
        /// Delay before the next attempt, by result; a result without one is not retried.
        public var retry: [CallResult: TimeInterval]
        public var concurrency: Int
        public var rate: CampaignFile.Rate?
        public var window: [[Schedule.Interval]]
        public var closed: Set<String>

        public init(maxAttempts: Int, retry: [CallResult: TimeInterval], concurrency: Int, rate: CampaignFile.Rate?,
                    window: [[Schedule.Interval]], closed: Set<String>) {
            self.maxAttempts = maxAttempts
            self.retry = retry
            self.concurrency = concurrency
            self.rate = rate
            self.window = window
            self.closed = closed
        }

        public init(_ campaign: CampaignFile) {
            self.init(maxAttempts: campaign.maxAttempts, retry: campaign.retry, concurrency: campaign.concurrency, rate: campaign.rate,
                      window: campaign.window, closed: campaign.closed)
        }
    }

    /// How a target ended.
    public enum Outcome: String, CaseIterable, Sendable, Codable {
        case answered, machine
        /// No attempt reached anyone, and no more are allowed.
        case exhausted
        case doNotCall = "do_not_call"
    }

    public enum Status: Equatable, Sendable {
        /// Waiting for its next attempt, not before this time (nil: at once).
        case pending(notBefore: Date?)
        case inProgress(attempt: Int)
        case done(Outcome)
    }

    /// A target's progress: what the store keeps, and what a restarted
    /// campaign is built from.
    public struct TargetState: Equatable, Sendable {
        public var attempts: Int
        public var status: Status
        public var lastResult: CallResult?

        public init(attempts: Int = 0, status: Status = .pending(notBefore: nil), lastResult: CallResult? = nil) {
            self.attempts = attempts
            self.status = status
            self.lastResult = lastResult
        }
    }

    /// One call to place: the target's index and which attempt this is (from 1).
    public struct Placement: Equatable, Sendable {
        public var target: Int
        public var attempt: Int

        public init(target: Int, attempt: Int) {
            self.target = target
            self.attempt = attempt
        }
    }

    public struct Decision: Equatable, Sendable {
        public var calls: [Placement]
        /// When to tick again if no call finishes before (nil: only when one does, or never).
        public var wakeAt: Date?
    }

    public struct Counts: Equatable, Sendable {
        public var targets = 0
        public var pending = 0
        public var inProgress = 0
        /// Calls placed.
        public var attempts = 0
        public var done: [Outcome: Int] = [:]

        public init(targets: Int = 0, pending: Int = 0, inProgress: Int = 0, attempts: Int = 0, done: [Outcome: Int] = [:]) {
            self.targets = targets
            self.pending = pending
            self.inProgress = inProgress
            self.attempts = attempts
            self.done = done
        }

        /// How a run ended, as every runner says it: `campaign 'x': 12 calls
        /// placed from A to B; 7 targets: answered 5, machine 1, exhausted 1`.
        public func summary(campaign: String, placed: Int, from start: Date, to end: Date) -> String {
            let outcomes = Outcome.allCases.compactMap { outcome in done[outcome].map { "\(outcome.rawValue) \($0)" } }
            return "campaign '\(campaign)': \(placed) calls placed from \(CallTime.format(start)) to \(CallTime.format(end)); "
                + "\(targets) targets: " + (outcomes.isEmpty ? "none done" : outcomes.joined(separator: ", "))
                + (pending > 0 ? ", \(pending) pending" : "")
        }
    }

    /// A target ready at a time, in its zone's queue.
    struct Ready: Comparable, Sendable {
        var at: Date
        var target: Int32
        static func < (a: Ready, b: Ready) -> Bool { a.at != b.at ? a.at < b.at : a.target < b.target }
    }

    struct Zone: Sendable {
        var schedule: Schedule
        var queue: Heap<Ready>
    }

    public let settings: Settings
    let numbers: [String]
    let zoneOf: [Int32]
    var zones: [Zone]
    public private(set) var states: [TargetState]
    public private(set) var counts = Counts()
    var busyNumbers = Set<String>()
    /// Targets ready while another call to their number was in progress.
    var waitingForNumber: [String: [Int32]] = [:]
    /// Start times of recent calls, for `rate`.
    var recentStarts = Deque<Date>()

    /// `targets`: each number and time zone. `states`: as the store kept
    /// them (a restart), else every target pending. A target still
    /// `inProgress` in them counts as a call in progress until `finished`.
    public init(settings: Settings, targets: [(number: String, zone: TimeZone)], doNotCall: Set<String>,
                states: [TargetState]? = nil) {
        self.settings = settings
        numbers = targets.map(\.number)
        var zoneIndex: [TimeZone: Int32] = [:]
        var zones: [Zone] = []
        var zoneOf: [Int32] = []
        zoneOf.reserveCapacity(targets.count)
        for target in targets {
            if let index = zoneIndex[target.zone] {
                zoneOf.append(index)
            } else {
                let index = Int32(zones.count)
                zoneIndex[target.zone] = index
                zones.append(Zone(schedule: Schedule(timeZone: target.zone, weekly: settings.window, closed: settings.closed), queue: Heap()))
                zoneOf.append(index)
            }
        }
        self.zoneOf = zoneOf
        var states = states ?? Array(repeating: TargetState(), count: targets.count)
        if states.count != targets.count { states = Array(repeating: TargetState(), count: targets.count) }
        var ready = Array(repeating: [Ready](), count: zones.count)
        counts.targets = targets.count
        for index in states.indices {
            counts.attempts += states[index].attempts
            switch states[index].status {
            case .pending(let notBefore):
                if doNotCall.contains(numbers[index]) {
                    states[index].status = .done(.doNotCall)
                    counts.done[.doNotCall, default: 0] += 1
                } else {
                    ready[Int(zoneOf[index])].append(Ready(at: notBefore ?? .distantPast, target: Int32(index)))
                    counts.pending += 1
                }
            case .inProgress:
                busyNumbers.insert(numbers[index])
                counts.inProgress += 1
            case .done(let outcome):
                counts.done[outcome, default: 0] += 1
            }
        }
        for index in zones.indices { zones[index].queue = Heap(ready[index]) }
        self.zones = zones
        self.states = states
    }

    public var isFinished: Bool { counts.pending == 0 && counts.inProgress == 0 }

    /// The calls to place at `now`, and when to ask again.
    public mutating func tick(now: Date) -> Decision {
        if let rate = settings.rate {
            let horizon = now.addingTimeInterval(-TimeInterval(rate.seconds))
            while let first = recentStarts.first, first <= horizon { recentStarts.removeFirst() }
        }
        let open = zones.map { $0.schedule.isOpen(at: now) }
        var calls: [Placement] = []
        while counts.inProgress < settings.concurrency, rateAllows {
            // The open zone whose next target has been ready longest.
            var best: Int?
            for index in zones.indices where open[index] {
                guard let top = zones[index].queue.min, top.at <= now else { continue }
                if let current = best, let other = zones[current].queue.min, other <= top { continue }
                best = index
            }
            guard let zone = best, let ready = zones[zone].queue.popMin() else { break }
            let target = Int(ready.target)
            let number = numbers[target]
            if busyNumbers.contains(number) {
                waitingForNumber[number, default: []].append(ready.target)
                continue
            }
            states[target].attempts += 1
            states[target].status = .inProgress(attempt: states[target].attempts)
            busyNumbers.insert(number)
            counts.pending -= 1
            counts.inProgress += 1
            counts.attempts += 1
            if settings.rate != nil { recentStarts.append(now) }
            calls.append(Placement(target: target, attempt: states[target].attempts))
        }
        return Decision(calls: calls, wakeAt: wakeAt(now: now, open: open))
    }

    var rateAllows: Bool {
        guard let rate = settings.rate else { return true }
        return recentStarts.count < rate.calls
    }

    /// The earliest time a target could be placed, unless every line is busy
    /// (then a finished call is the next event).
    func wakeAt(now: Date, open: [Bool]) -> Date? {
        guard counts.inProgress < settings.concurrency else { return nil }
        var earliest: Date?
        for index in zones.indices {
            guard let top = zones[index].queue.min else { continue }
            let from = max(now, top.at)
            let candidate = (from == now && open[index]) ? now : zones[index].schedule.nextOpening(atOrAfter: from)
            if let candidate, earliest.map({ candidate < $0 }) ?? true { earliest = candidate }
        }
        guard var wake = earliest else { return nil }
        if let rate = settings.rate, !rateAllows, let first = recentStarts.first {
            wake = max(wake, first.addingTimeInterval(TimeInterval(rate.seconds)))
        }
        return wake > now ? wake : nil
    }

    /// An attempt ended with `result` at `now`: the target is done, or
    /// waits its retry delay, or has used its attempts.
    public mutating func finished(_ target: Int, result: CallResult, at now: Date) {
        guard states.indices.contains(target), case .inProgress = states[target].status else { return }
        let number = numbers[target]
        busyNumbers.remove(number)
        if let waiting = waitingForNumber.removeValue(forKey: number) {
            for other in waiting { zones[Int(zoneOf[Int(other)])].queue.insert(Ready(at: now, target: other)) }
        }
        counts.inProgress -= 1
        states[target].lastResult = result
        let outcome: Outcome?
        switch result {
        case .answered: outcome = .answered
        case .machine: outcome = .machine
        case .busy, .noAnswer, .failed:
            if states[target].attempts < settings.maxAttempts, let delay = settings.retry[result] {
                let next = now.addingTimeInterval(delay)
                states[target].status = .pending(notBefore: next)
                zones[Int(zoneOf[target])].queue.insert(Ready(at: next, target: Int32(target)))
                counts.pending += 1
                outcome = nil
            } else {
                outcome = .exhausted
            }
        }
        if let outcome {
            states[target].status = .done(outcome)
            counts.done[outcome, default: 0] += 1
        }
    }
}

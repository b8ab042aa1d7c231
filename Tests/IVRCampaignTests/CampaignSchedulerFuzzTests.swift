import Foundation
import IVRCampaign
import IVRCore
import Testing

/// The scheduler driven by random results at random times, seeded: its
/// promises hold at every step, and every campaign ends.
struct CampaignSchedulerFuzzTests {
    /// A small deterministic generator (xorshift), so a failure repeats.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    }

    @Test(arguments: 1...40)
    func promisesHoldUnderRandomResults(seed: Int) {
        var random = Random(state: UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1)
        let zones = ["Asia/Shanghai", "America/Vancouver", "Europe/London"].compactMap(TimeZone.init(identifier:))
        let count = 20 + random.below(80)
        // Few distinct numbers: rows share them often.
        let targets = (0..<count).map { _ in ("+86138000000\(random.below(30))", zones[random.below(zones.count)]) }
        let doNotCall: Set<String> = random.below(2) == 0 ? ["+861380000001"] : []
        let window = (0..<7).map { day in day == 6 ? [] : [Schedule.Interval(start: 8 * 60 + random.below(120), end: 18 * 60)] }
        let maxAttempts = 1 + random.below(4)
        let settings = CampaignScheduler.Settings(maxAttempts: maxAttempts, retry: [.busy: 600, .noAnswer: 3600, .failed: 60],
                                                  concurrency: 1 + random.below(8), rate: random.below(2) == 0 ? .init(calls: 5, seconds: 60) : nil,
                                                  window: window, closed: ["2026-12-25"])
        var scheduler = CampaignScheduler(settings: settings, targets: targets, doNotCall: doNotCall)
        var now = Date(timeIntervalSince1970: 1_795_000_000 + Double(random.below(86_400 * 7)))
        var inFlight: [(target: Int, at: Date)] = []
        var placedAt: [Int: [Date]] = [:]
        var steps = 0
        while !scheduler.isFinished, steps < 100_000 {
            steps += 1
            let decision = scheduler.tick(now: now)
            for call in decision.calls {
                // Never a do-not-call number; never its number twice at once; attempts counted from 1.
                #expect(!doNotCall.contains(targets[call.target].0))
                #expect(!inFlight.contains { targets[$0.target].0 == targets[call.target].0 }, "seed \(seed): two calls at once to one number")
                #expect(call.attempt >= 1 && call.attempt <= maxAttempts)
                // Inside the target's window, in its own zone.
                #expect(Schedule(timeZone: targets[call.target].1, weekly: window, closed: ["2026-12-25"]).isOpen(at: now), "seed \(seed)")
                inFlight.append((call.target, now.addingTimeInterval(Double(1 + random.below(600)))))
                placedAt[call.target, default: []].append(now)
            }
            #expect(scheduler.counts.inProgress <= settings.concurrency && inFlight.count == scheduler.counts.inProgress)
            if let rate = settings.rate {
                let recent = placedAt.values.flatMap { $0 }.filter { $0 > now.addingTimeInterval(-Double(rate.seconds)) }.count
                #expect(recent <= rate.calls, "seed \(seed): \(recent) calls in the last \(rate.seconds) s")
            }
            // The next event: a call ending, or the scheduler's wake time.
            inFlight.sort { $0.at < $1.at }
            guard let next = [inFlight.first?.at, decision.wakeAt].compactMap({ $0 }).min() else { break }
            now = max(now, next)
            while let first = inFlight.first, first.at <= now {
                inFlight.removeFirst()
                scheduler.finished(first.target, result: CallResult.allCases[random.below(CallResult.allCases.count)], at: first.at)
            }
        }
        #expect(scheduler.isFinished, "seed \(seed): the campaign ended (steps \(steps))")
        let counts = scheduler.counts
        #expect(counts.done.values.reduce(0, +) == count && counts.attempts == placedAt.values.map(\.count).reduce(0, +))
        for (index, state) in scheduler.states.enumerated() {
            #expect(state.attempts <= maxAttempts && state.attempts == (placedAt[index]?.count ?? 0))
        }
    }
}

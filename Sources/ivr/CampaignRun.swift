import Foundation
import HeapModule
import IVRCampaign
import IVRCore
import IVRStore
import IVRTools

/// `ivr campaign run --dialer simulate`: the scheduler's decisions carried
/// out on a virtual clock, every attempt claimed in the store before it is
/// placed and its result written when it comes. It decides nothing itself.
struct CampaignRun {
    /// An attempt the network is working on, and when it will say how it went.
    struct InFlight: Comparable {
        var at: Date
        var target: Int
        var attempt: Int
        var call: SimulatedDialer.Call
        static func < (a: InFlight, b: InFlight) -> Bool { a.at != b.at ? a.at < b.at : a.target < b.target }
        static func == (a: InFlight, b: InFlight) -> Bool { a.at == b.at && a.target == b.target && a.attempt == b.attempt }
    }

    let campaign: CampaignFile
    let store: SQLiteStore
    var dialer: SimulatedDialer
    /// One line per call placed, flushed before the call is (the phone network's own log).
    let dialLog: FileHandle?

    struct Summary {
        var placed = 0
        var start: Date
        var end: Date
        var finished: Bool
        var counts: CampaignScheduler.Counts
    }

    /// Runs the campaign from `start` until every target is done, or no
    /// target can ever be called (a window that never opens), or `until`.
    mutating func run(from start: Date, until limit: Date) throws -> Summary {
        let campaign = self.campaign
        var scheduler = try Blocking.wait { [store] in try await store.resume(campaign, at: start) }
        let name = campaign.name
        var clock = start
        var inFlight = Heap<InFlight>()
        var placed = 0
        while clock <= limit {
            let decision = scheduler.tick(now: clock)
            for call in decision.calls {
                let target = campaign.targets[call.target]
                let state = scheduler.states[call.target]
                let callID = "\(name)-\(target.line)-\(call.attempt)"
                let now = clock
                try Blocking.wait { [store] in try await store.claim(campaign: name, target: call.target, state: state, callID: callID, at: now) }
                if let dialLog {
                    dialLog.write(Data("\(CallTime.format(now)) \(target.number) line \(target.line) attempt \(call.attempt)\n".utf8))
                    try dialLog.synchronize()
                }
                let result = dialer.place(target, attempt: call.attempt, at: clock, callID: callID)
                placed += 1
                inFlight.insert(InFlight(at: clock.addingTimeInterval(result.seconds), target: call.target, attempt: call.attempt, call: result))
            }
            guard let next = [inFlight.min?.at, decision.wakeAt].compactMap({ $0 }).min() else { break }
            clock = max(clock, next)
            while let first = inFlight.min, first.at <= clock {
                _ = inFlight.popMin()
                if let record = first.call.record { try Blocking.wait { [store] in try await store.save(record) } }
                scheduler.finished(first.target, result: first.call.result, at: first.at)
                let state = scheduler.states[first.target]
                try Blocking.wait { [store] in
                    try await store.finish(campaign: name, target: first.target, attempt: first.attempt, result: first.call.result, state: state,
                                           at: first.at)
                }
            }
        }
        return Summary(placed: placed, start: start, end: clock, finished: scheduler.isFinished, counts: scheduler.counts)
    }
}

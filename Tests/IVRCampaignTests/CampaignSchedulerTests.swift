import Foundation
import IVRCampaign
import IVRCore
import Testing

/// The scheduler on a virtual clock: told the time and the results, it
/// says which calls to place and when to ask again.
struct CampaignSchedulerTests {
    static func time(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) else { preconditionFailure("bad test time \(text)") }
        return date
    }

    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let vancouver = TimeZone(identifier: "America/Vancouver")!
    static let urumqi = TimeZone(identifier: "Asia/Urumqi")!
    /// Every day 09:00-20:00 local.
    static let daily = Array(repeating: [Schedule.Interval(start: 9 * 60, end: 20 * 60)], count: 7)

    static func settings(concurrency: Int = 10, rate: CampaignFile.Rate? = nil, maxAttempts: Int = 3,
                         retry: [CallResult: TimeInterval] = [.busy: 600, .noAnswer: 3600, .failed: 1800],
                         window: [[Schedule.Interval]] = daily, closed: Set<String> = []) -> CampaignScheduler.Settings {
        CampaignScheduler.Settings(maxAttempts: maxAttempts, retry: retry, concurrency: concurrency, rate: rate, window: window, closed: closed)
    }

    @Test func eachTargetIsCalledInsideItsOwnZonesWindow() {
        // 23:30 UTC: 07:30 in Shanghai and 05:30 in Urumqi (tomorrow), 15:30 PST in Vancouver (today).
        var scheduler = CampaignScheduler(settings: Self.settings(),
                                          targets: [("+8613800000001", Self.shanghai), ("+8613800000002", Self.urumqi),
                                                    ("+16045550101", Self.vancouver)],
                                          doNotCall: [])
        let first = scheduler.tick(now: Self.time("2026-11-30T23:30:00Z"))
        #expect(first.calls == [.init(target: 2, attempt: 1)], "only Vancouver's window is open")
        #expect(first.wakeAt == Self.time("2026-12-01T01:00:00Z"), "Shanghai opens at 09:00 local, 01:00 UTC")
        #expect(scheduler.tick(now: Self.time("2026-12-01T00:59:00Z")).calls == [])
        let shanghaiOpen = scheduler.tick(now: Self.time("2026-12-01T01:00:00Z"))
        #expect(shanghaiOpen.calls == [.init(target: 0, attempt: 1)])
        #expect(shanghaiOpen.wakeAt == Self.time("2026-12-01T03:00:00Z"), "Urumqi opens at 09:00 local, 03:00 UTC")
        let urumqiOpen = scheduler.tick(now: Self.time("2026-12-01T03:00:00Z"))
        #expect(urumqiOpen.calls == [.init(target: 1, attempt: 1)] && urumqiOpen.wakeAt == nil, "no one is left to call")
    }

    @Test func aWindowThatClosesHoldsItsTargetsUntilItOpensAgain() {
        var scheduler = CampaignScheduler(settings: Self.settings(concurrency: 1),
                                          targets: [("+8613800000001", Self.shanghai), ("+8613800000002", Self.shanghai)], doNotCall: [])
        // 19:59 in Shanghai: one call starts, the line is then full.
        let late = scheduler.tick(now: Self.time("2026-12-01T11:59:00Z"))
        #expect(late.calls == [.init(target: 0, attempt: 1)] && late.wakeAt == nil)
        scheduler.finished(0, result: .answered, at: Self.time("2026-12-01T12:03:00Z"))
        // 20:03: closed; the other waits for 09:00 tomorrow.
        let closed = scheduler.tick(now: Self.time("2026-12-01T12:03:00Z"))
        #expect(closed.calls == [] && closed.wakeAt == Self.time("2026-12-02T01:00:00Z"))
        #expect(scheduler.states[0].status == .done(.answered))
        #expect(scheduler.tick(now: Self.time("2026-12-02T01:00:00Z")).calls == [.init(target: 1, attempt: 1)])
    }

    @Test func theDaylightSavingChangeMovesTheWindowInUTCNotInLocalTime() {
        // Vancouver leaves daylight saving time on 2026-11-01 at 02:00 local.
        var scheduler = CampaignScheduler(settings: Self.settings(concurrency: 1),
                                          targets: [("+16045550101", Self.vancouver), ("+16045550102", Self.vancouver)], doNotCall: [])
        // Saturday 2026-10-31, 19:30 PDT (02:30 UTC on Sunday).
        #expect(scheduler.tick(now: Self.time("2026-11-01T02:30:00Z")).calls == [.init(target: 0, attempt: 1)])
        scheduler.finished(0, result: .answered, at: Self.time("2026-11-01T03:05:00Z"))
        // 20:05 PDT: closed. Sunday opens at 09:00 PST: 17:00 UTC, not 16:00.
        #expect(scheduler.tick(now: Self.time("2026-11-01T03:05:00Z")).wakeAt == Self.time("2026-11-01T17:00:00Z"))
        #expect(scheduler.tick(now: Self.time("2026-11-01T16:00:00Z")).calls == [], "08:00 PST")
        #expect(scheduler.tick(now: Self.time("2026-11-01T17:00:00Z")).calls == [.init(target: 1, attempt: 1)])
    }

    @Test func aWindowOpeningInTheSkippedHourOpensWhenTheClockGetsThere() {
        // Vancouver skips 02:00-03:00 local on 2027-03-14; a window from 02:30 opens at 03:00 PDT (10:00 UTC).
        let window = Array(repeating: [Schedule.Interval(start: 150, end: 300)], count: 7)
        let schedule = Schedule(timeZone: Self.vancouver, weekly: window, closed: [])
        #expect(schedule.nextOpening(atOrAfter: Self.time("2027-03-14T08:00:00Z")) == Self.time("2027-03-14T10:00:00Z"))
        #expect(schedule.nextOpening(atOrAfter: Self.time("2027-03-13T08:00:00Z")) == Self.time("2027-03-13T10:30:00Z"), "02:30 PST the day before")
    }

    @Test func closedDatesAreLocalDates() {
        var scheduler = CampaignScheduler(settings: Self.settings(closed: ["2027-01-01"]),
                                          targets: [("+8613800000001", Self.shanghai)], doNotCall: [])
        // 2027-01-01 10:00 in Shanghai: closed all day; 2027-01-02 09:00 opens.
        let holiday = scheduler.tick(now: Self.time("2027-01-01T02:00:00Z"))
        #expect(holiday.calls == [] && holiday.wakeAt == Self.time("2027-01-02T01:00:00Z"))
    }

    @Test func concurrencyAndRateHoldTheNewCalls() {
        let targets = (0..<10).map { ("+86138000000\(String(format: "%02d", $0))", Self.shanghai) }
        var scheduler = CampaignScheduler(settings: Self.settings(concurrency: 3, rate: .init(calls: 4, seconds: 60)),
                                          targets: targets, doNotCall: [])
        let start = Self.time("2026-12-01T02:00:00Z")
        let first = scheduler.tick(now: start)
        #expect(first.calls.map(\.target) == [0, 1, 2] && first.wakeAt == nil, "three lines, all busy")
        scheduler.finished(0, result: .answered, at: start.addingTimeInterval(10))
        #expect(scheduler.tick(now: start.addingTimeInterval(10)).calls.map(\.target) == [3], "the fourth call of the minute")
        scheduler.finished(1, result: .answered, at: start.addingTimeInterval(20))
        let limited = scheduler.tick(now: start.addingTimeInterval(20))
        #expect(limited.calls == [] && limited.wakeAt == start.addingTimeInterval(60), "4/m: the next when the first leaves the minute")
        #expect(scheduler.tick(now: start.addingTimeInterval(60)).calls.map(\.target) == [4])
        #expect(scheduler.counts.inProgress == 3 && scheduler.counts.attempts == 5 && scheduler.counts.pending == 5)
    }

    @Test func neverTwoCallsAtOnceToOneNumber() {
        var scheduler = CampaignScheduler(settings: Self.settings(),
                                          targets: [("+8613800000001", Self.shanghai), ("+8613800000001", Self.shanghai),
                                                    ("+8613800000002", Self.shanghai)],
                                          doNotCall: [])
        let now = Self.time("2026-12-01T02:00:00Z")
        #expect(scheduler.tick(now: now).calls.map(\.target) == [0, 2])
        #expect(scheduler.tick(now: now.addingTimeInterval(30)).calls == [])
        scheduler.finished(0, result: .answered, at: now.addingTimeInterval(60))
        #expect(scheduler.tick(now: now.addingTimeInterval(60)).calls.map(\.target) == [1])
    }

    @Test func retriesByResultUpToMaxAttemptsAndTheDoNotCallList() {
        var scheduler = CampaignScheduler(settings: Self.settings(maxAttempts: 3, retry: [.busy: 600, .noAnswer: 3600]),
                                          targets: [("+8613800000001", Self.shanghai), ("+8613800000002", Self.shanghai),
                                                    ("+8613800000003", Self.shanghai), ("+8613800000004", Self.shanghai)],
                                          doNotCall: ["+8613800000004"])
        #expect(scheduler.states[3].status == .done(.doNotCall))
        var now = Self.time("2026-12-01T02:00:00Z")
        #expect(scheduler.tick(now: now).calls.map(\.target) == [0, 1, 2])
        scheduler.finished(0, result: .busy, at: now)
        scheduler.finished(1, result: .noAnswer, at: now)
        scheduler.finished(2, result: .failed, at: now)
        #expect(scheduler.states[2] == .init(attempts: 1, status: .done(.exhausted), lastResult: .failed), "no retry for 'failed' here")
        #expect(scheduler.states[0].status == .pending(notBefore: now.addingTimeInterval(600)))
        let retry = scheduler.tick(now: now)
        #expect(retry.calls == [] && retry.wakeAt == now.addingTimeInterval(600))
        now = now.addingTimeInterval(600)
        #expect(scheduler.tick(now: now).calls == [.init(target: 0, attempt: 2)])
        scheduler.finished(0, result: .busy, at: now)
        now = now.addingTimeInterval(600)
        #expect(scheduler.tick(now: now).calls == [.init(target: 0, attempt: 3)])
        scheduler.finished(0, result: .busy, at: now)
        #expect(scheduler.states[0] == .init(attempts: 3, status: .done(.exhausted), lastResult: .busy), "three attempts used")
        now = Self.time("2026-12-01T03:00:00Z")
        #expect(scheduler.tick(now: now).calls == [.init(target: 1, attempt: 2)])
        scheduler.finished(1, result: .machine, at: now)
        #expect(scheduler.isFinished)
        #expect(scheduler.counts == .init(targets: 4, pending: 0, inProgress: 0, attempts: 6,
                                          done: [.exhausted: 2, .machine: 1, .doNotCall: 1]))
    }

    @Test func aRestartedSchedulerGoesOnFromTheStoredStates() {
        let targets = [("+8613800000001", Self.shanghai), ("+8613800000002", Self.shanghai), ("+8613800000003", Self.shanghai)]
        let now = Self.time("2026-12-01T02:00:00Z")
        let stored: [CampaignScheduler.TargetState] = [
            .init(attempts: 1, status: .done(.answered), lastResult: .answered),
            .init(attempts: 1, status: .inProgress(attempt: 1)),
            .init(attempts: 1, status: .pending(notBefore: now.addingTimeInterval(60)), lastResult: .busy),
        ]
        var scheduler = CampaignScheduler(settings: Self.settings(), targets: targets, doNotCall: [], states: stored)
        #expect(scheduler.counts == .init(targets: 3, pending: 1, inProgress: 1, attempts: 3, done: [.answered: 1]))
        let first = scheduler.tick(now: now)
        #expect(first.calls == [] && first.wakeAt == now.addingTimeInterval(60))
        // The attempt in flight when the campaign stopped: its result is unknown, the host reports it failed.
        scheduler.finished(1, result: .failed, at: now)
        #expect(scheduler.states[1].status == .pending(notBefore: now.addingTimeInterval(1800)))
        #expect(scheduler.tick(now: now.addingTimeInterval(60)).calls == [.init(target: 2, attempt: 2)])
    }
}

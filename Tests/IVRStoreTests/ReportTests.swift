import Foundation
import IVRCore
@testable import IVRStore
import Testing

/// Every measure against records whose right answer is worked out by hand.
@Suite struct ReportTests {
    /// Monday 2026-11-23 09:00 in Shanghai (01:00 UTC).
    static let monday9 = Date(timeIntervalSince1970: 1_795_395_600)

    static func call(_ id: String, caller: String, at offset: Double, lasting: Double?, outcome: String?, version: String = "v1",
                     path: [(String, String?, Int, Int, Int)], answers: [String] = [], resolutions: [String] = []) -> CallRecord {
        var record = CallRecord(id: id, flow: "hotline", machineVersion: version, direction: .inbound, caller: caller, called: "95588",
                                started: monday9.addingTimeInterval(offset), language: "zh-CN")
        record.timeZone = "Asia/Shanghai"
        record.outcome = outcome
        record.ended = lasting.map { record.started.addingTimeInterval($0) }
        record.path = path.enumerated().map { index, item in
            var step = CallRecord.Step(state: item.0, entered: record.started.addingTimeInterval(Double(index)))
            step.exit = item.1
            step.noInputs = item.2
            step.noMatches = item.3
            step.failures = item.4
            return step
        }
        if !record.path.isEmpty {
            record.path[record.path.count - 1].answers = answers
            record.path[record.path.count - 1].resolutions = resolutions
        }
        record.steps = record.path.count
        return record
    }

    /// Five calls:
    /// - a: 138 resolved in 30 s via main → faq (article x, resolved);
    /// - b: 138 again 1 h later, transferred after 60 s (so a was not a first-call resolution);
    /// - c: 139 hangs up at main after 10 s, one no-match there;
    /// - d: unknown caller, fails at main after 90 s (no-input twice, out of retries);
    /// - e: 139 on version v2 on Tuesday 10:00, never ended (interrupted).
    static let calls: [CallRecord] = [
        call("a", caller: "138", at: 0, lasting: 30, outcome: "resolved", path: [("main", "faq", 0, 0, 0), ("faq", "end", 0, 0, 0)],
             answers: ["x"], resolutions: ["x"]),
        call("b", caller: "138", at: 3_600, lasting: 60, outcome: "transferred", path: [("main", "agent", 0, 0, 0), ("agent", "end", 0, 0, 0)]),
        call("c", caller: "139", at: 120, lasting: 10, outcome: "abandoned", path: [("main", "end", 0, 1, 0)]),
        call("d", caller: "", at: 240, lasting: 90, outcome: "failed", path: [("main", "end", 2, 0, 1)]),
        call("e", caller: "139", at: 86_400 + 3_600, lasting: nil, outcome: nil, version: "v2", path: [("main", nil, 0, 0, 0)]),
    ]

    func store() async throws -> SQLiteStore {
        let store = try SQLiteStore(path: temporaryStorePath())
        try await store.save(Self.calls)
        return store
    }

    @Test func everyMeasureOverKnownCalls() async throws {
        let report = try await store().report(ReportQuery())
        #expect(report.calls == 5)
        #expect(report.outcomes.map(\.0) == ["abandoned", "failed", "interrupted", "resolved", "transferred"])
        #expect(report.outcomes.map(\.1) == [1, 1, 1, 1, 1])
        #expect(report.containmentRate == 0.8 && report.transferRate == 0.2)
        #expect(report.abandonmentRate == 0.2 && report.failureRate == 0.2)
        // Known callers: a (138 calls again within 24 h: not resolved first time), b, c (139 calls
        // again, e, 25 h later: outside 24 h), e. Three of four were not followed by another call.
        #expect(report.firstCallResolutionRate == 0.75)
        // Durations of the four calls that ended: 10, 30, 60, 90. Mean 47.5; p50 the 2nd (30), p90 the 4th (90).
        #expect(report.duration == CallReport.Duration(mean: 47.5, p50: 30, p90: 90))
        let main = try #require(report.states.first)
        #expect(main.state == "main" && main.entered == 5 && main.abandoned == 1 && main.noInput == 2 && main.noMatch == 1 && main.failed == 1)
        #expect(main.exits.map(\.0) == ["end", "agent", "faq"] && main.exits.map(\.1) == [2, 1, 1])
        #expect(report.states.map(\.state) == ["main", "agent", "faq"])
        #expect(report.articles == [CallReport.ArticleMeasures(id: "x", hits: 1, resolutions: 1)])
        // Shanghai time: four calls on Monday 09:xx, b at 10:00, e on Tuesday 10:00.
        var hours = Array(repeating: 0, count: 168)
        hours[9] = 3
        hours[10] = 1
        hours[24 + 10] = 1
        #expect(report.hours == hours)
    }

    @Test func filtersAndVersions() async throws {
        let store = try await store()
        #expect(try await store.versions(ReportQuery()) == ["v1", "v2"])
        let v2 = try await store.report(ReportQuery(version: "v2"))
        #expect(v2.calls == 1 && v2.outcomes.map(\.0) == ["interrupted"] && v2.duration == nil)
        let firstHour = try await store.report(ReportQuery(since: Self.monday9, until: Self.monday9.addingTimeInterval(3_600)))
        #expect(firstHour.calls == 3)
        // A repeat window of 30 minutes: a's caller came back after an hour, so a counts as resolved first time.
        let short = try await store.report(ReportQuery(repeatWindow: 1_800))
        #expect(short.firstCallResolutionRate == 1.0)
        let none = try await store.report(ReportQuery(flow: "utility"))
        #expect(none.calls == 0 && none.states.isEmpty && none.firstCallResolutionRate == nil)
    }
}

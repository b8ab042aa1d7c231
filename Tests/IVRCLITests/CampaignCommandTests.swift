import Foundation
import GRDB
import Testing

/// `ivr campaign` through the built binary: the example campaign run with
/// the simulate dialer, its status, and a campaign killed at random moments.
@Suite(.serialized) struct CampaignCommandTests {
    static let example = "Flows/reminder.campaign.yaml"

    @Test func theExampleRunsToItsEndInEachTargetsWindowAndShowsItsStatus() throws {
        let directory = try IVRBinary.scratch(["notes.txt": "a scratch directory\n"])
        let db = directory.appendingPathComponent("c.db").path, log = directory.appendingPathComponent("dial.log").path
        let run = try IVRBinary.run(["campaign", "run", Self.example, "--db", db, "--dialer", "simulate", "--at", "2026-12-01T08:00:00+08:00",
                                     "--dial-log", log])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout == "campaign 'overdue-2026-12': 12 calls placed from 2026-12-01T00:00:00Z to 2026-12-01T05:01:30Z; "
                + "7 targets: answered 5, machine 1, exhausted 1\n")
        // 08:00 in Shanghai is 16:00 the day before in Vancouver: its two targets first; Shanghai and
        // Hong Kong at 09:00 local; Urumqi (two hours behind) at 11:00 Shanghai time. Retries after
        // their delays: busy 10m, no answer 1h, failed 30m, from when the network said so.
        #expect(try String(contentsOfFile: log, encoding: .utf8) == """
            2026-12-01T00:00:00Z +16045550101 line 7 attempt 1
            2026-12-01T00:00:00Z +16045550102 line 8 attempt 1
            2026-12-01T01:00:00Z +8613800138001 line 2 attempt 1
            2026-12-01T01:00:00Z +8613800138002 line 3 attempt 1
            2026-12-01T01:00:00Z +85291234567 line 5 attempt 1
            2026-12-01T01:00:00Z +85291234568 line 6 attempt 1
            2026-12-01T01:00:30Z +16045550102 line 8 attempt 2
            2026-12-01T01:10:04Z +8613800138002 line 3 attempt 2
            2026-12-01T01:30:02Z +85291234568 line 6 attempt 2
            2026-12-01T03:00:00Z +8613800138003 line 4 attempt 1
            2026-12-01T04:00:30Z +8613800138003 line 4 attempt 2
            2026-12-01T05:01:00Z +8613800138003 line 4 attempt 3

            """)
        let json = #"{"campaign":"overdue-2026-12","targets":7,"pending":0,"in_progress":0,"attempts":12,"#
            + #""done":{"answered":5,"machine":1,"exhausted":1,"do_not_call":0},"#
            + #""results":{"answered":5,"machine":1,"busy":1,"no_answer":4,"failed":1},"next_attempt":null}"# + "\n"
        #expect(try IVRBinary.run(["campaign", "status", Self.example, "--db", db, "--json"]).stdout == json)
        // Run again: everyone is done, no one is called.
        let again = try IVRBinary.run(["campaign", "run", Self.example, "--db", db, "--dialer", "simulate", "--at", "2026-12-02T08:00:00+08:00"])
        #expect(again.status == 0 && again.stdout.hasPrefix("campaign 'overdue-2026-12': 0 calls placed"))
        // The campaign's measures after the calls' report.
        let report = try IVRBinary.run(["report", "--db", db, "--campaign", "overdue-2026-12"])
        #expect(report.status == 0)
        let section = report.stdout.range(of: "\ncampaign '").map { String(report.stdout[$0.lowerBound...]) }
        #expect(section == """

            campaign 'overdue-2026-12': 7 targets, 7 attempted, 12 calls placed
              reach                 71.4% (5 answered by a person of 7 attempted)
              machine share         16.7% (1 of 6 answered calls)
              answered calls ended  abandoned 2, paid 1, promised 1, transferred 1
              attempts per target   1.71 (1: 3, 2: 3, 3: 1)

            """)
        let reportJSON = try IVRBinary.run(["report", "--db", db, "--campaign", "overdue-2026-12", "--format", "json"]).stdout
        #expect(reportJSON.contains(#""campaign":{"name":"overdue-2026-12","targets":7,"attempted":7,"answered":5,"machine":1,"attempts":12,"#
                                    + #""reach":0.7143,"machine_share":0.1667,"outcomes":{"abandoned":2,"paid":1,"promised":1,"transferred":1},"#
                                    + #""attempts_per_target":{"1":3,"2":3,"3":1},"mean_attempts":1.7143}}"#), "\(reportJSON)")
        let unknown = try IVRBinary.run(["report", "--db", db, "--campaign", "overdue-2027-01"])
        #expect(unknown.status == 2 && unknown.stderr == "ivr: --campaign: the store has no campaign 'overdue-2027-01'\n")
        // The answered calls left records: outbound, with the flow's outcomes.
        let records = try DatabaseQueue(path: db).read { db in
            try Row.fetchAll(db, sql: "SELECT id, direction, called, language, outcome FROM call_records ORDER BY id").map {
                [$0["id"], $0["direction"], $0["called"], $0["language"], $0["outcome"] as String?].compactMap { $0 as String? }.joined(separator: " ")
            }
        }
        #expect(records == [
            "overdue-2026-12-2-1 outbound +8613800138001 zh-CN promised",
            "overdue-2026-12-3-2 outbound +8613800138002 zh-CN paid",
            "overdue-2026-12-5-1 outbound +85291234567 yue-HK message_left",
            "overdue-2026-12-6-2 outbound +85291234568 yue-HK abandoned",
            "overdue-2026-12-7-1 outbound +16045550101 en-US transferred",
            "overdue-2026-12-8-2 outbound +16045550102 en-US abandoned",
        ])
    }

    @Test func aStatusBeforeTheFirstRunAndACampaignWithErrors() throws {
        let directory = try IVRBinary.scratch(["Flows/bad.campaign.yaml": "campaign: x\nflow: reminder.yaml\ntargets: none.csv\n"])
        let db = directory.appendingPathComponent("c.db").path
        _ = try IVRBinary.run(["campaign", "run", Self.example, "--db", db, "--dialer", "simulate", "--at", "2026-12-05T23:00:00+08:00",
                               "--dial-log", "/dev/null"])
        let bad = try IVRBinary.run(["campaign", "run", directory.appendingPathComponent("Flows/bad.campaign.yaml").path, "--db", db,
                                     "--dialer", "simulate"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("error: no file 'none.csv' (the campaign's 'targets') next to the campaign file"))
        #expect(bad.stderr.hasSuffix("has errors: nothing was called ('ivr campaign check' shows them all)\n"))
    }

    /// A campaign of 300 targets killed with SIGKILL at random moments, then
    /// run to its end: the dial log (the network's view) holds no attempt
    /// twice, and every target is done.
    @Test func aCampaignKilledAtRandomMomentsCallsNoOneTwiceAndLosesNoOne() throws {
        var rows = ["number,name,amount,due_date"]
        for index in 0..<300 { rows.append("+86138\(String(format: "%08d", index)),客户\(index),\(100 + index).5,2026-11-20") }
        let flow = IVRBinary.packageRoot.appendingPathComponent("Flows/reminder.yaml").path
        let directory = try IVRBinary.scratch([
            "Flows/k.csv": rows.joined(separator: "\n") + "\n",
            "Flows/k.campaign.yaml": """
                campaign: kill
                flow: \(flow)
                targets: k.csv
                timezone: Asia/Shanghai
                window: { mon-sun: "09:00-20:00" }
                max_attempts: 3
                retry: { busy: 10m, no_answer: 1h, failed: 30m }
                concurrency: 20
                simulate: { answered: 70, machine: 10, busy: 10, no_answer: 10, keys: "3 20261220" }
                """,
        ])
        let campaignFile = directory.appendingPathComponent("Flows/k.campaign.yaml")
        let db = directory.appendingPathComponent("k.db").path, log = directory.appendingPathComponent("dial.log").path
        let arguments = ["campaign", "run", campaignFile.path, "--db", db, "--dialer", "simulate", "--at", "2026-12-01T09:00:00+08:00",
                         "--dial-log", log]
        var kills = 0
        for round in 0..<6 {
            let process = try IVRBinary.spawn(arguments)
            usleep(UInt32.random(in: 40_000...(round < 3 ? 300_000 : 700_000)))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                kills += 1
            }
            process.waitUntilExit()
        }
        let last = try IVRBinary.run(arguments)
        #expect(last.status == 0, "\(last.stderr)")
        #expect(kills >= 3, "the campaign was killed mid-run at least three times (\(kills))")
        let dialed = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ").dropFirst().joined(separator: " ") }
        #expect(Set(dialed).count == dialed.count, "an attempt placed twice: \(dialed.count - Set(dialed).count)")
        let (claimed, states) = try DatabaseQueue(path: db).read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM campaign_attempts WHERE campaign = 'kill'") ?? -1,
             try Row.fetchAll(db, sql: "SELECT status, COUNT(*) AS n FROM campaign_targets WHERE campaign = 'kill' GROUP BY status")
                .map { "\($0["status"] as String? ?? "-") \($0["n"] as Int? ?? -1)" })
        }
        #expect(states == ["done 300"], "every target is done")
        // Each attempt claimed was placed at most once; a kill between the claim and the call leaves one claimed, not placed.
        #expect(dialed.count <= claimed && claimed - dialed.count <= kills, "claimed \(claimed), placed \(dialed.count), kills \(kills)")
    }
}

import Foundation
import GRDB
import Testing

/// `ivr campaign run --dialer ami` through the built binaries against a
/// scripted manager over TCP: Originates with the call data, results from
/// their Reasons, a dropped connection reconnected, the store's state.
@Suite(.serialized) struct AMICampaignTests {
    @Test func aCampaignThroughTheManagerEndsEveryTargetAndSurvivesADroppedConnection() throws {
        let manager = try FakeManager(secret: "s3cret", script: ["+8613800000002": ["busy", "answered"], "+8613800000003": ["machine"],
                                                                 "+8613800000004": ["no_answer", "no_answer", "no_answer"]],
                                      dropFirstConnection: true)
        let project = try InputsGatewayTests.project()
        try """
            number,name,amount,lang
            +8613800000001,李明,12,zh-CN
            +8613800000002,王芳,7,en-US
            +8613800000003,张伟,9.5,en-US
            +8613800000004,赵敏,3,en-US
            """.write(to: project.appendingPathComponent("Flows/bill.csv"), atomically: true, encoding: .utf8)
        try """
            campaign: ami-test
            flow: bill.yaml
            targets: bill.csv
            timezone: Asia/Shanghai
            window: { mon-sun: "00:00-24:00" }
            max_attempts: 3
            retry: { busy: 1s, no_answer: 1s, failed: 1s }
            concurrency: 10
            """.write(to: project.appendingPathComponent("Flows/bill.campaign.yaml"), atomically: true, encoding: .utf8)
        // The bill flow's catalog speaks only English; Mandarin targets need its languages.
        try String(contentsOf: project.appendingPathComponent("Flows/bill.yaml"), encoding: .utf8)
            .replacingOccurrences(of: "languages: [en-US]", with: "languages: [en-US, zh-CN]")
            .write(to: project.appendingPathComponent("Flows/bill.yaml"), atomically: true, encoding: .utf8)
        try "greet: \"{name}您好，您欠费{amount:amount}元。\"\nmenu: 请按1。\n"
            .write(to: project.appendingPathComponent("Prompts/zh-CN.yaml"), atomically: true, encoding: .utf8)
        let db = project.appendingPathComponent("c.db").path
        let (status, stdout, stderr) = try GatewayProcess.runIVR(
            ["campaign", "run", "Flows/bill.campaign.yaml", "--db", db, "--dialer", "ami", "--ami", "127.0.0.1:\(manager.port)",
             "--ami-user", "ivr", "--channel", "PJSIP/{number}@trunk", "--context", "ivr-outbound"],
            in: project, environment: ["IVR_AMI_SECRET": "s3cret"])
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("4 targets: answered 2, machine 1, exhausted 1"), "\(stdout)")
        #expect(manager.connectionCount >= 2, "the dialer connected again after the drop")
        let seen = manager.seen
        let ids = seen.compactMap { $0["ActionID"] }
        #expect(Set(ids).count == ids.count, "no attempt originated twice: \(ids)")
        let first = try #require(seen.first { $0["Channel"] == "PJSIP/+8613800000001@trunk" })
        #expect(first["Context"] == "ivr-outbound" && first["Exten"] == "bill" && first["Async"] == "true")
        #expect(first["Variable"]?.hasPrefix("amount=12;name=李明;IVR_CALL_ID=ami-test-2-") == true && first["Variable"]?.hasSuffix(";IVR_LANG=zh-CN") == true,
                "\(first["Variable"] ?? "-")")
        let states = try DatabaseQueue(path: db).read { db in
            try String.fetchAll(db, sql: "SELECT number || ' ' || outcome FROM campaign_targets WHERE campaign = 'ami-test' ORDER BY target")
        }
        #expect(states == ["+8613800000001 answered", "+8613800000002 answered", "+8613800000003 machine", "+8613800000004 exhausted"])
    }

    @Test func aRefusedLoginPlacesNothingAndSpendsNoAttempt() throws {
        let manager = try FakeManager(secret: "right", script: [:], dropFirstConnection: false)
        let db = try InputsGatewayTests.project().appendingPathComponent("c.db").path
        let (status, _, stderr) = try GatewayProcess.runIVR(
            ["campaign", "run", "Flows/reminder.campaign.yaml", "--db", db, "--dialer", "ami", "--ami", "127.0.0.1:\(manager.port)", "--ami-user", "ivr"],
            in: GatewayProcess.root, environment: ["IVR_AMI_SECRET": "wrong"])
        #expect(status == 1)
        #expect(stderr == "ivr-gateway: the manager refused the login: Authentication failed\n")
        #expect(manager.seen.isEmpty)
        let attempts = try DatabaseQueue(path: db).read { db in try Int.fetchOne(db, sql: "SELECT SUM(attempts) FROM campaign_targets") }
        #expect(attempts == 0)
    }
}

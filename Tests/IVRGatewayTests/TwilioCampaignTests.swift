import Foundation
import GRDB
import IVRTwiML
import Testing

/// `ivr campaign run --dialer twilio` against a fake Calls API over TCP,
/// with the answered calls' TwiML fetched from a running `ivr-gateway twiml`.
@Suite(.serialized) struct TwilioCampaignTests {
    @Test func aCampaignThroughTheCallsAPIEndsEveryTargetFromItsSignedCallbacks() throws {
        let project = try InputsGatewayTests.project()
        try """
            number,name,amount
            +8613800000001,Li,12
            +8613800000002,Wang,7
            +8613800000003,Zhang,9.5
            +8613800000004,Zhao,3
            +8613800000005,Sun,1
            """.write(to: project.appendingPathComponent("Flows/bill.csv"), atomically: true, encoding: .utf8)
        try """
            campaign: twilio-test
            flow: bill.yaml
            targets: bill.csv
            caller_id: "+862012345678"
            timezone: Asia/Shanghai
            window: { mon-sun: "00:00-24:00" }
            max_attempts: 2
            retry: { busy: 1s, no_answer: 1s, failed: 1s }
            concurrency: 10
            """.write(to: project.appendingPathComponent("Flows/bill.campaign.yaml"), atomically: true, encoding: .utf8)
        let gateway = try TwiMLGatewayTests.start(in: project)
        let api = try FakeTwilioAPI(accountSid: "AC123", authToken: TwiMLGatewayTests.authToken,
                                    script: ["+8613800000002": ["busy", "answered"], "+8613800000003": ["machine"], "+8613800000004": ["no-answer", "no-answer"]],
                                    rejected: ["+8613800000005"], publicURL: TwiMLGatewayTests.publicURL, localPort: gateway.port)
        let callbackPort = try Self.freePort()
        let db = project.appendingPathComponent("c.db").path
        let (status, stdout, stderr) = try GatewayProcess.runIVR(
            ["campaign", "run", "Flows/bill.campaign.yaml", "--db", db, "--dialer", "twilio", "--api-base", "http://127.0.0.1:\(api.port)",
             "--account-sid", "AC123", "--webhook-url", TwiMLGatewayTests.publicURL,
             "--callback-url", "http://127.0.0.1:\(callbackPort)/campaign/status", "--callback-listen", "127.0.0.1:\(callbackPort)"],
            in: project, environment: ["TWILIO_AUTH_TOKEN": TwiMLGatewayTests.authToken])
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("5 targets: answered 2, machine 1, exhausted 2"), "\(stdout)")
        #expect(stderr.contains("not placed: The 'To' number +8613800000005 is not a valid phone number."), "\(stderr)")
        let first = try #require(api.calls.first { FormBody.value("To", in: $0) == "+8613800000001" })
        #expect(FormBody.value("From", in: first) == "+862012345678" && FormBody.value("MachineDetection", in: first) == "Enable")
        #expect(FormBody.value("Url", in: first)?.hasPrefix("https://ivr.example.com/twiml/bill?amount=12&name=Li&ivr_call_id=twilio-test-2-") == true)
        #expect(FormBody.value("StatusCallback", in: first)?.hasPrefix("http://127.0.0.1:\(callbackPort)/campaign/status?id=twilio-test-2-") == true)
        #expect(api.twiml.contains { $0.contains("Hello Li, you owe 12.00.") }, "the answered call ran the flow with its data: \(api.twiml)")
        let states = try DatabaseQueue(path: db).read { db in
            try String.fetchAll(db, sql: "SELECT number || ' ' || outcome || ' ' || attempts FROM campaign_targets WHERE campaign = 'twilio-test' ORDER BY target")
        }
        #expect(states == ["+8613800000001 answered 1", "+8613800000002 answered 2", "+8613800000003 machine 1",
                           "+8613800000004 exhausted 2", "+8613800000005 exhausted 2"])
        // The forged "answered" callback that came before each busy one was refused: the busy target took two attempts.
    }

    /// A port nothing listens on now (the system's choice, released).
    static func freePort() throws -> Int {
        let (probe, port) = try listenLoopback()
        close(probe)
        return port
    }
}

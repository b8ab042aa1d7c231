import Foundation
import GRDB
import Testing

/// A flow's `inputs:` through both gateways (SPEC 14): the AGI arguments
/// and the webhook URL's query are the call data; a call without an input
/// is refused, naming it, and other calls go on.
@Suite(.serialized) struct InputsGatewayTests {
    static func project() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("inputs-\(UUID().uuidString)")
        let files = [
            "Flows/bill.yaml": """
                flow: bill
                start: greet
                languages: [en-US]
                inputs: [name, amount]
                states:
                  greet: { say: greet, next: menu }
                  menu:
                    menu:
                      prompt: menu
                      options: { "1": { hangup: resolved } }
                """,
            "Prompts/en-US.yaml": "greet: \"Hello {name}, you owe {amount:amount}.\"\nmenu: Press 1.\n",
        ]
        for (path, text) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return directory
    }

    @Test func agiArgumentsAreTheCallDataAndACallWithoutAnInputIsNotAnswered() throws {
        let gateway = try GatewayProcess(["--tts", "exec:Festival"], in: try Self.project())
        let refused = try gateway.connect().call(flow: "bill", keys: ["1"], arguments: ["lang=en-US", "name=Li"])
        #expect(refused == ["GET VARIABLE amount", "GET VARIABLE AMDSTATUS", "SET VARIABLE IVR_OUTCOME error",
                            "SET VARIABLE IVR_ERROR \"flow 'bill' needs the input 'amount': add amount=VALUE to the AGI arguments or set it on the channel\""])
        #expect(gateway.wait(for: "needs the input 'amount'"))
        let commands = try gateway.connect().call(flow: "bill", keys: ["1"], arguments: ["name=Li", "amount=88.5"])
        #expect(commands.prefix(3) == ["ANSWER", "EXEC Festival \"Hello Li, you owe 88.50.\"", "EXEC Festival \"Press 1.\""])
        #expect(commands.contains("SET VARIABLE IVR_OUTCOME resolved"))
        #expect(commands.contains("SET VARIABLE IVR_VAR_amount 88.5"), "call data is among the end variables")
    }

    /// A dialer's call (an AMI `Originate` with `Variable` lines, the dialplan
    /// running AMD() then the AGI): the inputs come from the channel, the call
    /// is outbound and `answered_by` follows `AMDSTATUS`.
    @Test func aDialersCallTakesItsDataFromTheChannel() throws {
        let project = try Self.project()
        try """
            flow: bill
            start: who
            languages: [en-US]
            inputs: [name, amount]
            states:
              who:
                branch:
                  - if: { all: [{ var: direction, equals: outbound }, { var: answered_by, equals: machine }] }
                    say: greet
                    hangup: message_left
                  - else: { say: greet, goto: menu }
              menu:
                menu:
                  prompt: menu
                  options: { "1": { hangup: resolved } }
            """.write(to: project.appendingPathComponent("Flows/bill.yaml"), atomically: true, encoding: .utf8)
        let db = project.appendingPathComponent("calls.db").path
        let gateway = try GatewayProcess(["--tts", "exec:Festival", "--db", db], in: project)
        var machine = FakeAsterisk.Caller(keys: [])
        machine.channel = ["name": "Li", "amount": "12", "AMDSTATUS": "MACHINE", "IVR_CALL_ID": "dec-2-1"]
        let voicemail = try gateway.connect().play(FakeAsterisk.environment(flow: "bill", arguments: []), machine).commands
        #expect(Array(voicemail.prefix(6)) == ["GET VARIABLE name", "GET VARIABLE amount", "GET VARIABLE AMDSTATUS", "ANSWER",
                                               "EXEC Festival \"Hello Li, you owe 12.00.\"", "SET VARIABLE IVR_OUTCOME message_left"])
        var person = FakeAsterisk.Caller(keys: ["1"])
        person.channel = ["name": "Wang", "amount": "7", "AMDSTATUS": "HUMAN"]
        let answered = try gateway.connect().play(FakeAsterisk.environment(flow: "bill", arguments: ["name=Zhou"]), person).commands
        #expect(Array(answered.prefix(5)) == ["GET VARIABLE amount", "GET VARIABLE AMDSTATUS", "ANSWER",
                                              "EXEC Festival \"Hello Zhou, you owe 7.00.\"", "EXEC Festival \"Press 1.\""],
                "an argument wins over the channel; only what the arguments lack is read")
        #expect(answered.contains("SET VARIABLE IVR_OUTCOME resolved"))
        #expect(gateway.wait(for: "outcome resolved"))
        let directions = try DatabaseQueue(path: db).read { db in
            try String.fetchAll(db, sql: "SELECT direction || ' ' || outcome FROM call_records ORDER BY started")
        }
        #expect(directions == ["outbound message_left", "outbound resolved"], "a dialer's calls are recorded outbound")
    }

    @Test func theWebhookQueryIsTheCallDataAndACallWithoutAnInputIs400() throws {
        let gateway = try TwiMLGatewayTests.start(in: try Self.project())
        let call = [("CallSid", "CA1"), ("From", "+8613800138000"), ("To", "+8695588")]
        let refused = try TwiMLGatewayTests.post(gateway, "/twiml/bill?amount=3", call)
        #expect(refused.status == 400)
        #expect(refused.body == "flow 'bill' needs the input 'name': add name=VALUE to the webhook URL's query\n")
        let first = try TwiMLGatewayTests.post(gateway, "/twiml/bill?name=Li%20Ming&amount=88.5", call)
        #expect(first.status == 200)
        #expect(first.body.contains(#"<Say language="en-US">Hello Li Ming, you owe 88.50.</Say>"#), "\(first.body)")
        // The data travels in the sealed call: the next request still has it.
        let next = try #require(TwiMLGatewayTests.action(first.body))
        let second = try TwiMLGatewayTests.post(gateway, next, [("CallSid", "CA1"), ("Digits", "1")])
        #expect(second.status == 200 && second.body.hasSuffix("<Hangup/></Response>"))
    }
}

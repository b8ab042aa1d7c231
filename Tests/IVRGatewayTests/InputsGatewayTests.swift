import Foundation
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
        #expect(refused == ["SET VARIABLE IVR_OUTCOME error",
                            "SET VARIABLE IVR_ERROR \"flow 'bill' needs the input 'amount': add amount=VALUE to the AGI arguments\""])
        #expect(gateway.wait(for: "needs the input 'amount'"))
        let commands = try gateway.connect().call(flow: "bill", keys: ["1"], arguments: ["name=Li", "amount=88.5"])
        #expect(commands.prefix(3) == ["ANSWER", "EXEC Festival \"Hello Li, you owe 88.50.\"", "EXEC Festival \"Press 1.\""])
        #expect(commands.contains("SET VARIABLE IVR_OUTCOME resolved"))
        #expect(commands.contains("SET VARIABLE IVR_VAR_amount 88.5"), "call data is among the end variables")
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

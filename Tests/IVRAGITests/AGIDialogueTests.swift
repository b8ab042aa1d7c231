import Testing
@testable import IVRAGI

/// Byte for byte what a real Asterisk 22.10.1 sent a FastAGI server
/// (recorded transcripts), and what the gateway must send it.
@Suite struct AGIDialogueTests {
    /// Scenario `e`'s environment block, in the two TCP segments it came in.
    static let environment = [
        "agi_network: yes\nagi_network_script: pharmacy\nagi_request: agi://127.0.0.1:4573/pharmacy\nagi_channel: Local/e@agi-test-00000009;2\nagi_language: en\nagi_type: Local\nagi_uniqueid: 1795434519.19\nagi_version: 22.10.1\nagi_callerid: unknown\nagi_calleridname: unknown\nagi_callingpres: 67\nagi_callingani2: 0\nagi_callington: 0\nagi_callingtns: 0\nagi_dnid: unknown\nagi_rdnis: unknown\nagi_context: agi-test\n",
        "agi_extension: e\nagi_priority: 2\nagi_enhanced: 0.0\nagi_accountcode: \nagi_threadid: 140577309750976\nagi_arg_1: lang=en-US\n\n",
    ]

    func started() -> (AGIDialogue, AGIEnvironment?) {
        var dialogue = AGIDialogue()
        var events = dialogue.receive(Array(Self.environment[0].utf8))
        #expect(events.isEmpty, "the block is not over after the first segment")
        events = dialogue.receive(Array(Self.environment[1].utf8))
        guard case .environment(let environment)? = events.first, events.count == 1 else { return (dialogue, nil) }
        return (dialogue, environment)
    }

    @Test func theEnvironmentBlockNamesTheFlowTheArgumentsAndTheNumbers() throws {
        let (_, environment) = started()
        let env = try #require(environment)
        #expect(env.fields.count == 23)
        #expect(env.script == "pharmacy")
        #expect(env.arguments == ["lang=en-US"])
        #expect(env.namedArguments.map(\.name) == ["lang"] && env.namedArguments.map(\.value) == ["en-US"])
        #expect(env.caller == "", "unknown means empty")
        #expect(env.called == "e", "no dialled number: the extension")
        #expect(env.uniqueID == "1795434519.19")
        #expect(env["agi_accountcode"] == "", "an empty value is kept")
    }

    @Test func commandsAreTheLinesAsteriskReads() {
        #expect(AGICommand.answer.line == "ANSWER\n")
        #expect(AGICommand.waitForDigit(milliseconds: 10000).line == "WAIT FOR DIGIT 10000\n")
        #expect(AGICommand.streamFile(sound: "x", escapeDigits: "").line == "STREAM FILE x \"\"\n")
        #expect(AGICommand.streamFile(sound: "/nonexistent/file", escapeDigits: "0123456789*#").line == "STREAM FILE /nonexistent/file \"0123456789*#\"\n")
        #expect(AGICommand.setVariable(name: "IVR_OUTCOME", value: "abandoned").line == "SET VARIABLE IVR_OUTCOME abandoned\n")
        #expect(AGICommand.getVariable(name: "DIALSTATUS").line == "GET VARIABLE DIALSTATUS\n")
        #expect(AGICommand.verbose(message: "dead", level: 1).line == "VERBOSE \"dead\" 1\n")
        #expect(AGICommand.exec(application: "Wait", arguments: "1").line == "EXEC Wait \"1\"\n")
        #expect(AGICommand.exec(application: "Dial", arguments: "Local/busy@busyctx,5").line == "EXEC Dial \"Local/busy@busyctx,5\"\n")
        #expect(AGICommand.hangup.line == "HANGUP\n")
    }

    @Test func valuesAreQuotedSoThatNothingSplitsOrEndsTheLine() {
        #expect(AGICommand.setVariable(name: "IVR_VAR_name", value: "Chan Tai Man").line == "SET VARIABLE IVR_VAR_name \"Chan Tai Man\"\n")
        #expect(AGICommand.setVariable(name: "X", value: "").line == "SET VARIABLE X \"\"\n")
        #expect(AGICommand.setVariable(name: "X", value: #"say "hi" \ bye"#).line == #"SET VARIABLE X "say \"hi\" \\ bye""# + "\n")
        // A line break would end the command: it becomes a space.
        #expect(AGICommand.exec(application: "Festival", arguments: "line one\r\nline two").line == "EXEC Festival \"line one line two\"\n")
        #expect(AGICommand.setVariable(name: "IVR_VAR_name", value: "韩梅梅").line == "SET VARIABLE IVR_VAR_name 韩梅梅\n")
    }

    @Test func aHangupDuringAWaitThenDeadChannelReplies() throws {
        // Scenario e: the caller hangs up during WAIT FOR DIGIT.
        var (dialogue, _) = started()
        #expect(dialogue.send(.answer) == "ANSWER\n")
        #expect(dialogue.send(.answer) == nil, "one command at a time")
        #expect(dialogue.receive(Array("200 result=0\n".utf8)) == [.reply(.answer, .success(result: 0, data: nil, endpos: nil))])
        _ = dialogue.send(.waitForDigit(milliseconds: 10000))
        #expect(dialogue.receive(Array("200 result=-1\n".utf8)) == [.reply(.waitForDigit(milliseconds: 10000), .success(result: -1, data: nil, endpos: nil))])
        #expect(dialogue.receive(Array("HANGUP\n".utf8)) == [.hangup])
        #expect(dialogue.hungUp)
        _ = dialogue.send(.streamFile(sound: "x", escapeDigits: ""))
        #expect(dialogue.receive(Array("511 Command Not Permitted on a dead channel or intercept routine\n".utf8))
                == [.reply(.streamFile(sound: "x", escapeDigits: ""), .deadChannel)])
        _ = dialogue.send(.getVariable(name: "IVR_OUTCOME"))
        #expect(dialogue.receive(Array("200 result=1 (abandoned)\n".utf8)) == [.reply(.getVariable(name: "IVR_OUTCOME"), .success(result: 1, data: "abandoned", endpos: nil))])
    }

    @Test func aHangupLineBetweenACommandAndItsReply() {
        var (dialogue, _) = started()
        _ = dialogue.send(.waitForDigit(milliseconds: 5000))
        #expect(dialogue.receive(Array("HANGUP\n200 result=-1\n".utf8)) == [.hangup, .reply(.waitForDigit(milliseconds: 5000), .success(result: -1, data: nil, endpos: nil))])
    }

    @Test func aUsageBlockInSeparateSegmentsIsOneReply() {
        // Scenario hx: `WAIT FOR DIGIT` without its timeout; the first line came alone.
        var (dialogue, _) = started()
        let command = AGICommand.exec(application: "x", arguments: "")
        _ = dialogue.send(command)
        #expect(dialogue.receive(Array("520-Invalid command syntax.  Proper usage follows:\n".utf8)).isEmpty)
        let text = "Waits up to <replaceable>timeout</replaceable> milliseconds for channel to receive a DTMF digit."
        #expect(dialogue.receive(Array("\(text)\n".utf8)).isEmpty)
        // A HANGUP line inside the block is still the caller hanging up.
        #expect(dialogue.receive(Array("HANGUP\n520 End of proper usage.\n".utf8)) == [.hangup, .reply(command, .usage([text]))])
        #expect(!dialogue.isAwaitingReply)
    }

    @Test func progressLinesAreSkipped() {
        var (dialogue, _) = started()
        _ = dialogue.send(.exec(application: "Dial", arguments: "SIP/1"))
        #expect(dialogue.receive(Array("100 result=0 Trying...\n200 result=0\n".utf8))
                == [.reply(.exec(application: "Dial", arguments: "SIP/1"), .success(result: 0, data: nil, endpos: nil))])
    }

    @Test func repliesAsAsteriskWritesThem() {
        #expect(AGIReply.parse("200 result=0 endpos=32000") == .success(result: 0, data: nil, endpos: 32000))
        #expect(AGIReply.parse("200 result=-1 endpos=0") == .success(result: -1, data: nil, endpos: 0))
        #expect(AGIReply.parse("200 result=49 endpos=11040") == .success(result: 49, data: nil, endpos: 11040))
        #expect(AGIReply.parse("200 result=1 (BUSY)") == .success(result: 1, data: "BUSY", endpos: nil))
        #expect(AGIReply.parse("200 result=1 (a (nested) value)") == .success(result: 1, data: "a (nested) value", endpos: nil))
        #expect(AGIReply.parse("200 result=-2") == .success(result: -2, data: nil, endpos: nil))
        #expect(AGIReply.parse("510 Invalid or unknown command") == .invalidCommand)
        #expect(AGIReply.parse("200 result=") == nil)
        #expect(AGIReply.parse("200 result=1 trailing junk") == nil)
        #expect(AGIReply.parse("hello") == nil)
    }

    @Test func aPeerThatBreaksTheProtocolEndsOnlyItsSession() {
        var long = AGIDialogue(lineLimit: 64)
        #expect(long.receive(Array(String(repeating: "a", count: 65).utf8)) == [.protocolError("a line longer than 64 bytes")])
        #expect(long.receive(Array("\n".utf8)).isEmpty, "nothing after the error")

        var endless = AGIDialogue()
        let lines = (0..<201).map { "agi_x\($0): 1\n" }.joined()
        #expect(endless.receive(Array(lines.utf8)) == [.protocolError("an environment block of more than 200 lines")])

        var slow = AGIDialogue()
        _ = slow.receive(Array("agi_network: yes\n".utf8))
        #expect(slow.environmentTimedOut() == .protocolError("the environment block did not end in time"))

        var (garbage, _) = started()
        _ = garbage.send(.answer)
        #expect(garbage.receive(Array("OK\n".utf8)) == [.protocolError("a reply that is not '200 result=...': 'OK'")])

        var (unasked, _) = started()
        #expect(unasked.receive(Array("200 result=0\n".utf8)) == [.protocolError("a line while no command was pending: '200 result=0'")])
    }
}

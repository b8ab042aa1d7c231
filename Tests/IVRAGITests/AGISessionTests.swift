import Foundation
import Testing
import IVRCore
@testable import IVRAGI

/// The session between the interpreter and Asterisk, driven with the
/// replies a real Asterisk gives, compared whole.
@Suite struct AGISessionTests {
    static let flow = """
    flow: pharmacy
    start: main
    languages: [en-US, zh-CN]
    states:
      main:
        menu:
          prompt: hi
          options:
            "1": { say: bye, goto: done }
            "2": { set: { note: "needs a call back" }, goto: agent }
            "3": { transfer: operator }
      agent:
        transfer: { to: pharmacist, on_fail: { say: busy, goto: main } }
      done: { hangup: resolved }

    """

    static func machine() throws -> Machine {
        let files = MemoryFiles([
            "/t/Flows/pharmacy.yaml": flow,
            "/t/Prompts/en-US.yaml": "hi: Press 1 or 2.\nbye: Goodbye.\nbusy: All agents are busy.\n",
            "/t/Prompts/zh-CN.yaml": "hi: 请按1或2。\nbye: 再见。\nbusy: 坐席忙。\n",
            "/t/Prompts/en-US/hi.wav": "RIFF",
        ])
        let result = FlowCompiler.compile(path: "/t/Flows/pharmacy.yaml", options: CompileOptions(files: files, workingDirectory: "/t"))
        return try #require(result.machine, "\(result.diagnostics)")
    }

    static func environment(_ arguments: [String] = ["lang=en-US"]) -> AGIEnvironment {
        var dialogue = AGIDialogue()
        var block = "agi_network: yes\nagi_network_script: pharmacy\nagi_callerid: 13800138000\nagi_dnid: unknown\nagi_extension: 95588\n"
        for (index, argument) in arguments.enumerated() { block += "agi_arg_\(index + 1): \(argument)\n" }
        guard case .environment(let environment)? = dialogue.receive(Array((block + "\n").utf8)).first else { return AGIEnvironment() }
        return environment
    }

    static let ok = AGIReply.success(result: 0, data: nil, endpos: nil)
    static let set = AGIReply.success(result: 1, data: nil, endpos: nil)
    static let now = Date(timeIntervalSince1970: 1_795_400_000)
    static let allKeys = "0123456789*#ABCD"

    /// The steps without the interpreter's outputs (checked on their own).
    func commands(_ steps: [AGISession.Step]) -> [AGISession.Step] {
        steps.filter { if case .interpreted = $0 { return false } else { return true } }
    }

    func events(_ steps: [AGISession.Step]) -> [Event] {
        steps.compactMap { if case .interpreted(let event, _) = $0 { return event } else { return nil } }
    }

    @Test func aCallerChoosesAndTheSessionHangsUpWithTheEndVariables() throws {
        var session = AGISession(machine: try Self.machine())
        #expect(session.start(Self.environment(), now: Self.now) == [.send(.answer)])
        var steps = session.reply(.answer, Self.ok)
        #expect(events(steps) == [.start(caller: "13800138000", called: "95588", language: "en-US", time: Self.now)])
        #expect(commands(steps) == [.send(.streamFile(sound: "en-US/hi", escapeDigits: Self.allKeys))])
        steps = session.reply(.streamFile(sound: "en-US/hi", escapeDigits: Self.allKeys), .success(result: 0, data: nil, endpos: 32000))
        #expect(steps == [.send(.waitForDigit(milliseconds: 5000))])
        steps = session.reply(.waitForDigit(milliseconds: 5000), .success(result: 49, data: nil, endpos: nil))  // "1"
        #expect(events(steps) == [.key(.k1)])
        // "bye" has no recording and no TTS: logged and skipped.
        #expect(commands(steps) == [.noAudio(prompt: "bye", language: "en-US"), .send(.setVariable(name: "IVR_OUTCOME", value: "resolved"))])
        #expect(session.reply(.setVariable(name: "IVR_OUTCOME", value: "resolved"), Self.set) == [.send(.setVariable(name: "IVR_STATE", value: "done"))])
        #expect(session.reply(.setVariable(name: "IVR_STATE", value: "done"), Self.set) == [.send(.setVariable(name: "IVR_VAR_language", value: "en-US"))])
        #expect(session.reply(.setVariable(name: "IVR_VAR_language", value: "en-US"), Self.set) == [.send(.hangup)])
        #expect(session.reply(.hangup, Self.set) == [.close])
        #expect(session.isClosed)
    }

    @Test func aHangupDuringTheWaitEndsAbandonedWithoutAHangupCommand() throws {
        // Scenario e: WAIT FOR DIGIT answers -1, the HANGUP line follows.
        var session = AGISession(machine: try Self.machine())
        _ = session.start(Self.environment(), now: Self.now)
        _ = session.reply(.answer, Self.ok)
        _ = session.reply(.streamFile(sound: "en-US/hi", escapeDigits: Self.allKeys), Self.ok)
        var steps = session.reply(.waitForDigit(milliseconds: 5000), .success(result: -1, data: nil, endpos: nil))
        #expect(events(steps) == [.hangup])
        #expect(commands(steps) == [.send(.setVariable(name: "IVR_OUTCOME", value: "abandoned"))])
        #expect(session.hangupLine().isEmpty, "the command in flight carries the session on")
        steps = session.reply(.setVariable(name: "IVR_OUTCOME", value: "abandoned"), Self.set)
        #expect(steps == [.send(.setVariable(name: "IVR_STATE", value: "main"))])
        #expect(session.reply(.setVariable(name: "IVR_STATE", value: "main"), Self.set) == [.send(.setVariable(name: "IVR_VAR_language", value: "en-US"))])
        #expect(session.reply(.setVariable(name: "IVR_VAR_language", value: "en-US"), Self.set) == [.close])
    }

    @Test func aMissingSoundFileIsToldApartFromAHangup() throws {
        var session = AGISession(machine: try Self.machine())
        _ = session.start(Self.environment(), now: Self.now)
        _ = session.reply(.answer, Self.ok)
        let stream = AGICommand.streamFile(sound: "en-US/hi", escapeDigits: Self.allKeys)
        // -1 and no HANGUP line before the next reply: the file is missing.
        #expect(session.reply(stream, .success(result: -1, data: nil, endpos: 0)) == [.send(.getVariable(name: "PLAYBACKSTATUS"))])
        #expect(session.reply(.getVariable(name: "PLAYBACKSTATUS"), .success(result: 1, data: "SUCCESS", endpos: nil))
                == [.missingSound("en-US/hi"), .send(.waitForDigit(milliseconds: 5000))])

        // -1 and a HANGUP line before the next reply: the caller hung up.
        var gone = AGISession(machine: try Self.machine())
        _ = gone.start(Self.environment(), now: Self.now)
        _ = gone.reply(.answer, Self.ok)
        _ = gone.reply(stream, .success(result: -1, data: nil, endpos: 0))
        #expect(gone.hangupLine().isEmpty)
        let steps = gone.reply(.getVariable(name: "PLAYBACKSTATUS"), .success(result: 0, data: nil, endpos: nil))
        #expect(events(steps) == [.hangup])
        #expect(commands(steps) == [.send(.setVariable(name: "IVR_OUTCOME", value: "abandoned"))])
    }

    @Test func aKeyThatCutsAPromptGoesToTheWait() throws {
        var session = AGISession(machine: try Self.machine())
        _ = session.start(Self.environment(), now: Self.now)
        _ = session.reply(.answer, Self.ok)
        // "3" (ASCII 51) pressed during the menu prompt: no WAIT FOR DIGIT, the key is the choice.
        let steps = session.reply(.streamFile(sound: "en-US/hi", escapeDigits: Self.allKeys), .success(result: 51, data: nil, endpos: 8000))
        #expect(events(steps) == [.key(.k3)])
        #expect(commands(steps) == [.send(.setVariable(name: "IVR_TRANSFER", value: "operator"))])
        #expect(session.reply(.setVariable(name: "IVR_TRANSFER", value: "operator"), Self.set)
                == [.send(.setVariable(name: "IVR_OUTCOME", value: "transferred"))])
    }

    @Test func aBusyDialReachesOnFailAndAnAnsweredOneEndsTransferred() throws {
        let options = AGISession.Options(tts: .exec("Festival"), transfer: .dial(template: "PJSIP/{target}"))
        var session = AGISession(machine: try Self.machine(), options: options)
        _ = session.start(Self.environment(["lang=en-US", "ticket=A12"]), now: Self.now)
        _ = session.reply(.answer, Self.ok)
        _ = session.reply(.streamFile(sound: "en-US/hi", escapeDigits: Self.allKeys), Self.ok)
        var steps = session.reply(.waitForDigit(milliseconds: 5000), .success(result: 50, data: nil, endpos: nil))  // "2"
        #expect(commands(steps) == [.send(.exec(application: "Dial", arguments: "PJSIP/pharmacist"))])
        #expect(session.reply(.exec(application: "Dial", arguments: "PJSIP/pharmacist"), Self.ok) == [.send(.getVariable(name: "DIALSTATUS"))])
        steps = session.reply(.getVariable(name: "DIALSTATUS"), .success(result: 1, data: "BUSY", endpos: nil))
        #expect(events(steps) == [.transferFailed("BUSY")])
        // on_fail says "busy" through TTS (no recording), then the menu again.
        #expect(commands(steps) == [.send(.exec(application: "Festival", arguments: "All agents are busy."))])
        #expect(session.reply(.exec(application: "Festival", arguments: "All agents are busy."), Self.ok)
                == [.send(.streamFile(sound: "en-US/hi", escapeDigits: Self.allKeys))])
        _ = session.reply(.streamFile(sound: "en-US/hi", escapeDigits: Self.allKeys), Self.ok)
        _ = session.reply(.waitForDigit(milliseconds: 5000), .success(result: 50, data: nil, endpos: nil))
        _ = session.reply(.exec(application: "Dial", arguments: "PJSIP/pharmacist"), Self.ok)
        steps = session.reply(.getVariable(name: "DIALSTATUS"), .success(result: 1, data: "ANSWER", endpos: nil))
        // The end variables: the outcome, the state, and the call's variables for the agent's screen.
        var sent: [AGICommand] = []
        var next = steps
        while case .send(let command)? = next.last {
            sent.append(command)
            next = session.reply(command, Self.set)
        }
        #expect(next == [.close])
        #expect(sent == [.setVariable(name: "IVR_OUTCOME", value: "transferred"), .setVariable(name: "IVR_STATE", value: "agent"),
                         .setVariable(name: "IVR_VAR_language", value: "en-US"), .setVariable(name: "IVR_VAR_note", value: "needs a call back"), .setVariable(name: "IVR_VAR_ticket", value: "A12"),
                         .hangup])
    }

    @Test func theLanguageArgumentChoosesTheRecordingsLanguage() throws {
        var session = AGISession(machine: try Self.machine())
        _ = session.start(Self.environment(["lang=zh-CN"]), now: Self.now)
        let steps = session.reply(.answer, Self.ok)
        // No Mandarin recording of "hi": without TTS it is logged and the call waits.
        #expect(commands(steps) == [.noAudio(prompt: "hi", language: "zh-CN"), .send(.waitForDigit(milliseconds: 5000))])
    }

    @Test func aBrokenPeerEndsTheCallWhereItStands() throws {
        var session = AGISession(machine: try Self.machine())
        _ = session.start(Self.environment(), now: Self.now)
        _ = session.reply(.answer, Self.ok)
        let steps = session.protocolError()
        #expect(events(steps) == [.hangup] && steps.last == .close)
        #expect(session.interpreter.call.outcome == "abandoned")
    }
}

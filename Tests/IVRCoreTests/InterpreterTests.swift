import Foundation
import Testing
@testable import IVRCore
import IVRTools

/// The interpreter driven event by event; actions and trace lines compared whole.
@Suite struct InterpreterTests {
    static let time = Date(timeIntervalSince1970: 1_795_000_000)

    func play(_ key: String, _ text: String, language: String = "zh-CN", bargeIn: Bool = true) -> Step {
        .play(Action.Play(prompt: key, language: language, text: text, audio: nil, bargeIn: bargeIn))
    }

    func wait(_ maxKeys: Int = 1, finishOn: DTMFKey? = nil, timeout: Int = 5000) -> Step {
        .wait(Action.Wait(maxKeys: maxKeys, finishOn: finishOn, timeoutMs: timeout, interDigitTimeoutMs: 3000, bargeIn: true))
    }

    func start(_ flow: String, extra: [String: String] = [:]) throws -> (Interpreter, Output) {
        var interpreter = Interpreter(machine: try Fixture.machine(flow, extra: extra))
        let output = interpreter.start(caller: "13800138000", called: "95588", time: Self.time)
        return (interpreter, output)
    }

    let menuFlow = Fixture.flow("""
      main:
        menu:
          prompt: main.menu
          no_input: main.silence
          no_match: main.invalid
          options:
            "1": { say: info, goto: repeat }
            "2": bye
      bye: { hangup: { say: bye } }
    """, header: "global: { \"0\": { transfer: operator } }")

    @Test func menuRetriesOnSilenceThenFails() throws {
        var (call, output) = try start(menuFlow)
        #expect(output.steps == [play("main.menu", "主菜单"), wait()])
        #expect(call.timeout().steps == [play("main.silence", "没有听到"), play("main.menu", "主菜单"), wait()])
        #expect(call.timeout().steps == [play("main.silence", "没有听到"), play("main.menu", "主菜单"), wait()])
        output = call.timeout()
        #expect(output.steps == [play("main.silence", "没有听到"), .hangup("failed")])
        #expect(output.lines == [
            #"{"event":"timeout","state":"main"}"#,
            #"{"event":"no_input","state":"main","attempt":3}"#,
            #"{"event":"play","state":"main","prompt":"main.silence","language":"zh-CN","text":"没有听到"}"#,
            #"{"event":"end","state":"main","outcome":"failed","steps":1}"#,
        ])
        #expect(call.isEnded)
    }

    @Test func noMatchOptionGlobalAndRepeat() throws {
        var (call, _) = try start(menuFlow)
        var output = call.key(.k7)
        #expect(output.steps == [play("main.invalid", "输入有误"), play("main.menu", "主菜单"), wait()])
        #expect(output.lines[1] == #"{"event":"no_match","state":"main","attempt":1,"input":"7"}"#)
        output = call.key(.k1)
        // repeat: the prompt again, no enter line, no step, the failure counter kept
        #expect(output.steps == [play("info", "信息"), play("main.menu", "主菜单"), wait()])
        #expect(!output.lines.contains { $0.contains(#""event":"enter""#) })
        #expect(call.call.steps == 1)
        #expect(call.call.failures == 1)
        output = call.key(.k0)
        #expect(output.steps == [.transfer("operator")])
        #expect(output.lines.suffix(2) == [
            #"{"event":"transfer","state":"main","target":"operator"}"#,
            #"{"event":"end","state":"main","outcome":"transferred","steps":1}"#,
        ])
    }

    @Test func hangupEndsAnyStateAsAbandoned() throws {
        var (call, _) = try start(menuFlow)
        let output = call.hangup()
        #expect(output.steps == [.hangup("abandoned")])
        #expect(output.lines == [#"{"event":"end","state":"main","outcome":"abandoned","steps":1}"#])
        #expect(call.key(.k1) == Output(directive: .ignored(.ended)))
    }

    let askFlow = Fixture.flow("""
      main:
        ask:
          prompt: ask.account
          save_as: account
          min_digits: 4
          max_digits: 6
          check: luhn
          confirm: ask.confirm
          no_match: main.invalid
          options: { "*": bye }
          next: bye
      bye: { hangup: resolved }
    """, header: "global: { \"0\": bye }")

    @Test func askEndsOnMaxDigitsFinishKeyOrTimeout() throws {
        var (call, output) = try start(askFlow)
        #expect(output.steps == [play("ask.account", "请输入账号"), wait(6, finishOn: .pound)])
        for key in [DTMFKey.k4, .k2, .k4, .k2, .k4] { #expect(call.key(key).steps == []) }
        output = call.key(.k2)  // the sixth key ends the entry; 424242 passes Luhn
        #expect(output.steps == [play("ask.confirm", "您输入的是4 2 4 2 4 2"), wait(1)])
        #expect(output.lines.contains(#"{"event":"set","state":"main","name":"account","value":"424242"}"#))
        output = call.key(.k2)  // re-enter: no failure counted
        #expect(output.steps == [play("ask.account", "请输入账号"), wait(6, finishOn: .pound)])
        #expect(call.call.failures == 0)
        _ = call.key(.k1); _ = call.key(.k2)
        output = call.timeout()  // a timeout after keys ends the entry with what was typed
        #expect(output.lines.contains(#"{"event":"no_match","state":"main","attempt":1,"input":"12"}"#))
        for key in [DTMFKey.k1, .k2, .k3, .k0] { _ = call.key(key) }
        output = call.key(.pound)
        #expect(output.steps == [play("ask.confirm", "您输入的是1 2 3 0"), wait(1)])
        output = call.key(.k5)  // neither 1 nor 2 counts a failure and plays the confirm prompt again
        #expect(output.steps == [play("main.invalid", "输入有误"), play("ask.confirm", "您输入的是1 2 3 0"), wait(1)])
        output = call.key(.k1)
        #expect(output.steps == [.hangup("resolved")])
        #expect(call.variable("account") == "1230")
    }

    @Test func askOptionsActOnlyAsFirstKeyAndGlobalsNotAtAll() throws {
        var (call, _) = try start(askFlow)
        _ = call.key(.k0)  // a global key is just a digit in an ask
        #expect(call.call.phase == .entry("0"))
        var (other, _) = try start(askFlow)
        #expect(other.key(.star).steps == [.hangup("resolved")])
    }

    @Test func emptyEntryAndLuhnFailuresAreNoMatches() throws {
        var (call, _) = try start(askFlow)
        var output = call.key(.pound)
        #expect(output.lines.first { $0.contains("no_match") } == #"{"event":"no_match","state":"main","attempt":1,"input":""}"#)
        for key in [DTMFKey.k1, .k2, .k3, .k4] { _ = call.key(key) }
        output = call.key(.pound)
        #expect(output.lines.first { $0.contains("no_match") } == #"{"event":"no_match","state":"main","attempt":2,"input":"1234"}"#)
    }

    @Test func sensitiveValuesNeverReachTheTrace() throws {
        let flow = askFlow.replacingOccurrences(of: "check: luhn", with: "sensitive: true")
        var (call, _) = try start(flow)
        for key in [DTMFKey.k9, .k8, .k7, .k6] { _ = call.key(key) }
        let output = call.key(.pound)
        #expect(output.steps == [play("ask.confirm", "您输入的是9 8 7 6"), wait(1)])
        #expect(output.lines == [
            #"{"event":"key","state":"main","key":"***"}"#,
            #"{"event":"set","state":"main","name":"account","value":"***"}"#,
            #"{"event":"play","state":"main","prompt":"ask.confirm","language":"zh-CN","text":"您输入的是***"}"#,
            #"{"event":"wait","state":"main","max_keys":1,"finish_on":null,"timeout_ms":5000,"inter_digit_timeout_ms":3000}"#,
        ])
        let confirm = call.key(.k3)
        #expect(confirm.lines.prefix(2) == [#"{"event":"key","state":"main","key":"***"}"#,
                                            #"{"event":"no_match","state":"main","attempt":1,"input":"***"}"#])
    }

    @Test func backWalksTheHistory() throws {
        let flow = Fixture.flow("""
          main: { menu: { prompt: main.menu, options: { "1": b } } }
          b: { menu: { prompt: info, options: { "1": c, "9": back } } }
          c: { menu: { prompt: welcome, options: { "9": back } } }
        """)
        var (call, _) = try start(flow)
        _ = call.key(.k1); _ = call.key(.k1)
        #expect(call.call.history.map { call.machine.states[$0].name } == ["main", "b", "c"])
        #expect(call.key(.k9).lines.first { $0.contains("enter") } == #"{"event":"enter","state":"b"}"#)
        #expect(call.key(.k9).lines.first { $0.contains("enter") } == #"{"event":"enter","state":"main"}"#)
        #expect(call.call.history.count == 1)
    }

    @Test func maxStepsEndsTheCallWhereItStands() throws {
        let flow = Fixture.flow("""
          main: { say: welcome, next: a }
          a: { say: info, next: b }
          b: { hangup: resolved }
        """, header: "defaults: { max_steps: 2 }")
        let (_, output) = try start(flow)
        #expect(output.lines == [
            #"{"event":"enter","state":"main"}"#,
            #"{"event":"play","state":"main","prompt":"welcome","language":"zh-CN","text":"欢迎"}"#,
            #"{"event":"enter","state":"a"}"#,
            #"{"event":"end","state":"a","outcome":"failed","steps":2}"#,
        ])
    }

    let lookupFlow = Fixture.flow("""
      main: { lookup: { table: accounts, key: "{caller}", save_as: customer, found: show, not_found: bye } }
      show: { say: balance, next: menu }
      menu: { menu: { prompt: main.menu, options: { "1": bye } } }
      bye: { hangup: resolved }
    """)

    @Test func lookupKeysWaitForTheNextWait() throws {
        var (call, output) = try start(lookupFlow)
        #expect(output.steps == [.lookup(table: "accounts", key: "13800138000")])
        #expect(call.key(.k1).steps == [.lookup(table: "accounts", key: "13800138000")], "a key during a lookup is kept for the next wait")
        output = call.lookupResult(["balance": "88.5"])
        // The kept key acts at the menu's wait (its trace line shows); the host only sees the end.
        #expect(output.steps == [play("balance", "余额88.50元"), play("main.menu", "主菜单"), .hangup("resolved")])
        #expect(output.events == ["lookup main", "enter show", "play show", "enter menu", "play menu", "wait menu", "key menu", "enter bye", "end bye"])
        #expect(output.lines.first == #"{"event":"lookup","state":"main","table":"accounts","key":"13800138000","found":true}"#)
    }

    @Test func savedCallsResumeWithTheSameBehaviour() throws {
        let machine = try Fixture.machine(askFlow)
        var original = Interpreter(machine: machine)
        _ = original.start(caller: "1", called: "2", language: "en-US", time: Self.time)
        _ = original.key(.k4)
        let saved = try original.save(sealer: nil)
        var restored = try Interpreter(machine: machine, saved: saved, sealer: nil)
        for key in [DTMFKey.k2, .k4, .k2, .pound, .k1] {
            #expect(original.key(key) == restored.key(key))
        }
        #expect(restored.isEnded && restored.call.outcome == "resolved")
        var other = try Fixture.machine(menuFlow)
        other.version = "0000000000000000"
        #expect(throws: ResumeError.versionMismatch(call: machine.version, machine: "0000000000000000")) {
            try Interpreter(machine: other, resuming: original.call)
        }
    }

    @Test func transferFailureTakesOnFail() throws {
        let flow = Fixture.flow("""
          main: { transfer: { to: operator, say: info, on_fail: sorry } }
          sorry: { hangup: { outcome: busy, say: bye } }
        """)
        var (call, output) = try start(flow)
        #expect(output.steps == [play("info", "信息"), .transfer("operator")])
        output = call.transferFailed("busy")
        #expect(output.steps == [play("bye", "再见"), .hangup("busy")])
    }

    @Test func languageSwitchAndBuiltInVariables() throws {
        let flow = Fixture.flow("""
          main: { set: { language: en-US, who: "{caller}/{state}" }, next: m }
          m: { menu: { prompt: main.menu, options: { "1": m } } }
        """)
        var (call, output) = try start(flow)
        #expect(output.steps == [play("main.menu", "Main menu", language: "en-US"), wait()])
        #expect(call.variable("who") == "13800138000/main")
        #expect(call.variable("language") == "en-US")
        _ = call.timeout()
        #expect(call.variable("attempt") == "1")
    }

    @Test func recordedPromptsCarryTheirAudioPath() throws {
        let flow = Fixture.flow("  main: { say: [welcome, info], next: bye }\n  bye: { hangup: resolved }")
        let (_, output) = try start(flow, extra: ["/t/Prompts/zh-CN/welcome.wav": "RIFF", "/t/Prompts/zh-CN/welcome.mp3": "ID3"])
        let audio = output.actions.compactMap { action -> String? in
            if case .play(let play) = action { return play.audio.map { "\($0.root) \($0.language) \($0.prompt) \($0.file) \($0.format)" } ?? "(none)" }
            return nil
        }
        #expect(audio == ["0 zh-CN welcome welcome.wav wav", "(none)"], "wav is tried before mp3; info has no recording")
        #expect(output.lines[1].hasSuffix(#""text":"欢迎","audio":"zh-CN/welcome.wav"}"#))
        let machine = try Fixture.machine(flow, extra: ["/t/Prompts/zh-CN/welcome.wav": "RIFF"])
        let media = MediaReference(root: 0, language: "zh-CN", prompt: "welcome", file: "welcome.wav", format: "wav")
        #expect(machine.mediaPath(media) == "/t/Prompts/zh-CN/welcome.wav", "the command line resolves a path")
        #expect(media.soundName == "zh-CN/welcome", "Asterisk plays a sound by name, without extension")
    }

    @Test func subFlowsReturnAndNameTheirStates() throws {
        let sub = """
        flow: billing
        start: b_menu
        languages: [zh-CN, en-US]
        states:
          b_menu: { menu: { prompt: info, options: { "1": done, "9": restart } } }
          done: { return: true }
        """
        let flow = Fixture.flow("""
          main: { call: billing.yaml, next: { say: bye, goto: m } }
          m: { menu: { prompt: main.menu, options: { "1": main } } }
        """)
        var (call, output) = try start(flow, extra: ["/t/Flows/billing.yaml": sub])
        #expect(output.events == ["enter main", "enter billing/b_menu", "play billing/b_menu", "wait billing/b_menu"])
        output = call.key(.k1)
        #expect(output.events == ["key billing/b_menu", "enter billing/done", "play main", "enter m", "play m", "wait m"])
        _ = call.key(.k1)
        let restart = call.key(.k9)  // restart from the sub-flow goes to the top flow's start
        #expect(restart.lines.contains(#"{"event":"enter","state":"main"}"#))
        #expect(call.call.returns.count == 1)
    }
}

@Suite struct ValueFormattingTests {
    @Test func amountsRoundHalfAwayFromZero() {
        #expect(Numbers.amount("88.5") == "88.50")
        #expect(Numbers.amount("1.005") == "1.01")
        #expect(Numbers.amount("-2.345") == "-2.35")
        #expect(Numbers.amount("9.995") == "10.00")
        #expect(Numbers.amount("007") == "7.00")
        #expect(Numbers.amount("abc") == "abc")
        #expect(Numbers.amount("-0.001") == "0.00")
    }

    @Test func digitsAndTemplates() {
        #expect(Numbers.digits("4111") == "4 1 1 1")
        let template = Template("Hi {name}, {x.y:amount} {bad placeholder} {z:digits}{")
        #expect(template.variables == ["name", "x", "z"])
        let text = template.render(value: { name, field in ["name": "Li", "x": field == "y" ? "3" : nil, "z": "12"][name] ?? nil })
        #expect(text == "Hi Li, 3.00 {bad placeholder} 1 2{")
    }

    @Test func luhn() {
        #expect(Luhn.isValid("4111111111111111"))
        #expect(!Luhn.isValid("4111111111111112"))
        #expect(!Luhn.isValid("12a4"))
    }

    @Test func keyScripts() throws {
        #expect(try KeyScript.parse("1 2,.\n!a#*") == [.key(.k1), .key(.k2), .timeout, .hangup, .key(.a), .key(.pound), .key(.star)])
        #expect(throws: KeyScript.BadCharacter.self) { try KeyScript.parse("1 x") }
    }

    @Test func durations() {
        #expect(Duration.milliseconds("500ms") == 500)
        #expect(Duration.milliseconds("1.5s") == 1500)
        #expect(Duration.milliseconds("2m") == 120_000)
        #expect(Duration.milliseconds("5") == nil)
        #expect(Duration.milliseconds(".5s") == nil)
    }
}

@Suite struct ScheduleTests {
    let flow = Fixture.flow("""
      main:
        branch:
          - if: { open: business }
            goto: open
          - else: closed
      open: { hangup: open }
      closed: { hangup: closed }
    """, header: """
    hours:
      business:
        timezone: Asia/Shanghai
        weekly: { mon-fri: "09:00-18:00", sat: "10:00-12:00,13:00-14:00" }
        closed: [2026-10-01]
    """)

    func outcome(at text: String) throws -> String? {
        var call = Interpreter(machine: try Fixture.machine(flow))
        _ = call.start(caller: "", called: "", time: try #require(CallTime.parse(text)))
        return call.call.outcome
    }

    @Test func intervalsIncludeStartAndExcludeEnd() throws {
        #expect(try outcome(at: "2026-11-23T09:00:00+08:00") == "open")
        #expect(try outcome(at: "2026-11-23T08:59:59+08:00") == "closed")
        #expect(try outcome(at: "2026-11-23T17:59:00+08:00") == "open")
        #expect(try outcome(at: "2026-11-23T18:00:00+08:00") == "closed")
        #expect(try outcome(at: "2026-11-28T12:30:00+08:00") == "closed", "Saturday lunch break")
        #expect(try outcome(at: "2026-11-28T13:00:00+08:00") == "open")
        #expect(try outcome(at: "2026-11-29T10:00:00+08:00") == "closed", "Sunday")
    }

    @Test func timeZonesAndClosedDates() throws {
        #expect(try outcome(at: "2026-11-23T01:30:00Z") == "open", "09:30 in Shanghai")
        #expect(try outcome(at: "2026-10-01T10:00:00+08:00") == "closed", "National Day")
        #expect(try outcome(at: "2026-09-30T18:00:00-08:00") == "closed", "already 10:00 on 1 October in Shanghai")
    }
}

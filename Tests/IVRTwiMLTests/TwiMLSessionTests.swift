import Foundation
import IVRCore
import IVRTools
import IVRTwiML
import Testing

/// The webhook mapping with no server: whole TwiML answers for the example
/// hotline, and every scenario case through it against `ivr test`.
struct TwiMLSessionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let tokens: CallToken = {
        // A test key, long enough; a failure here fails every test that uses it.
        (try? CallToken(stateKey: "a state key for tests, 32 characters or more")) ?? { preconditionFailure("test key") }()
    }()
    static let options = TwiMLSession.Options(targets: ["operator": "+861095588", "vip_desk": "sip:vip@pbx.example.com"],
                                              actionBase: "https://ivr.example.com/twiml/hotline",
                                              audioBase: "https://ivr.example.com/audio/")

    static func compile(_ flow: String) throws -> (Machine, DataTables) {
        let compiled = FlowCompiler.compile(path: root.appendingPathComponent("Flows/" + flow).path,
                                            options: CompileOptions(workingDirectory: root.path))
        return (try #require(compiled.machine), compiled.tables)
    }

    /// The document, with each action URL's token replaced by `TOKEN`.
    static func shown(_ document: TwiMLDocument) -> String {
        document.xml.replacingOccurrences(of: #"next\?s=[A-Za-z0-9_-]+"#, with: "next?s=TOKEN", options: .regularExpression)
    }

    static func document(_ steps: [TwiMLSession.Step]) -> TwiMLDocument? {
        for case .respond(let document) in steps { return document }
        return nil
    }

    static func token(_ document: TwiMLDocument?) -> String? {
        guard let xml = document?.xml, let range = xml.range(of: #"next\?s=[A-Za-z0-9_-]+"#, options: .regularExpression) else { return nil }
        return String(xml[range].dropFirst(7))
    }

    @Test func theHotlineAnswersWithItsPromptsInsideTheFirstGather() throws {
        let (machine, _) = try Self.compile("hotline.yaml")
        let (_, steps) = TwiMLSession.start(machine: machine, callSid: "CA1", from: "+8613800138000", to: "+8695588", language: "en-US",
                                            time: Date(), popularity: Popularity(), options: Self.options, tokens: Self.tokens)
        let document = try #require(Self.document(steps))
        #expect(Self.shown(document) == #"<?xml version="1.0" encoding="UTF-8"?><Response>"#
            + #"<Gather input="dtmf" numDigits="1" finishOnKey="" timeout="4" actionOnEmptyResult="true" "#
            + #"action="https://ivr.example.com/twiml/hotline/next?s=TOKEN" method="POST">"#
            + #"<Say language="en-US">Hello, and welcome to the customer service hotline.</Say>"#
            + #"<Say language="en-US">This call may be recorded to help us improve our service.</Say>"#
            + #"<Say language="en-US">普通话请按1；廣東話請按2；For English, press 3.</Say>"#
            + "</Gather></Response>")
    }

    @Test func aTokenResumesTheCallAndKeysMoveIt() throws {
        let (machine, _) = try Self.compile("hotline.yaml")
        let (_, first) = TwiMLSession.start(machine: machine, callSid: "CA2", from: "", to: "", language: nil, time: Date(),
                                            popularity: Popularity(), options: Self.options, tokens: Self.tokens)
        let opened = try Self.tokens.open(try #require(Self.token(Self.document(first))), callSid: "CA2")
        #expect(opened.version == machine.version)
        var session = try TwiMLSession.resume(machine: machine, saved: opened.saved, callSid: "CA2", popularity: Popularity(),
                                              options: Self.options, tokens: Self.tokens)
        // 2: Cantonese, spoken by Twilio as zh-HK.
        let steps = try session.gathered(digits: "2", finishedOnKey: "")
        #expect(Self.shown(try #require(Self.document(steps))).contains(#"<Say language="zh-HK">"#))
        #expect(session.interpreter.variable("language") == "yue-HK")
        #expect(throws: TwiMLSession.RequestProblem.notWaiting) { try session.dialed(status: "completed") }
    }

    @Test func aBusyAgentIsAFailedTransferAndAnsweredOneEndsTheCall() throws {
        let (machine, _) = try Self.compile("hotline.yaml")
        var (session, steps) = TwiMLSession.start(machine: machine, callSid: "CA3", from: "", to: "", language: "en-US",
                                                  time: try #require(CallTime.parse("2026-11-23T10:30:00+08:00")),
                                                  popularity: Popularity(), options: Self.options, tokens: Self.tokens)
        steps = try session.gathered(digits: "0", finishedOnKey: "")
        #expect(Self.shown(try #require(Self.document(steps))) == #"<?xml version="1.0" encoding="UTF-8"?><Response>"#
            + #"<Say language="en-US">Please hold while we connect you to an agent.</Say>"#
            + #"<Dial action="https://ivr.example.com/twiml/hotline/next?s=TOKEN" method="POST">+861095588</Dial></Response>"#)
        var busy = session
        let failed = try busy.dialed(status: "busy")
        #expect(Self.shown(try #require(Self.document(failed))).contains("Sorry, all our agents are busy."))
        #expect(try session.dialed(status: "completed") == [.respond(TwiMLDocument([.hangup]))])
    }

    @Test func xmlIsEscaped() {
        #expect(TwiMLDocument([.say(text: "A & B <c> \"d\" 'e'\u{1}", language: "en-US", voice: "Polly.Joanna")]).xml
            == #"<?xml version="1.0" encoding="UTF-8"?><Response><Say language="en-US" voice="Polly.Joanna">A &amp; B &lt;c&gt; &quot;d&quot; &apos;e&apos; </Say></Response>"#)
    }
}

/// Every case of every `Flows/*.test.yaml` through the webhook mapping
/// (Twilio collecting each entry in one `<Gather>`), against `ivr test`:
/// the same prompts, outcome and transfer.
struct TwiMLScenarioParityTests {
    typealias Ending = ScenarioRunner.Ending

    @Test func everyScenarioCaseEndsTheSameThroughTheWebhookMapping() throws {
        let flows = TwiMLSessionTests.root.appendingPathComponent("Flows")
        var compared = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: flows.path).filter({ $0.hasSuffix(".test.yaml") }).sorted() {
            let bag = DiagnosticBag()
            let scenario = try #require(ScenarioFile.load(path: flows.appendingPathComponent(name).path, display: name, bag: bag))
            let (machine, tables) = try TwiMLSessionTests.compile(scenario.flow.value)
            // Every transfer target the flows name (states and transitions), dialled by SIP.
            var targets: [String: String] = [:]
            for file in try FileManager.default.contentsOfDirectory(atPath: flows.path) where file.hasSuffix(".yaml") {
                let text = try String(contentsOf: flows.appendingPathComponent(file), encoding: .utf8)
                let pattern = #"transfer:\s*\{?\s*(?:to:\s*)?([A-Za-z_][A-Za-z0-9_]*)"#
                for match in text.matches(of: try Regex(pattern)) {
                    if let target = match.output[1].substring { targets[String(target)] = "sip:\(target)@pbx.example.com" }
                }
            }
            var options = TwiMLSessionTests.options
            options.targets = targets
            for item in scenario.cases {
                let script = try KeyScript.parse(item.input)
                let runner = ScenarioRunner().callRunner(for: item, machine: machine, tables: tables)
                let expected = ScenarioRunner().ending(of: item, machine: machine, tables: tables, script: script) { play in
                    play.audio.map { "audio:" + $0.relativePath } ?? "say:" + play.text
                }
                #expect(Self.webhook(item, runner: runner, script: script, tables: tables, options: options) == expected, "\(name): \(item.name)")
                compared += 1
            }
        }
        #expect(compared == 64, "every case of the three scenario files (ivr test Flows runs 64)")
    }

    static func webhook(_ item: ScenarioFile.Case, runner: CallRunner, script: [InputToken], tables: DataTables,
                        options: TwiMLSession.Options) -> Ending {
        var remaining = script[...]
        var ending = Ending(played: [], outcome: nil, transfer: nil)
        var (session, steps) = TwiMLSession.start(machine: runner.machine, callSid: "CA-\(item.name)", from: runner.caller, to: runner.called,
                                                  language: runner.language, time: runner.time, variables: runner.variables, popularity: Popularity(),
                                                  options: options, tokens: TwiMLSessionTests.tokens)
        var requests = 0
        while requests < 1000 {
            requests += 1
            var document: TwiMLDocument?
            var pendingSteps = steps[...]
            while let step = pendingSteps.popFirst() {
                switch step {
                case let .lookup(table, key, _): pendingSteps += session.lookupResult(tables.find(table: table, key: key))
                case .respond(let answer): document = answer
                case .interpreted: break
                }
            }
            guard let document else { break }
            var next: (() throws -> [TwiMLSession.Step])?
            func play(_ verbs: [TwiMLDocument.Verb]) {
                for verb in verbs {
                    switch verb {
                    case let .say(text, _, _): ending.played.append("say:" + text)
                    case .play(let url): ending.played.append("audio:" + url.split(separator: "/").suffix(2).joined(separator: "/"))
                    case let .gather(numDigits, finishOnKey, _, _, inside):
                        play(inside)
                        var digits = ""
                        next = nil
                        while next == nil {
                            switch remaining.popFirst() {
                            case .key(let key)? where String(key.character) == finishOnKey:
                                let entered = digits
                                next = { try session.gathered(digits: entered, finishedOnKey: finishOnKey) }
                            case .key(let key)?:
                                digits.append(key.character)
                                if digits.count >= numDigits {
                                    let entered = digits
                                    next = { try session.gathered(digits: entered, finishedOnKey: "") }
                                }
                            case .timeout?:
                                let entered = digits
                                next = { try session.gathered(digits: entered, finishedOnKey: "") }
                            case .hangup?, nil:
                                // Keys typed before the hang-up at the next wait reach
                                // Twilio's timeout first.
                                if digits.isEmpty {
                                    next = { session.callerLeft() }
                                } else {
                                    remaining.insert(.hangup, at: remaining.startIndex)
                                    let entered = digits
                                    next = { try session.gathered(digits: entered, finishedOnKey: "") }
                                }
                            }
                        }
                    case let .dial(number, _):
                        ending.transfer = options.targets.first { $0.value == number }?.key
                        let status = item.failTransfers ? "busy" : "completed"
                        next = { try session.dialed(status: status) }
                    case .hangup:
                        next = nil
                    }
                }
            }
            play(document.verbs)
            guard let request = next else { break }
            do { steps = try request() } catch { break }
            if steps.isEmpty { break }
        }
        ending.outcome = session.interpreter.call.outcome
        return ending
    }
}

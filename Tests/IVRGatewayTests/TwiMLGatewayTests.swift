import Foundation
import GRDB
#if canImport(FoundationXML)
import FoundationXML
#endif
import IVRCore
import IVRTools
import IVRTwiML
import Testing

/// The built `ivr-gateway twiml` over real HTTP on loopback, with requests
/// signed as Twilio signs them and its TwiML parsed as Twilio would.
@Suite(.serialized) struct TwiMLGatewayTests {
    static let authToken = "twilio-auth-token-for-tests"
    static let environment = ["TWILIO_AUTH_TOKEN": authToken, "IVR_STATE_KEY": "a state key for the gateway tests, 32+ chars"]
    static let publicURL = "https://ivr.example.com"
    static let signer = TwilioSignature(authToken: authToken)

    static func start(_ arguments: [String] = [], in directory: URL = GatewayProcess.root) throws -> GatewayProcess {
        try GatewayProcess(["--public-url", publicURL] + arguments, in: directory, twiml: true, environment: environment)
    }

    /// POSTs `parameters` to `path` signed for the public URL (or with `signature`).
    static func post(_ gateway: GatewayProcess, _ path: String, _ parameters: [(String, String)], signature: String? = nil)
        throws -> (status: Int, body: String) {
        let url = path.hasPrefix("https://") ? path : publicURL + path
        let local = String(url.dropFirst(publicURL.count))
        let header = signature ?? signer.signature(url: url, parameters: parameters)
        return try FakeHTTP.post(port: gateway.port, local, form: FormBody.encode(parameters), headers: ["X-Twilio-Signature": header])
    }

    static func action(_ body: String) -> String? {
        guard let range = body.range(of: #"action="[^"]+""#, options: .regularExpression) else { return nil }
        return String(body[range].dropFirst(8).dropLast()).replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test func aSignedCallMovesOnAndForgedOrForeignRequestsAreRefused() throws {
        let gateway = try Self.start()
        let call = [("CallSid", "CA100"), ("From", "+8613800138000"), ("To", "+8695588"), ("Direction", "inbound")]
        let first = try Self.post(gateway, "/twiml/hotline?lang=en-US", call)
        #expect(first.status == 200)
        #expect(first.body.contains(#"<Gather input="dtmf" numDigits="1" finishOnKey="" timeout="4""#))
        let next = try #require(Self.action(first.body))
        #expect(next.hasPrefix("https://ivr.example.com/twiml/hotline/next?s="))
        // The token of CA100, sent (validly signed) for another call.
        let foreign = try Self.post(gateway, next, [("CallSid", "CA200"), ("Digits", "3")])
        #expect(foreign.status == 403 && foreign.body == "the call token does not open for this call\n")
        // One character of the token changed.
        var altered = Array(next)
        altered[altered.count - 5] = altered[altered.count - 5] == "A" ? "B" : "A"
        #expect(try Self.post(gateway, String(altered), [("CallSid", "CA100"), ("Digits", "3")]).status == 403)
        // Unsigned, or signed for other parameters.
        #expect(try Self.post(gateway, next, [("CallSid", "CA100"), ("Digits", "3")], signature: "").status == 403)
        let wrong = Self.signer.signature(url: next, parameters: [("CallSid", "CA100"), ("Digits", "1")])
        #expect(try Self.post(gateway, next, [("CallSid", "CA100"), ("Digits", "3")], signature: wrong).status == 403)
        // The real next request still works: English, the main menu. Sent
        // twice (a retry), it gets the same answer.
        let english = try Self.post(gateway, next, [("CallSid", "CA100"), ("Digits", "3"), ("FinishedOnKey", "")])
        #expect(english.status == 200)
        #expect(try Self.post(gateway, next, [("CallSid", "CA100"), ("Digits", "3"), ("FinishedOnKey", "")]).body == english.body)
        #expect(english.body.contains(#"<Say language="en-US">For service points, press 1."#))
        // Unknown flows, wrong methods, oversized bodies.
        #expect(try Self.post(gateway, "/twiml/pharmacy", call).status == 404)
        #expect(try FakeHTTP.post(port: gateway.port, "/twiml/hotline", form: "", method: "GET").status == 405)
        let huge = try FakeHTTP.post(port: gateway.port, "/twiml/hotline", form: "CallSid=CA1&Pad=" + String(repeating: "x", count: 70_000),
                                     headers: ["X-Twilio-Signature": "x"])
        #expect(huge.status == 413)
        #expect(try Self.post(gateway, "/twiml/hotline?lang=en-US", call).status == 200, "other calls unaffected")
    }

    @Test func recordsAndHitsAreWrittenOnceAndTheStatusCallbackClosesTheCall() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("twiml-\(UUID().uuidString).db").path
        let gateway = try Self.start(["--db", db])
        var answer = try Self.post(gateway, "/twiml/hotline?lang=en-US", [("CallSid", "CA400"), ("From", "+8613800138000"), ("To", "+8695588")])
        // English, FAQ, card questions, the first article: each request sent twice, as Twilio retries.
        for digit in ["3", "4", "1", "1"] {
            let next = try #require(Self.action(answer.body))
            answer = try Self.post(gateway, next, [("CallSid", "CA400"), ("Digits", digit), ("FinishedOnKey", "")])
            let again = try Self.post(gateway, next, [("CallSid", "CA400"), ("Digits", digit), ("FinishedOnKey", "")])
            #expect(again.body == answer.body)
        }
        #expect(answer.status == 200)
        // The caller hangs up at the after-answer menu; Twilio calls back.
        #expect(try Self.post(gateway, "/twiml/status", [("CallSid", "CA400"), ("CallStatus", "completed")]).status == 204)
        let (outcome, states, hits) = try DatabaseQueue(path: db).read { db in
            (try String.fetchOne(db, sql: "SELECT outcome FROM call_records WHERE id = 'CA400'"),
             try String.fetchAll(db, sql: "SELECT state FROM call_steps WHERE call_id = 'CA400' ORDER BY seq"),
             try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(hits), 0) FROM popularity") ?? 0)
        }
        #expect(outcome == "abandoned")
        #expect(states == ["welcome", "language", "main", "faq", "card_faq"])
        #expect(hits == 1, "the article played is counted once, though its request came twice")
        #expect(gateway.wait(for: "call CA400 ended: flow hotline"))
    }

    @Test func twoInstancesServeOneCallAndOneKilledMidCallLeavesTheOtherToFinish() throws {
        let project = try FakeAsterisk.project()
        let db = project.appendingPathComponent("calls.db").path
        let a = try Self.start(["--db", db], in: project)
        let call = [("CallSid", "CA500"), ("From", "+8613800138000"), ("To", "+8695588")]
        var answer = try Self.post(a, "/twiml/hotline?lang=en-US", call)
        // A newer hotline on disk: an instance started now serves only it,
        // and must take the call's version from the store.
        let flow = project.appendingPathComponent("Flows/hotline.yaml")
        try (try String(contentsOf: flow, encoding: .utf8)).replacingOccurrences(of: "  timeout: 5s", with: "  timeout: 7s")
            .write(to: flow, atomically: true, encoding: .utf8)
        let b = try Self.start(["--db", db], in: project)
        // Alternate requests: 3 on A (English), 4 on B (FAQ), 1 on A (cards), then A is killed and B plays the article.
        for (gateway, digit) in [(a, "3"), (b, "4"), (a, "1")] {
            let next = try #require(Self.action(answer.body))
            answer = try Self.post(gateway, next, [("CallSid", "CA500"), ("Digits", digit), ("FinishedOnKey", "")])
            #expect(answer.status == 200, "\(answer.body)")
            #expect(answer.body.contains(#"timeout="5""#), "the call stays on the version it started on")
        }
        kill(a.process.processIdentifier, SIGKILL)
        a.process.waitUntilExit()
        let next = try #require(Self.action(answer.body))
        answer = try Self.post(b, next, [("CallSid", "CA500"), ("Digits", "1"), ("FinishedOnKey", "")])
        #expect(answer.status == 200)
        #expect(try Self.post(b, "/twiml/status", [("CallSid", "CA500"), ("CallStatus", "completed")]).status == 204)
        let (outcome, states) = try DatabaseQueue(path: db).read { db in
            (try String.fetchOne(db, sql: "SELECT outcome FROM call_records WHERE id = 'CA500'"),
             try String.fetchAll(db, sql: "SELECT state FROM call_steps WHERE call_id = 'CA500' ORDER BY seq"))
        }
        #expect(outcome == "abandoned")
        #expect(states == ["welcome", "language", "main", "faq", "card_faq"], "one record across both instances")
        // New calls on B take the new version.
        let fresh = try Self.post(b, "/twiml/hotline?lang=en-US", [("CallSid", "CA501"), ("From", ""), ("To", "")])
        let english = try Self.post(b, try #require(Self.action(fresh.body)), [("CallSid", "CA501"), ("Digits", "3"), ("FinishedOnKey", "")])
        #expect(english.body.contains(#"timeout="7""#))
    }

    @Test func slowAndSilentClientsAreCutOffAndOthersServed() throws {
        let gateway = try Self.start(["--client-timeout", "1s"])
        let results = Results()
        let group = DispatchGroup()
        let port = gateway.port
        // One says nothing; one sends 10 bytes of a 100-byte body and stops.
        for text in ["", "POST /twiml/hotline HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nCallSid=CA"] {
            group.enter()
            Thread {
                if let (answer, seconds) = try? FakeHTTP.stall(port: port, text) {
                    var transcript = FakeAsterisk.Transcript()
                    transcript.commands = [answer, String(seconds)]
                    results.add(transcript)
                }
                group.leave()
            }.start()
        }
        // Meanwhile a call is answered at once.
        #expect(try Self.post(gateway, "/twiml/hotline?lang=en-US", [("CallSid", "CA600"), ("From", ""), ("To", "")]).status == 200)
        group.wait()
        let cut = results.all.map { (answer: $0.commands[0], seconds: Double($0.commands[1]) ?? 99) }
        #expect(cut.count == 2)
        for (answer, seconds) in cut {
            #expect(seconds >= 0.9 && seconds < 5, "cut off after \(seconds) s")
            #expect(answer.isEmpty || answer.hasPrefix("HTTP/1.1 408"), "\(answer)")
        }
    }

    @Test func voicesAndTargetsFilesAreReadAndTheirMistakesRefused() throws {
        let project = try FakeAsterisk.project()
        let voices = project.appendingPathComponent("voices.yaml"), targets = project.appendingPathComponent("targets.yaml")
        try "en-US: { language: en-GB, voice: Polly.Amy }\n".write(to: voices, atomically: true, encoding: .utf8)
        try "operator: \"+861095588\"\n".write(to: targets, atomically: true, encoding: .utf8)
        let gateway = try Self.start(["--voices", voices.path, "--targets", targets.path, "--at", "2026-11-23T10:30:00+08:00"], in: project)
        let first = try Self.post(gateway, "/twiml/hotline?lang=en-US", [("CallSid", "CA700"), ("From", ""), ("To", "")])
        #expect(first.body.contains(#"<Say language="en-GB" voice="Polly.Amy">Hello, and welcome"#))
        let agent = try Self.post(gateway, try #require(Self.action(first.body)), [("CallSid", "CA700"), ("Digits", "0"), ("FinishedOnKey", "")])
        #expect(agent.body.contains(#"method="POST">+861095588</Dial>"#))

        /// The gateway started with these arguments and environment: its exit status and what it said.
        func refused(_ arguments: [String], _ environment: [String: String]) throws -> (Int32, String) {
            let process = Process()
            process.executableURL = GatewayProcess.built("ivr-gateway")
            process.arguments = ["twiml", "Flows", "--listen", "127.0.0.1:0", "--public-url", Self.publicURL] + arguments
            process.currentDirectoryURL = project
            process.environment = environment
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, text)
        }
        try "en-US: { language: en-GB }\nyue-HK: { langage: zh-HK }\n".write(to: voices, atomically: true, encoding: .utf8)
        let badVoices = try refused(["--voices", voices.path], Self.environment)
        #expect(badVoices.0 == 64 && badVoices.1.contains("voices.yaml:2: write yue-HK: { language: TAG, voice: NAME } (voice optional)"))
        let short = try refused([], ["TWILIO_AUTH_TOKEN": "x", "IVR_STATE_KEY": "short"])
        #expect(short.0 == 64 && short.1.contains("IVR_STATE_KEY: the state key must be at least 32 characters, not 5"))
        let noToken = try refused([], ["IVR_STATE_KEY": "a state key for the gateway tests, 32+ chars"])
        #expect(noToken.0 == 64 && noToken.1.contains("no auth token: set TWILIO_AUTH_TOKEN"))
    }

    @Test func recordingsArePlayedFromTheGateway() throws {
        let project = try FakeAsterisk.project()
        let recording = Data("RIFF recording".utf8)
        try FileManager.default.createDirectory(at: project.appendingPathComponent("Prompts/en-US"), withIntermediateDirectories: true)
        try recording.write(to: project.appendingPathComponent("Prompts/en-US/welcome.wav"))
        let gateway = try Self.start(in: project)
        let first = try Self.post(gateway, "/twiml/hotline?lang=en-US", [("CallSid", "CA300"), ("From", ""), ("To", "")])
        let range = try #require(first.body.range(of: #"<Play>https://ivr.example.com/audio/[^<]+</Play>"#, options: .regularExpression))
        let path = String(first.body[range].dropFirst("<Play>https://ivr.example.com".count).dropLast("</Play>".count))
        #expect(path.hasSuffix("/en-US/welcome.wav"))
        let audio = try FakeHTTP.get(port: gateway.port, path)
        #expect(audio.status == 200 && audio.body == "RIFF recording")
        #expect(try FakeHTTP.get(port: gateway.port, path.replacingOccurrences(of: "welcome.wav", with: "..%2Fhotline.yaml")).status == 404)
    }
}

/// TwiML as Twilio reads it, parsed with Foundation's XMLParser back into verbs.
final class TwiMLReader: NSObject, XMLParserDelegate {
    private var stack: [(name: String, attributes: [String: String], text: String, children: [TwiMLDocument.Verb])] = [("", [:], "", [])]
    private(set) var failed = false

    static func verbs(_ xml: String) -> [TwiMLDocument.Verb]? {
        let reader = TwiMLReader()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = reader
        guard parser.parse(), !reader.failed else { return nil }
        return reader.stack.first?.children
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        stack.append((name, attributes, "", []))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        guard let element = stack.popLast(), !stack.isEmpty else { failed = true; return }
        let a = element.attributes
        var verb: TwiMLDocument.Verb?
        switch name {
        case "Say": verb = .say(text: element.text, language: a["language"] ?? "", voice: a["voice"])
        case "Play": verb = .play(url: element.text)
        case "Gather":
            verb = .gather(numDigits: Int(a["numDigits"] ?? "") ?? 0, finishOnKey: a["finishOnKey"] ?? "", timeout: Int(a["timeout"] ?? "") ?? 0,
                           action: a["action"] ?? "", inside: element.children)
        case "Dial": verb = .dial(number: element.text, action: a["action"] ?? "")
        case "Hangup": verb = .hangup
        case "Response": stack[stack.count - 1].children += element.children
        default: failed = true
        }
        if let verb { stack[stack.count - 1].children.append(verb) }
    }
}

/// Every case of every `Flows/*.test.yaml` through the running webhook
/// gateway (signed requests, parsed TwiML) must end as under `ivr test`.
@Suite(.serialized) struct TwiMLScenarioGatewayTests {
    typealias Ending = ScenarioRunner.Ending

    @Test func everyScenarioCaseEndsTheSameThroughTheWebhookGateway() throws {
        let project = try FakeAsterisk.project()
        let flows = project.appendingPathComponent("Flows")
        // Every transfer target the flows name, dialled by SIP.
        var targets: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: flows.path) where file.hasSuffix(".yaml") {
            let text = try String(contentsOf: flows.appendingPathComponent(file), encoding: .utf8)
            for match in text.matches(of: try Regex(#"transfer:\s*\{?\s*(?:to:\s*)?([A-Za-z_][A-Za-z0-9_]*)"#)) {
                if let target = match.output[1].substring { targets[String(target)] = "sip:\(target)@pbx.example.com" }
            }
        }
        let targetsFile = project.appendingPathComponent("targets.yaml")
        try targets.map { "\($0.key): \"\($0.value)\"" }.joined(separator: "\n").write(to: targetsFile, atomically: true, encoding: .utf8)
        var groups: [String?: [(ScenarioFile, ScenarioFile.Case)]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: flows.path).filter({ $0.hasSuffix(".test.yaml") }).sorted() {
            let scenario = try #require(ScenarioFile.load(path: flows.appendingPathComponent(name).path, display: name, bag: DiagnosticBag()))
            for item in scenario.cases { groups[item.settings.at?.value, default: []].append((scenario, item)) }
        }
        var compared = 0
        for (at, cases) in groups.sorted(by: { ($0.key ?? "") < ($1.key ?? "") }) {
            let gateway = try TwiMLGatewayTests.start(["--targets", targetsFile.path] + (at.map { ["--at", $0] } ?? []), in: project)
            for (scenario, item) in cases {
                let compiled = FlowCompiler.compile(path: flows.appendingPathComponent(scenario.flow.value).path,
                                                    options: CompileOptions(workingDirectory: project.path))
                let machine = try #require(compiled.machine)
                let script = try KeyScript.parse(item.input)
                let expected = ScenarioRunner().ending(of: item, machine: machine, tables: compiled.tables, script: script) { play in
                    "say:" + play.text
                }
                compared += 1
                let callSid = "CA\(compared)"
                let actual = try Self.webhook(item, flow: compiled.flowName, callSid: callSid, script: script, gateway: gateway, targets: targets)
                #expect(actual.played == expected.played && actual.transfer == expected.transfer, "\(scenario.display): \(item.name)")
                // The flow's own endings are logged; a caller who hung up is abandoned.
                #expect(gateway.wait(for: "call \(callSid) ended:", seconds: 0.5) ? gateway.log.contains("call \(callSid) ended: flow \(compiled.flowName), version")
                        && gateway.log.contains("\(callSid) ended: flow \(compiled.flowName), version \(machine.version.prefix(12)), outcome \(expected.outcome ?? "-")")
                        : expected.outcome == "abandoned", "\(scenario.display): \(item.name): outcome \(expected.outcome ?? "-")")
            }
        }
        #expect(compared == 64)
    }

    static func query(_ pairs: [(String, String)]) -> String {
        pairs.isEmpty ? "" : "?" + FormBody.encode(pairs)
    }

    /// Plays one case as Twilio and the caller would: each `<Gather>`
    /// collects keys up to its `numDigits` or finish key, silence ends it,
    /// a hang-up ends the call; each `<Dial>` is answered or busy.
    static func webhook(_ item: ScenarioFile.Case, flow: String, callSid: String, script: [InputToken], gateway: GatewayProcess,
                        targets: [String: String]) throws -> Ending {
        var remaining = script[...]
        var ending = Ending()
        var request: (path: String, parameters: [(String, String)])? = (
            // The case's language and call data in the webhook URL's query.
            "/twiml/\(flow)" + query((item.settings.lang.map { [("lang", $0.value)] } ?? []) + item.settings.data.sorted { $0.key < $1.key }),
            [("CallSid", callSid), ("From", item.settings.caller ?? ""), ("To", item.settings.called ?? ""), ("Direction", "inbound")])
        var requests = 0
        while let (path, parameters) = request, requests < 500 {
            requests += 1
            request = nil
            let answer = try TwiMLGatewayTests.post(gateway, path, parameters)
            guard answer.status == 200, let verbs = TwiMLReader.verbs(answer.body) else {
                Issue.record("\(item.name): HTTP \(answer.status): \(answer.body)")
                break
            }
            func play(_ verbs: [TwiMLDocument.Verb]) {
                for verb in verbs {
                    switch verb {
                    case let .say(text, _, _): ending.played.append("say:" + text)
                    case .play(let url): ending.played.append("play:" + url)
                    case let .gather(numDigits, finishOnKey, _, action, inside):
                        play(inside)
                        var digits = ""
                        while request == nil {
                            switch remaining.popFirst() {
                            case .key(let key)? where String(key.character) == finishOnKey:
                                request = (action, [("CallSid", callSid), ("Digits", digits), ("FinishedOnKey", finishOnKey)])
                            case .key(let key)?:
                                digits.append(key.character)
                                if digits.count >= numDigits { request = (action, [("CallSid", callSid), ("Digits", digits), ("FinishedOnKey", "")]) }
                            case .timeout?:
                                request = (action, [("CallSid", callSid), ("Digits", digits), ("FinishedOnKey", "")])
                            case .hangup?, nil:
                                if digits.isEmpty { return }
                                remaining.insert(.hangup, at: remaining.startIndex)
                                request = (action, [("CallSid", callSid), ("Digits", digits), ("FinishedOnKey", "")])
                            }
                        }
                    case let .dial(number, action):
                        ending.transfer = targets.first { $0.value == number }?.key
                        request = (action, [("CallSid", callSid), ("DialCallStatus", item.failTransfers ? "busy" : "completed")])
                    case .hangup:
                        return
                    }
                }
            }
            play(verbs)
        }
        return ending
    }
}

import Foundation
import GRDB
import Testing

/// The built `ivr-gateway agi` against a faithful fake Asterisk over TCP.
@Suite(.serialized) struct AGIGatewayTests {
    /// A Monday morning in Beijing: the hotline's agents are in.
    static let open = ["--at", "2026-11-23T10:30:00+08:00"]

    /// A copy of the example project with an English recording of every
    /// prompt, so that prompts are STREAM FILE commands.
    static func recordedProject() throws -> URL {
        let project = try FakeAsterisk.project()
        let directory = project.appendingPathComponent("Prompts/en-US")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let catalog = try String(contentsOf: project.appendingPathComponent("Prompts/en-US.yaml"), encoding: .utf8)
        for key in ["welcome", "recording_notice", "language.menu", "main.menu", "transferring", "agent_busy"] {
            #expect(catalog.contains(key.components(separatedBy: ".").last ?? key))
            try Data("RIFF".utf8).write(to: directory.appendingPathComponent(key + ".wav"))
        }
        return project
    }

    static let everyKey = "\"0123456789*#ABCD\""

    @Test func aHotlineCallAndItsEndVariables() throws {
        let gateway = try GatewayProcess(["--tts", "exec:Festival"])
        // English, then service points, then the caller hangs up at the service points menu.
        let commands = try gateway.connect().call(flow: "hotline", keys: ["3", "1"])
        #expect(commands.first == "ANSWER")
        #expect(commands[1] == "EXEC Festival \"Hello, and welcome to the customer service hotline.\"", "TTS for prompts without a recording")
        #expect(commands.filter { $0.hasPrefix("WAIT FOR DIGIT") } == ["WAIT FOR DIGIT 4000", "WAIT FOR DIGIT 5000", "WAIT FOR DIGIT 5000"])
        #expect(Array(commands.suffix(3)) == ["SET VARIABLE IVR_OUTCOME abandoned", "SET VARIABLE IVR_STATE service_points",
                                              "SET VARIABLE IVR_VAR_language en-US"])
        #expect(!commands.contains("HANGUP"), "the caller's line is gone: no HANGUP of ours")
    }

    @Test func anUnknownFlowSaysSoOnTheChannelAndEnds() throws {
        let gateway = try GatewayProcess()
        let commands = try gateway.connect().call(flow: "pharmacy", keys: [])
        #expect(commands == ["SET VARIABLE IVR_OUTCOME error", "SET VARIABLE IVR_ERROR \"no flow named 'pharmacy'\""])
    }

    @Test func theCallerHangingUpInsideAPromptEndsTheCallWhereItStands() throws {
        let gateway = try GatewayProcess(in: try Self.recordedProject())
        var caller = FakeAsterisk.Caller()
        caller.hangUpInPrompt = 2
        let transcript = try gateway.connect().play(FakeAsterisk.environment(flow: "hotline"), caller)
        #expect(transcript.commands == [
            "ANSWER", "STREAM FILE en-US/welcome \(Self.everyKey)", "STREAM FILE en-US/recording_notice \(Self.everyKey)",
            // result=-1: a hangup or a missing file; the HANGUP line before this reply tells.
            "GET VARIABLE PLAYBACKSTATUS",
            "SET VARIABLE IVR_OUTCOME abandoned", "SET VARIABLE IVR_STATE language", "SET VARIABLE IVR_VAR_language en-US",
        ])
        #expect(gateway.wait(for: "outcome abandoned"))
        #expect(!gateway.log.contains("could not play"), "a hangup is not a missing file")
    }

    @Test func aHangupLineBetweenCommandsEndsTheCall() throws {
        let gateway = try GatewayProcess(in: try Self.recordedProject())
        var caller = FakeAsterisk.Caller()
        caller.hangUpAfterPrompt = 1
        let transcript = try gateway.connect().play(FakeAsterisk.environment(flow: "hotline"), caller)
        // The next prompt was already on its way: Asterisk answers it 511.
        #expect(transcript.commands == [
            "ANSWER", "STREAM FILE en-US/welcome \(Self.everyKey)", "STREAM FILE en-US/recording_notice \(Self.everyKey)",
            "SET VARIABLE IVR_OUTCOME abandoned", "SET VARIABLE IVR_STATE language", "SET VARIABLE IVR_VAR_language en-US",
        ])
    }

    @Test func aMissingSoundFileIsLoggedAndTheCallGoesOn() throws {
        let gateway = try GatewayProcess(in: try Self.recordedProject())
        var caller = FakeAsterisk.Caller(keys: ["3"])
        caller.missingSounds = ["en-US/recording_notice"]
        let transcript = try gateway.connect().play(FakeAsterisk.environment(flow: "hotline"), caller)
        #expect(Array(transcript.commands.prefix(7)) == [
            "ANSWER", "STREAM FILE en-US/welcome \(Self.everyKey)", "STREAM FILE en-US/recording_notice \(Self.everyKey)",
            "GET VARIABLE PLAYBACKSTATUS", "STREAM FILE en-US/language.menu \(Self.everyKey)", "WAIT FOR DIGIT 4000",
            "STREAM FILE en-US/main.menu \(Self.everyKey)",
        ])
        #expect(transcript.variables["IVR_STATE"] == "main")
        #expect(gateway.wait(for: "Asterisk could not play 'en-US/recording_notice'; the call goes on"))
    }

    @Test func aKeyThatCutsAPromptSkipsThePromptsQueuedBeforeTheWait() throws {
        let gateway = try GatewayProcess(in: try Self.recordedProject())
        var caller = FakeAsterisk.Caller()
        caller.keyInPrompt = (prompt: 1, key: "3")
        let transcript = try gateway.connect().play(FakeAsterisk.environment(flow: "hotline"), caller)
        // 3 during the welcome: the notice and the language menu are skipped,
        // and the key answers the language menu (English): the main menu.
        #expect(Array(transcript.commands.prefix(4)) == [
            "ANSWER", "STREAM FILE en-US/welcome \(Self.everyKey)", "STREAM FILE en-US/main.menu \(Self.everyKey)", "WAIT FOR DIGIT 5000",
        ])
        #expect(transcript.variables["IVR_STATE"] == "main")
    }

    @Test func aBusyAgentDeskReachesOnFail() throws {
        let gateway = try GatewayProcess(Self.open + ["--transfer", "dial:PJSIP/{target}"], in: try Self.recordedProject())
        var caller = FakeAsterisk.Caller(keys: ["0"])
        caller.dialStatus = "BUSY"
        let transcript = try gateway.connect().play(FakeAsterisk.environment(flow: "hotline"), caller)
        let dial = try #require(transcript.commands.firstIndex(of: "EXEC Dial \"PJSIP/operator\""))
        #expect(Array(transcript.commands[(dial - 1)...].prefix(6)) == [
            "STREAM FILE en-US/transferring \(Self.everyKey)", "EXEC Dial \"PJSIP/operator\"", "GET VARIABLE DIALSTATUS",
            // on_fail: agent_busy, then the main menu.
            "STREAM FILE en-US/agent_busy \(Self.everyKey)", "STREAM FILE en-US/main.menu \(Self.everyKey)", "WAIT FOR DIGIT 5000",
        ])
        #expect(transcript.variables["IVR_OUTCOME"] == "abandoned")
        #expect(transcript.variables["IVR_TRANSFER"] == nil)
    }

    @Test func aPeerThatSendsGarbageLosesOnlyItsOwnCall() throws {
        let gateway = try GatewayProcess()
        let broken = try gateway.connect()
        broken.send(FakeAsterisk.environment(flow: "hotline"))
        #expect(broken.line() == "ANSWER")
        broken.send("this is not a reply\n")
        #expect(broken.line() == nil, "the gateway closed that session")
        let endless = try gateway.connect()
        endless.send(String(repeating: "x", count: 9000))
        #expect(endless.line() == nil, "a line over 8 KiB ends the session")
        let long = try gateway.connect()
        long.send((1...201).map { "agi_extra_\($0): x\n" }.joined())
        #expect(long.line() == nil, "an environment block over 200 lines ends the session")
        // Another call is served as usual.
        let commands = try gateway.connect().call(flow: "utility", keys: [])
        #expect(commands.first == "ANSWER" && commands.suffix(3) == ["SET VARIABLE IVR_OUTCOME abandoned", "SET VARIABLE IVR_STATE main",
                                                                     "SET VARIABLE IVR_VAR_language en-US"])
    }

    @Test func anEnvironmentBlockThatNeverEndsIsCutAfterFiveSeconds() throws {
        let gateway = try GatewayProcess()
        let slow = try gateway.connect()
        slow.send("agi_network: yes\nagi_network_script: hotline\n")
        let started = Date()
        // Meanwhile another call is served.
        #expect(try gateway.connect().call(flow: "utility", keys: []).first == "ANSWER")
        #expect(slow.line() == nil)
        let waited = Date().timeIntervalSince(started)
        #expect(waited > 4.5 && waited < 8, "\(waited) s")
    }

    @Test func everyCallLeavesARecordAndItsArticleHits() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).db").path
        let gateway = try GatewayProcess(["--db", db])
        // English, FAQ, card questions, the first article; then the caller hangs up at the after menu.
        let commands = try gateway.connect().call(flow: "hotline", keys: ["3", "4", "1", "1"])
        #expect(commands.contains("SET VARIABLE IVR_OUTCOME abandoned"))
        var outcome: String?
        var states: [String] = []
        var hits = 0
        let deadline = Date().addingTimeInterval(10)
        repeat {
            Thread.sleep(forTimeInterval: 0.1)
            (outcome, states, hits) = try DatabaseQueue(path: db).read { db in
                (try String.fetchOne(db, sql: "SELECT outcome FROM call_records"),
                 try String.fetchAll(db, sql: "SELECT state FROM call_steps ORDER BY seq"),
                 try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(hits), 0) FROM popularity") ?? 0)
            }
        } while outcome == nil && Date() < deadline
        #expect(outcome == "abandoned")
        #expect(states == ["welcome", "language", "main", "faq", "card_faq"])
        #expect(hits == 1, "the article played is counted")
        let caller = try DatabaseQueue(path: db).read { try String.fetchOne($0, sql: "SELECT caller FROM call_records") }
        #expect(caller == "13800138000")
    }

    @Test func aReloadServesNewCallsTheNewVersionAndRefusesABrokenOne() throws {
        let directory = try FakeAsterisk.project()
        let gateway = try GatewayProcess(in: directory)
        // A call in progress across the reload: answered, at its first wait.
        let inProgress = try gateway.connect()
        #expect(inProgress.callInProgress() == ["ANSWER", "WAIT FOR DIGIT 4000"])

        let catalog = directory.appendingPathComponent("Prompts/en-US.yaml")
        try (try String(contentsOf: catalog, encoding: .utf8) + "\nnew_prompt: New.\n").write(to: catalog, atomically: true, encoding: .utf8)
        gateway.signal(SIGHUP)
        #expect(gateway.wait(for: "reloaded ("))
        _ = try gateway.connect().call(flow: "hotline", keys: [])
        #expect(gateway.wait(for: "ended"))

        // The call that started before the reload goes on and ends as usual.
        let rest = inProgress.play(nil, FakeAsterisk.Caller(), pending: "WAIT FOR DIGIT 4000")
        #expect(rest.variables["IVR_OUTCOME"] == "abandoned")

        let flow = directory.appendingPathComponent("Flows/hotline.yaml")
        try (try String(contentsOf: flow, encoding: .utf8)).replacingOccurrences(of: "next: language", with: "next: langauge")
            .write(to: flow, atomically: true, encoding: .utf8)
        gateway.signal(SIGHUP)
        #expect(gateway.wait(for: "refused"))
        #expect(gateway.log.contains("error: unknown state 'langauge' (did you mean 'language'?)"))
        _ = try gateway.connect().call(flow: "hotline", keys: [])
        #expect(gateway.wait(for: "ended", count: 3))
        let versions = gateway.versionsStarted
        #expect(versions.count == 3, "\(gateway.log)")
        if versions.count == 3 {
            #expect(versions[1] != versions[0], "the reload's version serves new calls")
            #expect(versions[2] == versions[1], "a broken reload leaves the running version serving")
        }
    }

    @Test func aReloadWith200CallsInFlightLetsEachFinishOnItsVersion() throws {
        let directory = try FakeAsterisk.project()
        let gateway = try GatewayProcess(in: directory)
        let calls = try (0..<200).map { _ in try gateway.connect() }
        for call in calls { #expect(call.callInProgress() == ["ANSWER", "WAIT FOR DIGIT 4000"]) }
        // The new version waits 7 s at its menus instead of 5.
        let flow = directory.appendingPathComponent("Flows/hotline.yaml")
        try (try String(contentsOf: flow, encoding: .utf8)).replacingOccurrences(of: "  timeout: 5s", with: "  timeout: 7s")
            .write(to: flow, atomically: true, encoding: .utf8)
        gateway.signal(SIGHUP)
        #expect(gateway.wait(for: "reloaded ("))
        let fresh = try gateway.connect().call(flow: "hotline", keys: ["3"])
        #expect(fresh.filter { $0.hasPrefix("WAIT FOR DIGIT") } == ["WAIT FOR DIGIT 4000", "WAIT FOR DIGIT 7000"])
        // Every call in flight: English, then the main menu as its own version has it.
        // The callers answer at once, each on its own thread.
        let results = Results()
        let group = DispatchGroup()
        for call in calls {
            group.enter()
            Thread {
                results.add(call.play(nil, FakeAsterisk.Caller(keys: ["3"]), pending: "WAIT FOR DIGIT 4000"))
                group.leave()
            }.start()
        }
        group.wait()
        let transcripts = results.all
        let waits = Set(transcripts.flatMap { $0.commands.dropFirst().filter { $0.hasPrefix("WAIT FOR DIGIT") } })
        let outcomes = transcripts.map { $0.variables["IVR_OUTCOME"] }
        #expect(waits == ["WAIT FOR DIGIT 5000"], "calls in flight finish on the version they started on")
        #expect(outcomes == Array(repeating: "abandoned", count: 200), "no call lost")
        #expect(gateway.wait(for: "ended", count: 201))
        let versions = gateway.versionsStarted
        #expect(Set(versions.prefix(200)).count == 1 && versions.count == 201 && versions[200] != versions[0])
    }

    @Test func sigtermTakesNoNewCallsAndLetsTheCallInProgressFinish() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("drain-\(UUID().uuidString).db").path
        let gateway = try GatewayProcess(["--db", db, "--drain", "20s"])
        let inProgress = try gateway.connect()
        #expect(inProgress.callInProgress() == ["ANSWER", "WAIT FOR DIGIT 4000"])
        gateway.signal(SIGTERM)
        #expect(gateway.wait(for: "no new calls; 1 in progress"))
        Thread.sleep(forTimeInterval: 0.2)
        #expect((try? gateway.connect()) == nil, "no new calls")
        #expect(gateway.process.isRunning, "the call in progress is not cut off")
        // The caller hangs up; the call ends as usual, and the gateway with it.
        _ = inProgress.play(nil, FakeAsterisk.Caller(), pending: "WAIT FOR DIGIT 4000")
        gateway.process.waitUntilExit()
        #expect(gateway.process.terminationStatus == 0)
        let outcome = try DatabaseQueue(path: db).read { try String.fetchOne($0, sql: "SELECT outcome FROM call_records") }
        #expect(outcome == "abandoned", "its record was written before the exit")
    }

    @Test func versionsServedAreKeptInTheStoreWithTheirCalls() throws {
        let directory = try FakeAsterisk.project()
        let db = directory.appendingPathComponent("store.db").path
        let gateway = try GatewayProcess(["--db", db], in: directory)
        _ = try gateway.connect().call(flow: "hotline", keys: [])
        let catalog = directory.appendingPathComponent("Prompts/en-US.yaml")
        try (try String(contentsOf: catalog, encoding: .utf8) + "\nnew_prompt: New.\n").write(to: catalog, atomically: true, encoding: .utf8)
        gateway.signal(SIGHUP)
        #expect(gateway.wait(for: "reloaded ("))
        _ = try gateway.connect().call(flow: "hotline", keys: [])
        _ = try gateway.connect().call(flow: "hotline", keys: [])
        gateway.signal(SIGTERM)
        gateway.process.waitUntilExit()
        let process = Process()
        process.executableURL = GatewayProcess.built("ivr")
        process.arguments = ["versions", "--db", db, "--json"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let rows = text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let hotline = rows.filter { $0["flow"] as? String == "hotline" }
        #expect(hotline.count == 2, "\(text)")
        #expect(hotline.map { $0["calls"] as? Int } == [1, 2], "calls on each version")
        #expect(rows.contains { $0["flow"] as? String == "utility" })
        #expect((hotline.first?["files"] as? [String])?.contains("hotline.yaml") == true)
    }

    @Test func aPeerThatResetsTheConnectionLeavesAnAbandonedRecordAndOthersGoOn() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("reset-\(UUID().uuidString).db").path
        let gateway = try GatewayProcess(["--db", db])
        do {
            let peer = try gateway.connect()
            #expect(peer.callInProgress() == ["ANSWER", "WAIT FOR DIGIT 4000"])
            // SO_LINGER 0: close sends a reset, as a crashed Asterisk would.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(peer.socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        let commands = try gateway.connect().call(flow: "utility", keys: [])
        #expect(commands.first == "ANSWER", "another call is served as usual")
        var outcomes: [String] = []
        let deadline = Date().addingTimeInterval(10)
        repeat {
            Thread.sleep(forTimeInterval: 0.1)
            outcomes = try DatabaseQueue(path: db).read { try String.fetchAll($0, sql: "SELECT COALESCE(outcome, 'interrupted') FROM call_records ORDER BY flow") }
        } while outcomes.count < 2 && Date() < deadline
        #expect(outcomes == ["abandoned", "abandoned"], "the reset call ends where it stood; the other caller hung up")
    }
}

/// Transcripts gathered from several threads.
final class Results: @unchecked Sendable {
    // Guarded by `lock`.
    private var transcripts: [FakeAsterisk.Transcript] = []
    private let lock = NSLock()

    func add(_ transcript: FakeAsterisk.Transcript) {
        lock.lock()
        transcripts.append(transcript)
        lock.unlock()
    }

    var all: [FakeAsterisk.Transcript] {
        lock.lock()
        defer { lock.unlock() }
        return transcripts
    }
}

import Foundation
import GRDB
import Testing

/// The built `ivr-gateway agi` against a faithful fake Asterisk over TCP.
@Suite(.serialized) struct AGIGatewayTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var executable: URL { built("ivr-gateway") }

    static func built(_ name: String) -> URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/" + name)
    }

    /// Starts the gateway on a free port; returns it and the port.
    static func start(_ arguments: [String] = [], in directory: URL = root) throws -> (Process, Int, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["agi", "Flows", "--listen", "127.0.0.1:0"] + arguments
        process.currentDirectoryURL = directory
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            seen += String(decoding: errors.fileHandleForReading.availableData, as: UTF8.self)
            if let range = seen.range(of: "over FastAGI on 127.0.0.1:"), let end = seen[range.upperBound...].firstIndex(of: "\n"),
               let port = Int(seen[range.upperBound..<end]) {
                return (process, port, errors)
            }
        }
        process.terminate()
        throw POSIXError(.ETIMEDOUT)
    }

    @Test func aHotlineCallAndItsEndVariables() throws {
        let (gateway, port, _) = try Self.start(["--tts", "exec:Festival"])
        defer { gateway.terminate() }
        let asterisk = try FakeAsterisk(port: port)
        // English, then service points, then the caller hangs up at the service points menu.
        let commands = asterisk.call(flow: "hotline", keys: ["3", "1"])
        #expect(commands.first == "ANSWER")
        #expect(commands[1] == "EXEC Festival \"Hello, and welcome to the customer service hotline.\"", "TTS for prompts without a recording")
        #expect(commands.filter { $0.hasPrefix("WAIT FOR DIGIT") } == ["WAIT FOR DIGIT 4000", "WAIT FOR DIGIT 5000", "WAIT FOR DIGIT 5000"])
        #expect(Array(commands.suffix(3)) == ["SET VARIABLE IVR_OUTCOME abandoned", "SET VARIABLE IVR_STATE service_points",
                                              "SET VARIABLE IVR_VAR_language en-US"])
        #expect(!commands.contains("HANGUP"), "the caller's line is gone: no HANGUP of ours")
    }

    @Test func anUnknownFlowSaysSoOnTheChannelAndEnds() throws {
        let (gateway, port, _) = try Self.start()
        defer { gateway.terminate() }
        let asterisk = try FakeAsterisk(port: port)
        let commands = asterisk.call(flow: "pharmacy", keys: [])
        #expect(commands == ["SET VARIABLE IVR_OUTCOME error", "SET VARIABLE IVR_ERROR \"no flow named 'pharmacy'\""])
    }

    @Test func aPeerThatSendsGarbageLosesOnlyItsOwnCall() throws {
        let (gateway, port, _) = try Self.start()
        defer { gateway.terminate() }
        let broken = try FakeAsterisk(port: port)
        broken.send(FakeAsterisk.environment(flow: "hotline"))
        #expect(broken.line() == "ANSWER")
        broken.send("this is not a reply\n")
        #expect(broken.line() == nil, "the gateway closed that session")
        let endless = try FakeAsterisk(port: port)
        endless.send(String(repeating: "x", count: 9000))
        #expect(endless.line() == nil, "a line over 8 KiB ends the session")
        // Another call is served as usual.
        let asterisk = try FakeAsterisk(port: port)
        let commands = asterisk.call(flow: "utility", keys: [])
        #expect(commands.first == "ANSWER" && commands.suffix(3) == ["SET VARIABLE IVR_OUTCOME abandoned", "SET VARIABLE IVR_STATE main",
                                                                     "SET VARIABLE IVR_VAR_language en-US"])
    }

    @Test func everyCallLeavesARecordAndItsArticleHits() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-\(UUID().uuidString).db").path
        let (gateway, port, _) = try Self.start(["--db", db])
        defer { gateway.terminate() }
        // English, FAQ, card questions, the first article; then the caller hangs up at the after menu.
        let commands = try FakeAsterisk(port: port).call(flow: "hotline", keys: ["3", "4", "1", "1"])
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

    /// Reads the gateway's log until `text` shows (or 10 s pass).
    static func wait(for text: String, in log: Pipe, seen: inout String) -> Bool {
        let deadline = Date().addingTimeInterval(10)
        while !seen.contains(text), Date() < deadline {
            seen += String(decoding: log.fileHandleForReading.availableData, as: UTF8.self)
        }
        return seen.contains(text)
    }

    static func versions(in log: String) -> [String] {
        log.components(separatedBy: "\n").compactMap { line in
            guard line.contains("started: flow hotline, version ") else { return nil }
            return line.components(separatedBy: "version ").last
        }
    }

    @Test func aReloadServesNewCallsTheNewVersionAndRefusesABrokenOne() throws {
        let directory = try FakeAsterisk.project()
        let (gateway, port, log) = try Self.start(in: directory)
        defer { gateway.terminate() }
        var seen = ""
        // A call in progress across the reload: answered, at its first wait.
        let inProgress = try FakeAsterisk(port: port)
        #expect(inProgress.callInProgress() == ["ANSWER", "WAIT FOR DIGIT 4000"])

        let catalog = directory.appendingPathComponent("Prompts/en-US.yaml")
        try (try String(contentsOf: catalog, encoding: .utf8) + "\nnew_prompt: New.\n").write(to: catalog, atomically: true, encoding: .utf8)
        kill(gateway.processIdentifier, SIGHUP)
        #expect(Self.wait(for: "reloaded:", in: log, seen: &seen))
        _ = try FakeAsterisk(port: port).call(flow: "hotline", keys: [])
        #expect(Self.wait(for: "ended", in: log, seen: &seen))

        // The call that started before the reload goes on and ends as usual.
        inProgress.send("200 result=-1\n")
        var rest: [String] = []
        while let line = inProgress.line() {
            rest.append(line)
            inProgress.send("200 result=1\n")
        }
        #expect(rest.first == "SET VARIABLE IVR_OUTCOME abandoned")

        let flow = directory.appendingPathComponent("Flows/hotline.yaml")
        try (try String(contentsOf: flow, encoding: .utf8)).replacingOccurrences(of: "next: language", with: "next: langauge")
            .write(to: flow, atomically: true, encoding: .utf8)
        kill(gateway.processIdentifier, SIGHUP)
        #expect(Self.wait(for: "refused", in: log, seen: &seen))
        #expect(seen.contains("error: unknown state 'langauge' (did you mean 'language'?)"))
        _ = try FakeAsterisk(port: port).call(flow: "hotline", keys: [])
        Thread.sleep(forTimeInterval: 0.3)
        seen += String(decoding: log.fileHandleForReading.availableData, as: UTF8.self)
        let versions = Self.versions(in: seen)
        #expect(versions.count == 3, "\(seen)")
        if versions.count == 3 {
            #expect(versions[1] != versions[0], "the reload's version serves new calls")
            #expect(versions[2] == versions[1], "a broken reload leaves the running version serving")
        }
    }

    @Test func sigtermTakesNoNewCallsAndLetsTheCallInProgressFinish() throws {
        let db = FileManager.default.temporaryDirectory.appendingPathComponent("drain-\(UUID().uuidString).db").path
        let (gateway, port, log) = try Self.start(["--db", db, "--drain", "20s"])
        defer { if gateway.isRunning { gateway.terminate() } }
        var seen = ""
        let inProgress = try FakeAsterisk(port: port)
        #expect(inProgress.callInProgress() == ["ANSWER", "WAIT FOR DIGIT 4000"])
        kill(gateway.processIdentifier, SIGTERM)
        #expect(Self.wait(for: "no new calls; 1 in progress", in: log, seen: &seen))
        Thread.sleep(forTimeInterval: 0.2)
        #expect((try? FakeAsterisk(port: port)) == nil, "no new calls")
        #expect(gateway.isRunning, "the call in progress is not cut off")
        // The caller hangs up; the call ends as usual, and the gateway with it.
        inProgress.send("200 result=-1\n")
        while inProgress.line() != nil { inProgress.send("200 result=1\n") }
        gateway.waitUntilExit()
        #expect(gateway.terminationStatus == 0)
        let outcome = try DatabaseQueue(path: db).read { try String.fetchOne($0, sql: "SELECT outcome FROM call_records") }
        #expect(outcome == "abandoned", "its record was written before the exit")
    }

    @Test func versionsServedAreKeptInTheStoreWithTheirCalls() throws {
        let directory = try FakeAsterisk.project()
        let db = directory.appendingPathComponent("store.db").path
        let (gateway, port, log) = try Self.start(["--db", db], in: directory)
        defer { gateway.terminate() }
        var seen = ""
        _ = try FakeAsterisk(port: port).call(flow: "hotline", keys: [])
        let catalog = directory.appendingPathComponent("Prompts/en-US.yaml")
        try (try String(contentsOf: catalog, encoding: .utf8) + "\nnew_prompt: New.\n").write(to: catalog, atomically: true, encoding: .utf8)
        kill(gateway.processIdentifier, SIGHUP)
        #expect(Self.wait(for: "reloaded:", in: log, seen: &seen))
        _ = try FakeAsterisk(port: port).call(flow: "hotline", keys: [])
        _ = try FakeAsterisk(port: port).call(flow: "hotline", keys: [])
        kill(gateway.processIdentifier, SIGTERM)
        gateway.waitUntilExit()
        let process = Process()
        process.executableURL = Self.built("ivr")
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
        let (gateway, port, _) = try Self.start(["--db", db])
        defer { gateway.terminate() }
        do {
            let peer = try FakeAsterisk(port: port)
            #expect(peer.callInProgress() == ["ANSWER", "WAIT FOR DIGIT 4000"])
            // SO_LINGER 0: close sends a reset, as a crashed Asterisk would.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            setsockopt(peer.socket, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        }
        let commands = try FakeAsterisk(port: port).call(flow: "utility", keys: [])
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

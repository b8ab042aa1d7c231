import Foundation
import GRDB
import Testing

@Suite struct RecordCommandTests {
    static func database() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("records-\(UUID().uuidString).db").path
    }

    @Test func aCardNumberTypedIntoASensitiveAskIsNowhereInTheStore() throws {
        let db = Self.database()
        let card = "4111111111111111"
        let result = try IVRBinary.run(["run", "Flows/utility.yaml", "--input", "4 4111111111111112 # \(card) #", "--db", db,
                                        "--caller", "13800138000", "--at", "2026-11-23T10:00:00+08:00"])
        #expect(result.status == 0, "\(result.stderr)")
        // The database, its WAL and shared-memory files, byte for byte.
        for suffix in ["", "-wal", "-shm"] {
            guard let bytes = FileManager.default.contents(atPath: db + suffix) else { continue }
            #expect(bytes.range(of: Data(card.utf8)) == nil, "the card number is in \(db + suffix)")
            #expect(bytes.range(of: Data("4111111111111112".utf8)) == nil, "the mistyped card number is in \(db + suffix)")
        }
        let queue = try DatabaseQueue(path: db)
        let (outcome, steps, keys) = try queue.read { db in
            (try String.fetchOne(db, sql: "SELECT outcome FROM call_records"),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_steps"),
             try Int.fetchOne(db, sql: "SELECT keys FROM call_steps WHERE state = 'debit_card'"))
        }
        #expect(outcome == "resolved" && (steps ?? 0) >= 3)
        #expect(keys == 34, "both entries' keys counted, with their # keys")
    }

    @Test func hashNumbersStoresAKeyedDigestAndNeedsItsKey() throws {
        let db = Self.database()
        let refused = try IVRBinary.run(["run", "Flows/hotline.yaml", "--input", "!", "--db", db, "--hash-numbers"])
        #expect(refused.status == 2 && refused.stderr.contains("IVR_NUMBER_KEY"))
        let result = try IVRBinary.run(["run", "Flows/hotline.yaml", "--input", "!", "--db", db, "--hash-numbers", "--caller", "13800138000",
                                        "--called", "95588"], environment: ["IVR_NUMBER_KEY": "a secret of sixteen"])
        #expect(result.status == 0, "\(result.stderr)")
        let (caller, called) = try DatabaseQueue(path: db).read { db in
            (try String.fetchOne(db, sql: "SELECT caller FROM call_records") ?? "", try String.fetchOne(db, sql: "SELECT called FROM call_records") ?? "")
        }
        // HMAC-SHA256("a secret of sixteen", "13800138000"), as swift-crypto computes it (IVRSealTests).
        #expect(caller.count == 64 && caller != "13800138000" && called.count == 64)
        let bytes = FileManager.default.contents(atPath: db + "-wal") ?? Data()
        #expect(bytes.range(of: Data("13800138000".utf8)) == nil)
    }

    @Test func reportOverScriptedCallsAsJSON() throws {
        let db = Self.database()
        for keys in ["1 3 62005678# 3", "1 !", "1 0"] {
            let run = try IVRBinary.run(["run", "Flows/hotline.yaml", "--input", keys, "--db", db, "--caller", "139",
                                         "--at", "2026-11-23T10:00:00+08:00"])
            #expect(run.status == 0)
        }
        let result = try IVRBinary.run(["report", "--db", db, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["calls"] as? Int == 3)
        #expect(object["outcomes"] as? [String: Int] == ["resolved": 1, "abandoned": 1, "transferred": 1])
        #expect(object["containment_rate"] as? Double == 0.6667 && object["transfer_rate"] as? Double == 0.3333)
        let states = try #require(object["states"] as? [[String: Any]])
        #expect(states.first?["state"] as? String == "welcome" && states.first?["entered"] as? Int == 3)
        let main = try #require(states.first { $0["state"] as? String == "main" })
        #expect(main["abandoned"] as? Int == 1)
        #expect(main["exits"] as? [String: Int] == ["member_id": 1, "end": 1, "agent_hours": 1])
        let hours = try #require(object["hours"] as? [Int])
        #expect(hours.count == 168 && hours[10] == 3, "Monday 10:00 in Shanghai")
        let csv = try IVRBinary.run(["report", "--db", db, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("version,section,item,measure,value\n,calls,,calls,3\n"))
        let missing = try IVRBinary.run(["report", "--db", "/nonexistent/x.db"])
        #expect(missing.status == 2 && missing.stderr == "ivr: --db: no such store '/nonexistent/x.db'\n")
    }
}

/// kill -9 the processes that write records: nothing written is lost, and a
/// call caught midway reads `interrupted`.
@Suite struct RecordCrashTests {
    @Test func aKilledRunKeepsItsRecordUpToTheLastWait() throws {
        let db = RecordCommandTests.database()
        let process = Process()
        process.executableURL = IVRBinary.executable
        process.arguments = ["run", "Flows/hotline.yaml", "--db", db, "--json", "--caller", "139", "--at", "2026-11-23T10:00:00+08:00"]
        process.currentDirectoryURL = IVRBinary.packageRoot
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("1 3 ".utf8))  // Mandarin, members: the member number is asked for
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        while !seen.contains(#""event":"wait","state":"member_id""#), Date() < deadline {
            seen += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(seen.contains(#""event":"wait","state":"member_id""#))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let report = try IVRBinary.run(["report", "--db", db, "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any])
        #expect(object["outcomes"] as? [String: Int] == ["interrupted": 1])
        let states = (object["states"] as? [[String: Any]])?.compactMap { $0["state"] as? String }
        #expect(states == ["welcome", "language", "main", "member_id"], "every state up to the last wait")
    }

    @Test func aKilledSimulationKeepsEveryCommittedCall() throws {
        let db = RecordCommandTests.database()
        let process = try IVRBinary.spawn(["simulate", "Flows/hotline.yaml", "--calls", "1000000", "--callers", "Flows/hotline.callers.yaml",
                                           "--at", "2026-11-23T08:00:00+08:00", "--db", db])
        // Until a few batches are in the store.
        let deadline = Date().addingTimeInterval(60)
        var calls = 0
        while calls < 5_000, Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
            calls = (try? DatabaseQueue(path: db).read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM call_records") ?? 0 }) ?? 0
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let queue = try DatabaseQueue(path: db)
        let (integrity, total, unfinished, orphans, highest) = try queue.read { db in
            (try String.fetchOne(db, sql: "PRAGMA integrity_check"),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_records") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_records WHERE outcome IS NULL") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_steps s WHERE NOT EXISTS (SELECT 1 FROM call_records r WHERE r.id = s.call_id)") ?? 0,
             try Int.fetchOne(db, sql: "SELECT MAX(CAST(substr(id, 7) AS INTEGER)) FROM call_records") ?? 0)
        }
        #expect(integrity == "ok")
        #expect(total >= 5_000 && total < 1_000_000, "\(total) calls")
        // Calls run one after another: every call up to the last one kept is there, and
        // only the call under way at the last commit is unfinished.
        #expect(highest == total, "no call lost before the last kept")
        #expect(unfinished <= 1)
        #expect(orphans == 0)
        let report = try IVRBinary.run(["report", "--db", db])
        #expect(report.status == 0 && report.stdout.hasPrefix("calls: \(total)\n"))
    }

    @Test func twoSimulationsWritingOneStoreLoseNothing() throws {
        let db = RecordCommandTests.database()
        let processes = try [1, 2].map { seed in
            try IVRBinary.spawn(["simulate", "Flows/hotline.yaml", "--calls", "1500", "--seed", String(seed), "--callers",
                                 "Flows/hotline.callers.yaml", "--at", "2026-11-23T08:00:00+08:00", "--db", db])
        }
        processes.forEach { $0.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let (total, unfinished) = try DatabaseQueue(path: db).read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_records") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_records WHERE outcome IS NULL") ?? 0)
        }
        #expect(total == 3_000 && unfinished == 0)
    }

    @Test func theSameSeedGivesTheSameRecords() throws {
        func run(_ seed: String) throws -> String {
            let db = RecordCommandTests.database()
            let result = try IVRBinary.run(["simulate", "Flows/hotline.yaml", "--calls", "300", "--seed", seed, "--callers",
                                            "Flows/hotline.callers.yaml", "--at", "2026-11-23T08:00:00+08:00", "--db", db])
            #expect(result.status == 0, "\(result.stderr)")
            return try IVRBinary.run(["report", "--db", db, "--format", "csv"]).stdout
        }
        let first = try run("7")
        #expect(first == (try run("7")))
        #expect(first != (try run("8")))
    }
}

/// `ivr report --html` in a real browser: headless Chromium parses the page
/// and renders it to PNG.
@Suite struct ReportPageTests {
    static let browser: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    func chromium(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.browser))
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                             "--user-data-dir=" + FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)").path]
            + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test(.enabled(if: ReportPageTests.browser != nil, "no Chromium here (.ci/run installs Debian's chromium)"))
    func theReportPageRendersInChromium() throws {
        let db = RecordCommandTests.database()
        for keys in ["1 3 62005678# 3", "1 !", "1 0", "2 4 1 2"] {
            _ = try IVRBinary.run(["run", "Flows/hotline.yaml", "--input", keys, "--db", db, "--at", "2026-11-23T10:00:00+08:00"])
        }
        let page = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).html")
        let result = try IVRBinary.run(["report", "--db", db, "--html", page.path])
        #expect(result.status == 0)
        let html = try String(contentsOf: page, encoding: .utf8)
        // Self-contained: nothing to fetch, no script.
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("<link") && !html.contains("url("))
        // The browser's own parse of the page: three charts, the funnel's states, the figures.
        let dom = try chromium(["--dump-dom", page.absoluteString])
        #expect(dom.status == 0)
        #expect(dom.stdout.components(separatedBy: "<svg").count - 1 == 3)
        #expect(dom.stdout.contains(">member_menu</text>") && dom.stdout.contains("aria-label=\"funnel of states\""))
        #expect(dom.stdout.contains("<b>75.0%</b><span>containment</span>"))
        let png = FileManager.default.temporaryDirectory.appendingPathComponent("report-\(UUID().uuidString).png")
        let shot = try chromium(["--screenshot=" + png.path, "--window-size=1000,1200", page.absoluteString])
        #expect(shot.status == 0)
        let bytes = try Data(contentsOf: png)
        #expect(bytes.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "a PNG")
        // Width and height from the IHDR chunk: the size asked for.
        let width = bytes[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = bytes[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1000 && height == 1200)
        #expect(bytes.count > 20_000, "charts drawn, not a blank page")
    }
}

@Suite struct ReportByVersionTests {
    @Test func aChangedFlowIsReportedPerVersion() throws {
        let flow = "flow: v\nstart: main\nlanguages: [en-US]\nstates:\n  main: { menu: { prompt: hi, options: { \"1\": bye } } }\n  bye: { hangup: resolved }\n"
        let directory = try IVRBinary.scratch(["Flows/v.yaml": flow, "Prompts/en-US.yaml": "hi: Press 1.\n"])
        let db = RecordCommandTests.database()
        _ = try IVRBinary.run(["run", "Flows/v.yaml", "--input", "1", "--db", db], in: directory)
        _ = try IVRBinary.run(["run", "Flows/v.yaml", "--input", "!", "--db", db], in: directory)
        // A new prompt text is a new machine version.
        try "hi: Press 1 to finish.\n".write(to: directory.appendingPathComponent("Prompts/en-US.yaml"), atomically: true, encoding: .utf8)
        _ = try IVRBinary.run(["run", "Flows/v.yaml", "--input", "1", "--db", db], in: directory)
        let result = try IVRBinary.run(["report", "--db", db, "--by-version", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["calls"] as? Int == 3)
        let versions = try #require(object["versions"] as? [[String: Any]])
        #expect(versions.count == 2)
        #expect(versions.map { $0["calls"] as? Int } == [2, 1])
        #expect(versions.map { $0["abandonment_rate"] as? Double } == [0.5, 0.0])
        #expect(versions.allSatisfy { ($0["version"] as? String)?.count == 64 })
        let text = try IVRBinary.run(["report", "--db", db, "--by-version"])
        #expect(text.stdout.components(separatedBy: "\nversion ").count == 3)
    }
}

@Suite struct PromptsStatusTests {
    @Test func recordingsPerLanguageAndThePromptsTTSMustSpeak() throws {
        let directory = try IVRBinary.scratch([
            "Flows/p.yaml": "flow: p\nstart: main\nlanguages: [en-US, zh-CN]\nstates:\n  main: { menu: { prompt: hi, options: { \"1\": bye } } }\n  bye: { hangup: { say: [thanks, bye] } }\n",
            "Prompts/en-US.yaml": "hi: Press 1.\nbye: Goodbye.\nthanks: \"Thank you, {caller}.\"\n",
            "Prompts/zh-CN.yaml": "hi: 请按1。\nbye: 再见。\nthanks: \"谢谢，{caller}。\"\n",
            "Prompts/en-US/hi.wav": "RIFF",
        ])
        let result = try IVRBinary.run(["prompts", "status", "Flows/p.yaml"], in: directory)
        #expect(result.status == 0)
        #expect(result.stdout == """
        en-US: 1 of 2 fixed prompts recorded, 1 with placeholders
          not recorded: bye
          spoken by TTS (placeholders): thanks
        zh-CN: 0 of 2 fixed prompts recorded, 1 with placeholders
          not recorded: hi, bye
          spoken by TTS (placeholders): thanks

        """)
        let json = try IVRBinary.run(["prompts", "status", "Flows/p.yaml", "--json"], in: directory)
        #expect(json.stdout.hasPrefix(#"{"language":"en-US","recorded":["hi"],"missing":["bye"],"dynamic":["thanks"]}"#))
    }
}

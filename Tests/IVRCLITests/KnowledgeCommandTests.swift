import Foundation
import IVRStore
import Testing

@Suite struct KnowledgeCommandTests {
    static func database() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("ivr-\(UUID().uuidString).db").path
    }

    @Test func searchPrintsRankedArticlesAndJSON() throws {
        let text = try IVRBinary.run(["kb", "search", "银行卡丢了要挂失", "--kb", "Flows/hotline.kb.yaml"])
        #expect(text.status == 0)
        #expect(text.stdout.hasPrefix("1. card-loss  "))
        let json = try IVRBinary.run(["kb", "search", "annual fee", "--kb", "Flows/hotline.kb.yaml", "--lang", "en-US", "--json"])
        let first = try #require(json.stdout.split(separator: "\n").first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        #expect(object["id"] as? String == "annual-fee")
        #expect(object["title"] as? String == "Credit card annual fee")
        #expect((object["score"] as? Double ?? 0) > 0)
        let nothing = try IVRBinary.run(["kb", "search", "xyzzy", "--kb", "Flows/hotline.kb.yaml"])
        #expect(nothing.status == 0)
        #expect(nothing.stdout == "no article matches 'xyzzy': try other words, or fewer\n")
        // With --json standard output holds JSON lines only: none.
        let nothingJSON = try IVRBinary.run(["kb", "search", "xyzzy", "--kb", "Flows/hotline.kb.yaml", "--json"])
        #expect(nothingJSON.status == 0 && nothingJSON.stdout.isEmpty)
        #expect(nothingJSON.stderr == "ivr: no article matches 'xyzzy': try other words, or fewer\n")
    }

    @Test func aKilledProcessKeepsTheHitsItCounted() async throws {
        let db = Self.database()
        let process = Process()
        process.executableURL = IVRBinary.executable
        process.arguments = ["run", "Flows/hotline.yaml", "--db", db, "--json"]
        process.currentDirectoryURL = IVRBinary.packageRoot
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data("1 4 1 2 ".utf8))  // Mandarin, FAQ, card questions, the annual fee
        var seen = ""
        let deadline = Date().addingTimeInterval(20)
        while !seen.contains(#""prompt":"kb.after""#), Date() < deadline {
            seen += String(decoding: output.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(seen.contains(#""prompt":"kb.after""#), "the call reaches the after menu and waits")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let entries = try await SQLiteStore(path: db).entries(knowledgeBase: "hotline.kb.yaml")
        #expect(entries == [PopularityEntry(article: "annual-fee", hits: 1, resolutions: 0)])
    }

    @Test func twoProcessesCountIntoOneDatabase() async throws {
        let db = Self.database()
        _ = try SQLiteStore(path: db)  // created and migrated once, as a first run would
        let repeats = 60
        // By code, not by menu position: the first process's hits reorder the second one's menus.
        let keys = "1 4 4 102# " + String(repeating: "1 ", count: repeats) + "2"
        let processes = try (0..<2).map { _ in try IVRBinary.spawn(["run", "Flows/hotline.yaml", "--db", db, "--input", keys]) }
        processes.forEach { $0.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        let entries = try await SQLiteStore(path: db).entries(knowledgeBase: "hotline.kb.yaml")
        #expect(entries == [PopularityEntry(article: "annual-fee", hits: 2 * (repeats + 1), resolutions: 2)])
    }

    @Test func topShowsHitsAndResolutionRates() throws {
        let db = Self.database()
        _ = try IVRBinary.run(["run", "Flows/hotline.yaml", "--db", db, "--input", "1 4 1 3 1 2"])
        let result = try IVRBinary.run(["kb", "top", "--kb", "Flows/hotline.kb.yaml", "--db", db, "--category", "card"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[1] == "   1  card-activation          2         1   50%  新卡激活")
        let unknown = try IVRBinary.run(["kb", "top", "--kb", "Flows/hotline.kb.yaml", "--db", db, "--category", "crad"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean 'card'?"))
    }

    @Test func importWritesAKnowledgeBaseOrReportsRows() throws {
        let directory = try IVRBinary.scratch([
            "good.csv": "id,code,category,title.zh-CN,answer.zh-CN,keywords\nloss,101,card,挂失,请挂失,guashi;lost\n",
            "bad.csv": "id,code,title.zh-CN,answer.zh-CN\nloss,1x,挂失,\n",
        ])
        let good = try IVRBinary.run(["kb", "import", "good.csv"], in: directory)
        #expect(good.status == 0)
        let written = try String(contentsOf: directory.appendingPathComponent("good.kb.yaml"), encoding: .utf8)
        #expect(written.contains("id: loss") && written.contains("code: \"101\""))
        let search = try IVRBinary.run(["kb", "search", "挂失", "--kb", "good.kb.yaml"], in: directory)
        #expect(search.stdout.hasPrefix("1. loss"))
        let bad = try IVRBinary.run(["kb", "import", "bad.csv"], in: directory)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.csv:2:1: error: code '1x' of 'loss' is not keypad keys"))
        #expect(bad.stderr.contains("bad.csv:2:1: error: 'loss' has no answer in zh-CN"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("bad.kb.yaml").path))
    }
}

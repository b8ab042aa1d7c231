import Foundation
import GRDB
import IVRStore
import Testing

/// A store that cannot be read or written ends the command with exit 1 and
/// a sentence about the file: never a crash, never exit 0 with counts lost.
@Suite struct StoreErrorTests {
    static let hotline = ["Flows/hotline.yaml", "--at", "2026-11-23T10:00:00+08:00"]

    @Test func aCorruptCountStopsEveryCommandThatReadsIt() async throws {
        let db = KnowledgeCommandTests.database()
        _ = try IVRBinary.run(["run"] + Self.hotline + ["--db", db, "--input", "1 4 1 2 2"])
        try await DatabaseQueue(path: db).write { try $0.execute(sql: "UPDATE popularity SET hits = 'abc'") }
        let message = "ivr: --db: the store holds a bad value: the popularity of 'annual-fee' in hotline.kb.yaml has hits \"abc\", not a count"
        for arguments in [["run"] + Self.hotline + ["--db", db, "--input", "1 4 1 2 2"],
                          ["kb", "top", "--kb", "Flows/hotline.kb.yaml", "--db", db],
                          ["kb", "search", "年费", "--kb", "Flows/hotline.kb.yaml", "--db", db]] {
            let result = try IVRBinary.run(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
        }
    }

    @Test func anEmptyOrMissingStorePathIsNamed() throws {
        let empty = try IVRBinary.run(["run"] + Self.hotline + ["--db", "", "--input", "!"])
        #expect(empty.status == 1)
        #expect(empty.stderr == "ivr: --db: cannot open the store '': no file name was given\n")
        let missing = try IVRBinary.run(["kb", "top", "--kb", "Flows/hotline.kb.yaml", "--db", "/no/such/dir/faq.db"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "ivr: --db: cannot open the store '/no/such/dir/faq.db': the file cannot be created or opened (does its directory exist?)\n")
    }

    @Test func aDamagedStoreIsNotAQuietLoss() async throws {
        let db = KnowledgeCommandTests.database()
        let store = try SQLiteStore(path: db)
        for index in 0..<2_000 { try await store.countHit(knowledgeBase: "hotline.kb.yaml", article: "article-\(index)") }
        _ = try await DatabaseQueue(path: db).writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: db))
        try handle.seek(toOffset: 4096 * 2)
        handle.write(Data(repeating: 0xAB, count: 4096 * 4))
        try handle.close()
        let result = try IVRBinary.run(["run"] + Self.hotline + ["--db", db, "--input", "1 4 1 2 2"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("is damaged (SQLite reports a malformed database)"), "\(result.stderr)")
    }
}

@Suite struct MediaPathTests {
    /// SPEC 9: the command line resolves a recorded prompt's media reference
    /// to the file's path; the core's trace names it relative to its catalog.
    @Test func theCommandLineWritesTheRecordingsPath() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ivr-media-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Flows"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("Prompts/en-US"), withIntermediateDirectories: true)
        try "flow: hello\nstart: hi\nlanguages: [en-US]\nstates:\n  hi: { hangup: { say: hello } }\n"
            .write(to: root.appendingPathComponent("Flows/hello.yaml"), atomically: true, encoding: .utf8)
        try "hello: Hello\n".write(to: root.appendingPathComponent("Prompts/en-US.yaml"), atomically: true, encoding: .utf8)
        try Data("RIFF".utf8).write(to: root.appendingPathComponent("Prompts/en-US/hello.wav"))
        let result = try IVRBinary.run(["run", "Flows/hello.yaml", "--json", "--input", "!"], in: root)
        #expect(result.status == 0)
        let path = root.appendingPathComponent("Prompts/en-US/hello.wav").standardizedFileURL.path
        #expect(result.stdout.contains(#""prompt":"hello","language":"en-US","text":"Hello","audio":"\#(path)"}"#), "\(result.stdout)")
    }
}

/// Issue 8, items 6 and 12: paths that hold nothing to check, and flows
/// that are not files.
@Suite struct CheckPathTests {
    @Test func checkingNothingFailsAndResourceFilesAreNotFlows() throws {
        let nothing = try IVRBinary.run(["check", "Docs"])
        #expect(nothing.status == 1)
        #expect(nothing.stderr == "ivr: no flow or knowledge base in 'Docs': a flow is a YAML file with a 'flow:' key, a knowledge base a *.kb.yaml file\n")
        let flows = try FileManager.default.contentsOfDirectory(atPath: IVRBinary.packageRoot.appendingPathComponent("Flows").path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "Flows/" + $0 }
        let glob = try IVRBinary.run(["check"] + flows)  // as the shell expands Flows/*.yaml
        #expect(glob.status == 0, "\(glob.stdout)")
        #expect(glob.stdout == "checked 4 flows, 1 knowledge base, 1 campaign: 0 errors, 0 warnings\n")
    }

    @Test func runNamesAMissingFileOrADirectoryPlainly() throws {
        let missing = try IVRBinary.run(["run", "Flows/nope.yaml", "--input", "!"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "ivr: no such flow file 'Flows/nope.yaml'\n")
        let directory = try IVRBinary.run(["run", "Flows", "--input", "!"])
        #expect(directory.status == 2)
        #expect(directory.stderr == "ivr: 'Flows' is a directory: name one flow file (ivr check takes directories)\n")
    }
}

@Suite struct DataSchemaTests {
    @Test func theDataSchemaDescribesTables() throws {
        let result = try IVRBinary.run(["schema", "data"])
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["required"] as? [String] == ["tables"])
        #expect(result.stdout.contains(#""file""#) && result.stdout.contains("IVR lookup tables"))
    }
}

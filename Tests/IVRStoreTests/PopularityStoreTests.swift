import Foundation
import GRDB
import IVRCore
@testable import IVRStore
import Testing

func temporaryStorePath() -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).db").path
}

@Suite struct PopularityStoreTests {
    @Test func countsSurviveReopeningAndFeedPopularity() async throws {
        let path = temporaryStorePath()
        do {
            let store = try SQLiteStore(path: path)
            try await store.countHit(knowledgeBase: "a.kb.yaml", article: "x")
            try await store.countHit(knowledgeBase: "a.kb.yaml", article: "x")
            try await store.record(.countResolution(knowledgeBase: "a.kb.yaml", article: "x"))
            try await store.countHit(knowledgeBase: "b.kb.yaml", article: "x")
        }
        let reopened = try SQLiteStore(path: path)  // the migrations run again and change nothing
        #expect(try await reopened.entries(knowledgeBase: "a.kb.yaml") == [PopularityEntry(article: "x", hits: 2, resolutions: 1)])
        let popularity = try await reopened.popularity(knowledgeBases: ["a.kb.yaml", "b.kb.yaml"])
        #expect(popularity.hits("a.kb.yaml", "x") == 2)
        #expect(popularity.hits("b.kb.yaml", "x") == 1)
        #expect(popularity.hits("a.kb.yaml", "y") == 0)
    }

    @Test func concurrentConnectionsLoseNoCounts() async throws {
        let path = temporaryStorePath()
        _ = try SQLiteStore(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = try SQLiteStore(path: path)  // a connection of its own, as another process has
                    for _ in 0..<50 { try await store.countHit(knowledgeBase: "k", article: "a") }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await SQLiteStore(path: path).entries(knowledgeBase: "k").first?.hits == 200)
    }

    /// A value someone wrote by hand, or a count at Int64's maximum, is a
    /// clear error (it crashed every reader in a GRDB `try!` before).
    @Test func corruptValuesAreErrorsNotCrashes() async throws {
        let path = temporaryStorePath()
        let store = try SQLiteStore(path: path)
        try await store.countHit(knowledgeBase: "k", article: "a")
        let raw = try DatabaseQueue(path: path)
        try await raw.write { try $0.execute(sql: "UPDATE popularity SET hits = 'abc'") }
        await #expect(throws: StoreError.badValue("the popularity of 'a' in k has hits \"abc\", not a count")) {
            try await store.popularity(knowledgeBases: ["k"])
        }
        await #expect(throws: StoreError.badValue("the popularity of 'a' in k has hits \"abc\", not a count")) {
            try await store.entries(knowledgeBase: "k")
        }
        try await raw.write { try $0.execute(sql: "UPDATE popularity SET hits = 9223372036854775807") }
        try await store.countHit(knowledgeBase: "k", article: "a")  // stays at the maximum, not a REAL
        #expect(try await store.entries(knowledgeBase: "k").first?.hits == Int.max)
        try await raw.write { try $0.execute(sql: "UPDATE popularity SET hits = 1e300") }
        await #expect(throws: StoreError.self) { try await store.popularity(knowledgeBases: ["k"]) }
    }

    @Test func storeErrorsNameTheFileAndNoInternalTable() throws {
        #expect(throws: StoreError.cannotOpen(path: "", reason: "no file name was given")) { try SQLiteStore(path: "") }
        #expect(throws: StoreError.cannotOpen(path: "/tmp", reason: "it is a directory")) { try SQLiteStore(path: "/tmp") }
        #expect(throws: StoreError.cannotOpen(path: "/nonexistent/dir/x.db", reason: "the file cannot be created or opened (does its directory exist?)")) {
            try SQLiteStore(path: "/nonexistent/dir/x.db")
        }
        let notADatabase = temporaryStorePath()
        try Data(String(repeating: "not a database ", count: 100).utf8).write(to: URL(fileURLWithPath: notADatabase))
        #expect(throws: StoreError.cannotOpen(path: notADatabase, reason: "it is not a SQLite database")) { try SQLiteStore(path: notADatabase) }
        // As root no file is read-only, so SQLite's answer is given directly.
        let readOnly = SQLiteStore.storeError(DatabaseError(resultCode: .SQLITE_READONLY, message: "attempt to write a readonly database", sql: "INSERT INTO grdb_migrations"), path: "faq.db")
        #expect(readOnly == .readOnly(path: "faq.db"))
        #expect(!readOnly.description.contains("grdb"))
        #expect(readOnly.description == "the store 'faq.db' is read-only: counts and records cannot be written to it")
    }

    @Test func aDamagedFileIsReportedAsDamaged() async throws {
        let path = temporaryStorePath()
        let store = try SQLiteStore(path: path)
        for index in 0..<2_000 { try await store.countHit(knowledgeBase: "k", article: "article-\(index)") }
        try await store.save(CallRecord(id: "c", flow: "f", machineVersion: "v", direction: .inbound, caller: "", called: "", started: Date(), language: "zh-CN"))
        _ = try await DatabaseQueue(path: path).writeWithoutTransaction { try $0.checkpoint(.truncate) }
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        try handle.seek(toOffset: 4096 * 2)
        handle.write(Data(repeating: 0xAB, count: 4096 * 4))
        try handle.close()
        do {
            let reopened = try SQLiteStore(path: path)
            _ = try await reopened.entries(knowledgeBase: "k")
            Issue.record("a damaged store read without an error")
        } catch let error as StoreError {
            #expect(error == .damaged(path: path, reason: "SQLite reports a malformed database"))
        }
    }
}

@Suite struct CallRecordAndVersionStoreTests {
    @Test func recordsAreReplacedByIdAndChosenByFlowAndTime() async throws {
        let store = try SQLiteStore(path: temporaryStorePath())
        let start = Date(timeIntervalSince1970: 1_795_000_000)
        var record = CallRecord(id: "call-1", flow: "hotline", machineVersion: "abc", direction: .inbound, caller: "138", called: "95588",
                                started: start, language: "zh-CN")
        var step = CallRecord.Step(state: "main", entered: start)
        step.keys = 2
        step.lookups = [CallRecord.Lookup(table: "members", found: true)]
        record.path = [step]
        try await store.save(record)
        #expect(try await store.record(id: "call-1") == record)
        record.outcome = "resolved"
        record.ended = start.addingTimeInterval(42)
        record.steps = 3
        try await store.save(record)  // brought up to date at a later wait
        #expect(try await store.record(id: "call-1") == record)
        var other = record
        other.id = "call-2"
        other.flow = "utility"
        other.started = start.addingTimeInterval(3_600)
        try await store.save(other)
        #expect(try await store.records(flow: "hotline", since: nil, until: nil).map(\.id) == ["call-1"])
        #expect(try await store.records(flow: nil, since: start.addingTimeInterval(1), until: nil).map(\.id) == ["call-2"])
        #expect(try await store.record(id: "nope") == nil)
    }

    @Test func versionsKeepTheirFilesAndServiceTimes() async throws {
        let store = try SQLiteStore(path: temporaryStorePath())
        let first = Date(timeIntervalSince1970: 1_795_000_000)
        let version = StoredVersion(version: "v1", flow: "hotline", files: ["hotline.yaml": "flow: hotline", "../Prompts/zh-CN.yaml": "a: b"])
        try await store.served(version, at: first)
        try await store.served(version, at: first.addingTimeInterval(60))
        try await store.served(StoredVersion(version: "v2", flow: "hotline", files: [:]), at: first.addingTimeInterval(30))
        let stored = try await store.version("v1")
        #expect(stored?.files == version.files)
        #expect(stored?.firstServed == first && stored?.lastServed == first.addingTimeInterval(60))
        #expect(try await store.versions().map(\.version) == ["v1", "v2"])
    }
}

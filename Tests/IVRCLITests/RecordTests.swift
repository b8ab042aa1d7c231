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

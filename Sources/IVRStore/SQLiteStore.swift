import Foundation
import GRDB
import IVRCore

/// The SQLite implementation of the stores (GRDB): one file holds
/// popularity, call records and versions. WAL mode and a busy timeout let
/// several processes use one file at once; every write is its own
/// transaction, so killing a process loses at most what it had not yet
/// written. Every value read is checked: a corrupt value is an error, never
/// a crash, and SQLite's errors become `StoreError`s that name the file.
public final class SQLiteStore: PopularityStore, CallRecordStore, VersionStore, CampaignStore {
    public let path: String
    private let queue: DatabaseQueue

    /// Opens (creating and migrating as needed) the store at `path`.
    public init(path: String) throws(StoreError) {
        guard !path.isEmpty else { throw .cannotOpen(path: path, reason: "no file name was given") }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw .cannotOpen(path: path, reason: "it is a directory")
        }
        self.path = path
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // A 64 MiB page cache keeps the report indexes' hot pages in
            // memory while records stream in. NORMAL sync in WAL mode: a
            // killed process loses nothing committed (only a power cut
            // could lose the last transactions, never corrupt the file).
            // Checkpoints every 16 MiB of WAL rather than 4: fewer pauses
            // while a simulation streams records in.
            try db.execute(sql: "PRAGMA cache_size = -65536; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 4096")
        }
        // Two processes opening a new file at once race to switch it to WAL
        // and to migrate it; SQLite answers the loser "busy" at once, without
        // its busy handler. Opening again shortly after finds the work done.
        var attempt = 0
        while true {
            do {
                let opened = try DatabaseQueue(path: path, configuration: configuration)
                try Self.migrator.migrate(opened)
                queue = opened
                break
            } catch {
                let failure = Self.storeError(error, path: path, opening: true)
                attempt += 1
                // Busy: wait for the other process. Another error while
                // migrating may be the other process's migration landing
                // first ("table already exists"): a few more tries tell.
                let busy: Bool
                if case .busy = failure { busy = true } else { busy = false }
                guard attempt < (busy ? 50 : 4) else { throw failure }
                usleep(UInt32(20_000 * min(attempt, 10)))
            }
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: popularity") { db in
            try db.create(table: "popularity") { table in
                table.column("knowledge_base", .text).notNull()
                table.column("article", .text).notNull()
                table.column("hits", .integer).notNull().defaults(to: 0)
                table.column("resolutions", .integer).notNull().defaults(to: 0)
                table.primaryKey(["knowledge_base", "article"])
            }
        }
        migrator.registerMigration("v2: call records") { db in
            try db.create(table: "call_records") { table in
                table.column("id", .text).primaryKey()
                table.column("flow", .text).notNull()
                table.column("machine_version", .text).notNull()
                table.column("direction", .text).notNull()
                table.column("caller", .text).notNull()
                table.column("called", .text).notNull()
                table.column("started", .double).notNull()
                table.column("ended", .double)
                table.column("language", .text).notNull()
                table.column("outcome", .text)
                table.column("transfer_target", .text)
                table.column("steps", .integer).notNull()
                table.column("path", .text).notNull()
            }
            try db.create(index: "call_records_by_flow", on: "call_records", columns: ["flow", "started"])
        }
        migrator.registerMigration("v3: versions") { db in
            try db.create(table: "versions") { table in
                table.column("version", .text).primaryKey()
                table.column("flow", .text).notNull()
                table.column("files", .text).notNull()
                table.column("first_served", .double).notNull()
                table.column("last_served", .double).notNull()
            }
        }
        migrator.registerMigration("v4: call steps for reports") { db in
            // Reports aggregate in SQL, never by loading records: a call's
            // steps and articles get rows of their own, carrying the call's
            // flow, version, start and (per step) whether the caller hung
            // up there, so that the funnel is one walk of one covering
            // index, without a join or a sort. The steps are the path from
            // now on (the JSON column is left empty).
            try db.alter(table: "call_records") { table in
                table.add(column: "time_zone", .text).notNull().defaults(to: "UTC")
                table.add(column: "duration", .double)
            }
            try db.create(table: "call_steps", options: .withoutRowID) { table in
                table.column("call_id", .text).notNull()
                table.column("seq", .integer).notNull()
                table.column("state", .text).notNull()
                table.column("entered", .double).notNull()
                table.column("keys", .integer).notNull()
                table.column("no_inputs", .integer).notNull()
                table.column("no_matches", .integer).notNull()
                table.column("failures", .integer).notNull()
                table.column("exit", .text)
                table.column("abandoned", .boolean).notNull()
                // Article ids and lookups ("table=1" found, "table=0" not, "table=!" failed),
                // each list joined by the unit separator U+001F.
                table.column("answers", .text).notNull()
                table.column("resolutions", .text).notNull()
                table.column("lookups", .text).notNull()
                table.column("flow", .text).notNull()
                table.column("machine_version", .text).notNull()
                table.column("started", .double).notNull()
                table.primaryKey(["call_id", "seq"])
            }
            try db.create(index: "call_steps_funnel", on: "call_steps",
                          columns: ["state", "exit", "abandoned", "no_inputs", "no_matches", "failures", "seq", "flow", "machine_version", "started"])
            try db.create(table: "call_articles", options: .withoutRowID) { table in
                table.column("call_id", .text).notNull()
                table.column("article", .text).notNull()
                table.column("hits", .integer).notNull()
                table.column("resolutions", .integer).notNull()
                table.column("flow", .text).notNull()
                table.column("machine_version", .text).notNull()
                table.column("started", .double).notNull()
                table.primaryKey(["call_id", "article"])
            }
            try db.create(index: "call_records_by_caller", on: "call_records", columns: ["flow", "caller", "started"])
            try db.create(index: "call_records_by_start", on: "call_records", columns: ["started", "time_zone"])
            try db.create(index: "call_records_by_outcome", on: "call_records", columns: ["outcome", "flow", "machine_version", "started"])
            try db.create(index: "call_records_by_duration", on: "call_records", columns: ["duration", "flow", "machine_version", "started"])
            // Records written before: their JSON paths become steps.
            for row in try Row.fetchAll(db, sql: "SELECT * FROM call_records WHERE path != ''") {
                guard let json = String.fromDatabaseValue(row["path"]),
                      let steps = try? JSONDecoder().decode([CallRecord.Step].self, from: Data(json.utf8)) else { continue }
                var record = try callRecord(row, db)
                record.path = steps
                try insert(record, db)
            }
        }
        migrator.registerMigration("v5: webhook requests") { db in
            // Requests a webhook gateway has carried out, by call and digest:
            // one Twilio sends twice is answered again but counted once.
            try db.create(table: "webhook_requests", options: .withoutRowID) { table in
                table.column("call_id", .text).notNull()
                table.column("digest", .text).notNull()
                table.column("at", .double).notNull()
                table.primaryKey(["call_id", "digest"])
            }
        }
        migrator.registerMigration("v6: campaigns") { db in
            // Each target of a campaign with its progress, and every attempt
            // claimed (SPEC 14). An attempt row is written, in the same
            // transaction as its target's, before the call is placed: a
            // campaign killed at any moment never places one attempt twice.
            try db.create(table: "campaign_targets", options: .withoutRowID) { table in
                table.column("campaign", .text).notNull()
                table.column("target", .integer).notNull()
                table.column("line", .integer).notNull()
                table.column("number", .text).notNull()
                table.column("attempts", .integer).notNull()
                table.column("status", .text).notNull()
                table.column("not_before", .double)
                table.column("outcome", .text)
                table.column("last_result", .text)
                table.primaryKey(["campaign", "target"])
            }
            try db.create(table: "campaign_attempts", options: .withoutRowID) { table in
                table.column("campaign", .text).notNull()
                table.column("target", .integer).notNull()
                table.column("attempt", .integer).notNull()
                table.column("call_id", .text).notNull()
                table.column("started", .double).notNull()
                table.column("ended", .double)
                table.column("result", .text)
                table.primaryKey(["campaign", "target", "attempt"])
            }
        }
        return migrator
    }

    // MARK: - Webhook requests

    /// Notes a request of a call (by a digest of it); false when it was
    /// noted before (a retry: answer it, count nothing).
    public func firstTime(callID: String, digest: String, at time: Date) async throws(StoreError) -> Bool {
        try await write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO webhook_requests (call_id, digest, at) VALUES (?, ?, ?)",
                           arguments: [callID, digest, time.timeIntervalSince1970])
            return db.changesCount > 0
        }
    }

    // MARK: - Errors

    /// SQLite's and GRDB's errors as the person running `ivr` needs them.
    static func storeError(_ error: any Error, path: String, opening: Bool = false) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let database = error as? DatabaseError else { return .other("the store '\(path)': \(error)") }
        switch database.resultCode {
        case .SQLITE_READONLY: return .readOnly(path: path)
        case .SQLITE_CORRUPT: return .damaged(path: path, reason: "SQLite reports a malformed database")
        case .SQLITE_NOTADB: return .cannotOpen(path: path, reason: "it is not a SQLite database")
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
        case .SQLITE_CANTOPEN: return .cannotOpen(path: path, reason: "the file cannot be created or opened (does its directory exist?)")
        case .SQLITE_FULL: return .other("the disk holding the store '\(path)' is full")
        case .SQLITE_IOERR: return .other("the store '\(path)' could not be read or written (an I/O error)")
        case .SQLITE_PERM, .SQLITE_AUTH: return .readOnly(path: path)
        default:
            return opening ? .cannotOpen(path: path, reason: database.message ?? "SQLite error \(database.resultCode.rawValue)")
                           : .other("the store '\(path)': \(database.message ?? "SQLite error \(database.resultCode.rawValue)")")
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await queue.write(body) } catch { throw Self.storeError(error, path: path) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StoreError) -> T {
        do { return try await queue.read(body) } catch { throw Self.storeError(error, path: path) }
    }

    /// A column read as a count: anything else (text, a real past Int's
    /// range) is a bad value with its place, not a crash.
    static func count(_ row: Row, _ column: String, _ place: String) throws -> Int {
        let value: DatabaseValue = row[column]
        guard let number = Int.fromDatabaseValue(value), number >= 0 else {
            throw StoreError.badValue("\(place) has \(column) \(value.description), not a count")
        }
        return number
    }

    static func text(_ row: Row, _ column: String, _ place: String) throws -> String {
        let value: DatabaseValue = row[column]
        guard let text = String.fromDatabaseValue(value) else { throw StoreError.badValue("\(place) has \(column) \(value.description), not text") }
        return text
    }

    static func optionalText(_ row: Row, _ column: String, _ place: String) throws -> String? {
        let value: DatabaseValue = row[column]
        if value.isNull { return nil }
        return try text(row, column, place)
    }

    static func time(_ row: Row, _ column: String, _ place: String) throws -> Date? {
        let value: DatabaseValue = row[column]
        if value.isNull { return nil }
        guard let seconds = Double.fromDatabaseValue(value), seconds.isFinite else {
            throw StoreError.badValue("\(place) has \(column) \(value.description), not a time")
        }
        return Date(timeIntervalSince1970: seconds)
    }

    // MARK: - Popularity

    public func countHit(knowledgeBase: String, article: String) async throws(StoreError) {
        try await increment("hits", knowledgeBase, article)
    }

    public func countResolution(knowledgeBase: String, article: String) async throws(StoreError) {
        try await increment("resolutions", knowledgeBase, article)
    }

    private func increment(_ column: String, _ knowledgeBase: String, _ article: String) async throws(StoreError) {
        // One atomic upsert: two processes counting at once lose nothing. A
        // count stops at Int64's maximum instead of turning into a REAL.
        try await write { db in
            try db.execute(sql: """
                INSERT INTO popularity (knowledge_base, article, \(column)) VALUES (?, ?, 1)
                ON CONFLICT (knowledge_base, article) DO UPDATE SET \(column) =
                  CASE WHEN typeof(\(column)) = 'integer' AND \(column) < 9223372036854775807 THEN \(column) + 1 ELSE \(column) END
                """, arguments: [knowledgeBase, article])
        }
    }

    public func popularity(knowledgeBases: [String]) async throws(StoreError) -> Popularity {
        try await read { db in
            var popularity = Popularity()
            for name in knowledgeBases {
                for row in try Row.fetchAll(db, sql: "SELECT article, hits FROM popularity WHERE knowledge_base = ?", arguments: [name]) {
                    let article = try Self.text(row, "article", "a popularity row of \(name)")
                    popularity.add(name, article, hits: try Self.count(row, "hits", "the popularity of '\(article)' in \(name)"))
                }
            }
            return popularity
        }
    }

    public func entries(knowledgeBase: String) async throws(StoreError) -> [PopularityEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT article, hits, resolutions FROM popularity WHERE knowledge_base = ?",
                             arguments: [knowledgeBase]).map { row in
                let article = try Self.text(row, "article", "a popularity row of \(knowledgeBase)")
                let place = "the popularity of '\(article)' in \(knowledgeBase)"
                return PopularityEntry(article: article, hits: try Self.count(row, "hits", place),
                                       resolutions: try Self.count(row, "resolutions", place))
            }
            .sorted { ($1.hits, $0.article) < ($0.hits, $1.article) }
        }
    }

    // MARK: - Call records

    public func save(_ record: CallRecord) async throws(StoreError) {
        try await save([record])
    }

    /// Saves records in one transaction: all of them, or none. A record's
    /// path only grows, so its rows are inserted or replaced in place.
    public func save(_ records: [CallRecord]) async throws(StoreError) {
        try await write { db in
            for record in records { try Self.insert(record, db) }
        }
    }

    static func insert(_ record: CallRecord, _ db: Database) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO call_records
              (id, flow, machine_version, direction, caller, called, started, ended, language, outcome, transfer_target, steps, path,
               time_zone, duration)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)
            """).execute(arguments: [record.id, record.flow, record.machineVersion, record.direction.rawValue, record.caller, record.called,
                                     record.started.timeIntervalSince1970, record.ended?.timeIntervalSince1970, record.language,
                                     record.outcome, record.transferTarget, record.steps, record.timeZone,
                                     record.ended.map { $0.timeIntervalSince(record.started) }])
        try insertSteps(record, db)
    }

    static let separator = "\u{1F}"

    static func insertSteps(_ record: CallRecord, _ db: Database) throws {
        // A path that shrank (never, from a recorder) leaves no stale rows.
        try db.cachedStatement(sql: "DELETE FROM call_steps WHERE call_id = ? AND seq >= ?").execute(arguments: [record.id, record.path.count])
        let step = try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO call_steps
              (call_id, seq, state, entered, keys, no_inputs, no_matches, failures, exit, abandoned, answers, resolutions, lookups,
               flow, machine_version, started)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let started = record.started.timeIntervalSince1970
        let abandoned = record.outcome == FlowVocabulary.Outcome.abandoned.rawValue
        var articles: [String: (hits: Int, resolutions: Int)] = [:]
        for (seq, item) in record.path.enumerated() {
            let lookups = item.lookups.map { $0.table + ($0.found ? "=1" : $0.failed ? "=!" : "=0") }
            try step.execute(arguments: [record.id, seq, item.state, item.entered.timeIntervalSince1970, item.keys, item.noInputs,
                                         item.noMatches, item.failures, item.exit, abandoned && seq == record.path.count - 1,
                                         item.answers.joined(separator: separator), item.resolutions.joined(separator: separator),
                                         lookups.joined(separator: separator), record.flow, record.machineVersion, started])
            for article in item.answers { articles[article, default: (0, 0)].hits += 1 }
            for article in item.resolutions { articles[article, default: (0, 0)].resolutions += 1 }
        }
        try db.cachedStatement(sql: "DELETE FROM call_articles WHERE call_id = ?").execute(arguments: [record.id])
        let article = try db.cachedStatement(sql: """
            INSERT INTO call_articles (call_id, article, hits, resolutions, flow, machine_version, started) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        for (name, counts) in articles.sorted(by: { $0.key < $1.key }) {
            try article.execute(arguments: [record.id, name, counts.hits, counts.resolutions, record.flow, record.machineVersion, started])
        }
    }

    public func record(id: String) async throws(StoreError) -> CallRecord? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM call_records WHERE id = ?", arguments: [id]).map { try Self.callRecord($0, db) }
        }
    }

    public func records(flow: String?, since: Date?, until: Date?) async throws(StoreError) -> [CallRecord] {
        try await read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM call_records
                WHERE (?1 IS NULL OR flow = ?1) AND (?2 IS NULL OR started >= ?2) AND (?3 IS NULL OR started < ?3)
                ORDER BY started, id
                """, arguments: [flow, since?.timeIntervalSince1970, until?.timeIntervalSince1970]).map { try Self.callRecord($0, db) }
        }
    }

    static func callRecord(_ row: Row, _ db: Database) throws -> CallRecord {
        let id = try text(row, "id", "a call record")
        let place = "the record of call \(id)"
        guard let direction = CallRecord.Direction(rawValue: try text(row, "direction", place)) else {
            throw StoreError.badValue("\(place) has a direction that is neither inbound nor outbound")
        }
        guard let started = try time(row, "started", place) else { throw StoreError.badValue("\(place) has no start time") }
        var record = CallRecord(id: id, flow: try text(row, "flow", place), machineVersion: try text(row, "machine_version", place),
                                direction: direction, caller: try text(row, "caller", place), called: try text(row, "called", place),
                                started: started, language: try text(row, "language", place))
        record.ended = try time(row, "ended", place)
        record.outcome = try optionalText(row, "outcome", place)
        record.transferTarget = try optionalText(row, "transfer_target", place)
        record.steps = try count(row, "steps", place)
        record.timeZone = try text(row, "time_zone", place)
        record.path = try Row.fetchAll(db, sql: "SELECT * FROM call_steps WHERE call_id = ? ORDER BY seq", arguments: [id]).map { step in
            let state = try text(step, "state", place)
            let where_ = "step \(state) of \(place)"
            guard let entered = try time(step, "entered", where_) else { throw StoreError.badValue("\(where_) has no time") }
            var item = CallRecord.Step(state: state, entered: entered)
            item.keys = try count(step, "keys", where_)
            item.noInputs = try count(step, "no_inputs", where_)
            item.noMatches = try count(step, "no_matches", where_)
            item.failures = try count(step, "failures", where_)
            item.exit = try optionalText(step, "exit", where_)
            func list(_ column: String) throws -> [String] {
                let joined = try text(step, column, where_)
                return joined.isEmpty ? [] : joined.components(separatedBy: separator)
            }
            item.answers = try list("answers")
            item.resolutions = try list("resolutions")
            item.lookups = try list("lookups").map { entry in
                guard let equals = entry.lastIndex(of: "=") else { throw StoreError.badValue("\(where_) has a lookup without its result") }
                let result = entry[entry.index(after: equals)...]
                return CallRecord.Lookup(table: String(entry[..<equals]), found: result == "1", failed: result == "!")
            }
            return item
        }
        return record
    }

    // MARK: - Versions

    public func served(_ version: StoredVersion, at time: Date) async throws(StoreError) {
        let files: String
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            files = String(decoding: try encoder.encode(version.files), as: UTF8.self)
        } catch {
            throw .other("version \(version.version) cannot be written: \(error)")
        }
        try await write { db in
            try db.execute(sql: """
                INSERT INTO versions (version, flow, files, first_served, last_served) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (version) DO UPDATE SET last_served = MAX(last_served, excluded.last_served)
                """, arguments: [version.version, version.flow, files, time.timeIntervalSince1970, time.timeIntervalSince1970])
        }
    }

    public func version(_ hash: String) async throws(StoreError) -> StoredVersion? {
        try await read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM versions WHERE version = ?", arguments: [hash]).map(Self.storedVersion)
        }
    }

    public func versions() async throws(StoreError) -> [StoredVersion] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM versions ORDER BY first_served, version").map(Self.storedVersion)
        }
    }

    /// How many calls each machine version took, and when the last one
    /// started (from the call records).
    public func callsByVersion() async throws(StoreError) -> [String: (calls: Int, last: Date?)] {
        try await read { db in
            var counts: [String: (calls: Int, last: Date?)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT machine_version AS version, COUNT(*) AS n, MAX(started) AS last FROM call_records GROUP BY machine_version
                """) {
                counts[try Self.text(row, "version", "a version")] = (try Self.count(row, "n", "a version's calls"),
                                                                       try Self.time(row, "last", "a version's last call"))
            }
            return counts
        }
    }

    static func storedVersion(_ row: Row) throws -> StoredVersion {
        let version = try text(row, "version", "a version")
        let place = "version \(version)"
        guard let files = try? JSONDecoder().decode([String: String].self, from: Data(try text(row, "files", place).utf8)) else {
            throw StoreError.badValue("\(place) has files that do not decode")
        }
        return StoredVersion(version: version, flow: try text(row, "flow", place), files: files,
                             firstServed: try time(row, "first_served", place), lastServed: try time(row, "last_served", place))
    }
}

// MARK: - Reports

extension SQLiteStore: ReportStore {
    /// The query's filters as SQL and arguments; `r` is any of the tables
    /// that carry flow, machine_version and started.
    static func filter(_ query: ReportQuery) -> (String, StatementArguments) {
        ("""
         (:flow IS NULL OR r.flow = :flow) AND (:since IS NULL OR r.started >= :since)
         AND (:until IS NULL OR r.started < :until) AND (:version IS NULL OR r.machine_version = :version)
         """,
         ["flow": query.flow, "since": query.since?.timeIntervalSince1970, "until": query.until?.timeIntervalSince1970,
          "version": query.version])
    }

    public func versions(_ query: ReportQuery) async throws(StoreError) -> [String] {
        let (filter, arguments) = Self.filter(query)
        return try await read { db in
            try String.fetchAll(db, sql: """
                SELECT r.machine_version FROM call_records r WHERE \(filter)
                GROUP BY r.machine_version ORDER BY MIN(r.started), r.machine_version
                """, arguments: arguments)
        }
    }

    public func report(_ query: ReportQuery) async throws(StoreError) -> CallReport {
        let (filter, arguments) = Self.filter(query)
        return try await read { db in
            var report = CallReport()
            report.calls = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM call_records r WHERE \(filter)", arguments: arguments) ?? 0
            guard report.calls > 0 else { return report }
            report.outcomes = try Row.fetchAll(db, sql: """
                SELECT r.outcome AS outcome, COUNT(*) AS n FROM call_records r INDEXED BY call_records_by_outcome WHERE \(filter)
                GROUP BY r.outcome
                """, arguments: arguments).map { (try Self.optionalText($0, "outcome", "an outcome") ?? CallRecord.interrupted,
                                                  try Self.count($0, "n", "an outcome count")) }
                .sorted { ($1.1, $0.0) < ($0.1, $1.0) }

            // First-call resolution: a known caller who did not call the flow again within the window.
            var window = arguments
            window += ["window": query.repeatWindow]
            if let row = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS known, SUM(CASE WHEN EXISTS (
                    SELECT 1 FROM call_records a
                    WHERE a.flow = r.flow AND a.caller = r.caller AND a.started > r.started AND a.started <= r.started + :window
                  ) THEN 0 ELSE 1 END) AS resolved
                FROM call_records r WHERE \(filter) AND r.caller != ''
                """, arguments: window) {
                let known = try Self.count(row, "known", "the known callers")
                if known > 0 { report.firstCallResolutionRate = Double(try Self.count(row, "resolved", "the first-call resolutions")) / Double(known) }
            }

            // Time in the IVR: the mean in one pass, the percentiles by rank.
            let ended = try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS n, AVG(r.duration) AS mean FROM call_records r WHERE \(filter) AND r.duration IS NOT NULL
                """, arguments: arguments)
            if let ended, let count = Int.fromDatabaseValue(ended["n"]), count > 0 {
                func percentile(_ p: Double) throws -> Double {
                    var ranked = arguments
                    ranked += ["offset": max(0, Int((p * Double(count)).rounded(.up)) - 1)]
                    return try Double.fetchOne(db, sql: """
                        SELECT r.duration FROM call_records r INDEXED BY call_records_by_duration
                        WHERE \(filter) AND r.duration IS NOT NULL ORDER BY r.duration LIMIT 1 OFFSET :offset
                        """, arguments: ranked) ?? 0
                }
                report.duration = CallReport.Duration(mean: Double.fromDatabaseValue(ended["mean"]) ?? 0,
                                                      p50: try percentile(0.5), p90: try percentile(0.9))
            }

            // The funnel: per state and exit in one walk of the covering
            // index call_steps_funnel (no join, no sort).
            var states: [String: CallReport.StateMeasures] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT r.state AS state, r.exit AS exit, COUNT(*) AS n, SUM(r.abandoned) AS abandoned,
                       SUM(r.no_inputs) AS no_input, SUM(r.no_matches) AS no_match, SUM(r.failures) AS failed, MIN(r.seq) AS first
                FROM call_steps r INDEXED BY call_steps_funnel WHERE \(filter)
                GROUP BY r.state, r.exit ORDER BY r.state, n DESC, r.exit
                """, arguments: arguments) {
                let name = try Self.text(row, "state", "a state")
                let place = "the measures of state '\(name)'"
                var state = states[name] ?? CallReport.StateMeasures(state: name, entered: 0, abandoned: 0, noInput: 0, noMatch: 0, failed: 0,
                                                                     exits: [], firstPosition: Int.max)
                let count = try Self.count(row, "n", place)
                state.entered += count
                state.abandoned += try Self.count(row, "abandoned", place)
                state.noInput += try Self.count(row, "no_input", place)
                state.noMatch += try Self.count(row, "no_match", place)
                state.failed += try Self.count(row, "failed", place)
                state.firstPosition = min(state.firstPosition, try Self.count(row, "first", place))
                if let exit = try Self.optionalText(row, "exit", place) { state.exits.append((exit, count)) }
                states[name] = state
            }
            for name in states.keys {
                states[name]?.exits.sort { ($1.1, $0.0) < ($0.1, $1.0) }
            }
            report.states = states.values.sorted { ($0.firstPosition, -$0.entered, $0.state) < ($1.firstPosition, -$1.entered, $1.state) }

            report.articles = try Row.fetchAll(db, sql: """
                SELECT r.article AS article, SUM(r.hits) AS hits, SUM(r.resolutions) AS resolutions
                FROM call_articles r WHERE \(filter)
                GROUP BY r.article ORDER BY hits DESC, article
                """, arguments: arguments).map { row in
                let id = try Self.text(row, "article", "an article")
                return CallReport.ArticleMeasures(id: id, hits: try Self.count(row, "hits", "the hits of '\(id)'"),
                                                  resolutions: try Self.count(row, "resolutions", "the resolutions of '\(id)'"))
            }

            // Hours of the week: grouped by quarter hour in SQL (so zones
            // such as +05:30 and +05:45 fall right; some 35,000 rows a year
            // at most), then placed in each call's time zone.
            for row in try Row.fetchAll(db, sql: """
                SELECT r.time_zone AS zone, CAST(r.started / 900 AS INTEGER) AS quarter, COUNT(*) AS n
                FROM call_records r WHERE \(filter) GROUP BY zone, quarter
                """, arguments: arguments) {
                let zone = TimeZone(identifier: try Self.text(row, "zone", "a time zone")) ?? TimeZone(identifier: "UTC") ?? .current
                guard let quarter = Int.fromDatabaseValue(row["quarter"]) else { continue }
                var calendar = Calendar(identifier: .gregorian)
                calendar.timeZone = zone
                let parts = calendar.dateComponents([.weekday, .hour], from: Date(timeIntervalSince1970: Double(quarter) * 900))
                // weekday: 1 is Sunday; the report's week starts on Monday.
                let day = ((parts.weekday ?? 2) + 5) % 7
                report.hours[day * 24 + (parts.hour ?? 0)] += try Self.count(row, "n", "an hour count")
            }
            return report
        }
    }
}

import Foundation
import GRDB
import IVRCore

/// Article hits and resolutions in SQLite, per knowledge-base file name and
/// article id. WAL mode and a busy timeout let several processes count into
/// one file at once; every count is its own statement, written when it
/// happens, so killing a process loses at most what it had not yet counted.
public final class PopularityStore: Sendable {
    public struct Entry: Sendable, Equatable {
        public var article: String
        public var hits: Int
        public var resolutions: Int

        public init(article: String, hits: Int, resolutions: Int) {
            self.article = article
            self.hits = hits
            self.resolutions = resolutions
        }
    }

    private let queue: DatabaseQueue

    /// Opens (creating and migrating as needed) the database at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try Self.migrator.migrate(queue)
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
        return migrator
    }

    public func recordHit(knowledgeBase: String, article: String) throws {
        try increment("hits", knowledgeBase, article)
    }

    public func recordResolution(knowledgeBase: String, article: String) throws {
        try increment("resolutions", knowledgeBase, article)
    }

    /// Carries out a `countHit` or `countResolution` action; others are not the store's.
    public func record(_ action: Action) throws {
        switch action {
        case let .countHit(knowledgeBase, article): try recordHit(knowledgeBase: knowledgeBase, article: article)
        case let .countResolution(knowledgeBase, article): try recordResolution(knowledgeBase: knowledgeBase, article: article)
        default: break
        }
    }

    private func increment(_ column: String, _ knowledgeBase: String, _ article: String) throws {
        // One atomic upsert: two processes counting at once lose nothing.
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO popularity (knowledge_base, article, \(column)) VALUES (?, ?, 1)
                ON CONFLICT (knowledge_base, article) DO UPDATE SET \(column) = \(column) + 1
                """, arguments: [knowledgeBase, article])
        }
    }

    /// Hits of every article of these knowledge bases, for `Interpreter.popularity`.
    public func popularity(knowledgeBases: [String]) throws -> Popularity {
        try queue.read { db in
            var popularity = Popularity()
            for name in knowledgeBases {
                let rows = try Row.fetchAll(db, sql: "SELECT article, hits FROM popularity WHERE knowledge_base = ?", arguments: [name])
                for row in rows { popularity.add(name, row["article"], hits: row["hits"]) }
            }
            return popularity
        }
    }

    /// Every counted article of a knowledge base, most hits first.
    public func entries(knowledgeBase: String) throws -> [Entry] {
        try queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT article, hits, resolutions FROM popularity WHERE knowledge_base = ?
                ORDER BY hits DESC, article
                """, arguments: [knowledgeBase]).map { Entry(article: $0["article"], hits: $0["hits"], resolutions: $0["resolutions"]) }
        }
    }
}

import ArgumentParser
import Foundation
import IVRCore
import IVRTools
import IVRStore

struct KnowledgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kb",
        abstract: "Search, rank and import knowledge bases (*.kb.yaml).",
        subcommands: [Search.self, Top.self, Import.self]
    )

    /// Loads a knowledge base, printing its diagnostics; exits 1 when it has errors.
    static func load(_ path: String) throws -> KnowledgeBase {
        let bag = DiagnosticBag()
        var sources: [String] = []
        let base = KnowledgeBaseParser.load(path: path, display: path, bag: bag, sources: &sources)
        for diagnostic in bag.diagnostics.normalized() { Console.error(diagnostic.description) }
        guard let base, !bag.hasErrors else {
            throw Console.fail("'\(path)' is not a usable knowledge base", code: ExitStatus.failure)
        }
        return base
    }

    /// The store `--db` names, or nil without one; a store that cannot be
    /// opened ends the command with exit 1 and the reason.
    static func store(_ path: String?) throws -> SQLiteStore? {
        guard let path else { return nil }
        if path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") {
            throw Console.fail("--db: a postgres:// store is not supported yet; name a SQLite file", code: ExitStatus.usage)
        }
        do { return try SQLiteStore(path: path) } catch {
            throw Console.fail("--db: \(error)", code: ExitStatus.failure)
        }
    }

    /// Runs one store operation for the command line; its error ends the
    /// command with exit 1 (a count is never lost in silence).
    static func fromStore<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        do { return try Blocking.wait(body) } catch {
            throw Console.fail("--db: \(error)", code: ExitStatus.failure)
        }
    }

    struct Search: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank articles for a text query, best first.")

        @Argument(help: "The words to look for (Chinese, English...).") var query: String
        @Option(help: "The knowledge base file.") var kb: String
        @Option(help: "Search titles and answers in this language only (keywords always), and print titles in it.") var lang: String?
        @Option(help: "The popularity database (ties are broken by hits).") var db: String?
        @Flag(help: "One {\"id\", \"score\", \"title\"} object per line.") var json = false

        func run() throws {
            let base = try KnowledgeCommand.load(kb)
            if let lang, !base.articles.contains(where: { $0.title(lang) != nil }) {
                throw Console.fail("--lang: no article has a '\(lang)' title", code: ExitStatus.usage)
            }
            var popularity = Popularity()
            if let store = try KnowledgeCommand.store(db) {
                popularity = try KnowledgeCommand.fromStore { try await store.popularity(knowledgeBases: [base.name]) }
            }
            let results = SearchIndex(base, language: lang).search(query, popularity: popularity)
            if results.isEmpty {
                // Standard output stays JSON lines only (none) with --json.
                let message = "no article matches '\(query)'" + (lang.map { " in \($0)" } ?? "") + ": try other words, or fewer"
                if json { Console.error("ivr: " + message) } else { print(message) }
            }
            for (rank, result) in results.enumerated() {
                let title = base.articles[result.article].displayTitle(lang)
                let score = (result.score * 10_000).rounded() / 10_000
                if json {
                    print(JSONValue.object([("id", .string(result.id)), ("score", .double(score)), ("title", .string(title))]).text)
                } else {
                    print("\(rank + 1). \(result.id)  \(String(format: "%.4f", score))  \(title)")
                }
            }
        }
    }

    struct Top: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show articles by popularity, with hits and resolution rates.")

        @Option(help: "The knowledge base file.") var kb: String
        @Option(help: "The popularity database.") var db: String
        @Option(help: "Only this category.") var category: String?
        @Option(help: "Titles in this language.") var lang: String?

        func run() throws {
            let base = try KnowledgeCommand.load(kb)
            if let category, !base.categories.contains(category) {
                throw Console.fail("--category: unknown category '\(category)'\(Suggestion.hint(for: category, in: base.categories))",
                                   code: ExitStatus.usage)
            }
            var entries: [PopularityEntry] = []
            if let store = try KnowledgeCommand.store(db) {
                entries = try KnowledgeCommand.fromStore { try await store.entries(knowledgeBase: base.name) }
            }
            let counts = Dictionary(entries.map { ($0.article, $0) }, uniquingKeysWith: { first, _ in first })
            var popularity = Popularity()
            for entry in entries { popularity.add(base.name, entry.article, hits: entry.hits) }
            let indexes = category.map(base.articles(inCategory:)) ?? Array(base.articles.indices)
            print("rank  article               hits  resolved  rate  title")
            for (rank, index) in base.byPopularity(indexes, popularity).enumerated() {
                let article = base.articles[index]
                let hits = counts[article.id]?.hits ?? 0
                let resolved = counts[article.id]?.resolutions ?? 0
                let rate = hits == 0 ? "   -" : String(format: "%3.0f%%", Double(resolved) / Double(hits) * 100)
                let id = article.id.padding(toLength: max(20, article.id.count), withPad: " ", startingAt: 0)
                print(String(format: "%4d", rank + 1) + "  \(id)  " + String(format: "%4d  %8d", hits, resolved) + "  \(rate)  \(article.displayTitle(lang))")
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Turn a spreadsheet's CSV export into a *.kb.yaml file.",
            discussion: """
            Columns: id, code, category, keywords (separated by ; or |), and title.TAG and answer.TAG \
            for each language (title:TAG and title_TAG work too). Bad rows are reported by line and \
            nothing is written until every row is good.
            """)

        @Argument(help: "The CSV file.") var csv: String
        @Option(name: .shortAndLong, help: "The knowledge base to write (default: the CSV's name with .kb.yaml).") var output: String?

        func run() throws {
            guard let data = FileManager.default.contents(atPath: csv) else {
                throw Console.fail("no such file '\(csv)'", code: ExitStatus.usage)
            }
            let result = KnowledgeImport.convert(String(decoding: data, as: UTF8.self), file: csv)
            for problem in result.problems { Console.error(problem.description) }
            guard result.problems.isEmpty, let yaml = result.yaml else {
                throw Console.fail("nothing written: \(result.problems.count) problem(s) in '\(csv)'", code: ExitStatus.failure)
            }
            let target = output ?? ((csv as NSString).deletingPathExtension + ".kb.yaml")
            do { try yaml.write(toFile: target, atomically: true, encoding: .utf8) } catch {
                throw Console.fail("cannot write '\(target)': \(error)", code: ExitStatus.failure)
            }
            Console.error("wrote \(result.articles) articles to \(target)")
        }
    }
}

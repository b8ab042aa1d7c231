import Foundation
import GRDB
import IVRCore

/// Search latency and index build time of `SearchIndex` against SQLite FTS5
/// over the same synthetic knowledge bases. FTS5 gets the same terms our
/// tokenizer makes (Chinese as character bigrams, English words case-folded),
/// in three columns weighted like ours (keywords 3, title 2, answer 1), and
/// both return the 10 best articles by BM25.
enum SearchBenchmark {
    static let chinese = ["挂失", "年费", "密码", "账户", "转账", "贷款", "利率", "积分", "兑换", "还款", "信用卡", "手机银行",
                          "网点", "营业", "时间", "额度", "境外", "存款", "理财", "赎回", "投诉", "激活", "账单", "限额",
                          "外币", "开户", "身份证", "验证码", "预约", "到账", "手续费", "分期", "优惠", "活动", "客服", "升级"]
    static let english = ["card", "fee", "password", "account", "transfer", "loan", "rate", "points", "redeem", "payment",
                          "branch", "hours", "limit", "travel", "deposit", "wealth", "complaint", "activate", "statement",
                          "currency", "open", "identity", "code", "booking", "arrival", "charge", "instalment", "offer",
                          "service", "upgrade", "mobile", "login", "reset", "security", "balance", "interest"]

    struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        mutating func words(_ list: [String], _ count: Int, separator: String) -> String {
            (0..<count).map { _ in list[next(list.count)] }.joined(separator: separator)
        }
    }

    static func knowledgeBase(_ count: Int) -> KnowledgeBase {
        var random = Generator(state: UInt64(count))
        let mark = SourceMark(file: "synthetic", line: 1, column: 1)
        let articles = (0..<count).map { index in
            KnowledgeBase.Article(
                id: "a\(index)", code: nil, category: nil,
                titles: [("zh-CN", random.words(chinese, 2, separator: "")), ("en-US", random.words(english, 3, separator: " "))],
                answers: [("zh-CN", random.words(chinese, 12, separator: "，")), ("en-US", random.words(english, 14, separator: " "))],
                keywords: [random.words(chinese, 1, separator: ""), random.words(english, 1, separator: "")],
                mark: mark)
        }
        return KnowledgeBase(name: "synthetic.kb.yaml", path: "synthetic", articles: articles)
    }

    static func queries() -> [String] {
        var random = Generator(state: 99)
        return (0..<300).map { index in
            switch index % 3 {
            case 0: return random.words(chinese, 2, separator: "")                 // 挂失密码
            case 1: return random.words(english, 2, separator: " ")                // card fee
            default: return random.words(chinese, 1, separator: "") + random.words(english, 1, separator: " ")
            }
        }
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func ftsText(_ text: String) -> String { Tokenizer.documentTerms(text).joined(separator: " ") }

    static func ftsQuery(_ query: String) -> String? {
        let terms = Set(Tokenizer.queryTerms(query)).sorted()
        guard !terms.isEmpty else { return nil }
        return terms.map { "\"\($0)\"" }.joined(separator: " OR ")
    }

    static func run() throws {
        print("")
        print("4. knowledge-base search against SQLite FTS5 (bigram-tokenised Chinese), top 10 by BM25 (target: p99 no worse than FTS5)")
        let queries = queries()
        for count in [1_000, 10_000, 100_000] {
            let base = knowledgeBase(count)
            var index: SearchIndex?
            let ours = seconds { index = SearchIndex(base) }
            let database = try DatabaseQueue()
            let fts = try seconds {
                try database.write { db in
                    try db.execute(sql: "CREATE VIRTUAL TABLE kb USING fts5(keywords, title, answer, tokenize = 'unicode61')")
                    let statement = try db.makeStatement(sql: "INSERT INTO kb (rowid, keywords, title, answer) VALUES (?, ?, ?, ?)")
                    for (row, article) in base.articles.enumerated() {
                        try statement.execute(arguments: [row, ftsText(article.keywords.joined(separator: " ")),
                                                          ftsText(article.titles.map(\.text).joined(separator: " ")),
                                                          ftsText(article.answers.map(\.text).joined(separator: " "))])
                    }
                }
            }
            guard let index else { return }
            var ourTimes: [Double] = [], ftsTimes: [Double] = []
            var agreeing = 0
            try database.read { db in
                let statement = try db.makeStatement(sql: "SELECT rowid FROM kb WHERE kb MATCH ? ORDER BY bm25(kb, 3.0, 2.0, 1.0) LIMIT 10")
                for query in queries {
                    var mine: [Int] = []
                    ourTimes.append(seconds { mine = index.search(query, limit: 10).map(\.article) })
                    var theirs: [Int] = []
                    guard let match = ftsQuery(query) else { continue }
                    try ftsTimes.append(seconds { theirs = try Int.fetchAll(statement, arguments: [match]) })
                    if mine.first == theirs.first { agreeing += 1 }
                }
            }
            let ms = { (value: Double) in format(value * 1000, 3) }
            print("   \(count) articles: build \(format(ours, 2)) s (FTS5 \(format(fts, 2)) s); p50 \(ms(percentile(ourTimes, 0.5))) ms (FTS5 \(ms(percentile(ftsTimes, 0.5)))), p99 \(ms(percentile(ourTimes, 0.99))) ms (FTS5 \(ms(percentile(ftsTimes, 0.99)))), p99 ratio \(format(percentile(ourTimes, 0.99) / percentile(ftsTimes, 0.99)))x; same best article for \(agreeing) of \(queries.count) queries")
        }
    }
}

/// Ranks a knowledge base's articles for a text query: BM25 over keywords,
/// titles and answers (weighted 3, 2 and 1), ties broken by popularity, then
/// file order. Built once per knowledge base and language; searching it
/// reads only, so one index serves many threads.
public struct SearchIndex: Sendable {
    public struct Result: Sendable, Equatable {
        public var article: Int
        public var id: String
        public var score: Double
    }

    static let k1: Float = 1.2
    static let b: Float = 0.75
    static let weights: (keywords: Float, title: Float, answer: Float) = (3, 2, 1)

    public let knowledgeBase: KnowledgeBase
    public let language: String?
    private var termIDs: [String: Int32] = [:]
    private var postings: [[(doc: Int32, tf: Float)]] = []
    private var lengths: [Float] = []
    private var averageLength: Float = 1

    /// `language` nil searches titles and answers in every language;
    /// keywords are always searched.
    public init(_ knowledgeBase: KnowledgeBase, language: String? = nil) {
        self.knowledgeBase = knowledgeBase
        self.language = language
        var total: Float = 0
        lengths.reserveCapacity(knowledgeBase.articles.count)
        for (doc, article) in knowledgeBase.articles.enumerated() {
            var frequencies: [String: Float] = [:]
            func add(_ text: String, _ weight: Float) {
                for term in Tokenizer.documentTerms(text) { frequencies[term, default: 0] += weight }
            }
            for keyword in article.keywords { add(keyword, Self.weights.keywords) }
            for (tag, text) in article.titles where language == nil || tag == language { add(text, Self.weights.title) }
            for (tag, text) in article.answers where language == nil || tag == language { add(text, Self.weights.answer) }
            var length: Float = 0
            for (term, frequency) in frequencies {
                length += frequency
                let id: Int32
                if let existing = termIDs[term] { id = existing } else {
                    id = Int32(postings.count)
                    termIDs[term] = id
                    postings.append([])
                }
                postings[Int(id)].append((Int32(doc), frequency))
            }
            lengths.append(length)
            total += length
        }
        averageLength = lengths.isEmpty ? 1 : max(1, total / Float(lengths.count))
    }

    /// The articles that match, best first. Unknown words and empty queries
    /// give an empty list.
    public func search(_ query: String, popularity: Popularity = Popularity(), limit: Int? = nil) -> [Result] {
        var seen = Set<Int32>()
        let terms = Tokenizer.queryTerms(query).compactMap { termIDs[$0] }.filter { seen.insert($0).inserted }
        guard !terms.isEmpty else { return [] }
        let count = Float(lengths.count)
        var scores = [Float](repeating: 0, count: lengths.count)
        var touched: [Int32] = []
        for term in terms {
            let list = postings[Int(term)]
            let frequency = Float(list.count)
            let idf = log(1 + (count - frequency + 0.5) / (frequency + 0.5))
            for (doc, tf) in list {
                let norm = Self.k1 * (1 - Self.b + Self.b * lengths[Int(doc)] / averageLength)
                if scores[Int(doc)] == 0 { touched.append(doc) }
                scores[Int(doc)] += idf * tf * (Self.k1 + 1) / (tf + norm)
            }
        }
        let name = knowledgeBase.name
        var results = touched.map { doc -> (Int, Float, Int) in
            let article = Int(doc)
            return (article, scores[article], popularity.hits(name, knowledgeBase.articles[article].id))
        }
        results.sort { lhs, rhs in
            if lhs.1 != rhs.1 { return lhs.1 > rhs.1 }
            if lhs.2 != rhs.2 { return lhs.2 > rhs.2 }
            return lhs.0 < rhs.0
        }
        if let limit, results.count > limit { results.removeLast(results.count - limit) }
        return results.map { Result(article: $0.0, id: knowledgeBase.articles[$0.0].id, score: Double($0.1)) }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

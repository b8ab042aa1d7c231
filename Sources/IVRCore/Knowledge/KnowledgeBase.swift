/// A knowledge base (`*.kb.yaml`): articles with a title and an answer per
/// language, keywords, an optional code and a category. Loaded and checked
/// by `KnowledgeBaseParser`; searched by `SearchIndex`.
public struct KnowledgeBase: Sendable {
    public struct Article: Sendable {
        public var id: String
        public var code: String?
        public var category: String?
        /// Language tag to text, in the order written.
        public var titles: [(language: String, text: String)]
        public var answers: [(language: String, text: String)]
        public var keywords: [String]
        public var mark: SourceMark

        public init(id: String, code: String?, category: String?, titles: [(language: String, text: String)],
                    answers: [(language: String, text: String)], keywords: [String], mark: SourceMark) {
            self.id = id
            self.code = code
            self.category = category
            self.titles = titles
            self.answers = answers
            self.keywords = keywords
            self.mark = mark
        }

        public func title(_ language: String) -> String? { titles.first { $0.language == language }?.text }
        public func answer(_ language: String) -> String? { answers.first { $0.language == language }?.text }
        /// The title in `language`, else the first one written.
        public func displayTitle(_ language: String?) -> String {
            language.flatMap(title) ?? titles.first?.text ?? id
        }
    }

    /// The file name (`hotline.kb.yaml`): popularity is kept per file name and article id.
    public var name: String
    public var path: String
    public var articles: [Article]
    var byID: [String: Int] = [:]
    var byCode: [String: Int] = [:]
    /// Keypad spellings (2=ABC ... 9=WXYZ) of each article's keywords.
    public internal(set) var spellings: [[String]] = []

    public init(name: String, path: String, articles: [Article]) {
        self.name = name
        self.path = path
        self.articles = articles
        for (index, article) in articles.enumerated() {
            if byID[article.id] == nil { byID[article.id] = index }
            if let code = article.code, byCode[code] == nil { byCode[code] = index }
        }
        spellings = articles.map { $0.keywords.compactMap(Self.keypadSpelling) }
    }

    public func index(of id: String) -> Int? { byID[id] }
    public func index(ofCode code: String) -> Int? { byCode[code] }
    public var categories: [String] {
        var seen = Set<String>()
        return articles.compactMap(\.category).filter { seen.insert($0).inserted }
    }

    public func articles(inCategory category: String) -> [Int] {
        articles.indices.filter { articles[$0].category == category }
    }

    /// Articles with a keyword whose keypad spelling starts with `digits`.
    public func keypadMatches(_ digits: String) -> [Int] {
        guard !digits.isEmpty else { return [] }
        return articles.indices.filter { index in spellings[index].contains { $0.hasPrefix(digits) } }
    }

    /// `yingye` is 964943; nil for a keyword with no letters or digits (Chinese).
    public static func keypadSpelling(_ keyword: String) -> String? {
        var digits = ""
        for character in keyword.lowercased() {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if let key = DTMFKey.allCases.first(where: { $0.letters.contains(character) }) {
                digits.append(key.character)
            } else if character == " " || character == "-" {
                continue
            } else {
                return nil
            }
        }
        return digits.isEmpty ? nil : digits
    }

    /// Orders article indexes by popularity, most hits first, ties in file order.
    public func byPopularity(_ indexes: [Int], _ popularity: Popularity) -> [Int] {
        indexes.sorted { lhs, rhs in
            let left = popularity.hits(name, articles[lhs].id), right = popularity.hits(name, articles[rhs].id)
            return left != right ? left > right : lhs < rhs
        }
    }
}

/// Hit counts per knowledge-base file and article, as the host read them
/// (from the database) when the call started. The interpreter only reads it.
public struct Popularity: Sendable, Equatable {
    var counts: [String: Int] = [:]

    public init() {}

    public init(_ entries: [(knowledgeBase: String, article: String, hits: Int)]) {
        for entry in entries { counts[Self.key(entry.knowledgeBase, entry.article)] = entry.hits }
    }

    public func hits(_ knowledgeBase: String, _ article: String) -> Int { counts[Self.key(knowledgeBase, article)] ?? 0 }

    public mutating func add(_ knowledgeBase: String, _ article: String, hits: Int = 1) {
        counts[Self.key(knowledgeBase, article), default: 0] += hits
    }

    static func key(_ knowledgeBase: String, _ article: String) -> String { knowledgeBase + "\u{0}" + article }
}

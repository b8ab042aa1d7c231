import Foundation
import Yams

/// Reads a `*.kb.yaml` file and checks what can be checked without a flow:
/// duplicate ids and codes, codes that are not keypad keys, articles
/// without a title or answer. The flow's compiler checks languages,
/// categories and articles it names.
public struct KnowledgeBaseParser {
    static let articleKeys = ["id", "code", "category", "title", "keywords", "answer"]
    public let reader: NodeReader

    public init(reader: NodeReader) { self.reader = reader }

    var bag: DiagnosticBag { reader.bag }

    public static func load(path: String, display: String, files: FileSource = DiskFiles(), bag: DiagnosticBag,
                            sources: inout [String]) -> KnowledgeBase? {
        guard let document = YAMLDocument.load(path: path, displayName: display, files: files, into: bag) else { return nil }
        sources.append(document.text)
        let parser = KnowledgeBaseParser(reader: NodeReader(file: document.file, bag: bag))
        return parser.parse(document, path: path)
    }

    public func parse(_ document: YAMLDocument, path: String) -> KnowledgeBase? {
        let name = (path as NSString).lastPathComponent
        guard let root = document.root else {
            bag.report(.emptyFile(.knowledgeBase), at: SourceMark(file: document.file, line: 1, column: 1))
            return nil
        }
        guard let top = reader.fields(root, "the knowledge base", allowed: ["articles"]) else { return nil }
        guard let list = top["articles"].flatMap({ reader.sequence($0, "'articles'") }) else {
            if !top.has("articles") { bag.report(.missingKey("articles", "list the articles of the knowledge base"), at: top.mark) }
            return nil
        }
        var articles: [KnowledgeBase.Article] = []
        var ids: [String: SourceMark] = [:]
        var codes: [String: (String, SourceMark)] = [:]
        for node in list {
            guard let article = parseArticle(node) else { continue }
            if let first = ids[article.id] {
                bag.report(.duplicateArticle(article.id, firstLine: first.line), at: article.mark)
                continue
            }
            ids[article.id] = article.mark
            if let code = article.code {
                if let (other, _) = codes[code] {
                    bag.report(.duplicateArticleCode(article.id, code: code, other: other), at: article.mark)
                } else {
                    codes[code] = (article.id, article.mark)
                }
            }
            articles.append(article)
        }
        return KnowledgeBase(name: name, path: path, articles: articles)
    }

    func parseArticle(_ node: Node) -> KnowledgeBase.Article? {
        guard let fields = reader.fields(node, "an article", allowed: Self.articleKeys) else { return nil }
        guard let id = fields["id"].flatMap({ reader.string($0, "'id'") }) else {
            if !fields.has("id") { bag.report(.articleNeedsID, at: fields.mark) }
            return nil
        }
        var article = KnowledgeBase.Article(id: id.value, code: nil, category: nil, titles: [], answers: [], keywords: [], mark: id.mark)
        if let code = fields["code"].flatMap({ reader.string($0, "'code'") }) {
            if code.value.isEmpty || !code.value.allSatisfy({ $0 != "#" && DTMFKey(text: String($0)) != nil }) {
                bag.report(.badArticleCode(code.value, article: id.value), at: code.mark)
            } else {
                article.code = code.value
            }
        }
        article.category = fields["category"].flatMap { reader.string($0, "'category'")?.value }
        article.keywords = fields["keywords"].flatMap { reader.strings($0, "'keywords'")?.map(\.value) } ?? []
        article.titles = texts(fields, "title", id.value)
        article.answers = texts(fields, "answer", id.value)
        return article
    }

    func texts(_ fields: NodeReader.Fields, _ key: String, _ id: String) -> [(language: String, text: String)] {
        guard let node = fields[key] else {
            bag.report(.articleNeedsTexts(id, key: key), at: fields.mark)
            return []
        }
        guard let entries = reader.entries(node, "the \(key) of '\(id)'") else { return [] }
        return entries.compactMap { entry in
            reader.string(entry.value, "the \(entry.key.value) \(key) of '\(id)'").map { (entry.key.value, $0.value) }
        }
    }
}

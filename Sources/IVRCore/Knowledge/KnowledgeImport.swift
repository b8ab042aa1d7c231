import Yams

/// Turns a spreadsheet's CSV export into a knowledge base. Columns: `id`,
/// `code`, `category`, `keywords` (separated by `;`, `|` or `、`) and
/// `title.TAG` / `answer.TAG` per language (`title:TAG`, `title_TAG` too).
/// Every bad row is reported by its line.
public enum KnowledgeImport {
    public struct Result {
        public var yaml: String?
        public var problems: [Diagnostic]
        public var articles: Int
    }

    public static func convert(_ text: String, file: String) -> Result {
        var problems: [Diagnostic] = []
        func problem(_ message: DiagnosticMessage, _ line: Int) {
            problems.append(Diagnostic(message, at: SourceMark(file: file, line: line, column: 1)))
        }
        let rows: [CSVReader.Row]
        do { rows = try CSVReader.rows(text) } catch {
            problem(.csvUnreadable("\(error)"), error.line)
            return Result(yaml: nil, problems: problems, articles: 0)
        }
        guard let header = rows.first else {
            problem(.emptyFile(.csv), 1)
            return Result(yaml: nil, problems: problems, articles: 0)
        }
        var columns: [String: Int] = [:]
        var languages: [String] = []
        for (index, raw) in header.fields.enumerated() {
            let name = raw.trimmingCharacters(in: .whitespaces)
            let lower = name.lowercased()
            if ["id", "code", "category", "keywords"].contains(lower) {
                columns[lower] = index
                continue
            }
            guard let (kind, tag) = splitLanguageColumn(name) else {
                problem(.importUnknownColumn(name), header.line)
                continue
            }
            columns["\(kind).\(tag)"] = index
            if !languages.contains(tag) { languages.append(tag) }
        }
        if columns["id"] == nil { problem(.importNoIDColumn, header.line) }
        for tag in languages {
            for kind in ["title", "answer"] where columns["\(kind).\(tag)"] == nil {
                problem(.importMissingColumn(language: tag, kind: kind), header.line)
            }
        }
        if languages.isEmpty { problem(.importNoLanguages, header.line) }
        guard problems.isEmpty, let idColumn = columns["id"] else { return Result(yaml: nil, problems: problems, articles: 0) }

        var articles: [Node] = []
        var ids: [String: Int] = [:]
        var codes: [String: Int] = [:]
        for row in rows.dropFirst() {
            func cell(_ key: String) -> String {
                guard let index = columns[key], index < row.fields.count else { return "" }
                return row.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
            }
            if row.fields.count > header.fields.count {
                problem(.csvRowWidth(row.fields.count, header: header.fields.count), row.line)
                continue
            }
            let id = row.fields.indices.contains(idColumn) ? cell("id") : ""
            guard !id.isEmpty else { problem(.importRowWithoutID, row.line); continue }
            if let first = ids[id] { problem(.importDuplicateID(id, firstLine: first), row.line); continue }
            ids[id] = row.line
            var pairs: [(Node, Node)] = [(Node("id"), Node(id, .implicit, .plain))]
            let code = cell("code")
            if !code.isEmpty {
                if !code.allSatisfy({ $0 != "#" && DTMFKey(text: String($0)) != nil }) {
                    problem(.importBadCode(code, article: id), row.line)
                } else if let first = codes[code] {
                    problem(.importDuplicateCode(code, article: id, firstLine: first), row.line)
                } else {
                    codes[code] = row.line
                }
                pairs.append((Node("code"), Node(code, .implicit, .doubleQuoted)))
            }
            let category = cell("category")
            if !category.isEmpty { pairs.append((Node("category"), Node(category))) }
            for kind in ["title", "answer"] {
                var texts: [(Node, Node)] = []
                for tag in languages {
                    let value = cell("\(kind).\(tag)")
                    if value.isEmpty { problem(.importMissingText(id, kind: kind, language: tag), row.line) }
                    texts.append((Node(tag), Node(value)))
                }
                pairs.append((Node(kind), Node(texts, .implicit, kind == "title" ? .flow : .block)))
            }
            let keywords = cell("keywords").split(whereSeparator: { ";|、".contains($0) })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if !keywords.isEmpty {
                pairs.append((Node("keywords"), Node(keywords.map { Node($0) }, .implicit, .flow)))
            }
            articles.append(Node(pairs))
        }
        guard problems.isEmpty else { return Result(yaml: nil, problems: problems, articles: 0) }
        let document = Node([(Node("articles"), Node(articles))])
        let yaml = (try? Yams.serialize(node: document, allowUnicode: true, sortKeys: false)) ?? ""
        let heading = "# Imported from \(file) by `ivr kb import`.\n"
        return Result(yaml: heading + yaml, problems: [], articles: articles.count)
    }

    /// `title.zh-CN`, `title:zh-CN`, `title_zh-CN`, `answer (en-US)`.
    static func splitLanguageColumn(_ name: String) -> (String, String)? {
        let lower = name.lowercased()
        for kind in ["title", "answer"] where lower.hasPrefix(kind) {
            var tag = Substring(name.dropFirst(kind.count))
            tag = tag.drop { " .:_(".contains($0) }
            if tag.hasSuffix(")") { tag = tag.dropLast() }
            let text = tag.trimmingCharacters(in: .whitespaces)
            if !text.isEmpty { return (kind, text) }
        }
        return nil
    }
}

import Foundation
import Yams

/// Lookup tables of a flow's `data:` file, which the command line (and the
/// scenario runner) use to answer `lookup` actions. A gateway answers from its
/// own systems instead.
public struct DataTables: Sendable {
    public struct Table: Sendable {
        public var keyField: String
        public var records: [[String: String]]
        /// The fields a record can have: a CSV file's header, or every key
        /// the YAML records use, in the order first written.
        public var fields: [String]
        /// Key value to the first record holding it.
        var index: [String: Int] = [:]

        public init(keyField: String, records: [[String: String]], fields: [String]? = nil) {
            self.keyField = keyField
            self.records = records
            var seen = Set<String>()
            self.fields = fields ?? ([keyField] + records.flatMap { $0.keys.sorted() }).filter { seen.insert($0).inserted }
            for (position, record) in records.enumerated() {
                if let key = record[keyField], index[key] == nil { index[key] = position }
            }
        }

        public func find(_ key: String) -> [String: String]? {
            index[key].map { records[$0] }
        }
    }

    public var tables: [String: Table] = [:]
    /// Every table the data file names, also those its errors left out: a
    /// lookup of one of them is not an unknown table as well.
    public var declared: Set<String> = []

    public init(tables: [String: Table] = [:]) { self.tables = tables }

    public func find(table: String, key: String) -> [String: String]? {
        tables[table]?.find(key)
    }

    /// Loads a data file; `display` turns a path into how diagnostics name it.
    public static func load(path: String, display: (String) -> String, files: FileSource, bag: DiagnosticBag,
                            sources: inout [String]) -> DataTables? {
        guard let document = YAMLDocument.load(path: path, displayName: display(path), files: files, into: bag) else { return nil }
        sources.append(document.text)
        let reader = NodeReader(file: document.file, bag: bag)
        var result = DataTables()
        guard let root = document.root, let top = reader.fields(root, "the data file", allowed: ["tables"]),
              let tablesNode = top["tables"], let entries = reader.entries(tablesNode, "'tables'") else {
            if document.root == nil {
                bag.report(.emptyFile(.dataFile), at: SourceMark(file: document.file, line: 1, column: 1))
            }
            return result
        }
        let directory = (path as NSString).deletingLastPathComponent
        for entry in entries {
            let name = entry.key.value
            result.declared.insert(name)
            if case .scalar = entry.value, let file = reader.string(entry.value, "table '\(name)'") {
                let csvPath = (directory as NSString).appendingPathComponent(file.value)
                if let table = loadCSV(path: csvPath, display: display(csvPath), mark: file.mark, files: files, bag: bag, sources: &sources) {
                    result.tables[name] = table
                }
                continue
            }
            guard let fields = reader.fields(entry.value, "table '\(name)'", allowed: ["key", "records", "file"]) else { continue }
            if let fileNode = fields["file"], let file = reader.string(fileNode, "'file'") {
                // { file: points.csv, key: district }: a CSV file keyed by the column named.
                if fields.has("records") { reader.report(.tableWithFileAndRecords(name), at: fileNode) }
                let column = fields["key"].flatMap { reader.string($0, "'key'") }
                let csvPath = (directory as NSString).appendingPathComponent(file.value)
                if let table = loadCSV(path: csvPath, display: display(csvPath), mark: file.mark, files: files, bag: bag,
                                       sources: &sources, keyColumn: column, tableName: name) {
                    result.tables[name] = table
                }
                continue
            }
            guard let key = fields["key"].flatMap({ reader.string($0, "'key'") }) else {
                if !fields.has("key") { bag.report(.tableNeedsKey(name), at: fields.mark) }
                continue
            }
            var records: [[String: String]] = []
            if let list = fields["records"].flatMap({ reader.sequence($0, "'records'") }) {
                for item in list {
                    guard let pairs = reader.entries(item, "a record of '\(name)'") else { continue }
                    var record: [String: String] = [:]
                    for pair in pairs {
                        if let value = reader.string(pair.value, "field '\(pair.key.value)'") { record[pair.key.value] = value.value }
                    }
                    if record[key.value] == nil {
                        reader.report(.recordWithoutKey(table: name, key: key.value), at: item)
                    }
                    records.append(record)
                }
            }
            result.tables[name] = Table(keyField: key.value, records: records)
        }
        return result
    }

    /// A CSV file with a header row; the key is the column `keyColumn`
    /// names, else the first column.
    static func loadCSV(path: String, display: String, mark: SourceMark, files: FileSource, bag: DiagnosticBag,
                        sources: inout [String], keyColumn: Located<String>? = nil, tableName: String = "") -> Table? {
        guard let data = files.contents(atPath: path) else {
            bag.report(.fileNotFound(display), at: mark)
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            bag.report(.csvNotUTF8(display), at: mark)
            return nil
        }
        sources.append(text)
        let fileMark = SourceMark(file: display, line: 1, column: 1)
        let rows: [CSVReader.Row]
        do {
            rows = try CSVReader.rows(text)
        } catch {
            bag.report(.csvUnreadable("\(error)"), at: SourceMark(file: display, line: error.line, column: 1))
            return nil
        }
        guard let header = rows.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }),
              let first = header.first, !first.isEmpty else {
            bag.report(.csvWithoutHeader, at: fileMark)
            return nil
        }
        var keyField = first
        if let keyColumn {
            guard header.contains(keyColumn.value) else {
                bag.report(.unknownKeyColumn(table: tableName, column: keyColumn.value, file: display, header: header,
                                             suggestion: Suggestion.closest(to: keyColumn.value, in: header)), at: keyColumn.mark)
                return nil
            }
            keyField = keyColumn.value
        }
        var records: [[String: String]] = []
        for row in rows.dropFirst() {
            if row.fields.count != header.count {
                bag.report(.csvRowWidth(row.fields.count, header: header.count),
                           at: SourceMark(file: display, line: row.line, column: 1))
                continue
            }
            var record: [String: String] = [:]
            for (name, value) in zip(header, row.fields) { record[name] = value }
            records.append(record)
        }
        return Table(keyField: keyField, records: records, fields: header)
    }
}

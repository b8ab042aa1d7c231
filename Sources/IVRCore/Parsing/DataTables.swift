import Foundation
import Yams

/// Lookup tables of a flow's `data:` file, which the command line (and the
/// scenario runner) use to answer `lookup` actions. A gateway answers from its
/// own systems instead.
public struct DataTables: Sendable {
    public struct Table: Sendable {
        public var keyField: String
        public var records: [[String: String]]
        /// Key value to the first record holding it.
        var index: [String: Int] = [:]

        public init(keyField: String, records: [[String: String]]) {
            self.keyField = keyField
            self.records = records
            for (position, record) in records.enumerated() {
                if let key = record[keyField], index[key] == nil { index[key] = position }
            }
        }

        public func find(_ key: String) -> [String: String]? {
            index[key].map { records[$0] }
        }
    }

    public var tables: [String: Table] = [:]

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
                bag.error("the data file is empty: it needs 'tables:'", at: SourceMark(file: document.file, line: 1, column: 1))
            }
            return result
        }
        let directory = (path as NSString).deletingLastPathComponent
        for entry in entries {
            let name = entry.key.value
            if case .scalar = entry.value, let file = reader.string(entry.value, "table '\(name)'") {
                let csvPath = (directory as NSString).appendingPathComponent(file.value)
                if let table = loadCSV(path: csvPath, display: display(csvPath), mark: file.mark, files: files, bag: bag, sources: &sources) {
                    result.tables[name] = table
                }
                continue
            }
            guard let fields = reader.fields(entry.value, "table '\(name)'", allowed: ["key", "records"]) else { continue }
            guard let key = fields["key"].flatMap({ reader.string($0, "'key'") }) else {
                if !fields.has("key") { bag.error("table '\(name)' needs 'key', the field that lookups match", at: fields.mark) }
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
                        reader.error("this record of '\(name)' has no '\(key.value)' field, so no lookup can find it", at: item)
                    }
                    records.append(record)
                }
            }
            result.tables[name] = Table(keyField: key.value, records: records)
        }
        return result
    }

    /// A CSV file with a header row; its first column is the key.
    static func loadCSV(path: String, display: String, mark: SourceMark, files: FileSource, bag: DiagnosticBag,
                        sources: inout [String]) -> Table? {
        guard let data = files.contents(atPath: path) else {
            bag.error("no such file '\(display)'", at: mark)
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            bag.error("'\(display)' is not UTF-8 text", at: mark)
            return nil
        }
        sources.append(text)
        let fileMark = SourceMark(file: display, line: 1, column: 1)
        let rows: [CSVReader.Row]
        do {
            rows = try CSVReader.rows(text)
        } catch {
            bag.error("cannot read the CSV file: \(error)", at: SourceMark(file: display, line: error.line, column: 1))
            return nil
        }
        guard let header = rows.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces) }),
              let keyField = header.first, !keyField.isEmpty else {
            bag.error("the CSV file has no header row: its first line names the columns, the first of them the key", at: fileMark)
            return nil
        }
        var records: [[String: String]] = []
        for row in rows.dropFirst() {
            if row.fields.count != header.count {
                bag.error("this row has \(row.fields.count) fields but the header names \(header.count)",
                          at: SourceMark(file: display, line: row.line, column: 1))
                continue
            }
            var record: [String: String] = [:]
            for (name, value) in zip(header, row.fields) { record[name] = value }
            records.append(record)
        }
        return Table(keyField: keyField, records: records)
    }
}

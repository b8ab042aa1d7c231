/// CSV as spreadsheets write it (RFC 4180: commas, double quotes, quotes
/// doubled inside quotes, line breaks inside quotes), each row with the line
/// it starts on, so problems can be reported by line. A byte-order mark is
/// skipped; blank lines are skipped.
public enum CSVReader {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
    }

    public struct Failure: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var description: String { "a quoted field that starts on line \(line) is never closed" }
    }

    public static func rows(_ text: String) throws(Failure) -> [Row] {
        var rows: [Row] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var rowLine = 1
        var quoted = false
        var quoteLine = 1
        var atFieldStart = true
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        func endRow() {
            fields.append(field)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: rowLine, fields: fields)) }
            fields = []
            atFieldStart = true
        }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while let scalar = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if scalar == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.unicodeScalars.append("\"") } else { quoted = false; pending = next }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where atFieldStart:
                quoted = true
                quoteLine = line
                atFieldStart = false
            case ",":
                fields.append(field)
                field = ""
                atFieldStart = true
            case "\r":
                continue
            case "\n":
                endRow()
                line += 1
                rowLine = line
            default:
                field.unicodeScalars.append(scalar)
                atFieldStart = false
            }
        }
        if quoted { throw Failure(line: quoteLine) }
        if !field.isEmpty || !fields.isEmpty { endRow() }
        return rows
    }
}

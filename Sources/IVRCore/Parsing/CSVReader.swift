/// CSV as spreadsheets write it (RFC 4180: commas, double quotes, quotes
/// doubled inside quotes, line breaks inside quotes), each row with the line
/// it starts on, so problems can be reported by line. A byte-order mark is
/// skipped; blank lines are skipped.
public enum CSVReader {
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var fields: [String]
        /// The column (in characters, from 1) where each field starts on
        /// its line: with `line`, the place a check reports a cell at.
        public var columns: [Int] = []
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
        var column = 0  // of the scalar being read
        var fieldStart = 1
        var columns: [Int] = []
        var scalars = Substring(text).unicodeScalars[...]
        if scalars.first == "\u{FEFF}" { scalars = scalars.dropFirst() }
        func endRow() {
            fields.append(field)
            columns.append(fieldStart)
            field = ""
            if !(fields.count == 1 && fields[0].isEmpty) { rows.append(Row(line: rowLine, fields: fields, columns: columns)) }
            fields = []
            columns = []
            atFieldStart = true
        }
        var iterator = scalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        while true {
            let scalar: Unicode.Scalar
            if let next = pending {
                scalar = next
                pending = nil
            } else if let next = iterator.next() {
                scalar = next
            } else {
                break
            }
            column += 1
            if quoted {
                if scalar == "\"" {
                    // A quote doubled, or the closing quote and the next scalar (read again below).
                    let next = iterator.next()
                    if next == "\"" {
                        field.unicodeScalars.append("\"")
                        column += 1
                    } else {
                        quoted = false
                        pending = next
                    }
                } else {
                    if scalar == "\n" {
                        line += 1
                        column = 0
                    }
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
                columns.append(fieldStart)
                fieldStart = column + 1
                field = ""
                atFieldStart = true
            case "\r":
                continue
            case "\n":
                endRow()
                line += 1
                rowLine = line
                column = 0
                fieldStart = 1
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

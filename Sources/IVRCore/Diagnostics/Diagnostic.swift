/// One error or warning, compiler style: `file:line:column: error: message`.
/// What it says comes from the catalogue (`DiagnosticMessage`); the
/// diagnostic places it.
public struct Diagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable, Codable {
        case error
        case warning
    }

    public var id: DiagnosticID
    public var severity: Severity
    public var mark: SourceMark
    public var message: String
    public var fixIt: FixIt?

    public init(_ message: DiagnosticMessage, at mark: SourceMark) {
        id = message.id
        severity = message.severity
        self.message = message.text
        fixIt = message.fixIt
        self.mark = mark
    }

    /// `IVR0101`.
    public var code: String { id.code }

    public var description: String { "\(mark): \(severity.rawValue): \(message)" }
}

extension Array where Element == Diagnostic {
    public var hasErrors: Bool { contains { $0.severity == .error } }

    /// Sorted by file, line and column, each diagnostic once.
    public func normalized() -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        // Errors first, then warnings, each in file and line order: the
        // mistake to fix comes before what it may cause.
        return filter { seen.insert($0).inserted }.sorted {
            ($0.severity == .error ? 0 : 1, $0.mark.file, $0.mark.line, $0.mark.column)
                < ($1.severity == .error ? 0 : 1, $1.mark.file, $1.mark.line, $1.mark.column)
        }
    }
}

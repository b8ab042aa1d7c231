/// What a check found, before it is placed: identity, severity, text and an
/// optional fix-it. Every message the compiler, the data and knowledge-base
/// readers and the scenario reader can give is defined once, in the
/// catalogue below (`DiagnosticCatalog.swift`), under its `DiagnosticID`.
public struct DiagnosticMessage: Sendable, Equatable {
    public var id: DiagnosticID
    public var severity: Diagnostic.Severity
    public var text: String
    public var fixIt: FixIt?

    init(_ id: DiagnosticID, _ severity: Diagnostic.Severity, _ text: String, fix: FixIt? = nil) {
        self.id = id
        self.severity = severity
        self.text = text
        fixIt = fix
    }

    /// An error.
    init(_ id: DiagnosticID, _ text: String, fix: FixIt? = nil) {
        self.init(id, .error, text, fix: fix)
    }
}

/// How to fix a diagnostic: what to do, and (when the fix is to replace
/// the text at the diagnostic's place) the replacement.
public struct FixIt: Hashable, Sendable, Codable {
    public var message: String
    public var replacement: String?

    public init(_ message: String, replacement: String? = nil) {
        self.message = message
        self.replacement = replacement
    }

    /// Replace the text at the place with `word` (a "did you mean").
    static func replace(with word: String?) -> FixIt? {
        word.map { FixIt("replace with '\($0)'", replacement: $0) }
    }
}

/// Collects diagnostics as parsers and passes produce them.
public final class DiagnosticBag {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public func add(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }
    public func add(contentsOf list: [Diagnostic]) { diagnostics.append(contentsOf: list) }
    /// Reports a message of the catalogue at a place.
    public func report(_ message: DiagnosticMessage, at mark: SourceMark) { add(Diagnostic(message, at: mark)) }
    public var hasErrors: Bool { diagnostics.hasErrors }
}

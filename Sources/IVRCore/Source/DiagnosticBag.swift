/// Collects diagnostics as passes produce them.
public final class DiagnosticBag {
    public private(set) var diagnostics: [Diagnostic] = []

    public init() {}

    public func add(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }
    public func add(contentsOf list: [Diagnostic]) { diagnostics.append(contentsOf: list) }
    public func error(_ message: String, at mark: SourceMark) { add(.error(message, at: mark)) }
    public func warning(_ message: String, at mark: SourceMark) { add(.warning(message, at: mark)) }
    public var hasErrors: Bool { diagnostics.hasErrors }
}

import Foundation

public struct CompileOptions: Sendable {
    /// `--prompts DIR`: the catalog directory for every flow of the call.
    public var promptsDirectory: String?
    public var files: FileSource
    /// Paths in diagnostics are written relative to this directory.
    public var workingDirectory: String

    public init(promptsDirectory: String? = nil, files: FileSource = DiskFiles(),
                workingDirectory: String = FileManager.default.currentDirectoryPath) {
        self.promptsDirectory = promptsDirectory
        self.files = files
        self.workingDirectory = workingDirectory
    }
}

/// What compiling a flow gives: the machine (nil when there are errors),
/// the data tables the command line answers lookups from, and diagnostics.
public struct CompileResult: Sendable {
    public var machine: Machine?
    public var tables: DataTables
    public var diagnostics: [Diagnostic]
    public var flowName: String
    public var isSubflow: Bool
    public var languages: [String]
    /// The top flow's prompt catalog directory (`--prompts`, the flow's
    /// `prompts:` or `../Prompts`); its `<language>/` folders hold recordings.
    public var promptDirectory: String = ""

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
}

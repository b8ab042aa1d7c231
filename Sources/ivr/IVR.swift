import ArgumentParser
import Foundation
import IVRCore
import IVRTools

@main
struct IVR: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ivr",
        abstract: "Compile, run and test IVR dialogue flows written in YAML.",
        subcommands: [RunCommand.self, CheckCommand.self, TestCommand.self, ExploreCommand.self, GraphCommand.self, SchemaCommand.self, KnowledgeCommand.self,
                      ReportCommand.self, SimulateCommand.self, VersionsCommand.self, PromptsCommand.self, CampaignCommand.self]
    )

    /// SPEC section 8: usage errors exit 2 (ArgumentParser's default is 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

enum ExitStatus {
    static let ok: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
}

/// Standard error, for diagnostics and messages that are not the output.
enum Console {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Compiles a flow for a command that needs its machine: errors go to
    /// standard error, and a flow that does not compile ends with exit 1.
    static func compile(_ flow: String, prompts: String?) throws -> (CompileResult, Machine) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: flow, isDirectory: &isDirectory) else {
            throw fail("no such flow file '\(flow)'", code: ExitStatus.usage)
        }
        if isDirectory.boolValue {
            throw fail("'\(flow)' is a directory: name one flow file (ivr check takes directories)", code: ExitStatus.usage)
        }
        let compiled = FlowCompiler.compile(path: flow, options: CompileOptions(promptsDirectory: prompts))
        for diagnostic in compiled.errors {
            error(DiagnosticExcerpt.render(diagnostic, source: try? String(contentsOfFile: diagnostic.mark.file, encoding: .utf8)))
        }
        guard let machine = compiled.machine else {
            let count = compiled.errors.count
            throw fail("'\(flow)' does not compile (\(count) \(count == 1 ? "error" : "errors"))", code: ExitStatus.failure)
        }
        return (compiled, machine)
    }

    /// `--at`: the call's time, or the clock when not given; a time that
    /// does not parse is a usage error.
    /// `--var name=value` (repeatable): the call data, refused unless it
    /// gives every input the flow declares (SPEC 14).
    static func callData(_ pairs: [String], machine: Machine) throws -> [String: String] {
        var data: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw fail("--var: '\(pair)' is not name=value", code: ExitStatus.usage)
            }
            data[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        let missing = machine.missingInputs(data)
        guard missing.isEmpty else {
            throw fail(machine.needs(missing) + ": give \(missing.count == 1 ? "it" : "each") with " + missing.map { "--var \($0)=VALUE" }.joined(separator: " "),
                       code: ExitStatus.usage)
        }
        return data
    }

    static func callTime(_ at: String?) throws -> Date {
        guard let at else { return Date() }
        guard let time = CallTime.parse(at) else { throw fail("--at: bad time '\(at)': \(CallTime.hint)", code: ExitStatus.usage) }
        return time
    }

    /// `--hash-numbers`: the key from IVR_NUMBER_KEY (at least 16 bytes),
    /// or nil without the flag.
    static func numberKey(_ wanted: Bool) throws -> [UInt8]? {
        guard wanted else { return nil }
        guard let key = ProcessInfo.processInfo.environment["IVR_NUMBER_KEY"], key.utf8.count >= 16 else {
            throw fail("--hash-numbers: set IVR_NUMBER_KEY to a secret of at least 16 characters (the same one for every run whose calls a report compares)",
                       code: ExitStatus.usage)
        }
        return Array(key.utf8)
    }

    /// Ends the command with a message on standard error and an exit code.
    static func fail(_ message: String, code: Int32) -> ExitCode {
        error("ivr: " + message)
        return ExitCode(code)
    }
}

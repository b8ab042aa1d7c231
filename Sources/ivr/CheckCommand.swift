import ArgumentParser
import IVRCampaign
import Foundation
import IVRCore
import IVRTools

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Compile flows (files or directories) and print their diagnostics."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "Flow files, or directories to search for flows.") var paths: [String]
    @Option(help: "text or json.") var format: Format = .text
    @Option(help: "The prompt catalog directory.") var prompts: String?

    func run() throws {
        var diagnostics: [Diagnostic] = []
        var checked = 0, knowledgeBases = 0, campaigns = 0
        let files = try FlowFinder.expand(paths, keep: FlowFinder.isCheckable) {
            FlowFinder.flows(under: $0) + FlowFinder.knowledgeBases(under: $0) + FlowFinder.campaigns(under: $0)
        }
        if files.isEmpty {
            // A CI step with a wrong path must not pass by checking nothing.
            throw Console.fail("no flow or knowledge base in \(paths.map { "'\($0)'" }.joined(separator: ", ")): a flow is a YAML file with a 'flow:' key, a knowledge base a *.kb.yaml file",
                               code: ExitStatus.failure)
        }
        for file in files {
            if file.hasSuffix(".campaign.yaml") {
                // A campaign's targets against its flow, as `ivr campaign check` does.
                campaigns += 1
                diagnostics += CampaignCheck.run(path: file).diagnostics
            } else if file.hasSuffix(".kb.yaml") {
                // Checked on its own too: an article no flow plays yet still has to be right.
                knowledgeBases += 1
                let bag = DiagnosticBag()
                var sources: [String] = []
                _ = KnowledgeBaseParser.load(path: file, display: file, bag: bag, sources: &sources)
                diagnostics += bag.diagnostics
            } else {
                checked += 1
                diagnostics += FlowCompiler.compile(path: file, options: CompileOptions(promptsDirectory: prompts)).diagnostics
            }
        }
        diagnostics = diagnostics.normalized()
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        switch format {
        case .text:
            var sources: [String: String?] = [:]
            for diagnostic in diagnostics {
                let file = diagnostic.mark.file
                if sources[file] == nil { sources[file] = .some(try? String(contentsOfFile: file, encoding: .utf8)) }
                Swift.print(DiagnosticExcerpt.render(diagnostic, source: sources[file] ?? nil))
            }
            var what = "\(checked) \(checked == 1 ? "flow" : "flows")"
            if knowledgeBases > 0 { what += ", \(knowledgeBases) \(knowledgeBases == 1 ? "knowledge base" : "knowledge bases")" }
            if campaigns > 0 { what += ", \(campaigns) \(campaigns == 1 ? "campaign" : "campaigns")" }
            Swift.print("checked \(what): \(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")")
        case .json:
            let items = diagnostics.map { item -> JSONValue in
                .object([("file", .string(item.mark.file)), ("line", .int(item.mark.line)), ("column", .int(item.mark.column)),
                         ("severity", .string(item.severity.rawValue)), ("code", .string(item.code)), ("name", .string(item.id.name)),
                         ("message", .string(item.message))]
                        + (item.fixIt.map { fix in
                            [("fix_it", .object([("message", .string(fix.message))] + (fix.replacement.map { [("replacement", .string($0))] } ?? [])))]
                        } ?? []))
            }
            Swift.print(JSONValue.object([("flows", .int(checked)), ("knowledge_bases", .int(knowledgeBases)), ("errors", .int(errors)), ("warnings", .int(warnings)),
                                          ("diagnostics", .array(items))]).text)
        }
        if errors > 0 { throw ExitCode(ExitStatus.failure) }
    }
}

import ArgumentParser
import Foundation
import IVRCampaign
import IVRCore

/// `ivr campaign` (SPEC 14): outbound call campaigns.
struct CampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Check outbound call campaigns (*.campaign.yaml).",
        subcommands: [CheckCampaign.self]
    )

    struct CheckCampaign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check a campaign file, its targets CSV (by row and column), its do-not-call list and its flow.",
            discussion: "Exit 0 when clean or with warnings, 1 with errors."
        )

        @Argument(help: "The campaign file.") var file: String

        func run() throws {
            let check = CampaignCheck.run(path: file)
            var sources: [String: String?] = [:]
            for diagnostic in check.diagnostics {
                let path = diagnostic.mark.file
                if sources[path] == nil { sources[path] = .some(try? String(contentsOfFile: path, encoding: .utf8)) }
                print(DiagnosticExcerpt.render(diagnostic, source: sources[path] ?? nil))
            }
            let errors = check.diagnostics.filter { $0.severity == .error }.count
            let warnings = check.diagnostics.count - errors
            var what = "campaign \(check.campaign.map { "'\($0.name)'" } ?? "'\(file)'")"
            if let campaign = check.campaign {
                let skipped = campaign.targets.filter { campaign.doNotCall.contains($0.number) }.count
                what += ", \(campaign.targets.count) \(campaign.targets.count == 1 ? "target" : "targets")"
                if skipped > 0 { what += " (\(skipped) on the do-not-call list)" }
            }
            print("checked \(what): \(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")")
            if errors > 0 { throw ExitCode(ExitStatus.failure) }
        }
    }
}

import Foundation
import IVRCore

/// `ivr campaign check` (SPEC 14): the campaign file, its targets and
/// do-not-call list, then the flow it runs and the targets against the
/// flow's inputs. Every problem at its place; the compiled flow for a run.
public struct CampaignCheck {
    public var campaign: CampaignFile?
    public var compiled: CompileResult?
    public var diagnostics: [Diagnostic]

    public var machine: Machine? { compiled?.machine }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    public static func run(path: String, files: FileSource = DiskFiles(),
                           workingDirectory: String = FileManager.default.currentDirectoryPath) -> CampaignCheck {
        let bag = DiagnosticBag()
        let campaign = CampaignLoader(files: files, workingDirectory: workingDirectory, bag: bag).load(path: path)
        var diagnostics = bag.diagnostics
        var compiled: CompileResult?
        if let campaign, !campaign.flowPath.isEmpty {
            let result = FlowCompiler.compile(path: campaign.flowPath, options: CompileOptions(files: files, workingDirectory: workingDirectory))
            compiled = result
            if let machine = result.machine {
                if result.isSubflow {
                    diagnostics.append(Diagnostic(.campaignOnSubflow(DisplayPath.relative(campaign.flowPath, to: workingDirectory)),
                                                  at: campaign.flowMark))
                }
                diagnostics += CampaignInputsPass(campaign: campaign, machine: machine).run()
            } else {
                diagnostics.append(Diagnostic(.campaignFlowDoesNotCompile(DisplayPath.relative(campaign.flowPath, to: workingDirectory)),
                                              at: campaign.flowMark))
                diagnostics += result.diagnostics.filter { $0.severity == .error }
            }
        }
        return CampaignCheck(campaign: campaign, compiled: compiled, diagnostics: diagnostics.normalized())
    }
}

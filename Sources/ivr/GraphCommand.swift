import ArgumentParser
import Foundation
import IVRCore

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a flow's state machine as Graphviz DOT or Mermaid.",
        discussion: "Render DOT with: ivr graph FLOW | dot -Tpng -o flow.png"
    )

    @Argument(help: "The flow file.") var flow: String
    @Option(help: "dot or mermaid.") var format: Format = .dot
    @Option(help: "The prompt catalog directory.") var prompts: String?

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case dot, mermaid
    }

    func run() throws {
        let compiled = FlowCompiler.compile(path: flow, options: CompileOptions(promptsDirectory: prompts))
        for diagnostic in compiled.errors { Console.error(diagnostic.description) }
        guard let machine = compiled.machine else {
            throw Console.fail("'\(flow)' does not compile (\(compiled.errors.count) errors)", code: ExitStatus.failure)
        }
        print(FlowGraph(machine).render(format == .dot ? .dot : .mermaid), terminator: "")
    }
}

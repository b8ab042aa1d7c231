import ArgumentParser
import Foundation
import IVRCore
import IVRTools

extension FlowGraph.Format: ExpressibleByArgument {}

struct GraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "graph",
        abstract: "Draw a flow's state machine as Graphviz DOT or Mermaid.",
        discussion: "Render DOT with: ivr graph FLOW | dot -Tpng -o flow.png"
    )

    @Argument(help: "The flow file.") var flow: String
    @Option(help: "dot or mermaid.") var format: FlowGraph.Format = .dot
    @Option(help: "The prompt catalog directory.") var prompts: String?

    func run() throws {
        let (_, machine) = try Console.compile(flow, prompts: prompts)
        print(FlowGraph(machine).render(format), terminator: "")
    }
}

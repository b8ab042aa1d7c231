import ArgumentParser
import Foundation
import IVRCore
import IVRTools

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run scenario files (*.test.yaml); the last line is 'N passed, N failed'."
    )

    @Argument(help: "Scenario files, or directories to search for *.test.yaml.") var paths: [String]
    @Option(help: "The prompt catalog directory.") var prompts: String?
    @Flag(help: "Report which states and transitions the scenarios exercised, per flow.") var coverage = false
    @Option(help: "Exit 1 when a flow's coverage is under N percent (implies --coverage).") var minCoverage: Double?

    func validate() throws {
        if let minCoverage, !(0...100).contains(minCoverage) {
            throw ValidationError("--min-coverage must be a percentage from 0 to 100, not \(String(format: "%g", minCoverage))")
        }
    }

    func run() throws {
        let files = try FlowFinder.expand(paths, search: FlowFinder.scenarios(under:))
        if files.isEmpty { Console.error("ivr: no *.test.yaml files in \(paths.joined(separator: ", "))") }
        let runner = ScenarioRunner(options: CompileOptions(promptsDirectory: prompts))
        var passed = 0, failed = 0
        var flows: [String: ScenarioRunner.FlowCoverage] = [:]
        var order: [String] = []
        for file in files {
            let report = runner.report(path: file, display: file)
            for outcome in report.outcomes {
                if outcome.passed {
                    passed += 1
                    print("PASS  \(outcome.file): \(outcome.name)")
                } else {
                    failed += 1
                    print("FAIL  \(outcome.file): \(outcome.name)")
                    for problem in outcome.problems { print("      \(problem)") }
                }
            }
            if let flow = report.coverage {
                if flows[flow.flow] == nil { order.append(flow.flow) }
                flows[flow.flow, default: flow].covered.formUnion(flow.covered)
            }
        }
        var underMinimum = false
        if coverage || minCoverage != nil {
            for key in order {
                guard let flow = flows[key] else { continue }
                let points = flow.points
                let states = points.filter { if case .state = $0 { return true } else { return false } }
                let reachedStates = states.filter(flow.covered.contains).count
                let transitions = points.count - states.count
                let reachedTransitions = points.filter(flow.covered.contains).count - reachedStates
                let shown = DisplayPath.relative(flow.flow, to: FileManager.default.currentDirectoryPath)
                print("coverage \(shown): \(reachedStates)/\(states.count) states, \(reachedTransitions)/\(transitions) transitions, "
                      + String(format: "%.1f%%", flow.percent))
                for point in flow.missed { print("  not reached: \(Coverage.describe(point, in: flow.machine))") }
                if let minimum = minCoverage, flow.percent < minimum {
                    underMinimum = true
                    Console.error("ivr: coverage of \(shown) is " + String(format: "%.1f%%", flow.percent)
                                  + ", under the minimum " + String(format: "%g%%", minimum))
                }
            }
        }
        print("\(passed) passed, \(failed) failed")
        if failed > 0 || files.isEmpty || underMinimum { throw ExitCode(ExitStatus.failure) }
    }
}

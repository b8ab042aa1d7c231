import ArgumentParser
import Foundation
import IVRCore
import IVRTools

struct ExploreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Walk every input sequence of a flow and report what callers can reach.",
        discussion: """
        Reports every outcome and transfer target with the shortest key sequence to it, the deepest \
        menu nesting, states no input reaches, states from which the call cannot end (but by the caller \
        hanging up), and runtime faults. --require "transfer:operator<=3" (or "outcome:resolved<=5") \
        exits 1 when a target takes more presses than allowed. Depth counts inputs: a key, a timeout, \
        or a whole entry typed into an ask.
        """
    )

    @Argument(help: "The flow file.") var flow: String
    @Option(help: "How many inputs deep to explore.") var maxDepth = 8
    @Option(help: "The call's language.") var lang: String?
    @Option(help: "The call's time for schedules, ISO 8601 with an offset.") var at: String?
    @Option(name: .customLong("var"), help: "Call data, name=value (repeatable): the flow's inputs and other variables.")
    var variables: [String] = []
    @Option(help: "The prompt catalog directory.") var prompts: String?
    @Option(help: "An assertion such as transfer:operator<=3 or outcome:resolved<=5 (repeatable).") var require: [String] = []
    @Flag(help: "The report as one JSON object.") var json = false

    struct Requirement {
        var kind: String
        var name: String
        var limit: Int
        var text: String

        init?(_ text: String) {
            let parts = text.split(separator: "<=", maxSplits: 1)
            let target = parts.first?.split(separator: ":", maxSplits: 1) ?? []
            guard parts.count == 2, target.count == 2, ["transfer", "outcome"].contains(String(target[0])),
                  let limit = Int(parts[1].trimmingCharacters(in: .whitespaces)) else { return nil }
            kind = String(target[0])
            name = String(target[1])
            self.limit = limit
            self.text = text
        }
    }

    func run() throws {
        let requirements = try require.map { text -> Requirement in
            guard let requirement = Requirement(text) else {
                throw Console.fail("--require: '\(text)' is not of the form transfer:TARGET<=N or outcome:NAME<=N", code: ExitStatus.usage)
            }
            return requirement
        }
        guard maxDepth >= 1, maxDepth <= 50 else { throw Console.fail("--max-depth: use 1 to 50", code: ExitStatus.usage) }
        let time = try Console.callTime(at)
        let (compiled, machine) = try Console.compile(flow, prompts: prompts)
        if compiled.isSubflow { throw Console.fail("'\(flow)' is a sub-flow: explore the flow that calls it", code: ExitStatus.usage) }
        if let lang, machine.languageIndex(lang) == nil {
            throw Console.fail("--lang: the flow does not declare '\(lang)'", code: ExitStatus.usage)
        }
        var explorer = Explorer(machine: machine)
        explorer.tables = compiled.tables
        explorer.language = lang
        explorer.time = time
        explorer.variables = try Console.callData(variables, machine: machine)
        let report = explorer.explore(maxDepth: maxDepth)
        var broken: [String] = []
        for requirement in requirements {
            let found = requirement.kind == "transfer" ? report.transfers[requirement.name] : report.outcomes[requirement.name]
            if let found, found.presses <= requirement.limit { continue }
            broken.append(found.map { "\(requirement.text): takes \($0.presses) presses (\($0.keys))" }
                          ?? "\(requirement.text): not reached within \(maxDepth) inputs")
        }
        json ? printJSON(report, broken: broken) : printText(report, broken: broken)
        for failure in broken { Console.error("ivr: requirement not met: \(failure)") }
        if !broken.isEmpty { throw ExitCode(ExitStatus.failure) }
    }

    func printText(_ report: Explorer.Report, broken: [String]) {
        print("explored \(report.explored) call states to a depth of \(report.maxDepth) inputs"
              + (report.truncated ? " (stopped at the limit: the figures below are partial)" : ""))
        func table(_ title: String, _ entries: [String: Explorer.Path]) {
            print("\(title):")
            let width = max(12, entries.keys.map(\.count).max() ?? 0)
            for (name, path) in entries.sorted(by: { ($0.value.presses, $0.key) < ($1.value.presses, $1.key) }) {
                let presses = path.presses == 1 ? "1 press " : "\(path.presses) presses"
                print("  \(name.padding(toLength: width, withPad: " ", startingAt: 0))  \(presses): \(path.keys)")
            }
        }
        table("outcomes", report.outcomes)
        table("transfers", report.transfers)
        if let deepest = report.deepestMenu {
            print("deepest menu nesting: \(deepest.depth), \(deepest.state) (\(deepest.path.keys.isEmpty ? "at the start" : deepest.path.keys))")
        }
        print("never reached: " + (report.unreached.isEmpty ? "none" : report.unreached.joined(separator: ", ")))
        print("cannot end: " + (report.cannotEnd.isEmpty ? "none" : report.cannotEnd.joined(separator: ", ")))
        print("faults: " + (report.faults.isEmpty ? "none" : ""))
        for fault in report.faults.prefix(20) { print("  \(fault)") }
    }

    func printJSON(_ report: Explorer.Report, broken: [String]) {
        func paths(_ entries: [String: Explorer.Path], _ key: String) -> JSONValue {
            .array(entries.sorted { $0.key < $1.key }.map {
                .object([(key, .string($0.key)), ("presses", .int($0.value.presses)), ("keys", .string($0.value.keys))])
            })
        }
        var fields: [(String, JSONValue)] = [("explored", .int(report.explored)), ("max_depth", .int(report.maxDepth)),
                                             ("truncated", .bool(report.truncated)),
                                             ("outcomes", paths(report.outcomes, "outcome")),
                                             ("transfers", paths(report.transfers, "target"))]
        if let deepest = report.deepestMenu {
            fields.append(("deepest_menu", .object([("depth", .int(deepest.depth)), ("state", .string(deepest.state)),
                                                    ("keys", .string(deepest.path.keys))])))
        }
        fields += [("unreached", .array(report.unreached.map(JSONValue.string))),
                   ("cannot_end", .array(report.cannotEnd.map(JSONValue.string))),
                   ("faults", .array(report.faults.map(JSONValue.string))),
                   ("requirements_not_met", .array(broken.map(JSONValue.string)))]
        print(JSONValue.object(fields).text)
    }
}

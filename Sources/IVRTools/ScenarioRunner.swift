import Foundation
import IVRCore

/// Runs scenario files against their flows and compares what happened with
/// what each case expects.
public struct ScenarioRunner {
    public struct Outcome {
        public var file: String
        public var name: String
        public var passed: Bool
        /// "expected ... / actual ..." lines for a failed case.
        public var problems: [String]
    }

    /// What a scenario file's cases exercised of its flow.
    public struct FlowCoverage {
        public var flow: String
        public var machine: Machine
        public var covered: Set<CoveragePoint>

        public var points: [CoveragePoint] { Coverage.points(machine) }
        public var missed: [CoveragePoint] { points.filter { !covered.contains($0) } }
        public var percent: Double {
            let all = points
            return all.isEmpty ? 100 : Double(all.filter(covered.contains).count) / Double(all.count) * 100
        }
    }

    public struct Report {
        public var outcomes: [Outcome]
        public var coverage: FlowCoverage?
    }

    public var options: CompileOptions
    /// The clock for cases without `at` (the wall clock on the command line).
    public var now: Date

    public init(options: CompileOptions = CompileOptions(), now: Date = Date()) {
        self.options = options
        self.now = now
    }

    /// Runs every case of a file. A file that cannot be read, or whose flow
    /// does not compile, counts as one failure carrying the diagnostics.
    /// Runs every case of a file and gathers the coverage of its flow.
    public func report(path: String, display: String) -> Report {
        let bag = DiagnosticBag()
        guard let scenario = ScenarioFile.load(path: path, display: display, files: options.files, bag: bag), !bag.hasErrors else {
            return Report(outcomes: [Outcome(file: display, name: "(scenario file)", passed: false,
                                             problems: bag.diagnostics.normalized().map(\.description))], coverage: nil)
        }
        let directory = (path as NSString).deletingLastPathComponent
        let flowPath = (directory as NSString).appendingPathComponent(scenario.flow.value)
        if !options.files.fileExists(atPath: flowPath) {
            // The scenario file's mistake, at its line, with the flows beside it.
            let beside = ((try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory)) ?? [])
                .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasSuffix(".test.yaml") && !$0.hasSuffix(".kb.yaml") && !$0.hasSuffix(".data.yaml") }
                .sorted()
            let problem = Diagnostic(.scenarioFlowMissing(scenario.flow.value, suggestion: Suggestion.closest(to: scenario.flow.value, in: beside)),
                                     at: scenario.flow.mark).description
            return Report(outcomes: [Outcome(file: display, name: "(scenario file)", passed: false, problems: [problem])], coverage: nil)
        }
        let compiled = FlowCompiler.compile(path: flowPath, options: options)
        guard let machine = compiled.machine else {
            let problems = compiled.errors.isEmpty ? [Diagnostic(.scenarioFlowDoesNotCompile, at: scenario.flow.mark).description] : compiled.errors.map(\.description)
            return Report(outcomes: [Outcome(file: display, name: "(flow \(scenario.flow.value))", passed: false, problems: problems)],
                          coverage: nil)
        }
        if compiled.isSubflow {
            return Report(outcomes: [Outcome(file: display, name: "(flow \(scenario.flow.value))", passed: false,
                                             problems: [Diagnostic(.scenarioOnSubflow(scenario.flow.value), at: scenario.flow.mark).description])],
                          coverage: nil)
        }
        if let lang = scenario.settings.lang, let problem = Self.languageProblem(lang, machine) {
            // The file's language, wrong for every case that inherits it: once.
            return Report(outcomes: [Outcome(file: display, name: "(scenario file)", passed: false, problems: [problem])], coverage: nil)
        }
        var covered = Set<CoveragePoint>()
        let outcomes = scenario.cases.map { item in
            run(item, machine: machine, tables: compiled.tables, file: display, covered: { covered.insert($0) })
        }
        let flow = ((flowPath as NSString).standardizingPath)
        return Report(outcomes: outcomes, coverage: FlowCoverage(flow: flow, machine: machine, covered: covered))
    }

    func run(_ scenarioCase: ScenarioFile.Case, machine: Machine, tables: DataTables, file: String,
             covered: @escaping (CoveragePoint) -> Void) -> Outcome {
        var problems: [String] = []
        var runner = callRunner(for: scenarioCase, machine: machine, tables: tables)
        runner.covered = covered
        if let lang = scenarioCase.settings.lang, let problem = Self.languageProblem(lang, machine) { problems.append(problem) }
        let script: [InputToken]
        do {
            script = try KeyScript.parse(scenarioCase.input)
        } catch {
            problems.append("\(scenarioCase.inputMark): \(error)")
            script = []
        }
        for name in machine.missingInputs(scenarioCase.settings.data) {
            problems.append("\(scenarioCase.mark): the case gives no '\(name)', an input of the flow: add it under 'data:' (of the case or the file)")
        }
        guard problems.isEmpty else { return Outcome(file: file, name: scenarioCase.name, passed: false, problems: problems) }
        let (trace, interpreter) = runner.run(script: script)
        problems = compare(scenarioCase.expect, trace: trace, interpreter: interpreter)
        return Outcome(file: file, name: scenarioCase.name, passed: problems.isEmpty, problems: problems)
    }

    /// The call as `ivr test` places it for a case: its time, language,
    /// numbers and failing transfers (other hosts run the same call to
    /// compare, as the gateway tests do).
    public func callRunner(for scenarioCase: ScenarioFile.Case, machine: Machine, tables: DataTables) -> CallRunner {
        var runner = CallRunner(machine: machine, tables: tables)
        runner.caller = scenarioCase.settings.caller ?? ""
        runner.called = scenarioCase.settings.called ?? ""
        runner.failTransfers = scenarioCase.failTransfers
        // A time that does not parse never gets here: loading reports it.
        runner.time = scenarioCase.settings.at.flatMap { CallTime.parse($0.value) } ?? now
        runner.language = scenarioCase.settings.lang?.value
        runner.variables = scenarioCase.settings.data
        return runner
    }

    /// How a case ends under `ivr test`, for comparing another host (a
    /// gateway) with it: each prompt played as `describe` writes it, the
    /// outcome, and the last transfer target.
    public struct Ending: Equatable, Sendable, CustomStringConvertible {
        public var played: [String]
        public var outcome: String?
        public var transfer: String?

        public init(played: [String] = [], outcome: String? = nil, transfer: String? = nil) {
            self.played = played
            self.outcome = outcome
            self.transfer = transfer
        }

        public var description: String { "outcome \(outcome ?? "-"), transfer \(transfer ?? "-"), played \(played)" }
    }

    public func ending(of scenarioCase: ScenarioFile.Case, machine: Machine, tables: DataTables, script: [InputToken],
                       describe: (Action.Play) -> String) -> Ending {
        let runner = callRunner(for: scenarioCase, machine: machine, tables: tables)
        var remaining = script[...]
        var ending = Ending()
        let interpreter = runner.run(next: { _ in remaining.popFirst() }, observe: { output in
            for case .play(let play) in output.actions { ending.played.append(describe(play)) }
            if case .transferring(let target) = output.directive { ending.transfer = target }
        })
        ending.outcome = interpreter.call.outcome
        return ending
    }

    static func languageProblem(_ lang: Located<String>, _ machine: Machine) -> String? {
        guard machine.languageIndex(lang.value) == nil else { return nil }
        return Diagnostic(.scenarioLanguage(lang.value, declared: machine.languages), at: lang.mark).description
    }

    func compare(_ expect: ScenarioFile.Expectation, trace: [TraceEvent], interpreter: Interpreter) -> [String] {
        var problems: [String] = []
        var played: [String] = []
        var texts: [String] = []
        var transfer: String?
        var outcome: String?
        for line in trace {
            switch line.kind {
            case let .play(prompt, _, text, _):
                played.append(prompt)
                texts.append(text)
            case .transfer(let target): transfer = target
            case .end(let result, _): outcome = result
            default: break
            }
        }
        if let prompts = expect.prompts, prompts != played {
            problems.append("prompts: expected [\(prompts.joined(separator: ", "))]")
            problems.append("           actual [\(played.joined(separator: ", "))]")
        }
        if let expected = expect.outcome, expected != outcome {
            problems.append("outcome: expected \(expected), actual \(outcome ?? "(none)")")
        }
        if let expected = expect.transfer, expected != transfer {
            problems.append("transfer: expected \(expected), actual \(transfer ?? "(no transfer)")")
        }
        for (name, expected) in expect.vars {
            let actual = interpreter.call.sensitive.contains(Machine.Variable(name).name) ? "***" : interpreter.variable(name)
            if actual != expected {
                problems.append("vars.\(name): expected '\(expected)', actual \(actual.map { "'\($0)'" } ?? "(unset)")")
            }
        }
        for phrase in expect.says where !texts.contains(where: { $0.contains(phrase) }) {
            problems.append("says: no prompt played contains '\(phrase)'")
        }
        return problems
    }
}

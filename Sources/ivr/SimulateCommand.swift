import ArgumentParser
import Foundation
import IVRCore
import IVRStore
import IVRTools

struct SimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run many calls of a caller model through a flow on the virtual clock and keep their records.",
        discussion: """
        Predicts a flow's containment and drop-off before it goes live: 'ivr report --db FILE' reads the records. \
        The same seed gives the same records. Records are written in transactions of up to \(SimulateCommand.batch) saves: \
        a killed simulation keeps every call up to its last transaction, and the calls it caught midway read 'interrupted'.
        """
    )

    static let batch = 2_000

    @Argument(help: "The flow file.") var flow: String
    @Option(help: "How many calls.") var calls: Int
    @Option(help: "The caller model (YAML; 'ivr schema callers'). Without one, callers press any accepted key.") var callers: String?
    @Option(help: "The seed: the same seed gives the same calls.") var seed: UInt64 = 1
    @Option(help: "When the first call may arrive, ISO 8601 with an offset (default: now).") var at: String?
    @Option(help: "Calls arrive over this span after --at, such as 9h (default 9h).") var over: String = "9h"
    @Option(help: "The store (SQLite file) to keep the records in.") var db: String?
    @Option(help: "The prompt catalog directory.") var prompts: String?
    @Option(name: .customLong("var"), help: "Call data, name=value (repeatable): the flow's inputs, the same for every call.")
    var variables: [String] = []

    func validate() throws {
        guard (1...10_000_000).contains(calls) else { throw ValidationError("--calls must be from 1 to 10000000, not \(calls)") }
    }

    func run() throws {
        guard let span = Duration.seconds(over) else {
            throw Console.fail("--over: bad duration '\(over)': write a number with s, m, h or d, such as 9h", code: ExitStatus.usage)
        }
        let start = try Console.callTime(at)
        let (compiled, machine) = try Console.compile(flow, prompts: prompts)
        if compiled.isSubflow {
            throw Console.fail("'\(flow)' is a sub-flow (it has a 'return' state): simulate the flow that calls it", code: ExitStatus.usage)
        }
        var model = CallerModel()
        if let callers {
            let bag = DiagnosticBag()
            let loaded = CallerModel.load(path: callers, display: callers, bag: bag)
            if let loaded { loaded.check(against: machine, bag: bag) }
            let diagnostics = bag.diagnostics.normalized()
            for diagnostic in diagnostics { Console.error(DiagnosticExcerpt.render(diagnostic, source: try? String(contentsOfFile: diagnostic.mark.file, encoding: .utf8))) }
            guard let loaded, !diagnostics.hasErrors else {
                throw Console.fail("'\(callers)' is not a usable caller model", code: ExitStatus.failure)
            }
            model = loaded
        }
        var simulator = CallSimulator(machine: machine, tables: compiled.tables, model: model)
        simulator.seed = seed
        simulator.start = start
        simulator.over = span
        simulator.variables = try Console.callData(variables, machine: machine)
        let store = try KnowledgeCommand.store(db)
        var pending: [String: CallRecord] = [:]
        var order: [String] = []
        var saves = 0
        var written = 0
        var writing: Blocking.Pending?
        // One batch is written while the next calls run (two cores); a
        // batch starts only when the one before is in the store.
        func flush() throws {
            guard let store, !order.isEmpty else { return }
            let batch = order.compactMap { pending[$0] }
            try finishWriting()
            writing = Blocking.Pending { try await store.save(batch) }
            written += batch.count
            pending = [:]
            order = []
            saves = 0
        }
        func finishWriting() throws {
            do { try writing?.finish() } catch { throw Console.fail("--db: \(error)", code: ExitStatus.failure) }
        }
        var failure: (any Error)?
        let clock = ContinuousClock.now
        let outcomes = simulator.run(calls: calls) { record in
            guard store != nil, failure == nil else { return }
            if pending.updateValue(record, forKey: record.id) == nil { order.append(record.id) }
            saves += 1
            if saves >= Self.batch {
                do { try flush() } catch { failure = error }
            }
        }
        if let failure { throw failure }
        try flush()
        try finishWriting()
        let elapsed = ContinuousClock.now - clock
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let listed = outcomes.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { "\($0.key) \($0.value) (\(ReportPrinter.percent(Double($0.value) / Double(calls))))" }.joined(separator: ", ")
        print("simulated \(calls) \(calls == 1 ? "call" : "calls") (seed \(seed)) in " + String(format: "%.1f s", seconds) + ": \(listed)")
        if let db { print("records of \(calls) calls written to \(db) in \(written) saves; see 'ivr report --db \(db)'") }
    }
}

import Foundation
import IVRCore

/// Drives one call on the command line's terms: keys come from `next`
/// (a script or a terminal), lookups are answered from the flow's data
/// tables, transfers never fail. Its one switch carries actions out and
/// decides nothing; the interpreter decides.
public struct CallRunner {
    public var machine: Machine
    public var tables: DataTables
    public var caller = ""
    public var called = ""
    public var language: String?
    public var time = Date()
    /// Scenario files can make transfers fail (`fail_transfers: true`) to
    /// test `on_fail`; `ivr run` never does.
    public var failTransfers = false
    /// Article hits when the call starts (from `--db`).
    public var popularity = Popularity()
    /// Receives `countHit` and `countResolution` as they happen (the command
    /// line writes them to the database at once).
    public var record: ((Action) -> Void)?
    /// Receives the states and transitions the call passes (coverage is
    /// recorded only when this is set).
    public var covered: ((CoveragePoint) -> Void)?
    /// Coverage points in every observed output even without `covered`
    /// (the transcript names the branch case taken from them).
    public var coverage = false

    public init(machine: Machine, tables: DataTables) {
        self.machine = machine
        self.tables = tables
    }

    /// Runs the call to its end. `next` gives the caller's answer to a wait
    /// (nil: the input ended, a hangup); `observe` sees every output once
    /// its actions are carried out, so a wait it shows has everything before
    /// it done. Returns the interpreter at the end.
    @discardableResult
    public func run(next: (Action.Wait) -> InputToken?, observe: (Output) -> Void) -> Interpreter {
        var interpreter = Interpreter(machine: machine)
        interpreter.popularity = popularity
        interpreter.coverage = coverage || covered != nil
        var output = interpreter.start(caller: caller, called: called, language: language, time: time)
        while true {
            for action in output.actions {
                switch action {
                case .play:
                    break  // the transcript shows prompts; there is no loudspeaker
                case .countHit, .countResolution:
                    record?(action)
                }
            }
            observe(output)
            if let covered { output.covered.forEach(covered) }
            switch output.directive {
            case .waiting(let wait):
                switch next(wait) {
                case .key(let key)?: output = interpreter.key(key)
                case .timeout?: output = interpreter.timeout()
                case .hangup?, nil: output = interpreter.hangup()
                }
            case .lookup(let table, let key):
                output = interpreter.lookupResult(tables.find(table: table, key: key))
            case .transferring:
                guard failTransfers else { return interpreter }
                output = interpreter.transferFailed("scenario: fail_transfers")
            case .ended, .ignored:
                return interpreter
            }
        }
    }

    /// Runs a scripted call and returns its trace.
    public func run(script: [InputToken]) -> (trace: [TraceEvent], interpreter: Interpreter) {
        var remaining = script[...]
        var lines: [TraceEvent] = []
        let interpreter = run(next: { _ in remaining.popFirst() }, observe: { lines += $0.trace })
        return (lines, interpreter)
    }
}

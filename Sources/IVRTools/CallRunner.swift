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
    /// Call data set before the first state: the flow's `inputs` and any
    /// other variables (`--var`, a scenario's `data:`, a campaign target).
    public var variables: [String: String] = [:]
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
    /// Trace lines in each output (off for simulations: nothing reads them).
    public var tracing = true
    /// Receives the call's record (SPEC 10) at its first wait, every wait
    /// after and its end; records are kept only when this is set. Times
    /// come from a `VirtualClock` started at `time`.
    public var saveRecord: ((CallRecord) -> Void)?
    /// The record's id (a new UUID when not given).
    public var callID: String?
    /// The record's direction: `outbound` for a campaign's calls.
    public var direction = CallRecord.Direction.inbound
    /// Seconds of a recording, for the virtual clock (nil: read the text).
    public var audioSeconds: @Sendable (MediaReference) -> Double? = { _ in nil }

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
        run(decide: { wait, _ in next(wait) }, observe: observe)
    }

    /// As `run(next:observe:)`, with the caller deciding from where the call
    /// stands (`ivr simulate`'s caller models).
    @discardableResult
    public func run(decide next: (Action.Wait, Interpreter) -> InputToken?, observe: (Output) -> Void) -> Interpreter {
        var interpreter = Interpreter(machine: machine)
        interpreter.popularity = popularity
        interpreter.coverage = coverage || covered != nil || saveRecord != nil
        interpreter.tracing = tracing
        var clock = VirtualClock(start: time)
        clock.audioSeconds = audioSeconds
        var recorder = saveRecord.map { _ in
            CallRecorder(id: callID ?? UUID().uuidString, flow: machine.flows.first?.name ?? "", machine: machine, direction: direction,
                         caller: caller, called: called,
                         started: time, language: language ?? machine.languages.first ?? "")
        }
        var event = Event.start(caller: caller, called: called, language: language, time: time)
        var output = interpreter.start(caller: caller, called: called, language: language, time: time, variables: variables)
        while true {
            for action in output.actions {
                switch action {
                case .play:
                    break  // the transcript shows prompts; there is no loudspeaker
                case .countHit, .countResolution:
                    record?(action)
                }
            }
            // Counts and the record first, then the trace: once a wait
            // shows, everything before it is in the store.
            let heard = clock.now
            clock.play(output)
            if let saveRecord, recorder != nil {
                // Mutated in place (no copy of the record per output).
                if recorder?.observe(event, output, at: heard, language: interpreter.variable("language") ?? "") == true {
                    recorder?.finished(at: clock.now)
                    if let record = recorder?.record { saveRecord(record) }
                }
            }
            observe(output)
            if let covered { output.covered.forEach(covered) }
            switch output.directive {
            case .waiting(let wait):
                switch next(wait, interpreter) {
                case .key(let key)?:
                    clock.key()
                    event = .key(key)
                case .timeout?:
                    clock.timeout(wait)
                    event = .timeout
                case .hangup?, nil:
                    event = .hangup
                }
            case .lookup(let table, let key):
                event = .lookupResult(tables.find(table: table, key: key))
            case .transferring:
                guard failTransfers else { return interpreter }
                event = .transferFailed("scenario: fail_transfers")
            case .ended, .ignored:
                return interpreter
            }
            output = interpreter.handle(event)
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

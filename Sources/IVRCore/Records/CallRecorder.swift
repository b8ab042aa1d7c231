import Foundation


/// Builds a call's record (SPEC 10) from what the host already has: each
/// event it gave the interpreter, the output it got back and the time on
/// its clock. Pure: no I/O and no clock of its own; the host saves
/// `record` when `shouldSave` says the call reached a wait or its end.
///
/// It reads the output's coverage points (states entered, no-inputs,
/// no-matches, failures, lookups found or not), its actions (articles
/// played and resolved) and its directive (the end, the transfer), never
/// the trace, so it works with tracing off: a host that records turns
/// `Interpreter.coverage` on. Key values are never read, only counted.
public struct CallRecorder: Sendable {
    public private(set) var record: CallRecord

    /// A call a dialer placed, found out after the recorder began (a
    /// gateway learns it from the channel).
    public mutating func markOutbound() { record.direction = .outbound }
    let machine: Machine

    public init(id: String, flow: String, machine: Machine, direction: CallRecord.Direction = .inbound,
                caller: String, called: String, started: Date, language: String) {
        self.machine = machine
        record = CallRecord(id: id, flow: flow, machineVersion: machine.version, direction: direction,
                            caller: caller, called: called, started: started, language: language)
        record.timeZone = machine.schedules.first?.timeZone.identifier ?? "UTC"
    }

    /// Goes on with a record saved before (a webhook gateway rebuilds its
    /// recorder at each request).
    public init(resuming record: CallRecord, machine: Machine) {
        self.machine = machine
        self.record = record
    }

    /// The caller left while the call waited (a webhook's status callback):
    /// the call ends abandoned where it stands, unless it had ended.
    public mutating func callerLeft(at time: Date) {
        guard record.outcome == nil else { return }
        end(FlowVocabulary.Outcome.abandoned.rawValue, at: time)
    }

    /// Takes one event, its output and the time the event happened;
    /// `language` is the call's language after it. Returns true when the
    /// record should be saved now: the call waits for the caller or ended.
    @discardableResult
    public mutating func observe(_ event: Event, _ output: Output, at time: Date, language: String) -> Bool {
        if case .key = event, !record.path.isEmpty {
            record.path[record.path.count - 1].keys += 1
        }
        if case .transferFailed = event {
            // The call goes on (on_fail): it has not ended after all.
            record.outcome = nil
            record.ended = nil
            record.transferTarget = nil
            updateLast { $0.exit = nil }
        }
        for point in output.covered {
            switch point {
            case .state(let index):
                let name = machine.states[index].name
                if !record.path.isEmpty, record.path[record.path.count - 1].exit == nil {
                    record.path[record.path.count - 1].exit = name
                }
                record.path.append(CallRecord.Step(state: name, entered: time))
                record.steps += 1
            case .noInput: updateLast { $0.noInputs += 1 }
            case .noMatch: updateLast { $0.noMatches += 1 }
            case .onFailure: updateLast { $0.failures += 1 }
            case .found(let index), .notFound(let index):
                guard case .lookup(let lookup) = machine.states[index].kind else { break }
                let found: Bool
                if case .found = point { found = true } else { found = false }
                updateLast { $0.lookups.append(CallRecord.Lookup(table: lookup.table, found: found)) }
            default:
                break
            }
        }
        for action in output.actions {
            switch action {
            case .countHit(_, let article): updateLast { $0.answers.append(article) }
            case .countResolution(_, let article): updateLast { $0.resolutions.append(article) }
            case .play: break
            }
        }
        record.language = language
        switch output.directive {
        case .waiting:
            return true
        case .ended(let outcome):
            end(outcome, at: time)
            return true
        case .transferring(let target):
            record.transferTarget = target
            end(FlowVocabulary.Outcome.transferred.rawValue, at: time)
            return true
        case .lookup, .ignored:
            return false
        }
    }

    /// The time the call's last prompts finished (the virtual clock's end
    /// of the call): a record ends when the caller stops hearing the IVR.
    /// The host could not look the key up (the call went on as not
    /// found): marks the last lookup observed as an error.
    /// (The call may have moved on to other states since: the lookup is
    /// the last one in the path.)
    public mutating func lookupFailed() {
        guard let index = record.path.lastIndex(where: { !$0.lookups.isEmpty }) else { return }
        record.path[index].lookups[record.path[index].lookups.count - 1].failed = true
    }

    public mutating func finished(at time: Date) {
        if record.outcome != nil { record.ended = time }
    }

    private mutating func end(_ outcome: String, at time: Date) {
        record.outcome = outcome
        record.ended = time
        updateLast { step in if step.exit == nil { step.exit = "end" } }
    }

    private mutating func updateLast(_ change: (inout CallRecord.Step) -> Void) {
        guard !record.path.isEmpty else { return }
        change(&record.path[record.path.count - 1])
    }
}

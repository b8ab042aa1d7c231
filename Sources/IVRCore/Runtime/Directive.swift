/// What the host must do once it has carried out an output's actions
/// (SPEC 9): every output ends in exactly one directive.
public enum Directive: Sendable, Equatable {
    /// Wait for keys: send each key as `key`, a silence as `timeout`.
    case waiting(Action.Wait)
    /// Look the key up and answer with `lookupResult`.
    case lookup(table: String, key: String)
    /// Transfer the caller; report `transferFailed` if the transfer fails.
    case transferring(target: String)
    /// The interpreter's part is over: hang up if the line is still up.
    case ended(outcome: String)
    /// The event did not fit the call's phase and changed nothing.
    case ignored(IgnoredEvent)
}

/// Why an event changed nothing.
public enum IgnoredEvent: String, Sendable, Equatable, CustomStringConvertible {
    case notStarted = "not-started"
    case alreadyStarted = "already-started"
    /// `start` without an input the flow declares (`Machine.missingInputs`).
    case missingInputs = "missing-inputs"
    case ended
    case transferPending = "transfer-pending"
    case noLookupPending = "no-lookup-pending"
    case noTransferPending = "no-transfer-pending"
    case notWaiting = "not-waiting"

    public var description: String {
        switch self {
        case .notStarted: return "the call has not started"
        case .alreadyStarted: return "the call has already started"
        case .missingInputs: return "the call was started without all the inputs the flow declares"
        case .ended: return "the call has ended"
        case .transferPending: return "a transfer is pending: only transferFailed or hangup apply"
        case .noLookupPending: return "no lookup is pending"
        case .noTransferPending: return "no transfer is pending"
        case .notWaiting: return "the call is not waiting for keys (a lookup is pending)"
        }
    }
}

import Foundation

/// What a host tells the interpreter.
public enum Event: Sendable, Equatable, Codable {
    /// The call begins; `time` is the call's time for schedules (the
    /// interpreter reads no clock).
    case start(caller: String, called: String, language: String?, time: Date)
    case key(DTMFKey)
    /// The wait the interpreter asked for expired (a no-input, or the end of
    /// an entry after its first key).
    case timeout
    /// The caller hung up.
    case hangup
    /// The answer to a `lookup` action: the record, or nil when none matched.
    case lookupResult([String: String]?)
    /// A gateway could not complete a `transfer` action.
    case transferFailed(String)
}

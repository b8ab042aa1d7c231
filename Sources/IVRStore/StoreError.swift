/// What went wrong with a store, said for the person who runs `ivr` or a
/// gateway: never an internal table's name, never a crash on a bad value.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The store cannot be opened at all (no such directory, not a database).
    case cannotOpen(path: String, reason: String)
    /// The file is read-only for this process.
    case readOnly(path: String)
    /// The file is damaged (SQLite reports a malformed database).
    case damaged(path: String, reason: String)
    /// A value in the store is not what it must be (a count that is not a
    /// count, a record that does not decode).
    case badValue(String)
    /// Another process holds the store longer than the busy timeout.
    case busy(path: String)
    case other(String)

    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): return "cannot open the store '\(path)': \(reason)"
        case .readOnly(let path): return "the store '\(path)' is read-only: counts and records cannot be written to it"
        case let .damaged(path, reason): return "the store '\(path)' is damaged (\(reason)): restore it from a backup or start a new file"
        case .badValue(let what): return "the store holds a bad value: \(what)"
        case .busy(let path): return "the store '\(path)' is busy: another process kept it locked past the timeout"
        case .other(let reason): return reason
        }
    }
}

import Foundation
import IVRAGI
import IVRCore
import IVRGateway
import IVRStore
import Logging

/// What every connection of a gateway shares: the flows (swapped whole by
/// a reload), the options, the store, the lookups, the log.
final class Gateway: @unchecked Sendable {
    static let environmentSeconds = 5

    /// The flows new calls start on; swapped whole by a reload.
    var library: FlowLibrary {
        lock.lock()
        defer { lock.unlock() }
        return currentLibrary
    }
    private var currentLibrary: FlowLibrary
    let paths: [String]
    let options: AGISession.Options
    /// `--db`: records and popularity, written off the event loop.
    let store: SQLiteStore?
    private var said = Set<String>()
    private let lock = NSLock()
    /// Connections (calls) open now.
    let activeCalls = Tally()
    /// Store writes not yet done (waited for before the process exits).
    let pendingWrites = Tally()

    /// A count several threads move.
    final class Tally: @unchecked Sendable {
        // Guarded by `lock`.
        private var count = 0
        private let lock = NSLock()

        var value: Int {
            lock.lock()
            defer { lock.unlock() }
            return count
        }

        func add(_ delta: Int) {
            lock.lock()
            count += delta
            lock.unlock()
        }
    }

    /// Peers allowed besides loopback (`--allow`).
    let allowed: AddressFilter
    /// `--at`: every call's time for schedules, instead of the clock.
    let callTime: Date?
    /// `--lookup-url`: lookups go there instead of the flows' data files.
    let lookups: LookupClient?
    let logger: Logger
    /// `SIGTERM` came: no new calls, `/health` says so.
    var draining: Bool {
        get {
            lock.lock()
            defer { lock.unlock() }
            return isDraining
        }
        set {
            lock.lock()
            isDraining = newValue
            lock.unlock()
        }
    }
    private var isDraining = false
    /// The served files as last seen (sizes and times), to reload on a change.
    private var watch = FileWatch()

    init(library: FlowLibrary, paths: [String], options: AGISession.Options, store: SQLiteStore?, allowed: AddressFilter,
         callTime: Date? = nil, lookups: LookupClient? = nil, logger: Logger) {
        self.allowed = allowed
        self.callTime = callTime
        self.lookups = lookups
        self.logger = logger
        watch = FileWatch.snapshot(paths: paths, files: library.watchedFiles)
        currentLibrary = library
        self.paths = paths
        self.options = options
        self.store = store
    }

    /// Compiles every flow again (on `SIGHUP`): flows that compile serve
    /// their new version to new calls; calls in progress keep the machine
    /// they started with; a flow that does not compile is refused, its
    /// diagnostics logged, and its running version keeps serving.
    func reload(because reason: String) {
        var next = library
        let refusals = next.load(paths)
        for refusal in refusals {
            for diagnostic in refusal.diagnostics { logger.error("\(diagnostic.description)") }
            logger.error("reload: \(refusal.path) refused: \(refusal.reason); its running version keeps serving")
        }
        lock.lock()
        currentLibrary = next
        watch = FileWatch.snapshot(paths: paths, files: next.watchedFiles)
        lock.unlock()
        keepVersions(next)
        GatewayMetrics.reloaded(refusals.isEmpty ? "served" : "refused")
        notice("reloaded (\(reason)): " + next.current.values.sorted { $0.name < $1.name }.map { "\($0.name) \($0.version.prefix(12))" }.joined(separator: ", "))
    }

    /// The version a saved call names: served here, or rebuilt from its
    /// files in the store (a call another instance started, or this one
    /// before a restart), then kept for the call's next requests.
    func flow(version: String) async -> FlowLibrary.Flow? {
        if let flow = library.flow(version: version) { return flow }
        guard let store, let stored = try? await store.version(version) else { return nil }
        // Compiled on a copy, outside the lock new calls take; then kept.
        var copy = library
        let flow = copy.rebuild(stored)
        if let flow { lock.withLock { currentLibrary.keep(flow) } }
        if flow == nil { logger.warning("version \(version.prefix(12)) of '\(stored.flow)' from the store does not build here") }
        return flow
    }

    /// Called every second off the event loops: a served file (or a flow
    /// file under the paths) that changed, appeared or went away means a
    /// reload, as `SIGHUP` does.
    func reloadIfChanged() {
        lock.lock()
        let previous = watch
        let files = currentLibrary.watchedFiles
        lock.unlock()
        let now = FileWatch.snapshot(paths: paths, files: files)
        guard let changed = previous.changed(from: now) else { return }
        reload(because: "\(changed) changed")
    }

    /// Every version served goes to the store with its files (SPEC 11), so
    /// another instance, or this one after a restart, can rebuild it.
    func keepVersions(_ library: FlowLibrary) {
        guard let store else { return }
        let served = library.current.values.map(FlowLibrary.stored)
        let now = Date()
        pendingWrites.add(1)
        Task {
            defer { self.pendingWrites.add(-1) }
            for version in served {
                do { try await store.served(version, at: now) } catch { self.logger.error("--db: version \(version.version.prefix(12)): \(error)") }
            }
        }
    }

    /// Saves a call's records in the order given: each save waits for the
    /// one before (a later state of the call never lands first).
    final class RecordWriter: @unchecked Sendable {
        // Touched only on one event loop.
        private var last: Task<Void, Never>?
        private let store: SQLiteStore
        private let gateway: Gateway

        init(store: SQLiteStore, gateway: Gateway) {
            self.store = store
            self.gateway = gateway
        }

        func save(_ record: CallRecord, counts: [Action]) {
            let previous = last
            let store = store, gateway = gateway
            gateway.pendingWrites.add(1)
            last = Task {
                await previous?.value
                defer { gateway.pendingWrites.add(-1) }
                do {
                    for action in counts { try await store.record(action) }
                    try await store.save(record)
                } catch {
                    gateway.logger.error("call \(record.id): --db: \(error)")
                }
            }
        }
    }

    /// What a lookup by URL came to, for the call: the record, or nil; a
    /// failure is logged (never the key: it may be an account or card
    /// number) and counted, and the call goes on as not found.
    func outcome(of answer: HTTPLookup.Answer, table: String, flow: String, callID: String) -> (record: [String: String]?, failed: Bool) {
        switch answer {
        case .found(let record):
            return (record, false)
        case .notFound:
            return (nil, false)
        case .failed(let reason):
            logger.warning("call \(callID): lookup in '\(table)' failed: \(reason); the call goes on as not found")
            GatewayMetrics.lookupFailed(flow: flow)
            return (nil, true)
        }
    }

    /// A call's line (start, end, what went wrong on it).
    func log(_ line: String) {
        logger.info("\(line)")
    }

    /// The gateway's own life: listening, reloads, draining, stopping.
    func notice(_ line: String) {
        logger.notice("\(line)")
    }

    /// A line logged once per process (a prompt without audio, say).
    func logOnce(_ line: String) {
        lock.lock()
        let first = said.insert(line).inserted
        lock.unlock()
        if first { logger.notice("\(line)") }
    }
}

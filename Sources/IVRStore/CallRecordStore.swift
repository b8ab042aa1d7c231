import Foundation
import IVRCore

/// One record per call (SPEC 10), written from the call's first state on
/// and brought up to date at every wait; a call never ended reads as
/// `interrupted`. Nothing in a record reveals a sensitive value.
public protocol CallRecordStore: Sendable {
    /// Inserts or replaces the record with this id.
    func save(_ record: CallRecord) async throws(StoreError)
    /// Saves several records at once: all of them, or none.
    func save(_ records: [CallRecord]) async throws(StoreError)
    func record(id: String) async throws(StoreError) -> CallRecord?
    /// Records of a flow (all flows when nil) that started in [since, until).
    func records(flow: String?, since: Date?, until: Date?) async throws(StoreError) -> [CallRecord]
}

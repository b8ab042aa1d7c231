import Foundation

/// Every machine version a gateway served (SPEC 11), with the files it was
/// built from, so another instance, or the same one after a restart, can
/// rebuild it and continue a call saved on it.
public protocol VersionStore: Sendable {
    /// Notes that `version` served at `time`: kept with its files the first
    /// time, its last-served time moved on later.
    func served(_ version: StoredVersion, at time: Date) async throws(StoreError)
    func version(_ hash: String) async throws(StoreError) -> StoredVersion?
    /// Every version, first served first.
    func versions() async throws(StoreError) -> [StoredVersion]
}

public struct StoredVersion: Sendable, Equatable {
    public var version: String
    public var flow: String
    /// Each source file's path (relative to the flow's directory) and text.
    public var files: [String: String]
    public var firstServed: Date?
    public var lastServed: Date?

    public init(version: String, flow: String, files: [String: String], firstServed: Date? = nil, lastServed: Date? = nil) {
        self.version = version
        self.flow = flow
        self.files = files
        self.firstServed = firstServed
        self.lastServed = lastServed
    }
}

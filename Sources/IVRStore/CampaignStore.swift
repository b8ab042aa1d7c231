import Foundation
import IVRCampaign

/// A campaign's state (SPEC 14): every target's progress and every attempt,
/// written so that a campaign killed at any moment and run again calls no
/// one twice for one attempt and loses no one.
public protocol CampaignStore: Sendable {
    /// The stored states of `campaign`'s targets, creating them (all
    /// pending) the first time. Refused when the targets are not those the
    /// campaign started with (a row's number changed, rows added or removed).
    func begin(campaign: String, targets: [(line: Int, number: String)]) async throws(StoreError) -> [CampaignScheduler.TargetState]
    /// Claims an attempt before it is placed: the target's state and the
    /// attempt's row in one transaction. Refused if that attempt was claimed before.
    func claim(campaign: String, target: Int, state: CampaignScheduler.TargetState, callID: String, at time: Date) async throws(StoreError)
    /// An attempt's result, with the target's new state, in one transaction.
    func finish(campaign: String, target: Int, attempt: Int, result: CallResult, state: CampaignScheduler.TargetState,
                at time: Date) async throws(StoreError)
    /// A target's state changed outside an attempt (put on the do-not-call list).
    func setState(campaign: String, target: Int, state: CampaignScheduler.TargetState) async throws(StoreError)
    func campaignStatus(_ campaign: String) async throws(StoreError) -> CampaignStatus?
}

/// `ivr campaign status`: where a campaign stands.
public struct CampaignStatus: Sendable, Equatable {
    public var targets = 0
    public var pending = 0
    public var inProgress = 0
    /// Calls placed (attempts claimed).
    public var attempts = 0
    public var done: [String: Int] = [:]
    /// Attempts by result (`busy`, `no_answer`...), those finished.
    public var results: [String: Int] = [:]
    /// The earliest time a pending target may be tried again (nil: at once, or none pending).
    public var nextAttempt: Date?

    public init() {}
}

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
    /// Reach, machine share, outcomes and attempts per target; nil for a campaign never run.
    func campaignReport(_ campaign: String) async throws(StoreError) -> CampaignReport?
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

/// `ivr report --campaign NAME` (SPEC 14): how far a campaign reached.
public struct CampaignReport: Sendable, Equatable {
    public var campaign: String
    public var targets = 0
    /// Targets with at least one attempt.
    public var attempted = 0
    /// Targets a person answered, and those a machine answered.
    public var answered = 0
    public var machine = 0
    /// Calls placed, and those answered by a person and by a machine.
    public var attempts = 0
    public var answeredCalls = 0
    public var machineCalls = 0
    /// The flow's outcomes of the calls a person answered (`paid`, `promised`, `transferred`...).
    public var outcomes: [String: Int] = [:]
    /// Targets by the number of attempts they took.
    public var attemptsPerTarget: [Int: Int] = [:]

    public init(campaign: String) { self.campaign = campaign }

    /// Answered by a person, of the targets attempted.
    public var reach: Double { attempted == 0 ? 0 : Double(answered) / Double(attempted) }
    /// Answered by a machine, of the calls answered at all.
    public var machineShare: Double { answeredCalls + machineCalls == 0 ? 0 : Double(machineCalls) / Double(answeredCalls + machineCalls) }
    public var meanAttempts: Double { attempted == 0 ? 0 : Double(attemptsPerTarget.map { $0.key * $0.value }.reduce(0, +)) / Double(attempted) }
}

extension CampaignStore {
    /// The campaign's scheduler as the store left it (SPEC 14), for every
    /// run, first or not: targets the do-not-call list took since are saved
    /// `do_not_call`, and attempts a stopped run left in flight, placed or
    /// not (nobody can know), count as `failed` at `time`: never placed again.
    public func resume(_ campaign: CampaignFile, at time: Date) async throws(StoreError) -> CampaignScheduler {
        let targets = campaign.targets.map { target in
            (number: target.number, zone: target.timeZone.flatMap(TimeZone.init(identifier:)) ?? campaign.timeZone)
        }
        let stored = try await begin(campaign: campaign.name, targets: campaign.targets.map { ($0.line, $0.number) })
        var scheduler = CampaignScheduler(settings: .init(campaign), targets: targets, doNotCall: campaign.doNotCall, states: stored)
        for index in stored.indices {
            if scheduler.states[index] != stored[index] {
                try await setState(campaign: campaign.name, target: index, state: scheduler.states[index])
            }
            guard case .inProgress(let attempt) = stored[index].status else { continue }
            scheduler.finished(index, result: .failed, at: time)
            try await finish(campaign: campaign.name, target: index, attempt: attempt, result: .failed, state: scheduler.states[index], at: time)
        }
        return scheduler
    }
}

import Foundation
import IVRAMI
import IVRCampaign
import IVRCore
import IVRStore

/// A campaign run in real time (`ivr-gateway campaign`, SPEC 14): the
/// scheduler told the clock's time and the dialer's results, every attempt
/// claimed in the store before it is placed and its result written when it
/// comes. It decides nothing itself; the scheduler does.
actor CampaignDriver {
    let campaign: CampaignFile
    let store: SQLiteStore
    var scheduler: CampaignScheduler
    /// Our call id → the attempt it is.
    var inFlight: [String: (target: Int, attempt: Int)] = [:]
    var refusal: String?
    var placed = 0
    /// The manager has accepted a login: no attempt is claimed before (a
    /// refused login or a manager never reached spends none).
    var loggedIn = false

    /// Loads the stored state; attempts a stopped run left in flight count as failed.
    init(campaign: CampaignFile, store: SQLiteStore, now: Date) async throws(StoreError) {
        self.campaign = campaign
        self.store = store
        let scheduler = try await store.resume(campaign, at: now)
        self.scheduler = scheduler
    }

    var isFinished: Bool { scheduler.isFinished || refusal != nil }
    var counts: CampaignScheduler.Counts { scheduler.counts }

    /// The calls to place now, each claimed first, and when to look again.
    func tick<Call: Sendable>(now: Date, call: (CampaignFile.Target, String, Int) -> Call) async throws(StoreError) -> ([Call], Date?) {
        let decision = scheduler.tick(now: now)
        var calls: [Call] = []
        for placement in decision.calls {
            let target = campaign.targets[placement.target]
            let id = "\(campaign.name)-\(target.line)-\(placement.attempt)"
            try await store.claim(campaign: campaign.name, target: placement.target, state: scheduler.states[placement.target], callID: id, at: now)
            inFlight[id] = (placement.target, placement.attempt)
            placed += 1
            calls.append(call(target, id, placement.attempt))
        }
        return (calls, decision.wakeAt)
    }

    /// What the dialer said.
    func handle(_ action: AMIDialer.Action, at now: Date) async throws(StoreError) {
        switch action {
        case .refused(let reason):
            refusal = "the manager refused the login: " + reason
        case .result(let id, let result, _):
            try await finished(id, result: result, at: now)
        case .loggedIn:
            loggedIn = true
        case .answered, .send:
            break
        }
    }

    /// An attempt's result (a dialer's own words for it are logged by the dialer). An unknown or repeated id changes nothing.
    func finished(_ id: String, result: CallResult, at now: Date) async throws(StoreError) {
        guard let (target, attempt) = inFlight.removeValue(forKey: id) else { return }
        scheduler.finished(target, result: result, at: now)
        try await store.finish(campaign: campaign.name, target: target, attempt: attempt, result: result, state: scheduler.states[target], at: now)
    }

    func refuse(_ reason: String) { refusal = reason }

    /// A dialer with no login (the Calls API) is ready at once.
    func ready() { loggedIn = true }
}

import Foundation
import IVRCore
import IVRTools

/// The `simulate` dialer (SPEC 14): the phone network on a virtual clock.
/// An attempt's result comes from the target's `_answer` column (the
/// results of successive attempts; past its end, `no_answer`), else from
/// the campaign's `simulate:` chances (one seeded generator: the same seed,
/// the same campaign), else every call is answered. An answered call runs
/// the flow with the target's data, `direction: outbound`, `answered_by`,
/// and the keys of `_keys` (else `simulate: keys`, else none).
public struct SimulatedDialer: Sendable {
    /// What the network did with one attempt.
    public struct Call: Sendable {
        public var result: CallResult
        /// From placing the call to its result (the end of the flow for an answered call).
        public var seconds: TimeInterval
        /// The flow's call record, for an answered call.
        public var record: CallRecord?
    }

    /// Seconds the network takes to say each result; an answer comes after `ringing`.
    public static let ringing: TimeInterval = 8
    public static let seconds: [CallResult: TimeInterval] = [.busy: 4, .noAnswer: 30, .failed: 2]

    public let campaign: CampaignFile
    public let machine: Machine
    public let tables: DataTables
    var random: SeededRandom

    public init(campaign: CampaignFile, machine: Machine, tables: DataTables, seed: UInt64) {
        self.campaign = campaign
        self.machine = machine
        self.tables = tables
        random = SeededRandom(seed: seed)
    }

    /// The result the network gives attempt `attempt` (from 1) of `target`.
    mutating func result(_ target: CampaignFile.Target, attempt: Int) -> CallResult {
        if let answers = target.answers, !answers.isEmpty {
            return attempt <= answers.count ? answers[attempt - 1] : .noAnswer
        }
        guard let chances = campaign.chances else { return .answered }
        let results = CallResult.allCases
        return random.pick(results.map { chances.percent[$0] ?? 0 }).map { results[$0] } ?? .answered
    }

    public mutating func place(_ target: CampaignFile.Target, attempt: Int, at time: Date, callID: String) -> Call {
        let result = result(target, attempt: attempt)
        guard result.reached else { return Call(result: result, seconds: Self.seconds[result] ?? 2, record: nil) }
        var runner = CallRunner(machine: machine, tables: tables)
        runner.caller = campaign.callerID ?? ""
        runner.called = target.number
        runner.language = target.language
        runner.time = time.addingTimeInterval(Self.ringing)
        runner.callID = callID
        runner.direction = .outbound
        runner.tracing = false
        runner.variables = target.data.merging(["direction": "outbound", "answered_by": result == .machine ? "machine" : "human"]) { $1 }
        var record: CallRecord?
        runner.saveRecord = { record = $0 }
        // A machine presses nothing; keys that do not parse were reported by the check.
        let keys = result == .machine ? "" : (target.keys ?? campaign.chances?.keys ?? "")
        let script = (try? KeyScript.parse(keys)) ?? []
        _ = runner.run(script: script)
        let ended = record?.ended ?? runner.time
        return Call(result: result, seconds: Self.ringing + max(0, ended.timeIntervalSince(runner.time)), record: record)
    }
}

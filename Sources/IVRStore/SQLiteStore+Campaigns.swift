import Foundation
import GRDB
import IVRCampaign

/// Campaign state (SPEC 14), in the tables of migration v6.

extension SQLiteStore {
    static func statusText(_ status: CampaignScheduler.Status) -> (String, Double?, String?) {
        switch status {
        case .pending(let notBefore): return ("pending", notBefore?.timeIntervalSince1970, nil)
        case .inProgress: return ("in_progress", nil, nil)
        case .done(let outcome): return ("done", nil, outcome.rawValue)
        }
    }

    static func targetState(_ row: Row, _ place: String) throws -> CampaignScheduler.TargetState {
        let attempts = try count(row, "attempts", place)
        let lastResult = try optionalText(row, "last_result", place).map { text in
            guard let result = CallResult(rawValue: text) else { throw StoreError.badValue("\(place) has last_result '\(text)'") }
            return result
        }
        let status: CampaignScheduler.Status
        switch try text(row, "status", place) {
        case "pending": status = .pending(notBefore: try time(row, "not_before", place))
        case "in_progress": status = .inProgress(attempt: attempts)
        case "done":
            let text = try text(row, "outcome", place)
            guard let outcome = CampaignScheduler.Outcome(rawValue: text) else { throw StoreError.badValue("\(place) has outcome '\(text)'") }
            status = .done(outcome)
        case let other: throw StoreError.badValue("\(place) has status '\(other)'")
        }
        return CampaignScheduler.TargetState(attempts: attempts, status: status, lastResult: lastResult)
    }

    static func update(_ campaign: String, _ target: Int, _ state: CampaignScheduler.TargetState, _ db: Database) throws {
        let (status, notBefore, outcome) = statusText(state.status)
        try db.execute(sql: """
            UPDATE campaign_targets SET attempts = ?, status = ?, not_before = ?, outcome = ?, last_result = ?
            WHERE campaign = ? AND target = ?
            """, arguments: [state.attempts, status, notBefore, outcome, state.lastResult?.rawValue, campaign, target])
        guard db.changesCount == 1 else { throw StoreError.other("campaign '\(campaign)' has no target \(target) in the store") }
    }

    public func begin(campaign: String, targets: [(line: Int, number: String)]) async throws(StoreError) -> [CampaignScheduler.TargetState] {
        let targets = targets.map { ($0.line, $0.number) }
        return try await write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM campaign_targets WHERE campaign = ? ORDER BY target", arguments: [campaign])
            if rows.isEmpty {
                for (index, target) in targets.enumerated() {
                    try db.execute(sql: """
                        INSERT INTO campaign_targets (campaign, target, line, number, attempts, status) VALUES (?, ?, ?, ?, 0, 'pending')
                        """, arguments: [campaign, index, target.0, target.1])
                }
                return Array(repeating: CampaignScheduler.TargetState(), count: targets.count)
            }
            guard rows.count == targets.count else {
                throw StoreError.other("campaign '\(campaign)' started with \(rows.count) targets and its file now has \(targets.count): "
                                       + "give a changed list a new campaign name")
            }
            return try rows.enumerated().map { index, row in
                let place = "campaign '\(campaign)' target \(index)"
                let number = try Self.text(row, "number", place)
                guard number == targets[index].1 else {
                    throw StoreError.other("campaign '\(campaign)' started with \(number) on line \(targets[index].0) and its file now has "
                                           + "\(targets[index].1): give a changed list a new campaign name")
                }
                return try Self.targetState(row, place)
            }
        }
    }

    public func claim(campaign: String, target: Int, state: CampaignScheduler.TargetState, callID: String,
                      at time: Date) async throws(StoreError) {
        try await write { db in
            try Self.update(campaign, target, state, db)
            try db.execute(sql: """
                INSERT OR IGNORE INTO campaign_attempts (campaign, target, attempt, call_id, started) VALUES (?, ?, ?, ?, ?)
                """, arguments: [campaign, target, state.attempts, callID, time.timeIntervalSince1970])
            guard db.changesCount == 1 else {
                throw StoreError.other("campaign '\(campaign)' target \(target) attempt \(state.attempts) was claimed before: it is not placed again")
            }
        }
    }

    public func finish(campaign: String, target: Int, attempt: Int, result: CallResult, state: CampaignScheduler.TargetState,
                       at time: Date) async throws(StoreError) {
        try await write { db in
            try db.execute(sql: """
                UPDATE campaign_attempts SET ended = ?, result = ? WHERE campaign = ? AND target = ? AND attempt = ?
                """, arguments: [time.timeIntervalSince1970, result.rawValue, campaign, target, attempt])
            try Self.update(campaign, target, state, db)
        }
    }

    public func setState(campaign: String, target: Int, state: CampaignScheduler.TargetState) async throws(StoreError) {
        try await write { db in try Self.update(campaign, target, state, db) }
    }

    public func campaignStatus(_ campaign: String) async throws(StoreError) -> CampaignStatus? {
        try await read { db in
            var status = CampaignStatus()
            let place = "campaign '\(campaign)'"
            for row in try Row.fetchAll(db, sql: """
                SELECT status, outcome, COUNT(*) AS n, MIN(not_before) AS next FROM campaign_targets WHERE campaign = ? GROUP BY status, outcome
                """, arguments: [campaign]) {
                let n = try Self.count(row, "n", place)
                status.targets += n
                switch try Self.text(row, "status", place) {
                case "pending":
                    status.pending += n
                    status.nextAttempt = try Self.time(row, "next", place)
                case "in_progress": status.inProgress += n
                default: status.done[try Self.optionalText(row, "outcome", place) ?? "-", default: 0] += n
                }
            }
            guard status.targets > 0 else { return nil }
            for row in try Row.fetchAll(db, sql: """
                SELECT result, COUNT(*) AS n FROM campaign_attempts WHERE campaign = ? GROUP BY result
                """, arguments: [campaign]) {
                let n = try Self.count(row, "n", place)
                status.attempts += n
                if let result = try Self.optionalText(row, "result", place) { status.results[result] = n }
            }
            return status
        }
    }

    public func campaignReport(_ campaign: String) async throws(StoreError) -> CampaignReport? {
        try await read { db in
            var report = CampaignReport(campaign: campaign)
            let place = "campaign '\(campaign)'"
            for row in try Row.fetchAll(db, sql: """
                SELECT attempts, outcome, COUNT(*) AS n FROM campaign_targets WHERE campaign = ? GROUP BY attempts, outcome
                """, arguments: [campaign]) {
                let n = try Self.count(row, "n", place), attempts = try Self.count(row, "attempts", place)
                report.targets += n
                if attempts > 0 {
                    report.attempted += n
                    report.attemptsPerTarget[attempts, default: 0] += n
                }
                switch try Self.optionalText(row, "outcome", place) {
                case "answered": report.answered += n
                case "machine": report.machine += n
                default: break
                }
            }
            guard report.targets > 0 else { return nil }
            for row in try Row.fetchAll(db, sql: "SELECT result, COUNT(*) AS n FROM campaign_attempts WHERE campaign = ? GROUP BY result",
                                        arguments: [campaign]) {
                let n = try Self.count(row, "n", place)
                report.attempts += n
                switch try Self.optionalText(row, "result", place) {
                case "answered": report.answeredCalls += n
                case "machine": report.machineCalls += n
                default: break
                }
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT r.outcome AS outcome, COUNT(*) AS n FROM campaign_attempts a JOIN call_records r ON r.id = a.call_id
                WHERE a.campaign = ? AND a.result = 'answered' GROUP BY r.outcome
                """, arguments: [campaign]) {
                report.outcomes[try Self.optionalText(row, "outcome", place) ?? "unfinished", default: 0] += try Self.count(row, "n", place)
            }
            return report
        }
    }
}

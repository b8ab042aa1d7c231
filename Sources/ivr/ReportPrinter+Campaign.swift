import IVRCore
import IVRStore

/// `ivr report --campaign NAME`: the campaign's own measures after the calls' report.
extension ReportPrinter {
    func text(_ campaign: CampaignReport) -> String {
        var lines = ["", "campaign '\(campaign.campaign)': \(campaign.targets) targets, \(campaign.attempted) attempted, \(campaign.attempts) calls placed"]
        lines.append("  reach                 \(Self.percent(campaign.reach)) (\(campaign.answered) answered by a person of \(campaign.attempted) attempted)")
        lines.append("  machine share         \(Self.percent(campaign.machineShare)) (\(campaign.machineCalls) of \(campaign.answeredCalls + campaign.machineCalls) answered calls)")
        lines.append("  answered calls ended  " + (campaign.outcomes.isEmpty ? "-" : campaign.outcomes.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        lines.append("  attempts per target   " + String(format: "%.2f", campaign.meanAttempts) + " ("
                     + campaign.attemptsPerTarget.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ") + ")")
        return lines.joined(separator: "\n") + "\n"
    }

    func json(_ campaign: CampaignReport) -> JSONValue {
        .object([
            ("name", .string(campaign.campaign)), ("targets", .int(campaign.targets)), ("attempted", .int(campaign.attempted)),
            ("answered", .int(campaign.answered)), ("machine", .int(campaign.machine)), ("attempts", .int(campaign.attempts)),
            ("reach", .double(Self.rounded(campaign.reach))), ("machine_share", .double(Self.rounded(campaign.machineShare))),
            ("outcomes", .object(campaign.outcomes.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
            ("attempts_per_target", .object(campaign.attemptsPerTarget.sorted { $0.key < $1.key }.map { (String($0.key), .int($0.value)) })),
            ("mean_attempts", .double(Self.rounded(campaign.meanAttempts))),
        ])
    }

    /// The same long form as the calls' CSV (`version` empty, section `campaign`), without a header.
    func csv(_ campaign: CampaignReport) -> String {
        var rows: [[String]] = []
        func add(_ item: String, _ measure: String, _ value: String) { rows.append(["", "campaign", item, measure, value]) }
        add(campaign.campaign, "targets", String(campaign.targets))
        add(campaign.campaign, "attempted", String(campaign.attempted))
        add(campaign.campaign, "attempts", String(campaign.attempts))
        add(campaign.campaign, "reach", String(Self.rounded(campaign.reach)))
        add(campaign.campaign, "machine_share", String(Self.rounded(campaign.machineShare)))
        for (outcome, count) in campaign.outcomes.sorted(by: { $0.key < $1.key }) { add(outcome, "answered_calls", String(count)) }
        for (attempts, count) in campaign.attemptsPerTarget.sorted(by: { $0.key < $1.key }) { add(String(attempts), "targets_by_attempts", String(count)) }
        return rows.map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }
}

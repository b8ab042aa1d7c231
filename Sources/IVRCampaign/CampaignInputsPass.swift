import IVRCore

/// The targets against the flow they will run (SPEC 14): a column for every
/// input the flow declares, a warning for each empty one, and languages the
/// flow speaks.
struct CampaignInputsPass {
    let campaign: CampaignFile
    let machine: Machine

    func run() -> [Diagnostic] {
        let flow = machine.flows.first?.name ?? ""
        let columns = Set(campaign.columns.map(\.name))
        var diagnostics = machine.inputs.filter { !columns.contains($0) }.map {
            Diagnostic(.targetsLackInputColumn($0, flow: flow), at: campaign.headerMark)
        }
        for target in campaign.targets {
            if let language = target.language, machine.languageIndex(language) == nil {
                let suggestion = Suggestion.closest(to: language, in: machine.languages)
                diagnostics.append(Diagnostic(.undeclaredLanguage(language, declared: machine.languages, suggestion: suggestion),
                                              at: target.marks["lang"] ?? campaign.headerMark))
            }
            for input in machine.inputs where target.data[input]?.trimmingCharacters(in: .whitespaces).isEmpty == true {
                diagnostics.append(Diagnostic(.emptyInputCell(input), at: target.marks[input] ?? campaign.headerMark))
            }
        }
        return diagnostics
    }
}

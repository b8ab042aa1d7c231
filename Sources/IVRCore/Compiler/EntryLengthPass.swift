/// Errors for asks whose `min_digits` is above their `max_digits` (given,
/// or the default): no entry could ever be long enough and short enough.
enum EntryLengthPass {
    static func run(_ file: FlowFile) -> [Diagnostic] {
        file.states.compactMap { state in
            guard case .ask(let ask) = state.kind, let low = ask.minDigits else { return nil }
            let high = ask.maxDigits?.value ?? FlowVocabulary.Defaults.maxDigits
            guard low.value > high else { return nil }
            return Diagnostic(.minDigitsAboveMax(low.value, ask.maxDigits?.value, defaultMax: FlowVocabulary.Defaults.maxDigits), at: low.mark)
        }
    }
}

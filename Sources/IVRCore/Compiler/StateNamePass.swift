/// Errors for states named after a built-in target (`repeat`, `back`,
/// `restart`): a transition to that name means the built-in, so the state
/// could never be reached by name.
enum StateNamePass {
    static func run(_ file: FlowFile) -> [Diagnostic] {
        file.states.filter { FlowParser.builtInTargets.contains($0.name) }.map {
            Diagnostic(.reservedStateName($0.name), at: $0.mark)
        }
    }
}

/// Errors for loops of states that never wait for the caller: a call that
/// enters one could go round it forever without input.
enum CyclePass {
    static func run(machine: Machine, callSites: [Int: [Int]]) -> [Diagnostic] {
        let count = machine.states.count
        guard count > 0 else { return [] }
        let edges = (0..<count).map { MachineGraph.edgesWithoutInput(machine, $0, callSites: callSites) }
        var diagnostics: [Diagnostic] = []
        for component in StronglyConnected.components(count: count, edges: edges) {
            let loops = component.count > 1 || edges[component[0]].contains(component[0])
            guard loops else { continue }
            let members = component.sorted()
            diagnostics.append(Diagnostic(.loopWithoutWait(members.map { machine.states[$0].name }), at: machine.states[members[0]].mark))
        }
        return diagnostics
    }
}

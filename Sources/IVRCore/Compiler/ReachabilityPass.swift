/// Warnings for states no call can reach from the start.
enum ReachabilityPass {
    static func run(machine: Machine, callSites: [Int: [Int]]) -> [Diagnostic] {
        guard !machine.states.isEmpty else { return [] }
        var reached = Array(repeating: false, count: machine.states.count)
        var stack = [machine.start]
        reached[machine.start] = true
        while let index = stack.popLast() {
            for next in MachineGraph.allEdges(machine, index, callSites: callSites) where !reached[next] {
                reached[next] = true
                stack.append(next)
            }
        }
        return machine.states.indices.filter { !reached[$0] }.map {
            Diagnostic(.unreachableState(machine.states[$0].name), at: machine.states[$0].mark)
        }
    }
}

/// The edges of a machine's states, for the graph passes.
enum MachineGraph {
    /// Targets a state goes to without waiting for the caller: the loops
    /// that `CyclePass` looks for are made of these.
    static func edgesWithoutInput(_ machine: Machine, _ index: Int, callSites: [Int: [Int]]) -> [Int] {
        let state = machine.states[index]
        switch state.kind {
        case .say(_, let next), .set(_, let next):
            return targets(next, machine)
        case .branch(let cases, let otherwise):
            return cases.flatMap { targets($0.transition, machine) } + targets(otherwise, machine)
        case .lookup(let lookup):
            return targets(lookup.found, machine) + targets(lookup.notFound, machine)
        case .call(let start, _):
            return [start]
        case .return:
            return (callSites[state.flow] ?? []).flatMap { site -> [Int] in
                if case .call(_, let next) = machine.states[site].kind { return targets(next, machine) }
                return []
            }
        case .transfer(_, _, let onFail):
            return onFail.map { targets($0, machine) } ?? []
        case .menu, .ask, .answer, .hangup:
            return []
        }
    }

    /// Every target a state can reach, input or not.
    static func allEdges(_ machine: Machine, _ index: Int, callSites: [Int: [Int]]) -> [Int] {
        let state = machine.states[index]
        let global = machine.flows[state.flow].global.values.flatMap { targets($0, machine) }
        switch state.kind {
        case .menu(let menu):
            return menu.options.values.flatMap { targets($0, machine) } + targets(menu.prompting.onFailure, machine) + global
        case .ask(let ask):
            return ask.options.values.flatMap { targets($0, machine) } + targets(ask.prompting.onFailure, machine)
                + targets(ask.next, machine)
        case .answer(let answer):
            return answer.afterOptions.values.flatMap { targets($0, machine) } + targets(answer.prompting.onFailure, machine) + global
        default:
            return edgesWithoutInput(machine, index, callSites: callSites)
        }
    }

    static func targets(_ transition: Machine.Transition, _ machine: Machine) -> [Int] {
        switch transition.target {
        case .state(let index): return [index]
        case .restart: return [machine.start]
        default: return []
        }
    }
}

/// Errors for loops of states that never wait for the caller: a call that
/// enters one could go round it forever without input.
enum CyclePass {
    static func run(machine: Machine, callSites: [Int: [Int]], units: [CompilationUnit]) -> [Diagnostic] {
        let count = machine.states.count
        guard count > 0 else { return [] }
        let edges = (0..<count).map { MachineGraph.edgesWithoutInput(machine, $0, callSites: callSites) }
        var diagnostics: [Diagnostic] = []
        for component in StronglyConnected.components(count: count, edges: edges) {
            let loops = component.count > 1 || edges[component[0]].contains(component[0])
            guard loops else { continue }
            let members = component.sorted()
            let names = members.map { "'\(machine.states[$0].name)'" }
            let listed = names.count == 1 ? "state \(names[0]) goes back to itself"
                                          : "states \(names.joined(separator: ", ")) form a loop"
            diagnostics.append(.error("\(listed) without waiting for the caller: a call could go round forever; put a menu or ask in the loop",
                                      at: machine.states[members[0]].mark))
        }
        return diagnostics
    }
}

/// Warnings for states no call can reach from the start.
enum ReachabilityPass {
    static func run(machine: Machine, units: [CompilationUnit]) -> [Diagnostic] {
        guard !machine.states.isEmpty else { return [] }
        var callSites: [Int: [Int]] = [:]
        for (index, state) in machine.states.enumerated() {
            if case .call(let start, _) = state.kind { callSites[machine.states[start].flow, default: []].append(index) }
        }
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
            .warning("state '\(machine.states[$0].name)' is never reached from the start", at: machine.states[$0].mark)
        }
    }
}

/// Tarjan's algorithm, iterative so that long chains of states cannot
/// exhaust the stack.
enum StronglyConnected {
    static func components(count: Int, edges: [[Int]]) -> [[Int]] {
        var index = Array(repeating: -1, count: count)
        var low = Array(repeating: 0, count: count)
        var onStack = Array(repeating: false, count: count)
        var stack: [Int] = []
        var result: [[Int]] = []
        var counter = 0
        for root in 0..<count where index[root] == -1 {
            var work: [(node: Int, edge: Int)] = [(root, 0)]
            index[root] = counter; low[root] = counter; counter += 1
            stack.append(root); onStack[root] = true
            while let (node, edge) = work.last {
                if edge < edges[node].count {
                    work[work.count - 1].edge += 1
                    let next = edges[node][edge]
                    if index[next] == -1 {
                        index[next] = counter; low[next] = counter; counter += 1
                        stack.append(next); onStack[next] = true
                        work.append((next, 0))
                    } else if onStack[next] {
                        low[node] = min(low[node], index[next])
                    }
                } else {
                    work.removeLast()
                    if let parent = work.last?.node { low[parent] = min(low[parent], low[node]) }
                    if low[node] == index[node] {
                        var component: [Int] = []
                        while let top = stack.popLast() {
                            onStack[top] = false
                            component.append(top)
                            if top == node { break }
                        }
                        result.append(component)
                    }
                }
            }
        }
        return result
    }
}

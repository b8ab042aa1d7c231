/// The edges of a machine's states, for the graph passes and diagrams.
public enum MachineGraph {
    /// For each flow, the call states that call it (a return goes back to their `next`).
    public static func callSites(_ machine: Machine) -> [Int: [Int]] {
        var sites: [Int: [Int]] = [:]
        for (index, state) in machine.states.enumerated() {
            if case .call(let start, _) = state.kind { sites[machine.states[start].flow, default: []].append(index) }
        }
        return sites
    }

    /// Targets a state goes to without waiting for the caller: the loops
    /// that `CyclePass` looks for are made of these.
    public static func edgesWithoutInput(_ machine: Machine, _ index: Int, callSites: [Int: [Int]]) -> [Int] {
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
    public static func allEdges(_ machine: Machine, _ index: Int, callSites: [Int: [Int]]) -> [Int] {
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

    public static func targets(_ transition: Machine.Transition, _ machine: Machine) -> [Int] {
        switch transition.target {
        case .state(let index): return [index]
        case .restart: return [machine.start]
        default: return []
        }
    }
}

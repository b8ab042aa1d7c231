/// Something a scenario can exercise: a state, or one of its transitions.
/// The interpreter reports the points it passes when `Interpreter.coverage`
/// is on; `Coverage` lists every point of a machine.
public enum CoveragePoint: Hashable, Sendable {
    case state(Int)
    /// A menu's or ask's option key.
    case option(Int, DTMFKey)
    /// A flow's global key (flow index, key).
    case global(Int, DTMFKey)
    case noInput(Int)
    case noMatch(Int)
    case onFailure(Int)
    /// A branch case by position; the position after the last case is `else`.
    case branch(Int, Int)
    case found(Int)
    case notFound(Int)
    /// A key of an answer state's after menu.
    case after(Int, DTMFKey)
    case onFail(Int)
}

/// Every coverage point of a machine, and how to name one for a person.
public enum Coverage {
    public static func points(_ machine: Machine) -> [CoveragePoint] {
        var points: [CoveragePoint] = []
        var flowsWithMenus = Set<Int>()
        for (index, state) in machine.states.enumerated() {
            points.append(.state(index))
            let failures: [CoveragePoint] = [.noInput(index), .noMatch(index), .onFailure(index)]
            switch state.kind {
            case .menu(let menu):
                flowsWithMenus.insert(state.flow)
                points += menu.options.keys.map { .option(index, $0) } + failures
            case .ask(let ask):
                points += ask.options.keys.map { .option(index, $0) } + failures
            case .answer(let answer):
                flowsWithMenus.insert(state.flow)
                points += answer.afterOptions.keys.map { .after(index, $0) } + failures
            case .branch(let cases, _):
                points += (0...cases.count).map { .branch(index, $0) }
            case .lookup:
                points += [.found(index), .notFound(index)]
            case .transfer(_, _, let onFail) where onFail != nil:
                points.append(.onFail(index))
            default:
                break
            }
        }
        for flow in flowsWithMenus.sorted() {
            points += machine.flows[flow].global.keys.map { .global(flow, $0) }
        }
        return points
    }

    public static func describe(_ point: CoveragePoint, in machine: Machine) -> String {
        func name(_ index: Int) -> String { machine.states[index].name }
        switch point {
        case .state(let state): return "state \(name(state))"
        case let .option(state, key): return "\(name(state)): key \(key)"
        case let .global(flow, key):
            let label = machine.flows[flow].name
            return "global key \(key)" + (flow == 0 ? "" : " of \(label)")
        case .noInput(let state): return "\(name(state)): no-input"
        case .noMatch(let state): return "\(name(state)): no-match"
        case .onFailure(let state): return "\(name(state)): on_failure"
        case let .branch(state, position):
            if case .branch(let cases, _) = machine.states[state].kind, position == cases.count {
                return "\(name(state)): else"
            }
            return "\(name(state)): case \(position + 1)"
        case .found(let state): return "\(name(state)): found"
        case .notFound(let state): return "\(name(state)): not_found"
        case let .after(state, key): return "\(name(state)): after-menu key \(key)"
        case .onFail(let state): return "\(name(state)): on_fail"
        }
    }
}

import IVRCore

/// One simulated caller's choices, drawn from a `CallerModel` with a seeded
/// generator: at each wait a hang-up, silence or wrong key by their
/// percentages, else a key or an entry by their weights (a state the model
/// does not name: any key or entry the state accepts, evenly). Pure: the
/// same seed and the same calls give the same choices.
public struct CallerPolicy {
    public let model: CallerModel
    let explorer: Explorer
    public var random: SeededRandom
    /// Keys of an entry chosen but not yet pressed.
    var pending: [DTMFKey] = []

    public init(model: CallerModel, machine: Machine, tables: DataTables, random: SeededRandom) {
        self.model = model
        var explorer = Explorer(machine: machine)
        explorer.tables = tables
        self.explorer = explorer
        self.random = random
    }

    /// Starts a new call (an entry left half typed is forgotten).
    public mutating func reset() { pending = [] }

    public mutating func next(_ wait: Action.Wait, _ interpreter: Interpreter) -> InputToken {
        if !pending.isEmpty { return .key(pending.removeFirst()) }
        let machine = explorer.machine
        let state = machine.states[interpreter.call.state]
        let behaviour = model.states[state.name]
        let hangUp = behaviour?.hangUp ?? model.defaults.hangUp ?? 0
        let silence = behaviour?.silence ?? model.defaults.silence ?? 0
        let wrongKey = behaviour?.wrongKey ?? model.defaults.wrongKey ?? 0
        let roll = random.unit() * 100
        if roll < hangUp { return .hangup }
        if roll < hangUp + silence { return .timeout }
        if roll < hangUp + silence + wrongKey {
            let taken = Set(acceptedInputs(interpreter).compactMap(\.first))
            if let wrong = DTMFKey.allCases.first(where: { !taken.contains($0) }) { return .key(wrong) }
        }
        var choice: [DTMFKey]?
        if case .entry = interpreter.call.phase, let entries = behaviour?.entries, !entries.isEmpty,
           let index = random.pick(entries.map(\.weight)), case .ask(let ask) = state.kind {
            let typed = entries[index].keys.compactMap(DTMFKey.init)
            choice = typed.count >= ask.maxDigits || ask.finishOn == nil ? typed : typed + [ask.finishOn ?? .pound]
        } else if let keys = behaviour?.keys, !keys.isEmpty, let index = random.pick(keys.map(\.weight)) {
            choice = [keys[index].key]
        } else {
            let accepted = acceptedInputs(interpreter)
            if !accepted.isEmpty, let index = random.pick(accepted.map { _ in 1 }) { choice = accepted[index] }
        }
        guard let choice, let first = choice.first else { return .timeout }
        pending = Array(choice.dropFirst())
        return .key(first)
    }

    /// What the state accepts, as key sequences: options and global keys,
    /// a valid entry, offered articles, codes (the explorer's own list,
    /// without its one wrong key).
    func acceptedInputs(_ interpreter: Interpreter) -> [[DTMFKey]] {
        let machine = explorer.machine
        let state = machine.states[interpreter.call.state]
        let global = machine.flows[state.flow].global.keys
        switch (interpreter.call.phase, state.kind) {
        case (.menu, .menu(let menu)):
            return Self.unique(menu.options.keys + global).map { [$0] }
        case (.entry, .ask(let ask)):
            let entries = explorer.entries(ask).map { entry -> [DTMFKey] in
                let typed = entry.compactMap(DTMFKey.init)
                return typed.count >= ask.maxDigits || ask.finishOn == nil ? typed : typed + [ask.finishOn ?? .pound]
            }
            return entries + ask.options.keys.map { [$0] }
        case (.confirm, .ask):
            // Most callers confirm what they typed.
            return Array(repeating: [.k1], count: 9) + [[.k2]]
        case (.answer(.offering(let articles, _)), .answer):
            let offered = (0..<min(articles.count, 9)).compactMap { DTMFKey(rawValue: UInt8($0 + 1)) }
            return Self.unique(offered + global).map { [$0] }
        case (.answer(.afterAnswer), .answer(let answer)):
            return Self.unique(answer.afterOptions.keys + global).map { [$0] }
        case (.answer(.typing), .answer):
            return explorer.inputs(interpreter).compactMap { step in
                if case .keys(let keys) = step, keys.count > 1 { return keys }
                return nil
            }
        default:
            return []
        }
    }

    static func unique(_ keys: [DTMFKey]) -> [DTMFKey] {
        var seen = Set<DTMFKey>()
        return keys.filter { seen.insert($0).inserted }.sorted { $0.rawValue < $1.rawValue }
    }
}

import Foundation
import IVRCore

/// Walks every input sequence of a flow from its start, up to a depth:
/// each key a waiting state accepts (plus one key it does not), a timeout
/// and a hangup; a valid entry for an ask, a code or keypad spelling for an
/// answer; lookups both found and not found; transfers that succeed and,
/// where `on_fail` is set, fail. Identical call states are explored once.
/// Depth counts inputs (an entry typed is one input); "presses" counts keys.
public struct Explorer {
    public enum Step: Hashable, Sendable {
        case keys([DTMFKey])
        case timeout
        case hangup
        /// The lookup answered with this record (its key shown).
        case found(String)
        case notFound
        case transferFails

        var presses: Int {
            if case .keys(let keys) = self { return keys.count }
            return 0
        }

        var text: String {
            switch self {
            case .keys(let keys): return keys.map(\.description).joined()
            case .timeout: return "."
            case .hangup: return "!"
            case .found(let key): return "(found \(key))"
            case .notFound: return "(not found)"
            case .transferFails: return "(transfer fails)"
            }
        }
    }

    /// The shortest way (fewest presses, then fewest inputs) to something.
    public struct Path: Equatable, Sendable {
        public var presses: Int
        public var steps: [Step]
        public var keys: String { steps.map(\.text).joined(separator: " ") }
    }

    public struct Report: Sendable {
        public var explored = 0
        public var maxDepth = 0
        public var outcomes: [String: Path] = [:]
        public var transfers: [String: Path] = [:]
        /// The waiting state reached through the most menus (each counted
        /// along its shortest way in), with that way.
        public var deepestMenu: (depth: Int, path: Path, state: String)? = nil
        var nesting: [Int: Int] = [:]
        public var unreached: [String] = []
        public var cannotEnd: [String] = []
        public var faults: [String] = []
        /// True when the exploration stopped at `limit` call states.
        public var truncated = false
    }

    public let machine: Machine
    public var tables = DataTables() {
        didSet {
            tableKeys = tables.tables.keys.sorted().flatMap { name -> [String] in
                guard let table = tables.tables[name] else { return [] }
                return table.records.compactMap { $0[table.keyField] }
            }
        }
    }
    /// Every key of the data tables, table by table in name order.
    private(set) var tableKeys: [String] = []
    public var language: String?
    public var time = Date()
    /// Call data every explored call starts with (the flow's inputs).
    public var variables: [String: String] = [:]
    /// Exploration stops after this many call states (the report says so).
    public var limit = 2_000_000

    public init(machine: Machine) { self.machine = machine }

    struct Node {
        var interpreter: Interpreter
        var path: Path
        var depth: Int
    }

    public func explore(maxDepth: Int) -> Report {
        var report = Report()
        report.maxDepth = maxDepth
        var start = Interpreter(machine: machine)
        start.tracing = false
        start.coverage = true
        var entered = Set<Int>()
        let first = start.start(caller: "", called: "", language: language, time: time, variables: variables)
        note(first, into: &entered)
        var best: [Call: Int] = [:]
        var ids: [Call: Int] = [:]
        var edges: [[Int]] = []
        var ending: [Bool] = []
        var stateOf: [Int] = []
        var expanded: [Bool] = []
        func id(_ call: Call) -> Int {
            if let existing = ids[call] { return existing }
            ids[call] = edges.count
            edges.append([])
            ending.append(false)
            stateOf.append(call.state)
            expanded.append(false)
            return edges.count - 1
        }
        // 0-1 breadth first: inputs without presses (timeouts, lookups) go to the front.
        var queue: [Node] = [Node(interpreter: start, path: Path(presses: 0, steps: []), depth: 0)]
        var head = 0
        var front: [Node] = []
        while head < queue.count || !front.isEmpty {
            let node: Node
            if let next = front.popLast() { node = next } else { node = queue[head]; head += 1 }
            let key = normalized(node.interpreter.call)
            if let seen = best[key], seen <= node.path.presses { continue }
            best[key] = node.path.presses
            let from = id(key)
            report.explored += 1
            if report.explored > limit {
                report.truncated = true
                break
            }
            record(node, into: &report)
            if node.interpreter.isEnded {
                expanded[from] = true  // an end is known, not cut off by the depth
                if node.interpreter.call.outcome != "abandoned" { ending[from] = true }
                // A transfer with on_fail goes on when the gateway reports a failure.
                guard case .transferring(_, _?) = node.interpreter.call.phase else { continue }
            }
            guard node.depth < maxDepth else { continue }
            expanded[from] = true
            for step in inputs(node.interpreter) {
                var next = node.interpreter
                let outputs = apply(step, to: &next)
                for output in outputs { note(output, into: &entered) }
                if !next.isWaiting, !next.isEnded, !next.isAwaitingLookup {
                    report.faults.append("the call stands nowhere in '\(machine.states[next.call.state].name)' after: \((node.path.steps + [step]).map(\.text).joined(separator: " "))")
                    continue
                }
                if next.isEnded, next.call.outcome == "failed", next.call.steps >= machine.maxSteps {
                    report.faults.append("max_steps (\(machine.maxSteps)) reached in '\(machine.states[next.call.state].name)' after: \((node.path.steps + [step]).map(\.text).joined(separator: " "))")
                }
                edges[from].append(id(normalized(next.call)))
                let child = Node(interpreter: next, path: Path(presses: node.path.presses + step.presses, steps: node.path.steps + [step]),
                                 depth: node.depth + 1)
                if step.presses == 0 { front.append(child) } else { queue.append(child) }
            }
        }
        report.unreached = machine.states.indices.filter { !entered.contains($0) }.map { machine.states[$0].name }
        report.cannotEnd = statesThatCannotEnd(edges: edges, ending: ending, stateOf: stateOf, expanded: expanded)
        return report
    }

    /// Calls that differ only in their step count or their history are
    /// explored once: `back` only returns to states already reached, so
    /// nothing becomes reachable through one history and not another.
    func normalized(_ call: Call) -> Call {
        var call = call
        call.steps = 0
        call.history = []
        return call
    }

    func note(_ output: Output, into entered: inout Set<Int>) {
        for point in output.covered { if case .state(let index) = point { entered.insert(index) } }
    }

    func record(_ node: Node, into report: inout Report) {
        let call = node.interpreter.call
        func keep(_ dictionary: inout [String: Path], _ key: String) {
            if let existing = dictionary[key], (existing.presses, existing.steps.count) <= (node.path.presses, node.path.steps.count) { return }
            dictionary[key] = node.path
        }
        if node.interpreter.isEnded, let outcome = call.outcome {
            keep(&report.outcomes, outcome)
            if case .transferring(let target, _) = call.phase { keep(&report.transfers, target) }
        }
        if node.interpreter.isWaiting, report.nesting[call.state] == nil {
            // Breadth first, the first time a waiting state is seen is with its shallowest history.
            report.nesting[call.state] = call.history.count
            if call.history.count > (report.deepestMenu?.depth ?? 0) {
                report.deepestMenu = (call.history.count, node.path, machine.states[call.state].name)
            }
        }
    }

    func apply(_ step: Step, to interpreter: inout Interpreter) -> [Output] {
        switch step {
        case .keys(let keys):
            var outputs: [Output] = []
            for key in keys where interpreter.isWaiting { outputs.append(interpreter.key(key)) }
            return outputs
        case .timeout: return [interpreter.timeout()]
        case .hangup: return [interpreter.hangup()]
        case .found(let key):
            var record: [String: String] = [:]
            if case .lookup(let lookup) = machine.states[interpreter.call.state].kind, let table = tables.tables[lookup.table] {
                record = table.find(key) ?? [:]
            }
            return [interpreter.lookupResult(record)]
        case .notFound: return [interpreter.lookupResult(nil)]
        case .transferFails: return [interpreter.transferFailed("explore")]
        }
    }

    /// The inputs worth trying where the call stands.
    func inputs(_ interpreter: Interpreter) -> [Step] {
        let call = interpreter.call
        let state = machine.states[call.state]
        let global = machine.flows[state.flow].global
        if interpreter.isAwaitingLookup { return lookupAnswers(interpreter) + [.notFound] }
        if case .transferring(_, _?) = call.phase { return [.transferFails] }
        guard interpreter.isWaiting else { return [] }
        var keys: [[DTMFKey]] = []
        func accepted(_ map: KeyMap<Machine.Transition>) -> [DTMFKey] { map.keys }
        func other(excluding taken: [DTMFKey]) -> [DTMFKey] {
            DTMFKey.allCases.first { !taken.contains($0) }.map { [$0] } ?? []
        }
        switch (call.phase, state.kind) {
        case (.menu, .menu(let menu)):
            let taken = Array(Set(accepted(menu.options) + accepted(global))).sorted { $0.rawValue < $1.rawValue }
            keys = taken.map { [$0] } + [other(excluding: taken)]
        case (.entry, .ask(let ask)):
            let taken = accepted(ask.options)
            keys = taken.map { [$0] }
            if let finish = ask.finishOn, !taken.contains(finish) { keys.append([finish]) }
            for entry in entries(ask) {
                let typed = entry.compactMap(DTMFKey.init)
                keys.append(typed.count >= ask.maxDigits || ask.finishOn == nil ? typed : typed + [ask.finishOn ?? .pound])
            }
        case (.confirm, .ask):
            keys = [[.k1], [.k2], [.k3]]
        case (.answer(.offering(let articles, _)), .answer):
            let offered = (0..<min(articles.count, 9)).compactMap { DTMFKey(rawValue: UInt8($0 + 1)) }
            let taken = offered + accepted(global)
            keys = taken.map { [$0] } + [other(excluding: taken)]
        case (.answer(.afterAnswer), .answer(let answer)):
            let taken = Array(Set(accepted(answer.afterOptions) + accepted(global))).sorted { $0.rawValue < $1.rawValue }
            keys = taken.map { [$0] } + [other(excluding: taken)]
        case (.answer(.typing), .answer(let answer)):
            let base = machine.knowledgeBases[answer.knowledge]
            let finish = answer.finishOn ?? .pound
            var entries: [String] = []
            if case .byCode = answer.mode {
                entries = base.articles.compactMap(\.code)
            } else {
                var seen = Set<String>()
                entries = base.spellings.compactMap { $0.first }.filter { seen.insert($0).inserted }
                if let shared = entries.first?.prefix(1) { entries.append(String(shared)) }  // several matches
            }
            keys = entries.map { $0.compactMap(DTMFKey.init) + [finish] } + [[finish]]
        default:
            break
        }
        return keys.filter { !$0.isEmpty }.map { Step.keys($0) } + [.timeout, .hangup]
    }

    /// A lookup is found with the record of the key asked (when the data
    /// has it) and with up to three other records, so each kind of record a
    /// branch tells apart gets its turn.
    func lookupAnswers(_ interpreter: Interpreter) -> [Step] {
        guard case .lookup(let key, _) = interpreter.call.phase,
              case .lookup(let lookup) = machine.states[interpreter.call.state].kind else { return [.found("")] }
        guard let table = tables.tables[lookup.table] else { return [.found("")] }
        var keys: [String] = table.find(key) != nil ? [key] : []
        for record in table.records {
            guard keys.count < 4, let other = record[table.keyField], !keys.contains(other) else { continue }
            keys.append(other)
        }
        return keys.isEmpty ? [.found("")] : keys.map { .found($0) }
    }

    /// Entries to type at an ask: a simple candidate it accepts and the
    /// first key of the flow's data tables it accepts (an account or member
    /// number behind a `pattern` no simple candidate fits, and one a lookup
    /// finds).
    func entries(_ ask: Machine.Ask) -> [String] {
        var entries = sampleEntry(ask).map { [$0] } ?? []
        if let known = tableKeys.first(where: { accepts($0, ask) }), !entries.contains(known) { entries.append(known) }
        return entries
    }

    /// Digits an ask accepts, found by trying simple candidates.
    func sampleEntry(_ ask: Machine.Ask) -> String? {
        let low = max(ask.minDigits, 1), high = min(ask.maxDigits, max(low, 1) + 4)
        guard low <= high else { return nil }
        for length in low...high {
            for lead in ["1", "6", "3", "4", "9", "2", "5", "7", "8", "0"] {
                var candidate = lead + String(repeating: "1", count: length - 1)
                if ask.luhn, let fixed = Self.withLuhnDigit(String(candidate.dropLast())) { candidate = fixed }
                if accepts(candidate, ask) { return candidate }
            }
        }
        return nil
    }

    func accepts(_ entry: String, _ ask: Machine.Ask) -> Bool {
        (ask.minDigits...max(ask.minDigits, ask.maxDigits)).contains(entry.count)
            && entry.allSatisfy { DTMFKey($0) != nil && $0 != ask.finishOn?.character }
            && (ask.pattern?.matches(entry) ?? true) && (!ask.luhn || Luhn.isValid(entry))
    }

    static func withLuhnDigit(_ body: String) -> String? {
        for digit in 0...9 where Luhn.isValid(body + String(digit)) { return body + String(digit) }
        return nil
    }

    /// States all of whose explored calls can reach no end but a caller
    /// hanging up (within the depth explored; calls cut off by the depth
    /// are given the benefit of the doubt).
    func statesThatCannotEnd(edges: [[Int]], ending: [Bool], stateOf: [Int], expanded: [Bool]) -> [String] {
        var reverse = Array(repeating: [Int](), count: edges.count)
        for (from, targets) in edges.enumerated() { for to in targets { reverse[to].append(from) } }
        var canEnd = ending
        for node in edges.indices where !expanded[node] && !ending[node] { canEnd[node] = true }
        var stack = canEnd.indices.filter { canEnd[$0] }
        while let node = stack.popLast() {
            for previous in reverse[node] where !canEnd[previous] {
                canEnd[previous] = true
                stack.append(previous)
            }
        }
        var anyEnd = Set<Int>()
        var seen = Set<Int>()
        for node in edges.indices {
            seen.insert(stateOf[node])
            if canEnd[node] { anyEnd.insert(stateOf[node]) }
        }
        return seen.subtracting(anyEnd).sorted().map { machine.states[$0].name }
    }
}

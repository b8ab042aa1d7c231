import Foundation
import IVRCore

/// Runs many calls of a caller model through a flow on the virtual clock
/// (`ivr simulate`): each call's start language, caller number and arrival
/// time are drawn from the model, its keys from a `CallerPolicy`, all from
/// one seeded generator, so the same seed gives the same records.
public struct CallSimulator {
    public let machine: Machine
    public let tables: DataTables
    public let model: CallerModel
    public var seed: UInt64 = 1
    /// Calls arrive between `start` and `start + over`.
    public var start = Date()
    public var over: TimeInterval = 9 * 3600
    /// Call data every call starts with (the flow's inputs).
    public var variables: [String: String] = [:]

    public init(machine: Machine, tables: DataTables, model: CallerModel) {
        self.machine = machine
        self.tables = tables
        self.model = model
    }

    /// Runs `calls` calls; `save` receives each record at every wait and
    /// at its end (as a gateway's store would). Returns the outcomes.
    @discardableResult
    public func run(calls: Int, save: @escaping (CallRecord) -> Void) -> [String: Int] {
        var random = SeededRandom(seed: seed)
        let arrivals = arrivalTimes(calls, &random)
        var policy = CallerPolicy(model: model, machine: machine, tables: tables, random: SeededRandom(seed: seed &+ 0x5EED))
        var outcomes: [String: Int] = [:]
        let languages = model.languages.filter { machine.languageIndex($0.tag) != nil }
        for (number, arrival) in arrivals.enumerated() {
            var runner = CallRunner(machine: machine, tables: tables)
            runner.callID = "sim-\(seed)-\(number + 1)"
            runner.time = arrival
            runner.variables = variables
            if let index = random.pick(languages.map(\.weight)) { runner.language = languages[index].tag }
            if random.unit() * 100 >= model.unknownCallers {
                let digits = String(Int(random.unit() * Double(model.pool)))
                let width = String(max(model.pool - 1, 0)).count
                runner.caller = model.prefix + String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
            runner.saveRecord = save
            runner.tracing = false
            policy.reset()
            let interpreter = runner.run(decide: { wait, interpreter in policy.next(wait, interpreter) }, observe: { _ in })
            outcomes[interpreter.call.outcome ?? CallRecord.interrupted, default: 0] += 1
        }
        return outcomes
    }

    /// Arrival times in order: hour slices of [start, start + over) weighted
    /// by the model's hours of the day (in the flow's time zone).
    func arrivalTimes(_ count: Int, _ random: inout SeededRandom) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = machine.schedules.first?.timeZone ?? TimeZone(identifier: "UTC") ?? .current
        var slices: [(start: Date, length: TimeInterval, weight: Double)] = []
        var cursor = start
        let end = start.addingTimeInterval(over)
        while cursor < end {
            let hourStart = calendar.dateInterval(of: .hour, for: cursor)?.start ?? cursor
            let next = min(end, hourStart.addingTimeInterval(3600))
            let length = next.timeIntervalSince(cursor)
            let weight = model.arrivals.map { $0[calendar.component(.hour, from: cursor)] } ?? 1
            slices.append((cursor, length, weight * length))
            cursor = next
        }
        if !slices.contains(where: { $0.weight > 0 }) { slices = slices.map { ($0.start, $0.length, $0.length) } }
        let weights = slices.map(\.weight)
        return (0..<count).map { _ in
            guard let index = random.pick(weights) else { return start }
            return slices[index].start.addingTimeInterval(random.unit() * slices[index].length)
        }.sorted()
    }
}

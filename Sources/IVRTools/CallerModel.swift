import Foundation
import IVRCore
import Yams

/// How simulated callers behave (`ivr simulate --callers FILE`, format in
/// Docs/flow-language.md, schema `ivr schema callers`): at each waiting
/// state the chances of each key, of an entry, of silence, of a wrong key
/// and of hanging up; the languages callers start in; a pool of caller
/// numbers, so some callers call again; and when in the day calls arrive.
public struct CallerModel: Sendable {
    /// What callers do at one waiting state. Keys and entries are weights
    /// (relative); silence, wrong keys and hang-ups are percentages of the
    /// waits, taken first.
    public struct Behaviour: Sendable {
        public var keys: [(key: DTMFKey, weight: Double)] = []
        public var entries: [(keys: String, weight: Double)] = []
        public var silence: Double?
        public var wrongKey: Double?
        public var hangUp: Double?
        public var mark: SourceMark?

        public init(silence: Double? = nil, wrongKey: Double? = nil, hangUp: Double? = nil) {
            self.silence = silence
            self.wrongKey = wrongKey
            self.hangUp = hangUp
        }
    }

    public static let keys = ["languages", "callers", "arrivals", "defaults", "states"]
    public static let behaviourKeys = ["keys", "entries", "silence", "wrong_key", "hang_up"]
    public static let callerKeys = ["pool", "prefix", "unknown"]

    /// Start languages with weights; empty: the flow's default language.
    public var languages: [(tag: String, weight: Double, mark: SourceMark?)] = []
    /// Distinct caller numbers; a smaller pool means more repeat calls.
    public var pool = 1_000
    public var prefix = "1380000"
    /// Percentage of calls with no caller number.
    public var unknownCallers = 0.0
    /// Weights per hour of the day (24, local to the flow's first
    /// schedule's time zone, else UTC); nil: arrivals spread evenly.
    public var arrivals: [Double]?
    public var defaults = Behaviour(silence: 3, wrongKey: 2, hangUp: 2)
    public var states: [String: Behaviour] = [:]

    public init() {}

    /// Reads a model; nil with diagnostics when it cannot be used.
    public static func load(path: String, display: String, files: FileSource = DiskFiles(), bag: DiagnosticBag) -> CallerModel? {
        guard let document = YAMLDocument.load(path: path, displayName: display, files: files, into: bag) else { return nil }
        let reader = NodeReader(file: document.file, bag: bag)
        var model = CallerModel()
        guard let root = document.root else { return model }
        guard let top = reader.fields(root, "the caller model", allowed: keys) else { return nil }
        let before = bag.diagnostics.count
        if let node = top["languages"], let entries = reader.entries(node, "'languages'") {
            model.languages = entries.compactMap { entry in
                weight(entry.value, "the share of \(entry.key.value)", reader).map { (entry.key.value, $0, entry.key.mark) }
            }
        }
        if let node = top["callers"], let fields = reader.fields(node, "'callers'", allowed: callerKeys) {
            if let pool = fields["pool"].flatMap({ reader.integer($0, "'pool'", in: 1...100_000_000) }) { model.pool = pool.value }
            if let prefix = fields["prefix"].flatMap({ reader.string($0, "'prefix'") }) { model.prefix = prefix.value }
            if let unknown = fields["unknown"].flatMap({ percent($0, "'unknown'", reader) }) { model.unknownCallers = unknown }
        }
        if let node = top["arrivals"], let entries = reader.entries(node, "'arrivals'") {
            var hours = Array(repeating: 0.0, count: 24)
            for entry in entries {
                guard let hour = Int(entry.key.value), (0...23).contains(hour), entry.key.value.count == 2 else {
                    bag.report(.badArrivalHour(entry.key.value), at: entry.key.mark)
                    continue
                }
                hours[hour] = weight(entry.value, "the weight of hour \(entry.key.value)", reader) ?? 0
            }
            model.arrivals = hours
        }
        if let node = top["defaults"] { model.defaults = behaviour(node, "'defaults'", reader, base: model.defaults) }
        if let node = top["states"], let entries = reader.entries(node, "'states'") {
            for entry in entries {
                var item = behaviour(entry.value, "state '\(entry.key.value)'", reader, base: Behaviour())
                item.mark = entry.key.mark
                model.states[entry.key.value] = item
            }
        }
        return bag.diagnostics.count > before && bag.hasErrors ? nil : model
    }

    static func behaviour(_ node: Node, _ what: String, _ reader: NodeReader, base: Behaviour) -> Behaviour {
        var result = base
        guard let fields = reader.fields(node, what, allowed: behaviourKeys) else { return result }
        if let keys = fields["keys"].flatMap({ reader.entries($0, "'keys'") }) {
            result.keys = keys.compactMap { entry in
                guard let key = DTMFKey(text: entry.key.value) else {
                    reader.bag.report(.notAnOptionKey(entry.key.value, suggestion: nil), at: entry.key.mark)
                    return nil
                }
                return weight(entry.value, "the weight of key \(entry.key.value)", reader).map { (key, $0) }
            }
        }
        if let entries = fields["entries"].flatMap({ reader.entries($0, "'entries'") }) {
            result.entries = entries.compactMap { entry in
                guard !entry.key.value.isEmpty, entry.key.value.allSatisfy({ $0 != "#" && DTMFKey(text: String($0)) != nil }) else {
                    reader.bag.report(.badEntry(entry.key.value), at: entry.key.mark)
                    return nil
                }
                return weight(entry.value, "the weight of entry \(entry.key.value)", reader).map { (entry.key.value, $0) }
            }
        }
        if let value = fields["silence"].flatMap({ percent($0, "'silence'", reader) }) { result.silence = value }
        if let value = fields["wrong_key"].flatMap({ percent($0, "'wrong_key'", reader) }) { result.wrongKey = value }
        if let value = fields["hang_up"].flatMap({ percent($0, "'hang_up'", reader) }) { result.hangUp = value }
        return result
    }

    static func weight(_ node: Node, _ what: String, _ reader: NodeReader) -> Double? {
        guard let text = reader.string(node, what) else { return nil }
        guard let value = Double(text.value), value >= 0, value.isFinite else {
            reader.bag.report(.badWeight(what, text.value), at: text.mark)
            return nil
        }
        return value
    }

    static func percent(_ node: Node, _ what: String, _ reader: NodeReader) -> Double? {
        guard let value = weight(node, what, reader) else { return nil }
        guard value <= 100 else {
            reader.bag.report(.percentOverHundred(what, value), at: reader.mark(node))
            return nil
        }
        return value
    }

    /// States and languages the model names that the flow lacks.
    public func check(against machine: Machine, bag: DiagnosticBag) {
        let names = machine.states.map(\.name)
        for (name, behaviour) in states.sorted(by: { $0.key < $1.key }) where machine.stateIndex(named: name) == nil {
            guard let mark = behaviour.mark else { continue }
            bag.report(.unknownModelState(name, suggestion: Suggestion.closest(to: name, in: names)), at: mark)
        }
        for language in languages where machine.languageIndex(language.tag) == nil {
            bag.report(.modelLanguageUndeclared(language.tag, declared: machine.languages),
                       at: language.mark ?? SourceMark(file: "", line: 1, column: 1))
        }
    }
}

import Foundation
import IVRCore
import Yams

/// A scenario file (`*.test.yaml`): the flow it tests and its cases.
public struct ScenarioFile {
    public struct Expectation {
        public var prompts: [String]?
        public var outcome: String?
        public var transfer: String?
        public var vars: [(String, String)] = []
        public var says: [String] = []
    }

    public struct Case {
        public var name: String
        public var mark: SourceMark
        public var input: String
        public var inputMark: SourceMark
        public var settings: Settings
        public var expect: Expectation
        /// An extension of the format: every transfer in this case fails, as
        /// a gateway would report, so that `on_fail` paths can be tested.
        public var failTransfers = false
    }

    /// `at`, `lang`, `caller`, `called`, `data`: for the file, overridden
    /// per case (`data` name by name: a case's value wins).
    public struct Settings {
        public var at: Located<String>?
        public var lang: Located<String>?
        public var caller: String?
        public var called: String?
        /// Call data: the flow's inputs and other variables set at the start.
        public var data: [String: String] = [:]

        func overridden(by other: Settings) -> Settings {
            Settings(at: other.at ?? at, lang: other.lang ?? lang, caller: other.caller ?? caller, called: other.called ?? called,
                     data: data.merging(other.data) { $1 })
        }
    }

    public var path: String
    public var display: String
    public var flow: Located<String>
    /// The file's own settings, which cases inherit.
    public var settings: Settings
    public var cases: [Case]

    static let settingKeys = ["at", "lang", "caller", "called", "data"]

    /// Parses a scenario file; nil with diagnostics when it cannot be used.
    public static func load(path: String, display: String, files: FileSource = DiskFiles(), bag: DiagnosticBag) -> ScenarioFile? {
        guard let document = YAMLDocument.load(path: path, displayName: display, files: files, into: bag) else { return nil }
        let reader = NodeReader(file: document.file, bag: bag)
        if let root = document.root, let kind = otherKind(root) {
            bag.report(.notAScenarioFile(kind), at: SourceMark(file: display, line: 1, column: 1))
            return nil
        }
        guard let root = document.root,
              let top = reader.fields(root, "the scenario file", allowed: ["flow", "cases"] + settingKeys) else {
            if document.root == nil { bag.report(.emptyFile(.scenarioFile), at: SourceMark(file: display, line: 1, column: 1)) }
            return nil
        }
        guard let flow = top["flow"].flatMap({ reader.string($0, "'flow'") }) else {
            if !top.has("flow") { bag.report(.missingKey("flow", "name the flow file this scenario tests"), at: top.mark) }
            return nil
        }
        guard let caseNodes = top["cases"].flatMap({ reader.sequence($0, "'cases'") }) else {
            if !top.has("cases") { bag.report(.missingKey("cases", "list the calls to run"), at: top.mark) }
            return nil
        }
        let defaults = settings(top, reader: reader)
        check(defaults, bag: bag)
        var cases: [Case] = []
        for node in caseNodes {
            guard let fields = reader.fields(node, "a case", allowed: ["name", "input", "expect", "fail_transfers"] + settingKeys) else { continue }
            guard let name = fields["name"].flatMap({ reader.string($0, "'name'") }) else {
                if !fields.has("name") { bag.report(.caseNeedsName, at: fields.mark) }
                continue
            }
            let input = fields["input"].flatMap { reader.string($0, "'input'") } ?? Located("", at: fields.mark)
            guard let expectNode = fields["expect"] else {
                bag.report(.caseNeedsExpect(name.value), at: name.mark)
                continue
            }
            guard let expect = expectation(expectNode, reader: reader) else { continue }
            let own = settings(fields, reader: reader)
            check(own, bag: bag)
            cases.append(Case(name: name.value, mark: name.mark, input: input.value, inputMark: input.mark,
                              settings: defaults.overridden(by: own), expect: expect,
                              failTransfers: fields["fail_transfers"].flatMap { reader.bool($0, "'fail_transfers'")?.value } ?? false))
        }
        return ScenarioFile(path: path, display: display, flow: flow, settings: defaults, cases: cases)
    }

    /// A flow, knowledge base or data file named by mistake, by its top keys.
    static func otherKind(_ root: Node) -> String? {
        guard case .mapping(let mapping) = root else { return nil }
        let keys = Set(mapping.keys.compactMap(\.string))
        guard !keys.contains("cases") else { return nil }
        if keys.contains("states"), keys.contains("start") || keys.contains("languages") && !keys.contains("callers") { return "a flow" }
        if keys.contains("states") || keys.contains("arrivals") || keys.contains("callers") { return "a caller model" }
        if keys.contains("articles") { return "a knowledge base" }
        if keys.contains("tables") { return "a data file" }
        return nil
    }

    /// A time that does not parse is the file's mistake, reported once at
    /// its line (not once per case that inherits it).
    static func check(_ settings: Settings, bag: DiagnosticBag) {
        if let at = settings.at, CallTime.parse(at.value) == nil {
            bag.report(.badTime(at.value, hint: CallTime.hint), at: at.mark)
        }
    }

    static func settings(_ fields: NodeReader.Fields, reader: NodeReader) -> Settings {
        Settings(at: fields["at"].flatMap { reader.string($0, "'at'") },
                 lang: fields["lang"].flatMap { reader.string($0, "'lang'") },
                 caller: fields["caller"].flatMap { reader.string($0, "'caller'")?.value },
                 called: fields["called"].flatMap { reader.string($0, "'called'")?.value },
                 data: data(fields["data"], reader: reader))
    }

    /// `data: {name: value}`: variable names, values as written.
    static func data(_ node: Node?, reader: NodeReader) -> [String: String] {
        guard let node, let entries = reader.entries(node, "'data'") else { return [:] }
        var data: [String: String] = [:]
        for entry in entries {
            if let value = reader.string(entry.value, "the value of '\(entry.key.value)'") { data[entry.key.value] = value.value }
        }
        return data
    }

    static func expectation(_ node: Node, reader: NodeReader) -> Expectation? {
        let keys = ["prompts", "outcome", "transfer", "vars", "says"]
        guard let fields = reader.fields(node, "'expect'", allowed: keys) else { return nil }
        var expect = Expectation()
        expect.prompts = fields["prompts"].flatMap { reader.strings($0, "'prompts'")?.map(\.value) }
        expect.outcome = fields["outcome"].flatMap { reader.string($0, "'outcome'")?.value }
        expect.transfer = fields["transfer"].flatMap { reader.string($0, "'transfer'")?.value }
        expect.says = fields["says"].flatMap { reader.strings($0, "'says'")?.map(\.value) } ?? []
        if let vars = fields["vars"], let entries = reader.entries(vars, "'vars'") {
            for entry in entries {
                if let value = reader.string(entry.value, "'\(entry.key.value)'") { expect.vars.append((entry.key.value, value.value)) }
            }
        }
        return expect
    }
}

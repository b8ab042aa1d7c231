import IVRCore
/// JSON Schemas (draft-07) of flow, knowledge-base and scenario files, for
/// editors with a YAML language server: they complete keys and flag
/// misspelt ones as authors type. Scalars the compiler takes as text may be
/// read by an editor as numbers (`retries: 3`) or booleans (`barge_in: true`),
/// so both spellings are accepted.
public enum FlowSchema {
    public enum Kind: String, CaseIterable, Sendable {
        case flow, knowledge, scenario, data, callers, campaign
    }

    public static func document(_ kind: Kind) -> JSONValue {
        let root: [(String, JSONValue)]
        switch kind {
        case .flow: root = flowRoot
        case .knowledge: root = knowledgeRoot
        case .scenario: root = scenarioRoot
        case .data: root = dataRoot
        case .callers: root = callersRoot
        case .campaign: root = campaignRoot
        }
        return .object([("$schema", .string("http://json-schema.org/draft-07/schema#")),
                         ("$id", .string("https://ivr.dev/schemas/\(kind.rawValue).schema.json"))]
                        + root + [("definitions", .object(definitions))])
    }

    // MARK: - Building blocks

    static func ref(_ name: String) -> JSONValue { .object([("$ref", .string("#/definitions/\(name)"))]) }
    static func describe(_ text: String, _ schema: JSONValue) -> JSONValue {
        guard case .object(let fields) = schema else { return schema }
        return .object([("description", .string(text))] + fields)
    }
    static func object(_ properties: [(String, JSONValue)], required: [String] = [], description: String? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = []
        if let description { fields.append(("description", .string(description))) }
        fields += [("type", .string("object")), ("properties", .object(properties)), ("additionalProperties", .bool(false))]
        if !required.isEmpty { fields.append(("required", .array(required.map(JSONValue.string)))) }
        return .object(fields)
    }
    static func map(_ values: JSONValue, keys pattern: String? = nil) -> JSONValue {
        var fields: [(String, JSONValue)] = [("type", .string("object")), ("additionalProperties", values)]
        if let pattern { fields.append(("propertyNames", .object([("pattern", .string(pattern))]))) }
        return .object(fields)
    }
    static func list(_ items: JSONValue) -> JSONValue { .object([("type", .string("array")), ("items", items)]) }
    static func oneOf(_ options: [JSONValue]) -> JSONValue { .object([("oneOf", .array(options))]) }
    static func anyOf(_ options: [JSONValue]) -> JSONValue { .object([("anyOf", .array(options))]) }
    static let keyPattern = "^[0-9*#A-D]$"

    /// Properties for keys of the flow language, named by `FlowVocabulary`
    /// (the one list the parser reads too), typed by `type(of:)`.
    static func keyed(_ keys: [String]) -> [(String, JSONValue)] {
        keys.map { ($0, type(of: $0)) }
    }

    /// The schema of a flow key's value. A key name means the same thing
    /// wherever the language uses it.
    static func type(of key: String) -> JSONValue {
        typealias Defaults = FlowVocabulary.Defaults
        func enumeration(_ values: [String]) -> JSONValue { .object([("enum", .array(values.map(JSONValue.string)))]) }
        switch key {
        // Top level
        case "flow": return describe("The flow's name.", ref("text"))
        case "start": return describe("The first state.", ref("text"))
        case "languages": return describe("Language tags, the default first.", ref("texts"))
        case "inputs": return describe("The call data a call must be started with (variable names).", ref("texts"))
        case "hours": return map(ref("schedule"))
        case "defaults": return object(keyed(FlowVocabulary.defaultsKeys))
        case "global", "options": return ref("options")
        case "states": return map(ref("state"))
        // Waiting states
        case "prompt": return describe("The prompt key played before waiting.", ref("text"))
        case "no_input": return describe("Prompt for silence.", ref("text"))
        case "no_match": return describe("Prompt for a key with no option.", ref("text"))
        case "retries": return describe("Failures allowed before on_failure (default \(Defaults.retries)).", ref("whole"))
        case "timeout": return describe("Default \(Defaults.timeoutMs / 1000)s.", ref("duration"))
        case "inter_digit_timeout": return describe("Default \(Defaults.interDigitTimeoutMs / 1000)s.", ref("duration"))
        case "max_steps": return describe("Default \(Defaults.maxSteps).", ref("whole"))
        case "barge_in", "sensitive", "by_code", "exists", "return": return ref("boolean")
        case "on_failure", "next", "found", "not_found", "on_fail", "else": return ref("transition")
        case "not": return ref("condition")
        case "min_digits", "top": return ref("whole")
        case "max_digits": return describe("Default \(Defaults.maxDigits).", ref("whole"))
        case "finish_on": return ref("key")
        case "check": return enumeration(FlowVocabulary.checks)
        case "search": return enumeration(FlowVocabulary.searches)
        case "after": return object(keyed(FlowVocabulary.answerAfterKeys))
        case "say", "in", "fields": return ref("texts")
        case "set": return ref("assignments")
        case "all", "any": return list(ref("condition"))
        case "open": return describe("A schedule of hours:.", ref("text"))
        default: return ref("text")
        }
    }

    static var definitions: [(String, JSONValue)] {
        let text = JSONValue.object([("type", .array([.string("string"), .string("number"), .string("integer")]))])
        typealias Words = FlowVocabulary
        let prompted = keyed(Words.promptedKeys)
        let condition = JSONValue.object([
            ("type", .string("object")), ("additionalProperties", .bool(false)),
            ("properties", .object(keyed(Words.conditionKeys))),
        ])
        func state(_ kind: String, _ body: JSONValue, next: Bool = false) -> JSONValue {
            var properties: [(String, JSONValue)] = [(kind, body), ("description", ref("text"))]
            if next { properties.append(("next", ref("transition"))) }
            return object(properties, required: next ? [kind, "next"] : [kind])
        }
        let transferBody = anyOf([ref("text"), object(keyed(Words.transferKeys), required: ["to"])])
        let hangupBody = anyOf([ref("text"), object(keyed(Words.hangupKeys))])
        let ask = object(keyed(Words.askKeys), required: Words.requiredAskKeys)
        let answer = object(keyed(Words.answerKeys))
        let lookup = object(keyed(Words.lookupKeys), required: Words.requiredLookupKeys)
        let branchCase = oneOf([
            object([("if", ref("condition"))] + keyed(Words.transitionKeys), required: ["if"]),
            object([("else", ref("transition"))], required: ["else"]),
        ])
        return [
            ("text", text),
            ("texts", anyOf([ref("text"), list(ref("text"))])),
            ("boolean", .object([("enum", .array([.bool(true), .bool(false), .string("true"), .string("false")]))])),
            ("whole", anyOf([.object([("type", .string("integer")), ("minimum", .int(0))]),
                             .object([("type", .string("string")), ("pattern", .string("^[0-9]+$"))])])),
            ("duration", .object([("description", .string("500ms, 5s or 2m")), ("type", .string("string")),
                                  ("pattern", .string("^[0-9]+(\\.[0-9]+)?(ms|s|m)$"))])),
            ("key", anyOf([.object([("type", .string("string")), ("pattern", .string(keyPattern))]),
                           .object([("type", .string("integer")), ("minimum", .int(0)), ("maximum", .int(9))])])),
            ("assignments", map(ref("text"))),
            ("transition", anyOf([
                describe("A state name, repeat, back or restart.", ref("text")),
                object(keyed(Words.transitionKeys)),
            ])),
            ("options", map(ref("transition"), keys: keyPattern)),
            ("condition", condition),
            ("schedule", object([
                ("timezone", describe("An IANA time zone, such as Asia/Shanghai.", ref("text"))),
                ("weekly", map(ref("text"), keys: "^(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?(,(mon|tue|wed|thu|fri|sat|sun)(-(mon|tue|wed|thu|fri|sat|sun))?)*$")),
                ("closed", list(ref("text"))),
            ], required: ["timezone"])),
            ("state", oneOf([
                state("say", ref("texts"), next: true),
                state("menu", object(keyed(Words.menuKeys), required: ["prompt"])),
                state("ask", ask),
                state("branch", list(branchCase)),
                state("set", ref("assignments"), next: true),
                state("lookup", lookup),
                state("answer", answer),
                state("call", ref("text"), next: true),
                state("return", ref("boolean")),
                state("transfer", transferBody),
                state("hangup", hangupBody),
            ])),
            ("article", object([
                ("id", ref("text")), ("code", ref("text")), ("category", ref("text")),
                ("title", map(ref("text"))), ("keywords", list(ref("text"))), ("answer", map(ref("text"))),
            ], required: ["id", "title", "answer"])),
            ("expect", object([("prompts", list(ref("text"))), ("outcome", ref("text")), ("transfer", ref("text")),
                               ("vars", map(ref("text"))), ("says", list(ref("text")))])),
            ("case", object([("name", ref("text")), ("input", ref("text")), ("expect", ref("expect")),
                             ("fail_transfers", ref("boolean")), ("at", ref("text")), ("lang", ref("text")),
                             ("caller", ref("text")), ("called", ref("text")),
                             ("data", describe("Call data: the flow's inputs and other variables.", map(ref("text"))))],
                            required: ["name", "expect"])),
        ]
    }

    static var flowRoot: [(String, JSONValue)] {
        guard case .object(let fields) = object(keyed(FlowVocabulary.topKeys), required: FlowVocabulary.requiredTopKeys,
                                                description: "An IVR flow (ivr flow language).") else { return [] }
        return fields
    }

    static var knowledgeRoot: [(String, JSONValue)] {
        guard case .object(let fields) = object([("articles", list(ref("article")))], required: ["articles"],
                                                description: "An IVR knowledge base (*.kb.yaml).") else { return [] }
        return fields
    }

    /// Data files (`*.data.yaml`): lookup tables of YAML records, or CSV files.
    static var dataRoot: [(String, JSONValue)] {
        let records = object([
            ("key", describe("The field lookups match; the first record holding a key wins.", ref("text"))),
            ("records", list(map(ref("text")))),
        ], required: ["key"])
        let csv = object([
            ("file", describe("A CSV file with a header row, relative to the data file.", ref("text"))),
            ("key", describe("The column lookups match (default: the first).", ref("text"))),
        ], required: ["file"])
        let table = anyOf([describe("A CSV file keyed by its first column.", ref("text")), records, csv])
        guard case .object(let fields) = object([("tables", map(table))], required: ["tables"],
                                                description: "IVR lookup tables (*.data.yaml).") else { return [] }
        return fields
    }

    static var scenarioRoot: [(String, JSONValue)] {
        guard case .object(let fields) = object([
            ("flow", ref("text")), ("cases", list(ref("case"))),
            ("at", ref("text")), ("lang", ref("text")), ("caller", ref("text")), ("called", ref("text")),
            ("data", describe("Call data for every case (a case's own entries win).", map(ref("text")))),
        ], required: ["flow", "cases"], description: "IVR scenario tests (*.test.yaml).") else { return [] }
        return fields
    }

    /// `ivr simulate --callers`: weights and percentages are numbers.
    /// Campaign files (`*.campaign.yaml`, SPEC 14).
    static var campaignRoot: [(String, JSONValue)] {
        let results = FlowVocabulary.callResults
        let number = JSONValue.object([("type", .array([.string("number"), .string("string")]))])
        let properties: [(String, JSONValue)] = FlowVocabulary.campaignKeys.map { key in
            switch key {
            case "campaign": return (key, describe("The campaign's name (its state in the store goes by it).", ref("text")))
            case "flow": return (key, describe("The flow file the calls run, next to this file.", ref("text")))
            case "targets": return (key, describe("A CSV with a header row: column 'number', the flow's inputs, optional 'lang', 'timezone', '_answer', '_keys'.", ref("text")))
            case "caller_id": return (key, describe("The number the called person sees.", ref("text")))
            case "timezone": return (key, describe("The targets' IANA time zone; a 'timezone' column overrides it.", ref("text")))
            case "window": return (key, describe("When calls may start, in the target's local time: day ranges to hours.", map(ref("text"))))
            case "closed": return (key, describe("Local dates (YYYY-MM-DD) with no calls.", ref("texts")))
            case "max_attempts": return (key, describe("Attempts per target at most (default 3).", ref("whole")))
            case "retry":
                let delay = JSONValue.object([("type", .string("string")), ("pattern", .string("^[0-9]+(\\.[0-9]+)?(s|m|h|d)$"))])
                return (key, describe("Delay before another attempt, by result, such as 10m or 1h.", object(["busy", "no_answer", "failed"].map { ($0, delay) })))
            case "concurrency": return (key, describe("Calls at once at most (default 1).", ref("whole")))
            case "rate": return (key, describe("New calls at most, such as 30/m (per s, m or h).", .object([("type", .string("string")), ("pattern", .string("^[0-9]+/[smh]$"))])))
            case "do_not_call": return (key, describe("A file of numbers never called, one a line.", ref("text")))
            default: return (key, describe("The simulate dialer's chances (percent, adding up to 100) and the keys pressed.",
                                           object(results.map { ($0, number) } + [("keys", ref("text"))])))
            }
        }
        guard case .object(let fields) = object(properties, required: FlowVocabulary.requiredCampaignKeys,
                                                description: "An outbound call campaign (*.campaign.yaml).") else { return [] }
        return fields
    }

    static var callersRoot: [(String, JSONValue)] {
        let number = JSONValue.object([("type", .array([.string("number"), .string("string")]))])
        let percent = describe("A percentage of the waits, 0 to 100.", number)
        let behaviour = object([
            ("keys", .object([("type", .string("object")), ("additionalProperties", number),
                              ("propertyNames", .object([("pattern", .string(keyPattern))]))])),
            ("entries", .object([("type", .string("object")), ("additionalProperties", number),
                                 ("propertyNames", .object([("pattern", .string("^[0-9*A-D]+$"))]))])),
            ("silence", percent), ("wrong_key", percent), ("hang_up", percent),
        ])
        guard case .object(let fields) = object([
            ("languages", describe("Start languages, each with a weight.", map(number))),
            ("callers", object([("pool", ref("whole")), ("prefix", ref("text")), ("unknown", percent)])),
            ("arrivals", .object([("description", .string("A weight per hour of the day, \"00\" to \"23\".")), ("type", .string("object")),
                                  ("additionalProperties", number),
                                  ("propertyNames", .object([("pattern", .string("^([01][0-9]|2[0-3])$"))]))])),
            ("defaults", behaviour),
            ("states", map(behaviour)),
        ], description: "A caller model for ivr simulate (*.callers.yaml).") else { return [] }
        return fields
    }
}

import IVRCore
/// JSON Schemas (draft-07) of flow, knowledge-base and scenario files, for
/// editors with a YAML language server: they complete keys and flag
/// misspelt ones as authors type. Scalars the compiler takes as text may be
/// read by an editor as numbers (`retries: 3`) or booleans (`barge_in: true`),
/// so both spellings are accepted.
public enum FlowSchema {
    public enum Kind: String, CaseIterable, Sendable {
        case flow, knowledge, scenario, data
    }

    public static func document(_ kind: Kind) -> JSONValue {
        let root: [(String, JSONValue)]
        switch kind {
        case .flow: root = flowRoot
        case .knowledge: root = knowledgeRoot
        case .scenario: root = scenarioRoot
        case .data: root = dataRoot
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

    static var definitions: [(String, JSONValue)] {
        let text = JSONValue.object([("type", .array([.string("string"), .string("number"), .string("integer")]))])
        let prompted: [(String, JSONValue)] = [
            ("prompt", describe("The prompt key played before waiting.", ref("text"))),
            ("no_input", describe("Prompt for silence.", ref("text"))),
            ("no_match", describe("Prompt for a key with no option.", ref("text"))),
            ("retries", describe("Failures allowed before on_failure.", ref("whole"))),
            ("timeout", ref("duration")),
            ("inter_digit_timeout", ref("duration")),
            ("barge_in", ref("boolean")),
            ("on_failure", ref("transition")),
        ]
        let condition = JSONValue.object([
            ("type", .string("object")), ("additionalProperties", .bool(false)),
            ("properties", .object([
                ("var", ref("text")), ("equals", ref("text")), ("in", ref("texts")), ("matches", ref("text")),
                ("less_than", ref("text")), ("greater_than", ref("text")), ("exists", ref("boolean")),
                ("open", describe("A schedule of hours:.", ref("text"))),
                ("all", list(ref("condition"))), ("any", list(ref("condition"))), ("not", ref("condition")),
            ])),
        ])
        func state(_ kind: String, _ body: JSONValue, next: Bool = false) -> JSONValue {
            var properties: [(String, JSONValue)] = [(kind, body), ("description", ref("text"))]
            if next { properties.append(("next", ref("transition"))) }
            return object(properties, required: next ? [kind, "next"] : [kind])
        }
        let transferBody = anyOf([ref("text"), object([("to", ref("text")), ("say", ref("texts")), ("on_fail", ref("transition"))], required: ["to"])])
        let hangupBody = anyOf([ref("text"), object([("outcome", ref("text")), ("say", ref("texts"))])])
        let ask = object(prompted + [
            ("save_as", ref("text")), ("min_digits", ref("whole")), ("max_digits", ref("whole")), ("finish_on", ref("key")),
            ("pattern", ref("text")), ("check", .object([("enum", .array([.string("luhn")]))])),
            ("confirm", ref("text")), ("sensitive", ref("boolean")), ("options", ref("options")), ("next", ref("transition")),
        ], required: ["prompt", "save_as", "next"])
        let answer = object(prompted + [
            ("category", ref("text")), ("top", ref("whole")), ("article", ref("text")), ("by_code", ref("boolean")),
            ("search", .object([("enum", .array([.string("keypad")]))])), ("item", ref("text")),
            ("max_digits", ref("whole")), ("finish_on", ref("key")),
            ("after", object([("prompt", ref("text")), ("options", ref("options"))])),
        ])
        let lookup = object([("table", ref("text")), ("key", ref("text")), ("save_as", ref("text")),
                             ("found", ref("transition")), ("not_found", ref("transition")), ("fields", ref("texts"))],
                            required: ["table", "key", "save_as", "found", "not_found"])
        let branchCase = oneOf([
            object([("if", ref("condition")), ("say", ref("texts")), ("set", ref("assignments")),
                    ("goto", ref("text")), ("transfer", ref("text")), ("hangup", ref("text"))], required: ["if"]),
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
                object([("say", ref("texts")), ("set", ref("assignments")), ("goto", ref("text")),
                        ("transfer", ref("text")), ("hangup", ref("text"))]),
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
                state("menu", object(prompted + [("options", ref("options"))], required: ["prompt"])),
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
                             ("caller", ref("text")), ("called", ref("text"))], required: ["name", "expect"])),
        ]
    }

    static var flowRoot: [(String, JSONValue)] {
        guard case .object(let fields) = object([
            ("flow", describe("The flow's name.", ref("text"))),
            ("description", ref("text")),
            ("start", describe("The first state.", ref("text"))),
            ("languages", describe("Language tags, the default first.", ref("texts"))),
            ("knowledge", ref("text")), ("data", ref("text")), ("prompts", ref("text")),
            ("hours", map(ref("schedule"))),
            ("defaults", object([("timeout", ref("duration")), ("inter_digit_timeout", ref("duration")),
                                 ("retries", ref("whole")), ("barge_in", ref("boolean")), ("max_steps", ref("whole")),
                                 ("on_failure", ref("transition"))])),
            ("global", ref("options")),
            ("states", map(ref("state"))),
        ], required: ["flow", "start", "languages", "states"], description: "An IVR flow (ivr flow language).") else { return [] }
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
        ], required: ["flow", "cases"], description: "IVR scenario tests (*.test.yaml).") else { return [] }
        return fields
    }
}

import Foundation
import Yams

/// Reads a flow file into a `FlowFile`. This is where every YAML key of a
/// flow is recognised; values that do not parse are reported and left out,
/// so the compiler's passes see as much of the flow as possible.
public struct FlowParser {
    public static let topKeys = ["flow", "description", "start", "languages", "knowledge", "data", "prompts",
                                 "hours", "defaults", "global", "states"]
    public static let stateKinds = ["say", "menu", "ask", "branch", "set", "lookup", "answer", "call", "return",
                                    "transfer", "hangup"]
    static let promptedKeys = ["prompt", "no_input", "no_match", "retries", "timeout", "inter_digit_timeout",
                               "barge_in", "on_failure"]
    static let menuKeys = promptedKeys + ["options"]
    static let askKeys = promptedKeys + ["save_as", "min_digits", "max_digits", "finish_on", "pattern", "check",
                                         "confirm", "sensitive", "options", "next"]
    static let answerKeys = promptedKeys + ["category", "top", "article", "by_code", "search", "item", "max_digits",
                                            "finish_on", "after"]
    static let defaultsKeys = ["timeout", "inter_digit_timeout", "retries", "barge_in", "max_steps", "on_failure"]
    static let transitionKeys = ["say", "set", "goto", "transfer", "hangup"]
    static let conditionKeys = ["var", "equals", "in", "matches", "less_than", "greater_than", "exists",
                                "open", "all", "any", "not"]
    static let builtInTargets = ["repeat", "back", "restart"]

    let reader: NodeReader

    public init(reader: NodeReader) { self.reader = reader }

    var bag: DiagnosticBag { reader.bag }

    /// Parses a loaded document; nil only when the root is not a mapping.
    public func parse(_ document: YAMLDocument, path: String) -> FlowFile? {
        let fileMark = SourceMark(file: document.file, line: 1, column: 1)
        guard let root = document.root else {
            bag.error("the file is empty: a flow needs 'flow', 'start', 'languages' and 'states'", at: fileMark)
            return nil
        }
        guard let top = reader.fields(root, "the flow", allowed: Self.topKeys) else { return nil }
        var flow = FlowFile(path: path, displayName: document.file, fileMark: fileMark)
        for required in ["flow", "start", "languages", "states"] where !top.has(required) {
            bag.error("missing '\(required)': \(Self.requiredHint[required] ?? "")", at: top.mark)
        }
        flow.name = top["flow"].flatMap { reader.string($0, "'flow'") }
        flow.description = top["description"].flatMap { reader.string($0, "'description'")?.value }
        flow.start = top["start"].flatMap { reader.string($0, "'start'") }
        flow.knowledge = top["knowledge"].flatMap { reader.string($0, "'knowledge'") }
        flow.data = top["data"].flatMap { reader.string($0, "'data'") }
        flow.prompts = top["prompts"].flatMap { reader.string($0, "'prompts'") }
        if let node = top["languages"] {
            flow.languages = reader.strings(node, "'languages'") ?? []
            if flow.languages.isEmpty, case .sequence = node {
                reader.error("'languages' needs at least one language tag, such as zh-CN", at: node)
            }
            var seen = Set<String>()
            for language in flow.languages where !seen.insert(language.value).inserted {
                bag.error("language '\(language.value)' is listed twice", at: language.mark)
            }
        }
        if let node = top["hours"] { flow.hours = parseHours(node) }
        if let node = top["defaults"] { flow.defaults = parseDefaults(node) }
        if let node = top["global"] {
            flow.global = parseOptions(node, "'global'")
            flow.globalMark = reader.mark(node)
        }
        if let node = top["states"], let entries = reader.entries(node, "'states'") {
            if entries.isEmpty { reader.error("'states' is empty: a flow needs at least one state", at: node) }
            for entry in entries where Self.builtInTargets.contains(entry.key.value) {
                bag.error("a state cannot be named '\(entry.key.value)': transitions to '\(entry.key.value)' mean the built-in target, so this state could never be reached by name; rename it (for example '\(entry.key.value)_menu')",
                          at: entry.key.mark)
            }
            flow.states = entries.map { parseState(name: $0.key, node: $0.value) }
        }
        return flow
    }

    static let requiredHint = [
        "flow": "name the flow, such as 'flow: hotline'",
        "start": "name the first state, such as 'start: welcome'",
        "languages": "list the languages, default first, such as 'languages: [zh-CN, en-US]'",
        "states": "add the states of the flow under 'states:'",
    ]

    // MARK: - States

    func parseState(name: Located<String>, node: Node) -> StateDecl {
        var state = StateDecl(name: name.value, mark: name.mark, description: nil, kind: .invalid)
        let what = "state '\(name.value)'"
        guard let fields = reader.fields(node, what, allowed: Self.stateKinds + ["next", "description"]) else { return state }
        state.description = fields["description"].flatMap { reader.string($0, "'description'")?.value }
        let kinds = Self.stateKinds.filter { fields.has($0) }
        guard let kind = kinds.first else {
            bag.error("\(what) has no kind: give it one of \(Self.stateKinds.joined(separator: ", "))", at: name.mark)
            return state
        }
        if kinds.count > 1 {
            bag.error("\(what) has \(kinds.count) kinds ('\(kinds.joined(separator: "', '"))'): a state has exactly one",
                      at: fields.keyMark(kinds[1]) ?? name.mark)
            return state
        }
        guard let body = fields[kind] else { return state }
        let takesNext = ["say", "set", "call"].contains(kind)
        if !takesNext, let mark = fields.keyMark("next") {
            let inside = ["menu", "answer", "return", "transfer", "hangup"].contains(kind)
                ? "a \(kind) state has no 'next'"
                : "write it inside '\(kind)'"
            bag.error("'next' does not belong here: \(inside)", at: mark)
        }
        let next = fields["next"].flatMap { takesNext ? parseTransition($0) : nil }
        switch kind {
        case "say":
            state.kind = .say(prompts: reader.strings(body, "'say'") ?? [], next: next)
        case "menu":
            state.kind = parseMenu(body, what).map { .menu($0) } ?? .invalid
        case "ask":
            state.kind = parseAsk(body, what).map { .ask($0) } ?? .invalid
        case "branch":
            state.kind = parseBranch(body, what)
        case "set":
            state.kind = .set(assignments: parseAssignments(body), next: next)
        case "lookup":
            state.kind = parseLookup(body, what).map { .lookup($0) } ?? .invalid
        case "answer":
            state.kind = parseAnswer(body, what).map { .answer($0) } ?? .invalid
        case "call":
            state.kind = reader.string(body, "'call'").map { .call(file: $0, next: next) } ?? .invalid
        case "return":
            if let flag = reader.bool(body, "'return'") {
                if flag.value { state.kind = .return } else {
                    bag.error("'return: false' means nothing: write 'return: true' to end a sub-flow", at: flag.mark)
                }
            }
        case "transfer":
            state.kind = parseTransferState(body, what) ?? .invalid
        case "hangup":
            state.kind = parseHangupState(body, what) ?? .invalid
        default:
            break
        }
        if takesNext, next == nil, !fields.has("next") {
            bag.error("\(what) goes nowhere: a \(kind) state needs 'next'", at: name.mark)
        }
        return state
    }

    func parsePrompted(_ fields: NodeReader.Fields, into common: inout PromptedDecl) {
        common.prompt = fields["prompt"].flatMap { reader.string($0, "'prompt'") }
        common.noInput = fields["no_input"].flatMap { reader.string($0, "'no_input'") }
        common.noMatch = fields["no_match"].flatMap { reader.string($0, "'no_match'") }
        common.retries = fields["retries"].flatMap { reader.integer($0, "'retries'", in: 1...100) }
        common.timeout = fields["timeout"].flatMap { reader.duration($0, "'timeout'") }
        common.interDigitTimeout = fields["inter_digit_timeout"].flatMap { reader.duration($0, "'inter_digit_timeout'") }
        common.bargeIn = fields["barge_in"].flatMap { reader.bool($0, "'barge_in'") }
        common.onFailure = fields["on_failure"].flatMap { parseTransition($0) }
    }

    func parseMenu(_ node: Node, _ what: String) -> MenuDecl? {
        guard let fields = reader.fields(node, "menu of \(what)", allowed: Self.menuKeys) else { return nil }
        var menu = MenuDecl()
        parsePrompted(fields, into: &menu.common)
        if menu.common.prompt == nil, !fields.has("prompt") {
            bag.error("the menu of \(what) needs a 'prompt'", at: fields.mark)
        }
        if let options = fields["options"] { menu.options = parseOptions(options, "'options'") }
        return menu
    }

    func parseAsk(_ node: Node, _ what: String) -> AskDecl? {
        guard let fields = reader.fields(node, "ask of \(what)", allowed: Self.askKeys) else { return nil }
        var ask = AskDecl()
        parsePrompted(fields, into: &ask.common)
        for required in ["prompt", "save_as", "next"] where !fields.has(required) {
            bag.error("the ask of \(what) needs '\(required)'", at: fields.mark)
        }
        ask.saveAs = fields["save_as"].flatMap { reader.string($0, "'save_as'") }
        if let name = ask.saveAs { checkVariableName(name) }
        ask.minDigits = fields["min_digits"].flatMap { reader.integer($0, "'min_digits'", in: 0...100) }
        ask.maxDigits = fields["max_digits"].flatMap { reader.integer($0, "'max_digits'", in: 1...100) }
        ask.finishOn = fields["finish_on"].flatMap { parseKey($0, "'finish_on'") }
        ask.pattern = fields["pattern"].flatMap { reader.string($0, "'pattern'") }
        ask.check = fields["check"].flatMap { reader.string($0, "'check'") }
        if let check = ask.check, check.value != "luhn" {
            bag.error("unknown check '\(check.value)'\(Suggestion.hint(for: check.value, in: ["luhn"])); the checks are: luhn", at: check.mark)
        }
        ask.confirm = fields["confirm"].flatMap { reader.string($0, "'confirm'") }
        ask.sensitive = fields["sensitive"].flatMap { reader.bool($0, "'sensitive'") }
        if let options = fields["options"] { ask.options = parseOptions(options, "'options'") }
        ask.next = fields["next"].flatMap { parseTransition($0) }
        if let low = ask.minDigits, let high = ask.maxDigits, low.value > high.value {
            bag.error("min_digits (\(low.value)) is above max_digits (\(high.value))", at: low.mark)
        } else if let low = ask.minDigits, ask.maxDigits == nil, low.value > 20 {
            bag.error("min_digits (\(low.value)) is above max_digits (20 by default)", at: low.mark)
        }
        return ask
    }

    func parseLookup(_ node: Node, _ what: String) -> LookupDecl? {
        let keys = ["table", "key", "save_as", "found", "not_found"]
        guard let fields = reader.fields(node, "lookup of \(what)", allowed: keys + ["fields"]) else { return nil }
        for required in keys where !fields.has(required) {
            bag.error("the lookup of \(what) needs '\(required)'", at: fields.mark)
        }
        var lookup = LookupDecl()
        lookup.table = fields["table"].flatMap { reader.string($0, "'table'") }
        lookup.key = fields["key"].flatMap { reader.string($0, "'key'") }
        lookup.saveAs = fields["save_as"].flatMap { reader.string($0, "'save_as'") }
        if let name = lookup.saveAs { checkVariableName(name) }
        lookup.found = fields["found"].flatMap { parseTransition($0) }
        lookup.notFound = fields["not_found"].flatMap { parseTransition($0) }
        if let list = fields["fields"].flatMap({ reader.sequence($0, "'fields'") }) {
            lookup.fields = list.compactMap { reader.string($0, "a field name") }
        }
        return lookup
    }

    func parseAnswer(_ node: Node, _ what: String) -> AnswerDecl? {
        guard let fields = reader.fields(node, "answer of \(what)", allowed: Self.answerKeys) else { return nil }
        var answer = AnswerDecl(mark: fields.mark)
        parsePrompted(fields, into: &answer.common)
        answer.category = fields["category"].flatMap { reader.string($0, "'category'") }
        answer.top = fields["top"].flatMap { reader.integer($0, "'top'", in: 1...9) }
        answer.article = fields["article"].flatMap { reader.string($0, "'article'") }
        answer.byCode = fields["by_code"].flatMap { reader.bool($0, "'by_code'") }
        answer.search = fields["search"].flatMap { reader.string($0, "'search'") }
        if let search = answer.search, search.value != "keypad" {
            bag.error("unknown search '\(search.value)': the only search is 'keypad'", at: search.mark)
        }
        answer.item = fields["item"].flatMap { reader.string($0, "'item'") }
        answer.maxDigits = fields["max_digits"].flatMap { reader.integer($0, "'max_digits'", in: 1...100) }
        answer.finishOn = fields["finish_on"].flatMap { parseKey($0, "'finish_on'") }
        if let after = fields["after"], let afterFields = reader.fields(after, "'after'", allowed: ["prompt", "options"]) {
            answer.afterMark = afterFields.mark
            answer.afterPrompt = afterFields["prompt"].flatMap { reader.string($0, "'prompt'") }
            answer.afterOptions = afterFields["options"].map { parseOptions($0, "'options'") }
        }
        var modes = [answer.category.map { _ in "category" }, answer.article.map { _ in "article" },
                     answer.search.map { _ in "search" }].compactMap { $0 }
        if answer.byCode?.value == true { modes.append("by_code") }
        if modes.isEmpty {
            bag.error("the answer of \(what) needs one of 'category', 'article', 'by_code: true' or 'search: keypad'", at: fields.mark)
        } else if modes.count > 1 {
            bag.error("the answer of \(what) has \(modes.count) modes ('\(modes.joined(separator: "', '"))'): choose one", at: fields.mark)
        }
        return answer
    }

    func parseTransferState(_ node: Node, _ what: String) -> StateKindDecl? {
        if case .scalar = node {
            return reader.string(node, "'transfer'").map { .transfer(to: $0, say: [], onFail: nil) }
        }
        guard let fields = reader.fields(node, "transfer of \(what)", allowed: ["to", "say", "on_fail"]) else { return nil }
        guard let target = fields["to"].flatMap({ reader.string($0, "'to'") }) else {
            if !fields.has("to") { bag.error("the transfer of \(what) needs 'to', the target to transfer to", at: fields.mark) }
            return nil
        }
        return .transfer(to: target,
                         say: fields["say"].flatMap { reader.strings($0, "'say'") } ?? [],
                         onFail: fields["on_fail"].flatMap { parseTransition($0) })
    }

    func parseHangupState(_ node: Node, _ what: String) -> StateKindDecl? {
        if case .scalar = node {
            return reader.string(node, "'hangup'").map { .hangup(outcome: $0, say: []) }
        }
        guard let fields = reader.fields(node, "hangup of \(what)", allowed: ["outcome", "say"]) else { return nil }
        let outcome = fields["outcome"].flatMap { reader.string($0, "'outcome'") } ?? Located("resolved", at: fields.mark)
        return .hangup(outcome: outcome, say: fields["say"].flatMap { reader.strings($0, "'say'") } ?? [])
    }

    // MARK: - Branches and conditions

    func parseBranch(_ node: Node, _ what: String) -> StateKindDecl {
        guard let items = reader.sequence(node, "'branch'") else { return .invalid }
        var cases: [BranchCaseDecl] = []
        var otherwise: TransitionDecl?
        for (index, item) in items.enumerated() {
            guard let fields = reader.fields(item, "a case of \(what)", allowed: ["if", "else"] + Self.transitionKeys) else { continue }
            if let elseNode = fields["else"] {
                if fields.has("if") || Self.transitionKeys.contains(where: fields.has) {
                    reader.error("an 'else' case takes only the transition: 'else: STATE' or 'else: {say: ..., goto: ...}'", at: item)
                }
                if index != items.count - 1 {
                    bag.error("'else' must be the last case of the branch", at: fields.keyMark("else") ?? reader.mark(item))
                }
                if otherwise != nil {
                    bag.error("the branch has two 'else' cases", at: fields.keyMark("else") ?? reader.mark(item))
                }
                otherwise = parseTransition(elseNode)
                continue
            }
            guard let conditionNode = fields["if"] else {
                reader.error("a case needs 'if' (or is the final 'else')", at: item)
                continue
            }
            let condition = parseCondition(conditionNode)
            let transition = parseTransitionFields(fields, mark: reader.mark(item))
            if let condition, let transition { cases.append(BranchCaseDecl(condition: condition, transition: transition)) }
        }
        if otherwise == nil, !items.isEmpty, !items.contains(where: { ($0.mapping?["else"]) != nil }) {
            bag.error("\(what) has no 'else': add '- else: STATE' as the last case", at: reader.mark(node))
        }
        return .branch(cases: cases, otherwise: otherwise)
    }

    func parseCondition(_ node: Node) -> ConditionDecl? {
        guard let fields = reader.fields(node, "a condition", allowed: Self.conditionKeys) else { return nil }
        if let list = fields["all"] ?? fields["any"] {
            guard let items = reader.sequence(list, fields.has("all") ? "'all'" : "'any'") else { return nil }
            let conditions = items.compactMap(parseCondition)
            guard conditions.count == items.count else { return nil }
            return fields.has("all") ? .all(conditions) : .any(conditions)
        }
        if let inner = fields["not"] { return parseCondition(inner).map { .not($0) } }
        if let schedule = fields["open"] { return reader.string(schedule, "'open'").map { .open(schedule: $0) } }
        guard let variableNode = fields["var"], let variable = reader.string(variableNode, "'var'") else {
            reader.error("a condition needs 'var' with one test (equals, in, matches, less_than, greater_than, exists), or 'open', 'all', 'any', 'not'", at: node)
            return nil
        }
        let tests = ["equals", "in", "matches", "less_than", "greater_than", "exists"].filter(fields.has)
        guard tests.count == 1, let test = tests.first, let value = fields[test] else {
            reader.error(tests.isEmpty
                         ? "the condition on '\(variable.value)' needs a test: equals, in, matches, less_than, greater_than or exists"
                         : "the condition on '\(variable.value)' has \(tests.count) tests: use 'all' to combine them", at: node)
            return nil
        }
        switch test {
        case "equals": return reader.string(value, "'equals'").map { .equals(variable: variable, value: $0) }
        case "in": return reader.strings(value, "'in'").map { .oneOf(variable: variable, values: $0) }
        case "matches": return reader.string(value, "'matches'").map { .matches(variable: variable, pattern: $0) }
        case "less_than", "greater_than":
            guard let number = reader.string(value, "'\(test)'") else { return nil }
            guard Numbers.decimal(number.value) != nil else {
                bag.error("'\(test)' needs a number such as 100 or 88.50, not '\(number.value)'", at: number.mark)
                return nil
            }
            return test == "less_than" ? .lessThan(variable: variable, number: number) : .greaterThan(variable: variable, number: number)
        default:
            return reader.bool(value, "'exists'").map { .exists(variable: variable, expected: $0.value) }
        }
    }

    // MARK: - Transitions, options, assignments

    /// `state`, `repeat`, `back`, `restart`, or `{say, set, goto|transfer|hangup}`.
    public func parseTransition(_ node: Node) -> TransitionDecl? {
        let mark = reader.mark(node)
        if case .scalar = node {
            guard let text = reader.string(node, "a transition") else { return nil }
            switch text.value {
            case "repeat": return TransitionDecl(mark: mark, target: .repeat(mark))
            case "back": return TransitionDecl(mark: mark, target: .back(mark))
            case "restart": return TransitionDecl(mark: mark, target: .restart(mark))
            case "":
                bag.error("empty transition: name a state, or repeat, back or restart", at: mark)
                return nil
            default: return TransitionDecl(mark: mark, target: .state(text))
            }
        }
        guard let fields = reader.fields(node, "a transition", allowed: Self.transitionKeys) else { return nil }
        return parseTransitionFields(fields, mark: mark)
    }

    func parseTransitionFields(_ fields: NodeReader.Fields, mark: SourceMark) -> TransitionDecl? {
        let ends = ["goto", "transfer", "hangup"].filter(fields.has)
        guard let end = ends.first, let endNode = fields[end] else {
            bag.error("this transition goes nowhere: add 'goto', 'transfer' or 'hangup'", at: mark)
            return nil
        }
        if ends.count > 1 {
            bag.error("a transition takes one of 'goto', 'transfer' and 'hangup', not \(ends.count)", at: fields.keyMark(ends[1]) ?? mark)
            return nil
        }
        let say = fields["say"].flatMap { reader.strings($0, "'say'") } ?? []
        let set = fields["set"].map(parseAssignments) ?? []
        switch end {
        case "goto":
            guard case .scalar = endNode else {
                reader.error("'goto' takes a state name, or repeat, back or restart", at: endNode)
                return nil
            }
            guard var inner = parseTransition(endNode) else { return nil }
            inner.say = say
            inner.set = set
            inner.mark = mark
            return inner
        case "transfer":
            return reader.string(endNode, "'transfer'").map { TransitionDecl(mark: mark, say: say, set: set, target: .transfer($0)) }
        default:
            return reader.string(endNode, "'hangup'").map { TransitionDecl(mark: mark, say: say, set: set, target: .hangup($0)) }
        }
    }

    func parseKey(_ node: Node, _ what: String) -> Located<String>? {
        guard let key = reader.string(node, what) else { return nil }
        guard DTMFKey(text: key.value) != nil else {
            bag.error("'\(key.value)' is not a key: \(what) takes one of 0-9, *, #, A-D", at: key.mark)
            return nil
        }
        return key
    }

    func parseOptions(_ node: Node, _ what: String) -> [OptionDecl] {
        guard let entries = reader.entries(node, what) else { return [] }
        var options: [OptionDecl] = []
        for entry in entries {
            guard DTMFKey(text: entry.key.value) != nil else {
                let upper = entry.key.value.uppercased()
                let hint = DTMFKey(text: upper) != nil ? " (did you mean '\(upper)'?)" : ""
                bag.error("'\(entry.key.value)' is not a key\(hint): options take one of 0-9, *, #, A-D", at: entry.key.mark)
                continue
            }
            if let transition = parseTransition(entry.value) {
                options.append(OptionDecl(key: entry.key, transition: transition))
            }
        }
        return options
    }

    func parseAssignments(_ node: Node) -> [AssignmentDecl] {
        guard let entries = reader.entries(node, "'set'") else { return [] }
        var result: [AssignmentDecl] = []
        for entry in entries {
            checkVariableName(entry.key)
            if ["caller", "called", "state", "attempt"].contains(entry.key.value) {
                bag.error("'\(entry.key.value)' is set by the interpreter and cannot be assigned", at: entry.key.mark)
                continue
            }
            if let value = reader.string(entry.value, "the value of '\(entry.key.value)'") {
                result.append(AssignmentDecl(name: entry.key, value: value))
            }
        }
        return result
    }

    func checkVariableName(_ name: Located<String>) {
        let valid = name.value.first.map { $0.isLetter || $0 == "_" } == true
            && name.value.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        if !valid {
            bag.error("'\(name.value)' is not a variable name: use letters, digits and _, starting with a letter", at: name.mark)
        }
    }

    // MARK: - Defaults and hours

    func parseDefaults(_ node: Node) -> DefaultsDecl {
        var defaults = DefaultsDecl()
        guard let fields = reader.fields(node, "'defaults'", allowed: Self.defaultsKeys) else { return defaults }
        defaults.timeout = fields["timeout"].flatMap { reader.duration($0, "'timeout'") }
        defaults.interDigitTimeout = fields["inter_digit_timeout"].flatMap { reader.duration($0, "'inter_digit_timeout'") }
        defaults.retries = fields["retries"].flatMap { reader.integer($0, "'retries'", in: 1...100) }
        defaults.bargeIn = fields["barge_in"].flatMap { reader.bool($0, "'barge_in'") }
        defaults.maxSteps = fields["max_steps"].flatMap { reader.integer($0, "'max_steps'", in: 1...1_000_000) }
        defaults.onFailure = fields["on_failure"].flatMap { parseTransition($0) }
        return defaults
    }

    func parseHours(_ node: Node) -> [ScheduleDecl] {
        guard let entries = reader.entries(node, "'hours'") else { return [] }
        return entries.map { entry in
            ScheduleDecl(name: entry.key, schedule: ScheduleParser(reader: reader).parse(entry.value, name: entry.key.value))
        }
    }
}

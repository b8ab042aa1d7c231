import Foundation
import Yams

/// Reads a flow file into a `FlowFile`. This is where every YAML key of a
/// flow is recognised; values that do not parse are reported and left out,
/// so the compiler's passes see as much of the flow as possible.
public struct FlowParser {
    // The keys are defined once, in `FlowVocabulary`.
    public static let topKeys = FlowVocabulary.topKeys
    public static let stateKinds = FlowVocabulary.stateKinds
    static let builtInTargets = FlowVocabulary.builtInTargets
    typealias Words = FlowVocabulary

    let reader: NodeReader

    public init(reader: NodeReader) { self.reader = reader }

    var bag: DiagnosticBag { reader.bag }

    /// Parses a loaded document; nil only when the root is not a mapping.
    public func parse(_ document: YAMLDocument, path: String) -> FlowFile? {
        let fileMark = SourceMark(file: document.file, line: 1, column: 1)
        guard let root = document.root else {
            bag.report(.emptyFile(.flow), at: fileMark)
            return nil
        }
        guard let top = reader.fields(root, "the flow", allowed: Self.topKeys) else { return nil }
        var flow = FlowFile(path: path, displayName: document.file, fileMark: fileMark)
        for required in Words.requiredTopKeys where !top.has(required) {
            bag.report(.missingKey(required, Self.requiredHint[required] ?? ""), at: top.mark)
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
                reader.report(.noLanguages, at: node)
            }
            var seen = Set<String>()
            for language in flow.languages where !seen.insert(language.value).inserted {
                bag.report(.languageListedTwice(language.value), at: language.mark)
            }
        }
        if let node = top["inputs"] { flow.inputs = parseInputs(node) }
        if let node = top["hours"] { flow.hours = parseHours(node) }
        if let node = top["defaults"] { flow.defaults = parseDefaults(node) }
        if let node = top["global"] {
            flow.global = parseOptions(node, "'global'")
            flow.globalMark = reader.mark(node)
        }
        if let node = top["states"], let entries = reader.entries(node, "'states'") {
            if entries.isEmpty { reader.report(.noStates, at: node) }
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
        guard let fields = reader.fields(node, what, allowed: Words.stateKinds + ["next", "description"]) else { return state }
        state.description = fields["description"].flatMap { reader.string($0, "'description'")?.value }
        let kinds = Self.stateKinds.filter { fields.has($0) }
        guard let kind = kinds.first else {
            bag.report(.stateWithoutKind(what, kinds: Self.stateKinds), at: name.mark)
            return state
        }
        if kinds.count > 1 {
            bag.report(.stateWithManyKinds(what, kinds: kinds), at: fields.keyMark(kinds[1]) ?? name.mark)
            return state
        }
        guard let body = fields[kind] else { return state }
        let takesNext = Words.kindsWithNext.contains(kind)
        if !takesNext, let mark = fields.keyMark("next") {
            bag.report(.misplacedNext(kind: kind, takesNoNext: kind != "ask" && kind != "branch" && kind != "lookup"), at: mark)
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
                    bag.report(.returnFalse, at: flag.mark)
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
            bag.report(.stateGoesNowhere(what, kind: kind), at: name.mark)
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
        guard let fields = reader.fields(node, "menu of \(what)", allowed: Words.menuKeys) else { return nil }
        var menu = MenuDecl()
        parsePrompted(fields, into: &menu.common)
        if menu.common.prompt == nil, !fields.has("prompt") {
            bag.report(.menuNeedsPrompt(what), at: fields.mark)
        }
        if let options = fields["options"] { menu.options = parseOptions(options, "'options'") }
        return menu
    }

    func parseAsk(_ node: Node, _ what: String) -> AskDecl? {
        guard let fields = reader.fields(node, "ask of \(what)", allowed: Words.askKeys) else { return nil }
        var ask = AskDecl()
        parsePrompted(fields, into: &ask.common)
        for required in Words.requiredAskKeys where !fields.has(required) {
            bag.report(.askNeedsKey(what, required), at: fields.mark)
        }
        ask.saveAs = fields["save_as"].flatMap { reader.string($0, "'save_as'") }
        if let name = ask.saveAs { checkVariableName(name) }
        ask.minDigits = fields["min_digits"].flatMap { reader.integer($0, "'min_digits'", in: 0...100) }
        ask.maxDigits = fields["max_digits"].flatMap { reader.integer($0, "'max_digits'", in: 1...100) }
        ask.finishOn = fields["finish_on"].flatMap { parseKey($0, "'finish_on'") }
        ask.pattern = fields["pattern"].flatMap { reader.string($0, "'pattern'") }
        ask.check = fields["check"].flatMap { reader.string($0, "'check'") }
        if let check = ask.check, !Words.checks.contains(check.value) {
            bag.report(.unknownCheck(check.value, suggestion: Suggestion.closest(to: check.value, in: Words.checks), checks: Words.checks), at: check.mark)
        }
        ask.confirm = fields["confirm"].flatMap { reader.string($0, "'confirm'") }
        ask.sensitive = fields["sensitive"].flatMap { reader.bool($0, "'sensitive'") }
        if let options = fields["options"] { ask.options = parseOptions(options, "'options'") }
        ask.next = fields["next"].flatMap { parseTransition($0) }
        return ask
    }

    func parseLookup(_ node: Node, _ what: String) -> LookupDecl? {
        guard let fields = reader.fields(node, "lookup of \(what)", allowed: Words.lookupKeys) else { return nil }
        for required in Words.requiredLookupKeys where !fields.has(required) {
            bag.report(.lookupNeedsKey(what, required), at: fields.mark)
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
        guard let fields = reader.fields(node, "answer of \(what)", allowed: Words.answerKeys) else { return nil }
        var answer = AnswerDecl(mark: fields.mark)
        parsePrompted(fields, into: &answer.common)
        answer.category = fields["category"].flatMap { reader.string($0, "'category'") }
        answer.top = fields["top"].flatMap { reader.integer($0, "'top'", in: 1...9) }
        answer.article = fields["article"].flatMap { reader.string($0, "'article'") }
        answer.byCode = fields["by_code"].flatMap { reader.bool($0, "'by_code'") }
        answer.search = fields["search"].flatMap { reader.string($0, "'search'") }
        if let search = answer.search, !Words.searches.contains(search.value) {
            bag.report(.unknownSearch(search.value), at: search.mark)
        }
        answer.item = fields["item"].flatMap { reader.string($0, "'item'") }
        answer.maxDigits = fields["max_digits"].flatMap { reader.integer($0, "'max_digits'", in: 1...100) }
        answer.finishOn = fields["finish_on"].flatMap { parseKey($0, "'finish_on'") }
        if let after = fields["after"], let afterFields = reader.fields(after, "'after'", allowed: Words.answerAfterKeys) {
            answer.afterMark = afterFields.mark
            answer.afterPrompt = afterFields["prompt"].flatMap { reader.string($0, "'prompt'") }
            answer.afterOptions = afterFields["options"].map { parseOptions($0, "'options'") }
        }
        var modes = [answer.category.map { _ in "category" }, answer.article.map { _ in "article" },
                     answer.search.map { _ in "search" }].compactMap { $0 }
        if answer.byCode?.value == true { modes.append("by_code") }
        if modes.isEmpty {
            bag.report(.answerNeedsMode(what), at: fields.mark)
        } else if modes.count > 1 {
            bag.report(.answerWithManyModes(what, modes: modes), at: fields.mark)
        }
        return answer
    }

    func parseTransferState(_ node: Node, _ what: String) -> StateKindDecl? {
        if case .scalar = node {
            return reader.string(node, "'transfer'").map { .transfer(to: $0, say: [], onFail: nil) }
        }
        guard let fields = reader.fields(node, "transfer of \(what)", allowed: Words.transferKeys) else { return nil }
        guard let target = fields["to"].flatMap({ reader.string($0, "'to'") }) else {
            if !fields.has("to") { bag.report(.transferNeedsTarget(what), at: fields.mark) }
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
        guard let fields = reader.fields(node, "hangup of \(what)", allowed: Words.hangupKeys) else { return nil }
        let outcome = fields["outcome"].flatMap { reader.string($0, "'outcome'") } ?? Located(Words.Defaults.hangupOutcome.rawValue, at: fields.mark)
        return .hangup(outcome: outcome, say: fields["say"].flatMap { reader.strings($0, "'say'") } ?? [])
    }

    // MARK: - Branches and conditions

    func parseBranch(_ node: Node, _ what: String) -> StateKindDecl {
        guard let items = reader.sequence(node, "'branch'") else { return .invalid }
        var cases: [BranchCaseDecl] = []
        var otherwise: TransitionDecl?
        for (index, item) in items.enumerated() {
            guard let fields = reader.fields(item, "a case of \(what)", allowed: ["if", "else"] + Words.transitionKeys) else { continue }
            if let elseNode = fields["else"] {
                if fields.has("if") || Words.transitionKeys.contains(where: fields.has) {
                    reader.report(.elseWithCondition, at: item)
                }
                if index != items.count - 1 {
                    bag.report(.elseNotLast, at: fields.keyMark("else") ?? reader.mark(item))
                }
                if otherwise != nil {
                    bag.report(.twoElses, at: fields.keyMark("else") ?? reader.mark(item))
                }
                otherwise = parseTransition(elseNode)
                continue
            }
            guard let conditionNode = fields["if"] else {
                reader.report(.caseWithoutIf, at: item)
                continue
            }
            let condition = parseCondition(conditionNode)
            let transition = parseTransitionFields(fields, mark: reader.mark(item))
            if let condition, let transition { cases.append(BranchCaseDecl(condition: condition, transition: transition)) }
        }
        if otherwise == nil, !items.isEmpty, !items.contains(where: { ($0.mapping?["else"]) != nil }) {
            bag.report(.branchWithoutElse(what), at: reader.mark(node))
        }
        return .branch(cases: cases, otherwise: otherwise)
    }

    func parseCondition(_ node: Node) -> ConditionDecl? {
        guard let fields = reader.fields(node, "a condition", allowed: Words.conditionKeys) else { return nil }
        if let list = fields["all"] ?? fields["any"] {
            guard let items = reader.sequence(list, fields.has("all") ? "'all'" : "'any'") else { return nil }
            let conditions = items.compactMap(parseCondition)
            guard conditions.count == items.count else { return nil }
            return fields.has("all") ? .all(conditions) : .any(conditions)
        }
        if let inner = fields["not"] { return parseCondition(inner).map { .not($0) } }
        if let schedule = fields["open"] { return reader.string(schedule, "'open'").map { .open(schedule: $0) } }
        guard let variableNode = fields["var"], let variable = reader.string(variableNode, "'var'") else {
            reader.report(.conditionWithoutVariable(tests: Words.conditionTests), at: node)
            return nil
        }
        let tests = Words.conditionTests.filter(fields.has)
        guard tests.count == 1, let test = tests.first, let value = fields[test] else {
            reader.report(tests.isEmpty ? .conditionWithoutTest(variable.value, tests: Words.conditionTests)
                                        : .conditionWithManyTests(variable.value, count: tests.count), at: node)
            return nil
        }
        switch test {
        case "equals": return reader.string(value, "'equals'").map { .equals(variable: variable, value: $0) }
        case "in": return reader.strings(value, "'in'").map { .oneOf(variable: variable, values: $0) }
        case "matches": return reader.string(value, "'matches'").map { .matches(variable: variable, pattern: $0) }
        case "less_than", "greater_than":
            guard let number = reader.string(value, "'\(test)'") else { return nil }
            guard Numbers.decimal(number.value) != nil else {
                bag.report(.notANumber(test: test, number.value), at: number.mark)
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
                bag.report(.emptyTransition, at: mark)
                return nil
            default: return TransitionDecl(mark: mark, target: .state(text))
            }
        }
        guard let fields = reader.fields(node, "a transition", allowed: Words.transitionKeys) else { return nil }
        return parseTransitionFields(fields, mark: mark)
    }

    func parseTransitionFields(_ fields: NodeReader.Fields, mark: SourceMark) -> TransitionDecl? {
        let ends = Words.transitionEnds.filter(fields.has)
        guard let end = ends.first, let endNode = fields[end] else {
            bag.report(.transitionGoesNowhere, at: mark)
            return nil
        }
        if ends.count > 1 {
            bag.report(.transitionWithManyEnds(ends.count), at: fields.keyMark(ends[1]) ?? mark)
            return nil
        }
        let say = fields["say"].flatMap { reader.strings($0, "'say'") } ?? []
        let set = fields["set"].map(parseAssignments) ?? []
        switch end {
        case "goto":
            guard case .scalar = endNode else {
                reader.report(.gotoNotAName, at: endNode)
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
            bag.report(.notAKey(key.value, what), at: key.mark)
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
                bag.report(.notAnOptionKey(entry.key.value, suggestion: DTMFKey(text: upper) != nil ? upper : nil), at: entry.key.mark)
                continue
            }
            if let transition = parseTransition(entry.value) {
                options.append(OptionDecl(key: entry.key, transition: transition))
            }
        }
        return options
    }

    /// `inputs: [name, amount, due_date]`: variable names, each once, none
    /// of the variables every call already has.
    func parseInputs(_ node: Node) -> [Located<String>] {
        var inputs: [Located<String>] = []
        for name in reader.strings(node, "'inputs'") ?? [] {
            checkVariableName(name)
            if Words.builtInVariables.contains(name.value) {
                bag.report(.builtInInput(name.value), at: name.mark)
            } else if inputs.contains(where: { $0.value == name.value }) {
                bag.report(.inputListedTwice(name.value), at: name.mark)
            } else {
                inputs.append(name)
            }
        }
        return inputs
    }

    func parseAssignments(_ node: Node) -> [AssignmentDecl] {
        guard let entries = reader.entries(node, "'set'") else { return [] }
        var result: [AssignmentDecl] = []
        for entry in entries {
            checkVariableName(entry.key)
            if Words.readOnlyVariables.contains(entry.key.value) {
                bag.report(.readOnlyVariable(entry.key.value), at: entry.key.mark)
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
            bag.report(.badVariableName(name.value), at: name.mark)
        }
    }

    // MARK: - Defaults and hours

    func parseDefaults(_ node: Node) -> DefaultsDecl {
        var defaults = DefaultsDecl()
        guard let fields = reader.fields(node, "'defaults'", allowed: Words.defaultsKeys) else { return defaults }
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

import Foundation

/// Lowers parsed flows into machine states: names to indices, prompt keys to
/// the prompt table (checking every catalog), schedules and patterns to
/// compiled values, defaults applied. Reports what does not resolve.
final class Lowering {
    let compilation: Compilation
    var flows: [Machine.FlowInfo] = []
    private var reportedPrompts = Set<String>()

    init(compilation: Compilation) { self.compilation = compilation }

    var bag: DiagnosticBag { compilation.bag }

    /// Where a transition is written: in a waiting state (where `repeat`
    /// means something) or not.
    enum Context {
        case waiting
        case notWaiting(String)
    }

    func run() {
        for (index, unit) in compilation.units.enumerated() {
            flows.append(lowerFlow(unit: index, file: unit.file))
        }
    }

    func lowerFlow(unit: Int, file: FlowFile) -> Machine.FlowInfo {
        let info = compilation.units[unit]
        for schedule in file.hours {
            if let compiled = schedule.schedule {
                compilation.scheduleIndex["\(unit)/\(schedule.name.value)"] = compilation.schedules.count
                compilation.schedules.append(compiled)
            }
        }
        var start = info.base
        if let name = file.start {
            if let index = info.stateIndex[name.value] { start = index } else if !file.states.isEmpty {
                bag.report(.unknownStartState(name.value, suggestion: Suggestion.closest(to: name.value, in: file.states.map(\.name))),
                           at: name.mark)
            }
        }
        var global = KeyMap<Machine.Transition>()
        for option in file.global {
            if let key = DTMFKey(text: option.key.value) {
                global[key] = transition(option.transition, unit: unit, context: .waiting)
            }
        }
        for state in file.states {
            let kind = lowerState(state, unit: unit)
            compilation.states.append(Machine.State(name: info.traceName(state.name), flow: unit, mark: state.mark, kind: kind))
        }
        return Machine.FlowInfo(name: file.name?.value ?? "", file: compilation.display(info.absolutePath),
                                start: start, global: global, isSubflow: file.isSubflow)
    }

    // MARK: - States

    func lowerState(_ state: StateDecl, unit: Int) -> Machine.Kind {
        let failed = Machine.Kind.hangup(outcome: FlowVocabulary.Outcome.failed.rawValue, say: [])
        let context = Context.notWaiting(state.kind.name)
        switch state.kind {
        case .invalid:
            return failed
        case .say(let keys, let next):
            return .say(prompts: promptList(keys, unit: unit), next: transition(next, unit: unit, context: context, owner: state))
        case .menu(let menu):
            return .menu(Machine.Menu(prompting: prompting(menu.common, unit: unit),
                                      options: options(menu.options, unit: unit)))
        case .ask(let ask):
            return lowerAsk(ask, state: state, unit: unit)
        case .branch(let cases, let otherwise):
            let lowered = cases.compactMap { item -> Machine.BranchCase? in
                guard let condition = condition(item.condition, unit: unit) else { return nil }
                return Machine.BranchCase(condition: condition, transition: transition(item.transition, unit: unit, context: context),
                                          label: item.condition.description)
            }
            return .branch(cases: lowered, otherwise: transition(otherwise, unit: unit, context: context, owner: state))
        case .set(let assignments, let next):
            return .set(assignments: self.assignments(assignments, unit: unit),
                        next: transition(next, unit: unit, context: context, owner: state))
        case .lookup(let lookup):
            return lowerLookup(lookup, state: state, unit: unit)
        case .answer(let answer):
            return lowerAnswer(answer, state: state, unit: unit) ?? failed
        case .call(let file, let next):
            let path = ((compilation.units[unit].directory as NSString).appendingPathComponent(file.value) as NSString).standardizingPath
            // A sub-flow with no states has its error already; nothing to call.
            guard let target = compilation.unitByPath[path], !compilation.units[target].file.states.isEmpty else { return failed }
            let start = flowStart(target)
            return .call(start: start, next: transition(next, unit: unit, context: context, owner: state))
        case .return:
            return .return
        case .transfer(let to, let say, let onFail):
            return .transfer(target: to.value, say: promptList(say, unit: unit),
                             onFail: onFail.map { transition($0, unit: unit, context: context) })
        case .hangup(let outcome, let say):
            return .hangup(outcome: outcome.value, say: promptList(say, unit: unit))
        }
    }

    func flowStart(_ unit: Int) -> Int {
        let info = compilation.units[unit]
        return info.file.start.flatMap { info.stateIndex[$0.value] } ?? info.base
    }

    func lowerAsk(_ ask: AskDecl, state: StateDecl, unit: Int) -> Machine.Kind {
        var pattern: Pattern?
        if let source = ask.pattern { pattern = compilePattern(source) }
        let minDigits = ask.minDigits?.value ?? 1
        let maxDigits = ask.maxDigits?.value ?? FlowVocabulary.Defaults.maxDigits
        let finishOn = ask.finishOn.flatMap { DTMFKey(text: $0.value) } ?? .pound
        let options = options(ask.options, unit: unit)
        for option in ask.options where option.key.value.first?.isNumber == true {
            bag.report(.optionTakesFirstKey(option.key.value), at: option.key.mark)
        }
        return .ask(Machine.Ask(prompting: prompting(ask.common, unit: unit),
                                variable: ask.saveAs?.value ?? "",
                                minDigits: minDigits, maxDigits: maxDigits, finishOn: finishOn,
                                pattern: pattern, luhn: ask.check?.value == "luhn",
                                confirm: ask.confirm.flatMap { prompt($0, unit: unit) },
                                sensitive: ask.sensitive?.value ?? false,
                                options: options,
                                next: transition(ask.next, unit: unit, context: .waiting, owner: state)))
    }

    func lowerLookup(_ lookup: LookupDecl, state: StateDecl, unit: Int) -> Machine.Kind {
        let context = Context.notWaiting("lookup")
        if let table = lookup.table {
            if let tables = compilation.units[unit].tables {
                if tables.tables[table.value] == nil, !tables.declared.contains(table.value) {
                    bag.report(.unknownTable(table.value, suggestion: compilation.suggestion(for: table.value, cacheKey: "tables \(unit)") { tables.tables.keys.sorted() }),
                               at: table.mark)
                }
            } else if compilation.units[unit].file.data == nil {
                bag.report(.noDataFile(table: table.value), at: table.mark)
            }
        }
        return .lookup(Machine.Lookup(table: lookup.table?.value ?? "",
                                      key: Template(lookup.key?.value ?? ""),
                                      variable: lookup.saveAs?.value ?? "",
                                      found: transition(lookup.found, unit: unit, context: context, owner: state),
                                      notFound: transition(lookup.notFound, unit: unit, context: context, owner: state)))
    }

    /// An answer state: its mode checked against the knowledge base, the
    /// articles it can play checked for every language of the machine.
    func lowerAnswer(_ answer: AnswerDecl, state: StateDecl, unit: Int) -> Machine.Kind? {
        let info = compilation.units[unit]
        guard let knowledgeIndex = info.knowledge else {
            if info.file.knowledge == nil {
                bag.report(.answerNeedsKnowledge, at: answer.mark)
            }
            return nil
        }
        let base = compilation.knowledgeBases[knowledgeIndex]
        let mode: Machine.Answer.Mode
        var playable: [Int]
        if let category = answer.category {
            guard base.categories.contains(category.value) else {
                bag.report(.unknownCategory(category.value, suggestion: compilation.suggestion(for: category.value, cacheKey: "categories " + base.path) { base.categories },
                                            in: compilation.display(base.path)), at: category.mark)
                return nil
            }
            mode = .category(category.value)
            playable = base.articles(inCategory: category.value)
        } else if let article = answer.article {
            guard let index = base.index(of: article.value) else {
                bag.report(.unknownArticle(article.value, suggestion: compilation.suggestion(for: article.value, cacheKey: "articles " + base.path) { base.articles.map(\.id) },
                                           in: compilation.display(base.path)), at: article.mark)
                return nil
            }
            mode = .article(article.value)
            playable = [index]
        } else if answer.byCode?.value == true {
            mode = .byCode
            playable = base.articles.indices.filter { base.articles[$0].code != nil }
        } else if answer.search != nil {
            mode = .keypadSearch
            playable = base.articles.indices.filter { !base.spellings[$0].isEmpty }
        } else {
            return nil
        }
        playable = playable.filter { compilation.checkedArticles.insert("\(knowledgeIndex)/\($0)").inserted }
        for index in playable {
            let article = base.articles[index]
            for language in compilation.machineLanguages {
                let missing = [article.title(language) == nil ? "title" : nil, article.answer(language) == nil ? "answer" : nil].compactMap { $0 }
                if !missing.isEmpty {
                    bag.report(.articleMissingLanguage(article.id, language: language, missing: missing), at: article.mark)
                }
            }
        }
        let afterMark = answer.afterMark ?? answer.mark
        let afterOptions: KeyMap<Machine.Transition>
        if let given = answer.afterOptions {
            afterOptions = options(given, unit: unit)
        } else {
            var defaults = KeyMap<Machine.Transition>()
            defaults[.k1] = Machine.Transition(says: [], sets: [], target: .repeat, mark: afterMark)
            defaults[.k2] = Machine.Transition(says: [], sets: [], target: .hangup(FlowVocabulary.Outcome.resolved.rawValue), mark: afterMark)
            // SPEC 5.7: the flow's global "0" when it has one (an agent key
            // that checks business hours keeps doing so), else the operator.
            if !compilation.units[unit].file.global.contains(where: { $0.key.value == "0" }) {
                defaults[.k0] = Machine.Transition(says: [], sets: [], target: .transfer("operator"), mark: afterMark)
            }
            afterOptions = defaults
        }
        let item = answer.item ?? Located("kb.item", at: answer.mark)
        let after = answer.afterPrompt ?? Located("kb.after", at: afterMark)
        guard let itemPrompt = prompt(item, unit: unit), let afterPrompt = prompt(after, unit: unit) else { return nil }
        return .answer(Machine.Answer(prompting: prompting(answer.common, unit: unit), mode: mode, knowledge: knowledgeIndex,
                                      top: answer.top?.value ?? 5, item: itemPrompt,
                                      maxDigits: answer.maxDigits?.value ?? FlowVocabulary.Defaults.maxDigits,
                                      finishOn: answer.finishOn.flatMap { DTMFKey(text: $0.value) } ?? .pound,
                                      afterPrompt: afterPrompt, afterOptions: afterOptions))
    }

    func prompting(_ common: PromptedDecl, unit: Int) -> Machine.Prompting {
        let defaults = compilation.units[unit].file.defaults
        let onFailure = common.onFailure ?? defaults.onFailure
        return Machine.Prompting(
            prompt: common.prompt.flatMap { prompt($0, unit: unit) },
            noInput: common.noInput.flatMap { prompt($0, unit: unit) },
            noMatch: common.noMatch.flatMap { prompt($0, unit: unit) },
            retries: common.retries?.value ?? defaults.retries?.value ?? FlowVocabulary.Defaults.retries,
            timeoutMs: common.timeout?.value ?? defaults.timeout?.value ?? FlowVocabulary.Defaults.timeoutMs,
            interDigitTimeoutMs: common.interDigitTimeout?.value ?? defaults.interDigitTimeout?.value ?? FlowVocabulary.Defaults.interDigitTimeoutMs,
            bargeIn: common.bargeIn?.value ?? defaults.bargeIn?.value ?? FlowVocabulary.Defaults.bargeIn,
            onFailure: onFailure.map { transition($0, unit: unit, context: .waiting) }
                ?? Machine.Transition(says: [], sets: [], target: .hangup(FlowVocabulary.Defaults.onFailure.rawValue), mark: compilation.units[unit].file.fileMark))
    }

    func options(_ list: [OptionDecl], unit: Int) -> KeyMap<Machine.Transition> {
        var map = KeyMap<Machine.Transition>()
        for option in list {
            guard let key = DTMFKey(text: option.key.value) else { continue }
            map[key] = transition(option.transition, unit: unit, context: .waiting)
        }
        return map
    }

    // MARK: - Transitions

    /// A missing transition (already reported by the parser) ends the call as failed.
    func transition(_ decl: TransitionDecl?, unit: Int, context: Context, owner: StateDecl) -> Machine.Transition {
        guard let decl else {
            return Machine.Transition(says: [], sets: [], target: .hangup(FlowVocabulary.Outcome.failed.rawValue), mark: owner.mark)
        }
        return transition(decl, unit: unit, context: context)
    }

    func transition(_ decl: TransitionDecl, unit: Int, context: Context) -> Machine.Transition {
        let target: Machine.Target
        switch decl.target {
        case .state(let name):
            if let index = compilation.units[unit].stateIndex[name.value] {
                target = .state(index)
            } else {
                let suggestion = compilation.suggestion(for: name.value, cacheKey: "states \(unit)") {
                    compilation.units[unit].file.states.map(\.name) + FlowParser.builtInTargets
                }
                bag.report(.unknownState(name.value, suggestion: suggestion), at: name.mark)
                target = .hangup(FlowVocabulary.Outcome.failed.rawValue)
            }
        case .repeat(let mark):
            if case .notWaiting(let kind) = context {
                bag.report(.repeatWithoutWait(kind: kind), at: mark)
            }
            target = .repeat
        case .back:
            target = .back
        case .restart:
            target = .restart
        case .transfer(let name):
            target = .transfer(name.value)
        case .hangup(let outcome):
            target = .hangup(outcome.value)
        }
        return Machine.Transition(says: promptList(decl.say, unit: unit), sets: assignments(decl.set, unit: unit),
                                  target: target, mark: decl.mark)
    }

    func assignments(_ list: [AssignmentDecl], unit: Int) -> [Machine.Assignment] {
        let declared = compilation.units[unit].file.languages.map(\.value)
        return list.map { item in
            let template = Template(item.value.value)
            if item.name.value == "language", template.isPlainText, !declared.contains(item.value.value) {
                bag.report(.undeclaredLanguage(item.value.value, declared: declared, suggestion: Suggestion.closest(to: item.value.value, in: declared)),
                           at: item.value.mark)
            }
            return Machine.Assignment(name: item.name.value, value: template, mark: item.name.mark)
        }
    }

    // MARK: - Conditions

    func condition(_ decl: ConditionDecl, unit: Int) -> Machine.Condition? {
        switch decl {
        case .equals(let variable, let value):
            return .equals(Machine.Variable(variable.value), value.value)
        case .oneOf(let variable, let values):
            return .oneOf(Machine.Variable(variable.value), values.map(\.value))
        case .matches(let variable, let source):
            return compilePattern(source).map { .matches(Machine.Variable(variable.value), $0) }
        case .lessThan(let variable, let number):
            return Numbers.decimal(number.value).map { .lessThan(Machine.Variable(variable.value), $0) }
        case .greaterThan(let variable, let number):
            return Numbers.decimal(number.value).map { .greaterThan(Machine.Variable(variable.value), $0) }
        case .exists(let variable, let expected):
            return .exists(Machine.Variable(variable.value), expected)
        case .open(let name):
            if let index = compilation.scheduleIndex["\(unit)/\(name.value)"] { return .open(index) }
            let file = compilation.units[unit].file
            if !file.hours.contains(where: { $0.name.value == name.value }) {
                bag.report(.unknownSchedule(name.value, suggestion: compilation.suggestion(for: name.value, cacheKey: "schedules \(unit)") { file.hours.map(\.name.value) }),
                           at: name.mark)
            }
            return nil
        case .all(let list):
            let lowered = list.compactMap { condition($0, unit: unit) }
            return lowered.count == list.count ? .all(lowered) : nil
        case .any(let list):
            let lowered = list.compactMap { condition($0, unit: unit) }
            return lowered.count == list.count ? .any(lowered) : nil
        case .not(let inner):
            return condition(inner, unit: unit).map { .not($0) }
        }
    }

    func compilePattern(_ source: Located<String>) -> Pattern? {
        switch Pattern.compile(source.value) {
        case .success(let pattern):
            if pattern.mayBacktrackExponentially {
                bag.report(.backtrackingPattern(source.value), at: source.mark)
            }
            return pattern
        case .failure(let error):
            bag.report(.badRegularExpression(source.value, reason: error.reason), at: source.mark)
            return nil
        }
    }

    // MARK: - Prompts

    func promptList(_ keys: [Located<String>], unit: Int) -> [Int] {
        keys.compactMap { prompt($0, unit: unit) }
    }

    /// The prompt table entry for a key, checked against every catalog of
    /// the machine's languages (reported once per key and directory).
    func prompt(_ key: Located<String>, unit: Int) -> Int? {
        let info = compilation.units[unit]
        let id = info.promptDirectory + "\u{0}" + key.value
        if let index = compilation.promptIndex[id] { return index }
        var texts: [Template] = []
        var audio: [MediaReference?] = []
        var missing: [PromptCatalog] = []
        for language in compilation.machineLanguages {
            guard let catalog = info.catalogs[language] else {
                texts.append(Template(""))
                audio.append(nil)
                continue
            }
            if let text = catalog.entries[key.value] {
                texts.append(Template(text.value))
                audio.append(compilation.media(key.value, catalog: catalog, directory: info.promptDirectory))
            } else {
                missing.append(catalog)
                texts.append(Template(""))
                audio.append(nil)
            }
        }
        if !missing.isEmpty {
            let catalog = missing[0]
            let suggestion = compilation.suggestion(for: key.value, cacheKey: "catalog " + catalog.path) { catalog.entries.keys.sorted() }
            let places = missing.map { "\($0.language) (\(compilation.display($0.path)))" }
            let which = places.count == 1 ? "the \(missing[0].language) catalog (\(compilation.display(missing[0].path)))"
                                          : "the catalogs " + places.joined(separator: ", ")
            bag.report(.missingPrompt(key.value, from: which, suggestion: suggestion), at: key.mark)
        }
        let index = compilation.prompts.count
        compilation.prompts.append(Machine.Prompt(key: key.value, texts: texts, audio: audio))
        compilation.promptIndex[id] = index
        return index
    }
}

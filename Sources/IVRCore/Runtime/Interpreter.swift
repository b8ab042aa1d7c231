import Foundation

/// The pure interpreter: one `mutating func` per event, actions and trace
/// lines out. It reads no clock, starts no timer and does no I/O; the host
/// carries out the actions and sends the next event. Between events it
/// always stands at a wait, at a pending lookup or transfer, or has ended.
public struct Interpreter: Sendable {
    public let machine: Machine
    public private(set) var call: Call
    /// Trace lines cost time; a gateway that keeps no trace can turn them off.
    public var tracing = true
    /// Article hit counts as the host read them when the call started; they
    /// order `top` menus and keypad-search matches.
    public var popularity = Popularity()
    /// Report the states and transitions passed in `Output.covered` (for
    /// `ivr test --coverage` and `ivr explore`).
    public var coverage = false
    private var out = Output()

    public init(machine: Machine) {
        self.machine = machine
        self.call = Call(machineVersion: machine.version)
    }

    public enum ResumeError: Error, Equatable, CustomStringConvertible {
        case versionMismatch(call: String, machine: String)
        case badState

        public var description: String {
            switch self {
            case let .versionMismatch(call, machine):
                return "the saved call runs on machine version \(call), not \(machine): keep that version loaded for it"
            case .badState:
                return "the saved call names a state this machine does not have"
            }
        }
    }

    /// Resumes a saved call; the machine must be the version it was saved on.
    public init(machine: Machine, resuming call: Call) throws {
        guard call.machineVersion == machine.version else {
            throw ResumeError.versionMismatch(call: call.machineVersion, machine: machine.version)
        }
        guard machine.states.indices.contains(call.state), machine.languages.indices.contains(call.language),
              (call.history + call.returns).allSatisfy(machine.states.indices.contains) else {
            throw ResumeError.badState
        }
        self.machine = machine
        self.call = call
    }

    public var isEnded: Bool {
        switch call.phase {
        case .ended, .transferring: return true
        default: return false
        }
    }

    /// True when the interpreter waits for a key or a timeout.
    public var isWaiting: Bool {
        switch call.phase {
        case .menu, .entry, .confirm, .answerOffer, .answerAfter, .answerEntry: return true
        default: return false
        }
    }

    public var isAwaitingLookup: Bool {
        if case .lookup = call.phase { return true }
        return false
    }

    // MARK: - Events

    public mutating func handle(_ event: Event) -> Output {
        switch event {
        case let .start(caller, called, language, time):
            return start(caller: caller, called: called, language: language, time: time)
        case .key(let key): return self.key(key)
        case .timeout: return timeout()
        case .hangup: return hangup()
        case .lookupResult(let record): return lookupResult(record)
        case .transferFailed(let reason): return transferFailed(reason)
        }
    }

    public mutating func start(caller: String, called: String, language: String? = nil, time: Date) -> Output {
        begin()
        guard call.phase == .notStarted, !machine.states.isEmpty else { return finishOutput() }
        call.variables["caller"] = .text(caller)
        call.variables["called"] = .text(called)
        call.language = language.flatMap(machine.languageIndex) ?? 0
        call.time = time
        call.phase = .running
        call.state = machine.start
        run(jump(to: machine.start))
        return finishOutput()
    }

    public mutating func key(_ key: DTMFKey) -> Output {
        begin()
        switch call.phase {
        case .running, .lookup:
            call.typeAhead.append(key)
        case .menu, .entry, .confirm, .answerOffer, .answerAfter, .answerEntry:
            press(key)
        case .notStarted, .transferring, .ended:
            break
        }
        return finishOutput()
    }

    public mutating func timeout() -> Output {
        begin()
        guard isWaiting else { return finishOutput() }
        emit(.timeout)
        switch (call.phase, machine.states[call.state].kind) {
        case (.entry, .ask(let ask)) where !call.entry.isEmpty:
            finishEntry(ask)
        case (.answerEntry, .answer(let answer)) where !call.entry.isEmpty:
            finishAnswerEntry(answer)
        default:
            fail(input: nil)
        }
        return finishOutput()
    }

    public mutating func hangup() -> Output {
        begin()
        switch call.phase {
        case .transferring, .ended: break
        default: end("abandoned", hangUp: false)
        }
        return finishOutput()
    }

    public mutating func lookupResult(_ record: [String: String]?) -> Output {
        begin()
        guard case .lookup(let key, let masked) = call.phase, case .lookup(let lookup) = machine.states[call.state].kind else {
            return finishOutput()
        }
        emit(.lookup(table: lookup.table, key: masked ? "***" : key, found: record != nil))
        cover(record != nil ? .found(call.state) : .notFound(call.state))
        if let record {
            call.variables[lookup.variable] = .record(record)
        } else {
            call.variables[lookup.variable] = nil
        }
        call.sensitive.remove(lookup.variable)
        call.phase = .running
        run(record != nil ? lookup.found : lookup.notFound)
        return finishOutput()
    }

    public mutating func transferFailed(_ reason: String) -> Output {
        begin()
        guard case .transferring(let onFail) = call.phase else { return finishOutput() }
        if let onFail, case .transfer(_, _, let transition?) = machine.states[onFail].kind {
            cover(.onFail(onFail))
            call.phase = .running
            call.outcome = nil
            call.state = onFail
            run(transition)
        } else {
            end("failed", hangUp: true)
        }
        return finishOutput()
    }

    // MARK: - Output

    private mutating func begin() {
        out = Output()
        out.actions.reserveCapacity(4)  // a key usually brings a play or two and a wait
    }

    private mutating func finishOutput() -> Output {
        drainTypeAhead()
        let result = out
        out = Output()
        return result
    }

    /// Keys that came while the interpreter was busy go to the waits that follow.
    private mutating func drainTypeAhead() {
        while isWaiting, !call.typeAhead.isEmpty {
            press(call.typeAhead.removeFirst())
        }
        if isEnded { call.typeAhead.removeAll() }
    }

    private var current: Machine.State { machine.states[call.state] }

    private mutating func cover(_ point: CoveragePoint) {
        if coverage { out.covered.append(point) }
    }

    private mutating func emit(_ kind: TraceEvent.Kind) {
        if tracing { out.trace.append(TraceEvent(state: current.name, kind: kind)) }
    }

    // MARK: - Running states

    private func jump(to state: Int) -> Machine.Transition {
        Machine.Transition(says: [], sets: [], target: .state(state), mark: machine.states[state].mark)
    }

    /// Takes transitions until the call waits, asks for a lookup or ends.
    private mutating func run(_ first: Machine.Transition) {
        var next: Machine.Transition? = first
        while let transition = next, call.phase == .running || isWaiting {
            next = take(transition)
        }
    }

    private mutating func take(_ transition: Machine.Transition) -> Machine.Transition? {
        for prompt in transition.says { play(prompt, bargeIn: true) }
        for assignment in transition.sets { assign(assignment) }
        switch transition.target {
        case .state(let index):
            return enter(index)
        case .repeat:
            replay()
            return nil
        case .back:
            if call.history.last == call.state { call.history.removeLast() }
            return enter(call.history.last ?? machine.start)
        case .restart:
            call.history.removeAll()
            call.returns.removeAll()
            return enter(machine.start)
        case .transfer(let target):
            transfer(to: target, onFail: nil)
            return nil
        case .hangup(let outcome):
            end(outcome, hangUp: true)
            return nil
        }
    }

    private mutating func enter(_ index: Int) -> Machine.Transition? {
        let flow = machine.states[index].flow
        // Leaving a sub-flow by `back` or `restart` drops its return frames:
        // the innermost frame always names the flow the call is in.
        while let site = call.returns.last, calledFlow(site) != flow {
            call.returns.removeLast()
        }
        call.state = index
        call.phase = .running
        call.steps += 1
        emit(.enter)
        cover(.state(index))
        if call.steps >= machine.maxSteps {
            end("failed", hangUp: true)
            return nil
        }
        switch current.kind {
        case .say(let prompts, let next):
            for prompt in prompts { play(prompt, bargeIn: true) }
            return next
        case .menu(let menu):
            arrive(index)
            call.phase = .menu
            promptAndWait(menu.prompting, maxKeys: 1, finishOn: nil)
        case .ask(let ask):
            arrive(index)
            call.phase = .entry
            call.entry = ""
            promptAndWait(ask.prompting, maxKeys: ask.maxDigits, finishOn: ask.finishOn)
        case .answer(let answer):
            arrive(index)
            startAnswer(answer)
        case .branch(let cases, let otherwise):
            let position = cases.firstIndex { holds($0.condition) } ?? cases.count
            cover(.branch(index, position))
            return position < cases.count ? cases[position].transition : otherwise
        case .set(let assignments, let next):
            for assignment in assignments { assign(assignment) }
            return next
        case .lookup(let lookup):
            let masked = lookup.key.variables.contains(where: call.sensitive.contains)
            let key = render(lookup.key)
            call.phase = .lookup(key: key, masked: masked)
            out.actions.append(.lookup(table: lookup.table, key: key))
        case .call(let start, _):
            call.returns.append(index)
            return jump(to: start)
        case .return:
            guard let site = call.returns.popLast(), case .call(_, let next) = machine.states[site].kind else {
                end("failed", hangUp: true)
                return nil
            }
            call.state = site
            return next
        case .transfer(let target, let say, let onFail):
            for prompt in say { play(prompt, bargeIn: true) }
            transfer(to: target, onFail: onFail == nil ? nil : index)
        case .hangup(let outcome, let say):
            for prompt in say { play(prompt, bargeIn: true) }
            end(outcome, hangUp: true)
        }
        return nil
    }

    private func calledFlow(_ site: Int) -> Int? {
        if case .call(let start, _) = machine.states[site].kind { return machine.states[start].flow }
        return nil
    }

    /// Entering a waiting state: history and a fresh failure counter.
    private mutating func arrive(_ index: Int) {
        if call.history.last != index { call.history.append(index) }
        call.failures = 0
    }

    /// `repeat`: the current waiting state's prompt again, nothing counted.
    private mutating func replay() {
        switch current.kind {
        case .menu(let menu):
            call.phase = .menu
            promptAndWait(menu.prompting, maxKeys: 1, finishOn: nil)
        case .ask(let ask):
            call.phase = .entry
            call.entry = ""
            promptAndWait(ask.prompting, maxKeys: ask.maxDigits, finishOn: ask.finishOn)
        case .answer(let answer):
            replayAnswer(answer)
        default:
            end("failed", hangUp: true)
        }
    }

    private mutating func promptAndWait(_ prompting: Machine.Prompting, maxKeys: Int, finishOn: DTMFKey?) {
        if let prompt = prompting.prompt { play(prompt, bargeIn: prompting.bargeIn) }
        wait(prompting, maxKeys: maxKeys, finishOn: finishOn)
    }

    private mutating func wait(_ prompting: Machine.Prompting, maxKeys: Int, finishOn: DTMFKey?) {
        out.actions.append(.wait(Action.Wait(maxKeys: maxKeys, finishOn: finishOn, timeoutMs: prompting.timeoutMs,
                                             interDigitTimeoutMs: prompting.interDigitTimeoutMs, bargeIn: prompting.bargeIn)))
        if tracing {
            emit(.wait(maxKeys: maxKeys, finishOn: finishOn?.description, timeoutMs: prompting.timeoutMs,
                       interDigitTimeoutMs: prompting.interDigitTimeoutMs))
        }
    }

    // MARK: - Keys

    private mutating func press(_ key: DTMFKey) {
        let state = current
        switch state.kind {
        case .menu(let menu) where call.phase == .menu:
            if tracing { emit(.key(key.description)) }
            if let transition = menu.options[key] {
                cover(.option(call.state, key))
                run(transition)
            } else {
                globalOrNoMatch(key)
            }
        case .ask(let ask) where call.phase == .entry:
            emit(.key(ask.sensitive ? "***" : key.description))
            if call.entry.isEmpty, let option = ask.options[key] {
                cover(.option(call.state, key))
                run(option)
            } else if key == ask.finishOn {
                finishEntry(ask)
            } else {
                call.entry.append(key.character)
                if call.entry.count >= ask.maxDigits { finishEntry(ask) }
            }
        case .ask(let ask) where call.phase == .confirm:
            emit(.key(ask.sensitive ? "***" : key.description))
            switch key {
            case .k1:
                call.phase = .running
                run(ask.next)
            case .k2:
                call.phase = .entry
                call.entry = ""
                promptAndWait(ask.prompting, maxKeys: ask.maxDigits, finishOn: ask.finishOn)
            default:
                fail(input: key.description)
            }
        case .answer(let answer):
            pressInAnswer(key, answer)
        default:
            break
        }
    }

    /// A key the waiting state has no option for: the flow's global key,
    /// else a no-match. (Asks and code or search entries never get here.)
    private mutating func globalOrNoMatch(_ key: DTMFKey) {
        let flow = current.flow
        if let transition = machine.flows[flow].global[key] {
            cover(.global(flow, key))
            run(transition)
        } else {
            fail(input: key.description)
        }
    }

    private mutating func finishEntry(_ ask: Machine.Ask) {
        let value = call.entry
        call.entry = ""
        let valid = value.count >= ask.minDigits
            && (ask.pattern?.matches(value) ?? true)
            && (!ask.luhn || Luhn.isValid(value))
        guard valid else {
            fail(input: value)
            return
        }
        setVariable(ask.variable, to: value, sensitive: ask.sensitive)
        if let confirm = ask.confirm {
            call.phase = .confirm
            play(confirm, bargeIn: ask.prompting.bargeIn)
            wait(ask.prompting, maxKeys: 1, finishOn: nil)
        } else {
            call.phase = .running
            run(ask.next)
        }
    }

    /// A no-match (`input` given) or a no-input: count it, play its prompt,
    /// then `on_failure` once the failures reach `retries`, else prompt again.
    private mutating func fail(input: String?) {
        guard let prompting = prompting(of: current) else { return }
        call.failures += 1
        cover(input == nil ? .noInput(call.state) : .noMatch(call.state))
        if let input {
            emit(.noMatch(attempt: call.failures, input: maskedInput(input)))
            if let prompt = prompting.noMatch { play(prompt, bargeIn: prompting.bargeIn) }
        } else {
            emit(.noInput(attempt: call.failures))
            if let prompt = prompting.noInput { play(prompt, bargeIn: prompting.bargeIn) }
        }
        if call.failures >= prompting.retries {
            cover(.onFailure(call.state))
            call.phase = .running
            run(prompting.onFailure)
            return
        }
        switch (call.phase, current.kind) {
        case (.confirm, .ask(let ask)):
            if let confirm = ask.confirm { play(confirm, bargeIn: prompting.bargeIn) }
            wait(prompting, maxKeys: 1, finishOn: nil)
        case (.entry, .ask(let ask)):
            promptAndWait(prompting, maxKeys: ask.maxDigits, finishOn: ask.finishOn)
        case (_, .answer(let answer)):
            repromptAnswer(answer)
        default:
            promptAndWait(prompting, maxKeys: 1, finishOn: nil)
        }
    }

    private func maskedInput(_ input: String) -> String {
        if case .ask(let ask) = current.kind, ask.sensitive { return "***" }
        return input
    }

    private func prompting(of state: Machine.State) -> Machine.Prompting? {
        switch state.kind {
        case .menu(let menu): return menu.prompting
        case .ask(let ask): return ask.prompting
        case .answer(let answer): return answer.prompting
        default: return nil
        }
    }

    // MARK: - Endings

    private mutating func transfer(to target: String, onFail: Int?) {
        call.lastTransfer = target
        emit(.transfer(target: target))
        out.actions.append(.transfer(target))
        call.phase = .transferring(onFail: onFail)
        call.outcome = "transferred"
        emit(.end(outcome: "transferred", steps: call.steps))
    }

    private mutating func end(_ outcome: String, hangUp: Bool) {
        call.phase = .ended
        call.outcome = outcome
        if outcome == "resolved", let article = call.lastArticle, let knowledge = call.lastKnowledge {
            out.actions.append(.countResolution(knowledgeBase: machine.knowledgeBases[knowledge].name, article: article))
        }
        if hangUp { out.actions.append(.hangup(outcome)) }
        emit(.end(outcome: outcome, steps: call.steps))
    }

    // MARK: - Prompts and variables

    mutating func play(_ index: Int, bargeIn: Bool, extra: [String: String] = [:]) {
        let prompt = machine.prompts[index]
        let language = call.language
        let template = prompt.texts[language]
        let text = render(template, extra: extra)
        out.actions.append(.play(Action.Play(prompt: prompt.key, language: machine.languages[language], text: text,
                                             audio: prompt.audio[language], bargeIn: bargeIn)))
        if tracing {
            let shown = call.sensitive.isEmpty ? text : render(template, masked: true, extra: extra)
            emit(.play(prompt: prompt.key, language: machine.languages[language], text: shown, audio: prompt.audio[language]))
        }
    }

    func render(_ template: Template, masked: Bool = false, extra: [String: String] = [:]) -> String {
        if let literal = template.literal { return literal }
        return template.render(value: { name, field in extra[name] ?? value(name, field) },
                        mask: { masked && extra[$0] == nil && call.sensitive.contains($0) })
    }

    /// A variable's text (`name`) or a record's field (`name.field`); nil when unset.
    func value(_ name: String, _ field: String?) -> String? {
        switch name {
        case "language": return machine.languages[call.language]
        case "state": return current.name
        case "attempt": return String(call.failures)
        default:
            switch call.variables[name] {
            case .text(let text)?: return field == nil ? text : nil
            case .record(let record)?: return field.map { record[$0] } ?? ""
            case nil: return nil
            }
        }
    }

    private mutating func assign(_ assignment: Machine.Assignment) {
        let sensitive = assignment.value.variables.contains(where: call.sensitive.contains)
        setVariable(assignment.name, to: render(assignment.value), sensitive: sensitive)
    }

    private mutating func setVariable(_ name: String, to value: String, sensitive: Bool) {
        if name == "language" {
            if let index = machine.languageIndex(value) { call.language = index }
        } else {
            call.variables[name] = .text(value)
        }
        if sensitive { call.sensitive.insert(name) } else { call.sensitive.remove(name) }
        emit(.set(name: name, value: sensitive ? "***" : value))
    }

    /// Variables at this point, built-ins included, for hosts and scenario checks.
    public func variable(_ path: String) -> String? {
        let variable = Machine.Variable(path)
        return value(variable.name, variable.field)
    }

    // MARK: - Conditions

    private func holds(_ condition: Machine.Condition) -> Bool {
        switch condition {
        case .equals(let variable, let expected):
            return read(variable) == expected
        case .oneOf(let variable, let values):
            return read(variable).map(values.contains) ?? false
        case .matches(let variable, let pattern):
            return read(variable).map(pattern.matches) ?? false
        case .lessThan(let variable, let number):
            return read(variable).flatMap(Numbers.decimal).map { $0 < number } ?? false
        case .greaterThan(let variable, let number):
            return read(variable).flatMap(Numbers.decimal).map { $0 > number } ?? false
        case .exists(let variable, let expected):
            return (read(variable) != nil) == expected
        case .open(let schedule):
            return machine.schedules[schedule].isOpen(at: call.time)
        case .all(let list):
            return list.allSatisfy(holds)
        case .any(let list):
            return list.contains(where: holds)
        case .not(let inner):
            return !holds(inner)
        }
    }

    private func read(_ variable: Machine.Variable) -> String? { value(variable.name, variable.field) }

    // MARK: - Answer states (knowledge base)

    private mutating func startAnswer(_ answer: Machine.Answer) {
        let base = machine.knowledgeBases[answer.knowledge]
        switch answer.mode {
        case .category(let category):
            let offered = base.byPopularity(base.articles(inCategory: category), popularity).prefix(answer.top)
            offer(answer, offered.map { base.articles[$0].id }, prompted: true)
        case .article(let id):
            playArticle(answer, id)
        case .byCode, .keypadSearch:
            call.phase = .answerEntry
            call.entry = ""
            promptAndWait(answer.prompting, maxKeys: answer.maxDigits, finishOn: answer.finishOn)
        }
    }

    /// Articles as a menu: "for <title>, press <key>" for each, then one key.
    private mutating func offer(_ answer: Machine.Answer, _ articles: [String], prompted: Bool) {
        call.phase = .answerOffer(articles: articles, prompted: prompted)
        if prompted, let prompt = answer.prompting.prompt { play(prompt, bargeIn: answer.prompting.bargeIn) }
        let base = machine.knowledgeBases[answer.knowledge]
        let language = machine.languages[call.language]
        for (position, id) in articles.enumerated() {
            let title = base.index(of: id).map { base.articles[$0].displayTitle(language) } ?? id
            play(answer.item, bargeIn: answer.prompting.bargeIn, extra: ["title": title, "key": String(position + 1)])
        }
        wait(answer.prompting, maxKeys: 1, finishOn: nil)
    }

    /// An `answer` line, the article as a `kb:<id>` play, a hit, then the after menu.
    private mutating func playArticle(_ answer: Machine.Answer, _ id: String) {
        let base = machine.knowledgeBases[answer.knowledge]
        let language = machine.languages[call.language]
        let text = base.index(of: id).flatMap { base.articles[$0].answer(language) } ?? ""
        emit(.answer(article: id))
        out.actions.append(.play(Action.Play(prompt: "kb:" + id, language: language, text: text, audio: nil,
                                             bargeIn: answer.prompting.bargeIn)))
        emit(.play(prompt: "kb:" + id, language: language, text: text, audio: nil))
        out.actions.append(.countHit(knowledgeBase: base.name, article: id))
        call.lastArticle = id
        call.lastKnowledge = answer.knowledge
        call.failures = 0
        call.phase = .answerAfter(article: id)
        play(answer.afterPrompt, bargeIn: answer.prompting.bargeIn)
        wait(answer.prompting, maxKeys: 1, finishOn: nil)
    }

    private mutating func pressInAnswer(_ key: DTMFKey, _ answer: Machine.Answer) {
        switch call.phase {
        case .answerOffer(let articles, _):
            emit(.key(key.description))
            let position = Int(key.rawValue)
            if (1...9).contains(position), position <= articles.count {
                playArticle(answer, articles[position - 1])
            } else {
                globalOrNoMatch(key)
            }
        case .answerAfter:
            emit(.key(key.description))
            if let transition = answer.afterOptions[key] {
                cover(.after(call.state, key))
                run(transition)
            } else {
                globalOrNoMatch(key)
            }
        case .answerEntry:
            emit(.key(key.description))
            if key == answer.finishOn {
                finishAnswerEntry(answer)
            } else {
                call.entry.append(key.character)
                if call.entry.count >= answer.maxDigits { finishAnswerEntry(answer) }
            }
        default:
            break
        }
    }

    /// A code or a keypad search typed: play the one article found, offer
    /// several (no prompt, a new failure counter), or count a no-match.
    private mutating func finishAnswerEntry(_ answer: Machine.Answer) {
        let entry = call.entry
        call.entry = ""
        let base = machine.knowledgeBases[answer.knowledge]
        if case .byCode = answer.mode {
            if let index = base.index(ofCode: entry) { playArticle(answer, base.articles[index].id) } else { fail(input: entry) }
            return
        }
        let matches = base.byPopularity(base.keypadMatches(entry), popularity)
        switch matches.count {
        case 0:
            fail(input: entry)
        case 1:
            playArticle(answer, base.articles[matches[0]].id)
        default:
            call.failures = 0
            offer(answer, matches.prefix(answer.top).map { base.articles[$0].id }, prompted: false)
        }
    }

    /// After a failure: the same offer, the after prompt, or the entry prompt again.
    private mutating func repromptAnswer(_ answer: Machine.Answer) {
        switch call.phase {
        case .answerOffer(let articles, let prompted):
            offer(answer, articles, prompted: prompted)
        case .answerAfter:
            play(answer.afterPrompt, bargeIn: answer.prompting.bargeIn)
            wait(answer.prompting, maxKeys: 1, finishOn: nil)
        default:
            call.phase = .answerEntry
            promptAndWait(answer.prompting, maxKeys: answer.maxDigits, finishOn: answer.finishOn)
        }
    }

    /// `repeat`: in the after menu, the answer again (a new after menu);
    /// elsewhere the offer or the entry prompt again.
    private mutating func replayAnswer(_ answer: Machine.Answer) {
        if case .answerAfter(let article) = call.phase {
            playArticle(answer, article)
        } else {
            repromptAnswer(answer)
        }
    }
}

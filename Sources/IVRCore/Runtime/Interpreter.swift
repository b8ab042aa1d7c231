import Foundation

/// The pure interpreter: one `mutating func` per event, actions and trace
/// lines out. It reads no clock, starts no timer and does no I/O; the host
/// carries out the actions and sends the next event. Between events it
/// always stands at a wait, at a pending lookup or transfer, or has ended.
public struct Interpreter: Sendable {
    /// The machine, behind one reference: a waiting call holds a pointer,
    /// not the machine's dozen fields.
    private let storage: MachineStorage
    public var machine: Machine { storage.machine }
    public private(set) var call: Call
    /// Trace lines cost time; a gateway that keeps no trace can turn them off.
    public var tracing = true
    /// Article hit counts as the host read them when the call started; they
    /// order `top` menus and keypad-search matches.
    public var popularity = Popularity()
    /// Report the states and transitions passed in `Output.covered` (for
    /// `ivr test --coverage` and `ivr explore`).
    public var coverage = false
    /// What the event under way has produced so far (its directive is
    /// computed when it ends).
    private var out = Pending()

    private struct Pending {
        var actions: [Action] = []
        var trace: [TraceEvent] = []
        var covered: [CoveragePoint] = []
        /// The last wait started during this event (the directive, unless
        /// keys typed ahead went into an entry after it), kept small: a
        /// waiting call holds this too.
        var waitPrompting: Machine.Prompting?
        var waitMaxKeys: Int32 = 0
        var waitFinishOn: DTMFKey?

        var wait: Action.Wait? {
            waitPrompting.map {
                Action.Wait(maxKeys: Int(waitMaxKeys), finishOn: waitFinishOn, timeoutMs: $0.timeoutMs,
                            interDigitTimeoutMs: $0.interDigitTimeoutMs, bargeIn: $0.bargeIn)
            }
        }
    }

    public init(machine: Machine) {
        self.storage = MachineStorage(machine)
        self.call = Call(machineVersion: machine.version)
    }

    /// Resumes a saved call; the machine must be the version it was saved on
    /// and every index and phase the call holds must fit it (`CallCheck`).
    public init(machine: Machine, resuming call: Call) throws(ResumeError) {
        try CallCheck.validate(call, against: machine)
        self.storage = MachineStorage(machine)
        self.call = call
    }

    /// What the host must do now (the last output's directive, or the
    /// pending one for a resumed call).
    public var directive: Directive {
        switch call.phase {
        case .notStarted: return .ignored(.notStarted)
        case .running: return .ignored(.notWaiting)
        case .menu, .confirm, .entry, .answer:
            guard let wait = currentWait() else { return .ignored(.notWaiting) }
            return .waiting(wait)
        case .lookup(let key, _):
            if case .lookup(let lookup) = current.kind { return .lookup(table: lookup.table, key: key) }
            return .ignored(.notWaiting)
        case .transferring(let target, _): return .transferring(target: target)
        case .ended(let outcome): return .ended(outcome: outcome)
        }
    }

    /// The output's directive: the wait just started when the call stands
    /// at it with nothing typed since, else the pending one rebuilt.
    private func finalDirective() -> Directive {
        if let wait = out.wait {
            switch call.phase {
            case .menu, .confirm: return .waiting(wait)
            case .entry(let typed) where typed.isEmpty: return .waiting(wait)
            case .answer(.offering), .answer(.afterAnswer): return .waiting(wait)
            case .answer(.typing(let typed)) where typed.isEmpty: return .waiting(wait)
            default: break
            }
        }
        return directive
    }

    /// The interpreter's part is over (transferring or ended).
    public var isEnded: Bool { call.outcome != nil }

    /// True when the interpreter waits for a key or a timeout.
    public var isWaiting: Bool {
        switch call.phase {
        case .menu, .entry, .confirm, .answer: return true
        default: return false
        }
    }

    private var isRunningOrWaiting: Bool {
        switch call.phase {
        case .running, .menu, .entry, .confirm, .answer: return true
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

    /// Starts the call. `variables` are set before the first state (the
    /// flow's inputs and other call data: `ivr run --var`, a gateway's
    /// arguments, a campaign target's columns; `direction` and `answered_by`
    /// from a dialer); names the interpreter sets itself (`caller`,
    /// `called`, `state`, `attempt`, `language`) are left out. A start
    /// without every input the flow declares is refused (`missingInputs`)
    /// and the call stays not started.
    public mutating func start(caller: String, called: String, language: String? = nil, time: Date,
                               variables: [String: String] = [:]) -> Output {
        guard call.phase == .notStarted else { return ignored(.alreadyStarted) }
        guard storage.machine.missingInputs(variables).isEmpty else { return ignored(.missingInputs) }
        begin()
        for (name, value) in variables where !FlowVocabulary.readOnlyVariables.contains(name) && name != "language" {
            call.variables[name] = .text(value)
        }
        call.caller = caller
        call.called = called
        call.language = language.flatMap(storage.machine.languageIndex) ?? 0
        call.time = time
        call.phase = .running
        call.state = storage.machine.start
        run(jump(to: storage.machine.start))
        return finishOutput()
    }

    public mutating func key(_ key: DTMFKey) -> Output {
        switch call.phase {
        case .lookup:
            begin()
            if call.typeAhead.count < Call.maxTypeAhead { call.typeAhead.append(key) } else { call.droppedKeys += 1 }
            return finishOutput()
        case .menu, .entry, .confirm, .answer:
            begin()
            press(key)
            return finishOutput()
        case .notStarted: return ignored(.notStarted)
        case .running: return ignored(.notWaiting)
        case .transferring: return ignored(.transferPending)
        case .ended: return ignored(.ended)
        }
    }

    public mutating func timeout() -> Output {
        guard isWaiting else { return ignored(ignoredReason()) }
        begin()
        call.dropNext = nil
        emit(.timeout)
        switch (call.phase, current.kind) {
        case (.entry(let typed), .ask(let ask)) where !typed.isEmpty:
            finishEntry(ask, typed)
        case (.answer(var answerMachine), .answer(let answer)):
            let step = answerMachine.timeout(answer, base: storage.machine.knowledgeBases[answer.knowledge], popularity: popularity)
            call.phase = .answer(answerMachine)
            carry(step, answer)
        default:
            fail(input: nil)
        }
        return finishOutput()
    }

    /// The caller hung up: the call ends `abandoned` in any state, a pending
    /// transfer included (a later `transferFailed` is then ignored).
    public mutating func hangup() -> Output {
        switch call.phase {
        case .notStarted: return ignored(.notStarted)
        case .ended: return ignored(.ended)
        default:
            begin()
            end(FlowVocabulary.Outcome.abandoned.rawValue)
            return finishOutput()
        }
    }

    public mutating func lookupResult(_ record: [String: String]?) -> Output {
        guard case .lookup(let key, let masked) = call.phase, case .lookup(let lookup) = current.kind else {
            let reason = ignoredReason()
            return ignored(reason == .notWaiting ? .noLookupPending : reason)
        }
        begin()
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

    /// The host could not complete the transfer: the transfer state's
    /// `on_fail`, else the call ends `failed`. The reason is traced.
    public mutating func transferFailed(_ reason: String) -> Output {
        guard case .transferring(_, let onFail) = call.phase else {
            if case .ended = call.phase { return ignored(.ended) }
            return ignored(.noTransferPending)
        }
        begin()
        emit(.transferFailed(reason: reason))
        if let onFail, case .transfer(_, _, let transition?) = storage.machine.states[onFail].kind {
            cover(.onFail(onFail))
            call.phase = .running
            call.state = onFail
            run(transition)
        } else {
            end(FlowVocabulary.Outcome.failed.rawValue)
        }
        return finishOutput()
    }

    // MARK: - Output

    private mutating func begin() {
        out = Pending()
        out.actions.reserveCapacity(4)  // a key usually brings a play or two
    }

    private func ignored(_ reason: IgnoredEvent) -> Output { Output(directive: .ignored(reason)) }

    private func ignoredReason() -> IgnoredEvent {
        switch call.phase {
        case .notStarted: return .notStarted
        case .transferring: return .transferPending
        case .ended: return .ended
        default: return .notWaiting
        }
    }

    private mutating func finishOutput() -> Output {
        drainTypeAhead()
        let directive = finalDirective()
        var done = Pending()
        swap(&done, &out)  // moved out, not copied
        return Output(actions: done.actions, directive: directive, trace: done.trace, covered: done.covered)
    }

    /// Keys that came while the interpreter was busy go to the waits that follow.
    private mutating func drainTypeAhead() {
        guard !call.typeAhead.isEmpty else { return }
        while isWaiting, !call.typeAhead.isEmpty {
            press(call.typeAhead.removeFirst())
        }
        if isEnded { call.typeAhead.removeAll() }
    }

    private var current: Machine.State { storage.machine.states[call.state] }

    @inline(__always)
    private mutating func cover(_ point: CoveragePoint) {
        if coverage { out.covered.append(point) }
    }

    @inline(__always)
    private mutating func emit(_ kind: TraceEvent.Kind) {
        if tracing { out.trace.append(TraceEvent(state: current.name, kind: kind)) }
    }

    // MARK: - Running states

    private func jump(to state: Int) -> Machine.Transition {
        Machine.Transition(says: [], sets: [], target: .state(state), mark: storage.machine.states[state].mark)
    }

    /// Takes transitions until the call waits, asks for a lookup or ends.
    private mutating func run(_ first: Machine.Transition) {
        var next: Machine.Transition? = first
        while let transition = next, isRunningOrWaiting {
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
            return enter(call.history.last ?? storage.machine.start)
        case .restart:
            call.history.removeAll()
            call.returns.removeAll()
            return enter(storage.machine.start)
        case .transfer(let target):
            transfer(to: target, onFail: nil)
            return nil
        case .hangup(let outcome):
            end(outcome)
            return nil
        }
    }

    private mutating func enter(_ index: Int) -> Machine.Transition? {
        let flow = storage.machine.states[index].flow
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
        if call.steps >= storage.machine.maxSteps {
            end(FlowVocabulary.Outcome.failed.rawValue)
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
            call.phase = .entry("")
            promptAndWait(ask.prompting, maxKeys: ask.maxDigits, finishOn: ask.finishOn)
        case .answer(let answer):
            arrive(index)
            let (answerMachine, step) = AnswerMachine.start(answer, base: storage.machine.knowledgeBases[answer.knowledge], popularity: popularity)
            call.phase = .answer(answerMachine)
            carry(step, answer)
        case .branch(let cases, let otherwise):
            let position = cases.firstIndex { holds($0.condition) } ?? cases.count
            cover(.branch(index, position))
            return position < cases.count ? cases[position].transition : otherwise
        case .set(let assignments, let next):
            for assignment in assignments { assign(assignment) }
            return next
        case .lookup(let lookup):
            let masked = lookup.key.variables.contains(where: call.sensitive.contains)
            call.phase = .lookup(key: render(lookup.key), masked: masked)
        case .call(let start, _):
            call.returns.append(index)
            return jump(to: start)
        case .return:
            guard let site = call.returns.popLast(), case .call(_, let next) = storage.machine.states[site].kind else {
                end(FlowVocabulary.Outcome.failed.rawValue)
                return nil
            }
            call.state = site
            return next
        case .transfer(let target, let say, let onFail):
            for prompt in say { play(prompt, bargeIn: true) }
            transfer(to: target, onFail: onFail == nil ? nil : index)
        case .hangup(let outcome, let say):
            for prompt in say { play(prompt, bargeIn: true) }
            end(outcome)
        }
        return nil
    }

    private func calledFlow(_ site: Int) -> Int? {
        if case .call(let start, _) = storage.machine.states[site].kind { return storage.machine.states[start].flow }
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
            call.phase = .entry("")
            promptAndWait(ask.prompting, maxKeys: ask.maxDigits, finishOn: ask.finishOn)
        case .answer(let answer):
            guard case .answer(var answerMachine) = call.phase else { return end(FlowVocabulary.Outcome.failed.rawValue) }
            let step = answerMachine.replay()
            call.phase = .answer(answerMachine)
            carry(step, answer)
        default:
            end(FlowVocabulary.Outcome.failed.rawValue)
        }
    }

    private mutating func promptAndWait(_ prompting: Machine.Prompting, maxKeys: Int, finishOn: DTMFKey?) {
        if let prompt = prompting.prompt { play(prompt, bargeIn: prompting.bargeIn) }
        wait(prompting, maxKeys: maxKeys, finishOn: finishOn)
    }

    /// A wait starts: the trace's `wait` line and the output's directive.
    private mutating func wait(_ prompting: Machine.Prompting, maxKeys: Int, finishOn: DTMFKey?) {
        out.waitPrompting = prompting
        out.waitMaxKeys = Int32(clamping: maxKeys)
        out.waitFinishOn = finishOn
        if tracing {
            emit(.wait(maxKeys: maxKeys, finishOn: finishOn?.description, timeoutMs: prompting.timeoutMs,
                       interDigitTimeoutMs: prompting.interDigitTimeoutMs))
        }
    }

    /// The wait the call stands at, rebuilt from its phase and state.
    private func currentWait() -> Action.Wait? {
        func wait(_ prompting: Machine.Prompting, _ maxKeys: Int, _ finishOn: DTMFKey?, _ entered: Int = 0) -> Action.Wait {
            Action.Wait(maxKeys: maxKeys, finishOn: finishOn, timeoutMs: prompting.timeoutMs,
                        interDigitTimeoutMs: prompting.interDigitTimeoutMs, bargeIn: prompting.bargeIn, entered: entered)
        }
        switch (call.phase, current.kind) {
        case (.menu, .menu(let menu)): return wait(menu.prompting, 1, nil)
        case (.entry(let typed), .ask(let ask)): return wait(ask.prompting, ask.maxDigits, ask.finishOn, typed.count)
        case (.confirm, .ask(let ask)): return wait(ask.prompting, 1, nil)
        case (.answer(.typing(let typed)), .answer(let answer)): return wait(answer.prompting, answer.maxDigits, answer.finishOn, typed.count)
        case (.answer, .answer(let answer)): return wait(answer.prompting, 1, nil)
        default: return nil
        }
    }

    // MARK: - Keys

    private mutating func press(_ key: DTMFKey) {
        if let drop = call.dropNext {
            call.dropNext = nil
            if key == drop.key {
                if tracing { emit(.key(drop.masked ? "***" : key.description)) }
                return
            }
        }
        let kind = current.kind
        switch call.phase {
        case .menu:
            guard case .menu(let menu) = kind else { return end(FlowVocabulary.Outcome.failed.rawValue) }
            if tracing { emit(.key(key.description)) }
            if let transition = menu.options[key] {
                cover(.option(call.state, key))
                run(transition)
            } else {
                globalOrNoMatch(key)
            }
        case .entry(let typed):
            guard case .ask(let ask) = kind else { return end(FlowVocabulary.Outcome.failed.rawValue) }
            if tracing { emit(.key(ask.sensitive ? "***" : key.description)) }
            if typed.isEmpty, let option = ask.options[key] {
                cover(.option(call.state, key))
                run(option)
            } else if key == ask.finishOn {
                finishEntry(ask, typed)
            } else {
                let entry = typed + String(key.character)
                call.phase = .entry(entry)
                if entry.count >= ask.maxDigits {
                    if let finish = ask.finishOn { call.dropNext = Call.DropKey(key: finish, masked: ask.sensitive) }
                    finishEntry(ask, entry)
                }
            }
        case .confirm:
            guard case .ask(let ask) = kind else { return end(FlowVocabulary.Outcome.failed.rawValue) }
            if tracing { emit(.key(ask.sensitive ? "***" : key.description)) }
            switch key {
            case .k1:
                call.phase = .running
                run(ask.next)
            case .k2:
                call.phase = .entry("")
                promptAndWait(ask.prompting, maxKeys: ask.maxDigits, finishOn: ask.finishOn)
            default:
                fail(input: key.description)
            }
        case .answer(var answerMachine):
            guard case .answer(let answer) = kind else { return end(FlowVocabulary.Outcome.failed.rawValue) }
            if tracing { emit(.key(key.description)) }
            if case .typing(let typed) = answerMachine, key != answer.finishOn, typed.count + 1 >= answer.maxDigits,
               let finish = answer.finishOn {
                call.dropNext = Call.DropKey(key: finish, masked: false)
            }
            let step = answerMachine.key(key, answer, base: storage.machine.knowledgeBases[answer.knowledge], popularity: popularity)
            call.phase = .answer(answerMachine)
            carry(step, answer)
        default:
            // Not a waiting phase (resuming refuses a phase that does not
            // fit its state): end the call rather than drop keys for ever.
            end(FlowVocabulary.Outcome.failed.rawValue)
        }
    }

    /// A key the waiting state has no option for: the flow's global key,
    /// else a no-match. (Asks and code or search entries never get here.)
    private mutating func globalOrNoMatch(_ key: DTMFKey) {
        let flow = current.flow
        if let transition = storage.machine.flows[flow].global[key] {
            cover(.global(flow, key))
            run(transition)
        } else {
            fail(input: key.description)
        }
    }

    private mutating func finishEntry(_ ask: Machine.Ask, _ value: String) {
        call.phase = .entry("")
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
        guard let prompting = prompting(of: current) else {
            end(FlowVocabulary.Outcome.failed.rawValue)
            return
        }
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
            call.phase = .entry("")
            promptAndWait(prompting, maxKeys: ask.maxDigits, finishOn: ask.finishOn)
        case (.answer(var answerMachine), .answer(let answer)):
            let step = answerMachine.reprompt()
            call.phase = .answer(answerMachine)
            carry(step, answer)
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
        emit(.transfer(target: target))
        call.phase = .transferring(target: target, onFail: onFail)
        emit(.end(outcome: FlowVocabulary.Outcome.transferred.rawValue, steps: call.steps))
    }

    private mutating func end(_ outcome: String) {
        call.phase = .ended(outcome: outcome)
        if outcome == "resolved", let last = call.lastAnswer, storage.machine.knowledgeBases.indices.contains(last.knowledge) {
            out.actions.append(.countResolution(knowledgeBase: storage.machine.knowledgeBases[last.knowledge].name, article: last.article))
        }
        emit(.end(outcome: outcome, steps: call.steps))
    }

    // MARK: - Prompts and variables

    mutating func play(_ index: Int, bargeIn: Bool, extra: [String: String] = [:]) {
        let prompt = storage.machine.prompts[index]
        let language = call.language
        let text = prompt.texts[language].literal ?? render(prompt.texts[language], extra: extra)
        let audio = prompt.audio[language]
        out.actions.append(.play(Action.Play(prompt: prompt.key, language: storage.machine.languages[language], text: text,
                                             audio: audio, bargeIn: bargeIn)))
        if tracing {
            let shown = call.sensitive.isEmpty ? text : render(prompt.texts[language], masked: true, extra: extra)
            emit(.play(prompt: prompt.key, language: storage.machine.languages[language], text: shown, audio: audio))
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
        case "language": return storage.machine.languages[call.language]
        case "state": return current.name
        case "attempt": return String(call.failures)
        case "caller" where call.variables["caller"] == nil: return field == nil ? call.caller : nil
        case "called" where call.variables["called"] == nil: return field == nil ? call.called : nil
        case "direction" where call.variables["direction"] == nil: return field == nil ? "inbound" : nil
        case "answered_by" where call.variables["answered_by"] == nil: return field == nil ? "human" : nil
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
            if let index = storage.machine.languageIndex(value) { call.language = index }
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
            return storage.machine.schedules[schedule].isOpen(at: call.time)
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

    /// Carries out what the answer sub-machine decided.
    private mutating func carry(_ step: AnswerMachine.Step, _ answer: Machine.Answer) {
        switch step {
        case let .offer(articles, prompted, freshCounter):
            if freshCounter { call.failures = 0 }
            offer(answer, articles, prompted: prompted)
        case .play(let article):
            playArticle(answer, article)
        case .afterMenu:
            play(answer.afterPrompt, bargeIn: answer.prompting.bargeIn)
            wait(answer.prompting, maxKeys: 1, finishOn: nil)
        case .collect:
            promptAndWait(answer.prompting, maxKeys: answer.maxDigits, finishOn: answer.finishOn)
        case .typed:
            break
        case .option(let key):
            guard let transition = answer.afterOptions[key] else { return fail(input: key.description) }
            cover(.after(call.state, key))
            run(transition)
        case .globalOrNoMatch(let key):
            globalOrNoMatch(key)
        case .noMatch(let entry):
            fail(input: entry)
        case .noInput:
            fail(input: nil)
        }
    }

    /// Articles as a menu: "for <title>, press <key>" for each, then one key.
    private mutating func offer(_ answer: Machine.Answer, _ articles: [String], prompted: Bool) {
        if prompted, let prompt = answer.prompting.prompt { play(prompt, bargeIn: answer.prompting.bargeIn) }
        let base = storage.machine.knowledgeBases[answer.knowledge]
        let language = storage.machine.languages[call.language]
        for (position, id) in articles.enumerated() {
            let title = base.index(of: id).map { base.articles[$0].displayTitle(language) } ?? id
            play(answer.item, bargeIn: answer.prompting.bargeIn, extra: ["title": title, "key": String(position + 1)])
        }
        wait(answer.prompting, maxKeys: 1, finishOn: nil)
    }

    /// An `answer` line, the article as a `kb:<id>` play, a hit, then the after menu.
    private mutating func playArticle(_ answer: Machine.Answer, _ id: String) {
        let base = storage.machine.knowledgeBases[answer.knowledge]
        let language = storage.machine.languages[call.language]
        let text = base.index(of: id).flatMap { base.articles[$0].answer(language) } ?? ""
        emit(.answer(article: id))
        out.actions.append(.play(Action.Play(prompt: "kb:" + id, language: language, text: text, audio: nil,
                                             bargeIn: answer.prompting.bargeIn)))
        emit(.play(prompt: "kb:" + id, language: language, text: text, audio: nil))
        out.actions.append(.countHit(knowledgeBase: base.name, article: id))
        call.lastAnswer = Call.LastAnswer(knowledge: answer.knowledge, article: id)
        call.failures = 0
        call.phase = .answer(.afterAnswer(article: id))
        play(answer.afterPrompt, bargeIn: answer.prompting.bargeIn)
        wait(answer.prompting, maxKeys: 1, finishOn: nil)
    }
}

/// One machine shared by every call running on it.
final class MachineStorage: Sendable {
    let machine: Machine
    init(_ machine: Machine) { self.machine = machine }
}

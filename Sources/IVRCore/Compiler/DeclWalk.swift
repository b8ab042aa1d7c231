/// Everything a flow's states mention, gathered in one walk: the
/// assignments, the variables saved, the prompt keys, the conditions and the
/// templates, wherever they are written (options, on_failure, global...).
struct DeclWalk {
    var assignments: [AssignmentDecl] = []
    var saved: [Located<String>] = []
    var prompts: [Located<String>] = []
    var conditions: [ConditionDecl] = []
    var templates: [Located<String>] = []
    /// Item prompts of answer states, where `{title}` and `{key}` are filled.
    var itemPrompts: [Located<String>] = []

    init(_ file: FlowFile) {
        file.global.forEach { visit($0.transition) }
        if let onFailure = file.defaults.onFailure { visit(onFailure) }
        for state in file.states { visit(state.kind) }
    }

    mutating func visit(_ kind: StateKindDecl) {
        switch kind {
        case .say(let keys, let next):
            prompts += keys
            visit(next)
        case .menu(let menu):
            visit(menu.common)
            menu.options.forEach { visit($0.transition) }
        case .ask(let ask):
            visit(ask.common)
            if let name = ask.saveAs { saved.append(name) }
            if let confirm = ask.confirm { prompts.append(confirm) }
            ask.options.forEach { visit($0.transition) }
            visit(ask.next)
        case .branch(let cases, let otherwise):
            for item in cases {
                conditions.append(item.condition)
                visit(item.transition)
            }
            visit(otherwise)
        case .set(let list, let next):
            assignments += list
            visit(next)
        case .lookup(let lookup):
            if let name = lookup.saveAs { saved.append(name) }
            if let key = lookup.key { templates.append(key) }
            visit(lookup.found)
            visit(lookup.notFound)
        case .answer(let answer):
            visit(answer.common)
            prompts.append(answer.afterPrompt ?? Located("kb.after", at: answer.afterMark ?? answer.mark))
            itemPrompts.append(answer.item ?? Located("kb.item", at: answer.mark))
            answer.afterOptions?.forEach { visit($0.transition) }
        case .call(_, let next):
            visit(next)
        case .transfer(_, let say, let onFail):
            prompts += say
            visit(onFail)
        case .hangup(_, let say):
            prompts += say
        case .return, .invalid:
            break
        }
    }

    mutating func visit(_ common: PromptedDecl) {
        prompts += [common.prompt, common.noInput, common.noMatch].compactMap { $0 }
        visit(common.onFailure)
    }

    mutating func visit(_ transition: TransitionDecl?) {
        guard let transition else { return }
        prompts += transition.say
        assignments += transition.set
    }
}

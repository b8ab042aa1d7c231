/// Why a saved call cannot resume.
public enum ResumeError: Error, Equatable, CustomStringConvertible {
    case versionMismatch(call: String, machine: String)
    /// The saved call does not fit the machine: an index out of range, a
    /// phase that does not fit its state's kind.
    case doesNotFit(String)
    /// The saved form cannot be read (not JSON, a field missing or of the
    /// wrong type, an unknown format).
    case unreadable(String)
    /// Sealed values cannot be opened (wrong key, tampered), or the call
    /// was saved without them and needs them.
    case sealed(String)

    public var description: String {
        switch self {
        case let .versionMismatch(call, machine):
            return "the saved call runs on machine version \(call), not \(machine): keep that version loaded for it"
        case .doesNotFit(let reason): return "the saved call does not fit its machine: \(reason)"
        case .unreadable(let reason): return "the saved call cannot be read: \(reason)"
        case .sealed(let reason): return "the saved call's sensitive values cannot be opened: \(reason)"
        }
    }
}

/// Checks every index and phase a saved call holds against the machine, so
/// that a call that does not fit (hand edited, truncated, from another
/// machine) is refused with a reason instead of crashing or hanging later.
enum CallCheck {
    static func validate(_ call: Call, against machine: Machine) throws(ResumeError) {
        guard call.machineVersion == machine.version else {
            throw .versionMismatch(call: call.machineVersion, machine: machine.version)
        }
        let states = machine.states.indices
        func fail(_ reason: String) -> ResumeError { .doesNotFit(reason) }
        guard states.contains(call.state) else { throw fail("state \(call.state) does not exist (the machine has \(machine.states.count))") }
        guard machine.languages.indices.contains(call.language) else { throw fail("language \(call.language) does not exist") }
        for index in call.history where !states.contains(index) { throw fail("history names state \(index), which does not exist") }
        for site in call.returns {
            guard states.contains(site), case .call = machine.states[site].kind else {
                throw fail("a return names state \(site), which is not a call state")
            }
        }
        guard call.steps >= 0, call.steps <= machine.maxSteps else { throw fail("steps \(call.steps) is outside 0...\(machine.maxSteps)") }
        guard call.failures >= 0, call.failures <= 1_000 else { throw fail("failures \(call.failures) is out of range") }
        guard call.typeAhead.count <= Call.maxTypeAhead else { throw fail("more than \(Call.maxTypeAhead) keys typed ahead") }
        guard call.droppedKeys >= 0 else { throw fail("dropped keys cannot be negative") }
        if let last = call.lastAnswer {
            guard machine.knowledgeBases.indices.contains(last.knowledge),
                  machine.knowledgeBases[last.knowledge].index(of: last.article) != nil else {
                throw fail("the last answer names article '\(last.article)' of knowledge base \(last.knowledge), which does not exist")
            }
        }
        let state = machine.states[call.state]
        let name = "'\(state.name)'"
        switch (call.phase, state.kind) {
        case (.notStarted, _), (.ended, _):
            break
        case (.running, _):
            throw fail("a call is never saved while running between states")
        case (.menu, .menu):
            break
        case (.entry(let typed), .ask(let ask)):
            guard typed.count < ask.maxDigits, typed.allSatisfy({ DTMFKey($0) != nil }) else {
                throw fail("the entry typed in \(name) is not keys or is too long")
            }
        case (.confirm, .ask(let ask)) where ask.confirm != nil:
            break
        case (.answer(let phase), .answer(let answer)):
            let base = machine.knowledgeBases[answer.knowledge]
            switch phase {
            case .offering(let articles, _):
                guard articles.count <= 9, articles.allSatisfy({ base.index(of: $0) != nil }) else {
                    throw fail("the articles offered in \(name) are not articles of its knowledge base")
                }
            case .afterAnswer(let article):
                guard base.index(of: article) != nil else { throw fail("article '\(article)' is not in the knowledge base of \(name)") }
            case .typing(let typed):
                switch answer.mode {
                case .byCode, .keypadSearch: break
                default: throw fail("\(name) does not take a code or a search")
                }
                guard typed.count < answer.maxDigits, typed.allSatisfy({ DTMFKey($0) != nil }) else {
                    throw fail("the entry typed in \(name) is not keys or is too long")
                }
            }
        case (.lookup, .lookup):
            break
        case (.transferring(_, let onFail), _):
            if let onFail {
                guard states.contains(onFail), case .transfer(_, _, _?) = machine.states[onFail].kind else {
                    throw fail("the transfer's on_fail names state \(onFail), which is not a transfer with on_fail")
                }
            }
        default:
            let article = "aeiou".contains(state.kindName.prefix(1)) ? "an" : "a"
            throw fail("phase \(SavedCall.phaseName(call.phase)) does not fit state \(name), \(article) \(state.kindName) state")
        }
    }
}

/// A flow file as written: every value keeps the mark of its YAML node, so
/// later passes can point at the exact place. `FlowParser` builds it,
/// `FlowCompiler` checks and lowers it into a `Machine`.
public struct FlowFile {
    public var path: String
    public var displayName: String
    public var name: Located<String>?
    public var description: String?
    public var start: Located<String>?
    public var languages: [Located<String>] = []
    /// `inputs:`, the call data the flow needs from whoever starts the call.
    public var inputs: [Located<String>] = []
    public var knowledge: Located<String>?
    public var data: Located<String>?
    public var prompts: Located<String>?
    public var hours: [ScheduleDecl] = []
    public var defaults = DefaultsDecl()
    public var global: [OptionDecl] = []
    public var globalMark: SourceMark?
    public var states: [StateDecl] = []
    /// Where the whole file starts (line 1), for file-wide diagnostics.
    public var fileMark: SourceMark

    /// A flow holding a `return` state is a sub-flow.
    public var isSubflow: Bool { states.contains { if case .return = $0.kind { return true } else { return false } } }
}

public struct DefaultsDecl {
    public var timeout: Located<Int>?
    public var interDigitTimeout: Located<Int>?
    public var retries: Located<Int>?
    public var bargeIn: Located<Bool>?
    public var maxSteps: Located<Int>?
    public var onFailure: TransitionDecl?
}

/// One key of `options:` or `global:`.
public struct OptionDecl {
    public var key: Located<String>
    public var transition: TransitionDecl
}

public struct StateDecl {
    public var name: String
    public var mark: SourceMark
    public var description: String?
    public var kind: StateKindDecl
}

public indirect enum StateKindDecl {
    case say(prompts: [Located<String>], next: TransitionDecl?)
    case menu(MenuDecl)
    case ask(AskDecl)
    case branch(cases: [BranchCaseDecl], otherwise: TransitionDecl?)
    case set(assignments: [AssignmentDecl], next: TransitionDecl?)
    case lookup(LookupDecl)
    case answer(AnswerDecl)
    case call(file: Located<String>, next: TransitionDecl?)
    case `return`
    case transfer(to: Located<String>, say: [Located<String>], onFail: TransitionDecl?)
    case hangup(outcome: Located<String>, say: [Located<String>])
    /// A state whose body did not parse; the diagnostic is already recorded.
    case invalid

    public var name: String {
        switch self {
        case .say: return "say"
        case .menu: return "menu"
        case .ask: return "ask"
        case .branch: return "branch"
        case .set: return "set"
        case .lookup: return "lookup"
        case .answer: return "answer"
        case .call: return "call"
        case .return: return "return"
        case .transfer: return "transfer"
        case .hangup: return "hangup"
        case .invalid: return "invalid"
        }
    }

    /// Menus, asks and answers wait for the caller.
    public var waits: Bool {
        switch self {
        case .menu, .ask, .answer: return true
        default: return false
        }
    }
}

/// Settings that menus, asks and answers share.
public struct PromptedDecl {
    public var prompt: Located<String>?
    public var noInput: Located<String>?
    public var noMatch: Located<String>?
    public var retries: Located<Int>?
    public var timeout: Located<Int>?
    public var interDigitTimeout: Located<Int>?
    public var bargeIn: Located<Bool>?
    public var onFailure: TransitionDecl?
}

public struct MenuDecl {
    public var common = PromptedDecl()
    public var options: [OptionDecl] = []
}

public struct AskDecl {
    public var common = PromptedDecl()
    public var saveAs: Located<String>?
    public var minDigits: Located<Int>?
    public var maxDigits: Located<Int>?
    public var finishOn: Located<String>?
    public var pattern: Located<String>?
    public var check: Located<String>?
    public var confirm: Located<String>?
    public var sensitive: Located<Bool>?
    public var options: [OptionDecl] = []
    public var next: TransitionDecl?
}

public struct LookupDecl {
    public var table: Located<String>?
    public var key: Located<String>?
    public var saveAs: Located<String>?
    /// `fields: [name, balance]`: the fields the host's records carry.
    public var fields: [Located<String>]?
    public var found: TransitionDecl?
    public var notFound: TransitionDecl?
}

/// An `answer` state (knowledge-base self-service).
public struct AnswerDecl {
    public var common = PromptedDecl()
    public var category: Located<String>?
    public var top: Located<Int>?
    public var article: Located<String>?
    public var byCode: Located<Bool>?
    public var search: Located<String>?
    public var item: Located<String>?
    public var maxDigits: Located<Int>?
    public var finishOn: Located<String>?
    public var afterPrompt: Located<String>?
    public var afterOptions: [OptionDecl]?
    public var afterMark: SourceMark?
    public var mark: SourceMark
}

public struct AssignmentDecl {
    public var name: Located<String>
    public var value: Located<String>
}

public struct BranchCaseDecl {
    public var condition: ConditionDecl
    public var transition: TransitionDecl
}

public indirect enum ConditionDecl {
    case equals(variable: Located<String>, value: Located<String>)
    case oneOf(variable: Located<String>, values: [Located<String>])
    case matches(variable: Located<String>, pattern: Located<String>)
    case lessThan(variable: Located<String>, number: Located<String>)
    case greaterThan(variable: Located<String>, number: Located<String>)
    case exists(variable: Located<String>, expected: Bool)
    case open(schedule: Located<String>)
    case all([ConditionDecl])
    case any([ConditionDecl])
    case not(ConditionDecl)
}

extension ConditionDecl: CustomStringConvertible {
    /// The condition as an author would read it: `customer.tier in gold, platinum`.
    public var description: String {
        switch self {
        case let .equals(variable, value): return "\(variable.value) = \(value.value)"
        case let .oneOf(variable, values): return "\(variable.value) in \(values.map(\.value).joined(separator: ", "))"
        case let .matches(variable, pattern): return "\(variable.value) matches \(pattern.value)"
        case let .lessThan(variable, number): return "\(variable.value) < \(number.value)"
        case let .greaterThan(variable, number): return "\(variable.value) > \(number.value)"
        case let .exists(variable, expected): return expected ? "\(variable.value) is set" : "\(variable.value) is not set"
        case let .open(schedule): return "open \(schedule.value)"
        case let .all(list): return list.map { "(\($0))" }.joined(separator: " and ")
        case let .any(list): return list.map { "(\($0))" }.joined(separator: " or ")
        case let .not(inner): return "not (\(inner))"
        }
    }
}

/// Where to go: `name`, `repeat`, `back`, `restart`, or a mapping of
/// `say`, `set` and one of `goto`, `transfer`, `hangup`.
public struct TransitionDecl {
    public var mark: SourceMark
    public var say: [Located<String>] = []
    public var set: [AssignmentDecl] = []
    public var target: TargetDecl

    public init(mark: SourceMark, say: [Located<String>] = [], set: [AssignmentDecl] = [], target: TargetDecl) {
        self.mark = mark
        self.say = say
        self.set = set
        self.target = target
    }
}

public enum TargetDecl {
    case state(Located<String>)
    case `repeat`(SourceMark)
    case back(SourceMark)
    case restart(SourceMark)
    case transfer(Located<String>)
    case hangup(Located<String>)
}

/// A named schedule of `hours:`.
public struct ScheduleDecl {
    public var name: Located<String>
    public var schedule: Schedule?
}

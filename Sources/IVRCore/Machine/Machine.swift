import Foundation

/// A compiled flow (with the sub-flows it calls): every state resolved to an
/// index, every option key to a transition, every prompt to a table entry
/// with its text per language. Nothing on the per-key path parses YAML or
/// looks a state up by name. `version` is a content hash of every file the
/// machine was built from; a saved call names it.
public struct Machine: Sendable {
    public var version: String
    /// The top flow's languages; a prompt's texts are indexed like this list.
    public var languages: [String]
    public var flows: [FlowInfo]
    public var states: [State]
    public var prompts: [Prompt]
    public var schedules: [Schedule]
    public var maxSteps: Int

    public var start: Int { flows[0].start }

    public func languageIndex(_ tag: String) -> Int? { languages.firstIndex(of: tag) }

    /// A state's index by its trace name (`main`, `billing/b_menu`); for hosts
    /// and tests, never used on the interpreter's per-key path.
    public func stateIndex(named name: String) -> Int? { states.firstIndex { $0.name == name } }

    public struct FlowInfo: Sendable {
        public var name: String
        public var file: String
        public var start: Int
        public var global: KeyMap<Transition>
        public var isSubflow: Bool
    }

    public struct Prompt: Sendable {
        public var key: String
        /// Text per machine language (same order as `languages`).
        public var texts: [Template]
        public var audio: [String?]
    }

    public struct State: Sendable {
        public var name: String
        public var flow: Int
        public var mark: SourceMark
        public var kind: Kind

        public var waits: Bool {
            switch kind {
            case .menu, .ask, .answer: return true
            default: return false
            }
        }
    }

    public enum Kind: Sendable {
        case say(prompts: [Int], next: Transition)
        case menu(Menu)
        case ask(Ask)
        case branch(cases: [BranchCase], otherwise: Transition)
        case set(assignments: [Assignment], next: Transition)
        case lookup(Lookup)
        case answer(Answer)
        case call(start: Int, next: Transition)
        case `return`
        case transfer(target: String, say: [Int], onFail: Transition?)
        case hangup(outcome: String, say: [Int])
    }

    /// Prompt, failure prompts, retries and timing of a waiting state.
    public struct Prompting: Sendable {
        public var prompt: Int?
        public var noInput: Int?
        public var noMatch: Int?
        public var retries: Int
        public var timeoutMs: Int
        public var interDigitTimeoutMs: Int
        public var bargeIn: Bool
        public var onFailure: Transition
    }

    public struct Menu: Sendable {
        public var prompting: Prompting
        public var options: KeyMap<Transition>
    }

    public struct Ask: Sendable {
        public var prompting: Prompting
        public var variable: String
        public var minDigits: Int
        public var maxDigits: Int
        public var finishOn: DTMFKey?
        public var pattern: Pattern?
        public var luhn: Bool
        public var confirm: Int?
        public var sensitive: Bool
        public var options: KeyMap<Transition>
        public var next: Transition
    }

    public struct Lookup: Sendable {
        public var table: String
        public var key: Template
        public var variable: String
        public var found: Transition
        public var notFound: Transition
    }

    /// An `answer` state: knowledge-base self-service.
    public struct Answer: Sendable {
        public enum Mode: Sendable {
            case category(String, top: Int)
            case article(String)
            case byCode
            case keypadSearch
        }
        public var prompting: Prompting
        public var mode: Mode
        public var knowledge: Int
        public var item: Int
        public var maxDigits: Int
        public var finishOn: DTMFKey?
        public var afterPrompt: Int
        public var afterOptions: KeyMap<Transition>
    }

    public struct BranchCase: Sendable {
        public var condition: Condition
        public var transition: Transition
    }

    public struct Assignment: Sendable {
        public var name: String
        public var value: Template
        public var mark: SourceMark
    }

    public struct Transition: Sendable {
        public var says: [Int]
        public var sets: [Assignment]
        public var target: Target
        public var mark: SourceMark
    }

    public enum Target: Sendable, Equatable {
        case state(Int)
        case `repeat`
        case back
        case restart
        case transfer(String)
        case hangup(String)
    }

    public indirect enum Condition: Sendable {
        case equals(Variable, String)
        case oneOf(Variable, [String])
        case matches(Variable, Pattern)
        case lessThan(Variable, Decimal)
        case greaterThan(Variable, Decimal)
        case exists(Variable, Bool)
        case open(Int)
        case all([Condition])
        case any([Condition])
        case not(Condition)
    }

    /// `name` or `name.field`.
    public struct Variable: Sendable, Hashable {
        public var name: String
        public var field: String?

        public init(_ path: String) {
            let parts = path.split(separator: ".", maxSplits: 1)
            name = parts.first.map(String.init) ?? path
            field = parts.count == 2 ? String(parts[1]) : nil
        }
    }
}

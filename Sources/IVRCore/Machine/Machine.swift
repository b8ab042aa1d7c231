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
    public var knowledgeBases: [KnowledgeBase] = []
    public var maxSteps: Int
    /// The call data a call must be started with (`inputs:` of the flow and
    /// its sub-flows, in order, each once).
    public var inputs: [String] = []
    /// The prompt directories recorded audio was found in (absolute paths
    /// on the compiling host), indexed by `MediaReference.root`.
    public var mediaRoots: [String] = []

    /// The command line's resolution of a media reference: the file's path.
    public func mediaPath(_ media: MediaReference) -> String? {
        guard mediaRoots.indices.contains(media.root) else { return nil }
        return mediaRoots[media.root] + "/" + media.relativePath
    }

    public var start: Int { flows[0].start }

    /// The inputs `data` does not give, in the flow's order: a call started
    /// without them is refused (SPEC 14).
    public func missingInputs(_ data: [String: String]) -> [String] {
        inputs.filter { data[$0] == nil }
    }

    /// How a host refusing a start says why: "flow 'reminder' needs the
    /// inputs 'name', 'amount'" (each host adds how to give them).
    public func needs(_ missing: [String]) -> String {
        "flow '\(flows.first?.name ?? "")' needs the input\(missing.count == 1 ? "" : "s") " + missing.map { "'\($0)'" }.joined(separator: ", ")
    }

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

    public final class Prompt: Sendable {
        public let key: String
        /// Text per machine language (same order as `languages`).
        public let texts: [Template]
        public let audio: [MediaReference?]

        public init(key: String, texts: [Template], audio: [MediaReference?]) {
            self.key = key
            self.texts = texts
            self.audio = audio
        }
    }

    /// States, menus, asks, lookups, answers and transitions are immutable
    /// classes: the interpreter reaches them through one reference instead of
    /// copying their fields on every key.
    public final class State: Sendable {
        public let name: String
        public let flow: Int
        public let mark: SourceMark
        public let kind: Kind

        public init(name: String, flow: Int, mark: SourceMark, kind: Kind) {
            self.name = name
            self.flow = flow
            self.mark = mark
            self.kind = kind
        }

        /// `menu`, `ask`...: the kind key as a flow writes it.
        public var kindName: String {
            switch kind {
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
            }
        }

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
    /// Immutable like the states that hold it: passing it is one reference.
    public final class Prompting: Sendable {
        public let prompt: Int?
        public let noInput: Int?
        public let noMatch: Int?
        public let retries: Int
        public let timeoutMs: Int
        public let interDigitTimeoutMs: Int
        public let bargeIn: Bool
        public let onFailure: Transition

        public init(prompt: Int?, noInput: Int?, noMatch: Int?, retries: Int, timeoutMs: Int, interDigitTimeoutMs: Int,
                    bargeIn: Bool, onFailure: Transition) {
            self.prompt = prompt
            self.noInput = noInput
            self.noMatch = noMatch
            self.retries = retries
            self.timeoutMs = timeoutMs
            self.interDigitTimeoutMs = interDigitTimeoutMs
            self.bargeIn = bargeIn
            self.onFailure = onFailure
        }
    }

    public final class Menu: Sendable {
        public let prompting: Prompting
        public let options: KeyMap<Transition>

        public init(prompting: Prompting, options: KeyMap<Transition>) {
            self.prompting = prompting
            self.options = options
        }
    }

    public final class Ask: Sendable {
        public let prompting: Prompting
        public let variable: String
        public let minDigits: Int
        public let maxDigits: Int
        public let finishOn: DTMFKey?
        public let pattern: Pattern?
        public let luhn: Bool
        public let confirm: Int?
        public let sensitive: Bool
        public let options: KeyMap<Transition>
        public let next: Transition

        public init(prompting: Prompting, variable: String, minDigits: Int, maxDigits: Int, finishOn: DTMFKey?, pattern: Pattern?, luhn: Bool, confirm: Int?, sensitive: Bool, options: KeyMap<Transition>, next: Transition) {
            self.prompting = prompting
            self.variable = variable
            self.minDigits = minDigits
            self.maxDigits = maxDigits
            self.finishOn = finishOn
            self.pattern = pattern
            self.luhn = luhn
            self.confirm = confirm
            self.sensitive = sensitive
            self.options = options
            self.next = next
        }
    }

    public final class Lookup: Sendable {
        public let table: String
        public let key: Template
        public let variable: String
        public let found: Transition
        public let notFound: Transition

        public init(table: String, key: Template, variable: String, found: Transition, notFound: Transition) {
            self.table = table
            self.key = key
            self.variable = variable
            self.found = found
            self.notFound = notFound
        }
    }

    /// An `answer` state: knowledge-base self-service.
    public final class Answer: Sendable {
        public enum Mode: Sendable {
            case category(String)
            case article(String)
            case byCode
            case keypadSearch
        }
        public let prompting: Prompting
        public let mode: Mode
        public let knowledge: Int
        /// How many articles a category or keypad-search menu offers.
        public let top: Int
        public let item: Int
        public let maxDigits: Int
        public let finishOn: DTMFKey?
        public let afterPrompt: Int
        public let afterOptions: KeyMap<Transition>

        public init(prompting: Prompting, mode: Mode, knowledge: Int, top: Int, item: Int, maxDigits: Int, finishOn: DTMFKey?, afterPrompt: Int, afterOptions: KeyMap<Transition>) {
            self.prompting = prompting
            self.mode = mode
            self.knowledge = knowledge
            self.top = top
            self.item = item
            self.maxDigits = maxDigits
            self.finishOn = finishOn
            self.afterPrompt = afterPrompt
            self.afterOptions = afterOptions
        }
    }

    public struct BranchCase: Sendable {
        public var condition: Condition
        public var transition: Transition
        /// The condition as written, for diagrams and reports.
        public var label: String
    }

    public struct Assignment: Sendable {
        public var name: String
        public var value: Template
        public var mark: SourceMark
    }

    public final class Transition: Sendable {
        public let says: [Int]
        public let sets: [Assignment]
        public let target: Target
        public let mark: SourceMark

        public init(says: [Int], sets: [Assignment], target: Target, mark: SourceMark) {
            self.says = says
            self.sets = sets
            self.target = target
            self.mark = mark
        }
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

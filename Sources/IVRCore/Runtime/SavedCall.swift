import Foundation

/// The saved form of a call (SPEC 9): versioned JSON (`"format": 1`) with
/// field names for people, states, languages and knowledge bases by name,
/// times in ISO 8601. Sensitive values (variables set from a `sensitive`
/// ask, an entry being typed there, a lookup key made from them, keys typed
/// ahead) are sealed with the host's `ValueSealer`, or withheld when it gives
/// none; a call with withheld values refuses to resume and says which.
/// Reading checks everything against the machine (`CallCheck`).
public enum SavedCall {
    public static let format = 1
    /// A saved call is small; anything larger is refused unread.
    public static let maxBytes = 1 << 20
    static let maxNesting = 16

    struct Document: Codable {
        var format: Int
        var machineVersion: String
        var state: String
        var phase: PhaseDocument
        var language: String
        var time: String
        var steps: Int
        var failures: Int
        var history: [String]
        var returns: [String]
        var variables: [String: ValueDocument]
        /// Sensitive values, sealed: name to base64 (`entry`, `lookup_key`,
        /// `type_ahead` and `var:<name>`).
        var sealed: [String: String]
        /// Sensitive values left out because the host gave no sealer.
        var withheld: [String]
        var typeAhead: String?
        var droppedKeys: Int
        var lastAnswer: LastAnswerDocument?
        /// The `finish_on` key to drop if it comes next (SPEC 5.3), and
        /// whether its key line is masked.
        var dropNext: String?
        var dropNextMasked: Bool?

        enum CodingKeys: String, CodingKey {
            case format, state, phase, language, time, steps, failures, history, returns, variables, sealed, withheld
            case machineVersion = "machine_version", typeAhead = "type_ahead", droppedKeys = "dropped_keys", lastAnswer = "last_answer"
            case dropNext = "drop_next", dropNextMasked = "drop_next_masked"
        }
    }

    struct PhaseDocument: Codable {
        var kind: String
        var typed: String?
        var articles: [String]?
        var prompted: Bool?
        var article: String?
        var key: String?
        var target: String?
        var onFail: String?
        var outcome: String?

        enum CodingKeys: String, CodingKey {
            case kind, typed, articles, prompted, article, key, target, outcome
            case onFail = "on_fail"
        }
    }

    struct LastAnswerDocument: Codable {
        var knowledgeBase: String
        var article: String
        enum CodingKeys: String, CodingKey {
            case knowledgeBase = "knowledge_base", article
        }
    }

    enum ValueDocument: Codable, Equatable {
        case text(String)
        case record([String: String])

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) { self = .text(text) } else { self = .record(try container.decode([String: String].self)) }
        }

        func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .record(let record): try container.encode(record)
            }
        }

        init(_ value: Call.Value) {
            switch value {
            case .text(let text): self = .text(text)
            case .record(let record): self = .record(record)
            }
        }

        var value: Call.Value {
            switch self {
            case .text(let text): return .text(text)
            case .record(let record): return .record(record)
            }
        }
    }

    static func phaseName(_ phase: Call.Phase) -> String {
        switch phase {
        case .notStarted: return "not_started"
        case .running: return "running"
        case .menu: return "menu"
        case .entry: return "entry"
        case .confirm: return "confirm"
        case .answer(.offering): return "answer_offer"
        case .answer(.afterAnswer): return "answer_after"
        case .answer(.typing): return "answer_entry"
        case .lookup: return "lookup"
        case .transferring: return "transferring"
        case .ended: return "ended"
        }
    }

    // MARK: - Writing

    /// The saved form of `call`. Sensitive values are sealed with `sealer`,
    /// or withheld without one. Throws only when the sealer fails.
    public static func encode(_ call: Call, machine: Machine, sealer: ValueSealer?) throws -> Data {
        guard machine.states.indices.contains(call.state), machine.languages.indices.contains(call.language) else {
            throw ResumeError.doesNotFit("the call does not belong to this machine")
        }
        var secrets: [(String, [UInt8])] = []
        let state = machine.states[call.state]
        var phase = PhaseDocument(kind: phaseName(call.phase))
        switch call.phase {
        case .entry(let typed):
            if case .ask(let ask) = state.kind, ask.sensitive, !typed.isEmpty {
                secrets.append(("entry", Array(typed.utf8)))
            } else {
                phase.typed = typed
            }
        case .answer(.offering(let articles, let prompted)):
            phase.articles = articles
            phase.prompted = prompted
        case .answer(.afterAnswer(let article)):
            phase.article = article
        case .answer(.typing(let typed)):
            phase.typed = typed
        case .lookup(let key, let masked):
            if masked { secrets.append(("lookup_key", Array(key.utf8))) } else { phase.key = key }
        case .transferring(let target, let onFail):
            phase.target = target
            phase.onFail = onFail.map { machine.states[$0].name }
        case .ended(let outcome):
            phase.outcome = outcome
        case .notStarted, .running, .menu, .confirm:
            break
        }
        var variables: [String: ValueDocument] = [:]
        var all = call.variables
        if all["caller"] == nil { all["caller"] = .text(call.caller) }
        if all["called"] == nil { all["called"] = .text(call.called) }
        for (name, value) in all {
            if call.sensitive.contains(name) {
                let json = try JSONEncoder().encode(ValueDocument(value))
                secrets.append(("var:" + name, Array(json)))
            } else {
                variables[name] = ValueDocument(value)
            }
        }
        if !call.typeAhead.isEmpty {
            secrets.append(("type_ahead", Array(String(call.typeAhead.map(\.character)).utf8)))
        }
        var sealed: [String: String] = [:]
        var withheld: [String] = []
        for (name, plaintext) in secrets {
            if let sealer {
                sealed[name] = Data(try sealer.seal(plaintext, context: context(machine.version, name))).base64EncodedString()
            } else {
                withheld.append(name)
            }
        }
        let document = Document(
            format: format, machineVersion: call.machineVersion, state: state.name, phase: phase,
            language: machine.languages[call.language], time: timeText(call.time), steps: call.steps, failures: call.failures,
            history: call.history.map { machine.states[$0].name }, returns: call.returns.map { machine.states[$0].name },
            variables: variables, sealed: sealed, withheld: withheld.sorted(), typeAhead: nil, droppedKeys: call.droppedKeys,
            lastAnswer: call.lastAnswer.map { LastAnswerDocument(knowledgeBase: machine.knowledgeBases[$0.knowledge].name, article: $0.article) },
            dropNext: call.dropNext.map { String($0.key.character) }, dropNextMasked: call.dropNext.map(\.masked))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return try encoder.encode(document)
    }

    static func context(_ version: String, _ name: String) -> [UInt8] { Array("ivr saved call 1\n\(version)\n\(name)".utf8) }

    static func timeText(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    // MARK: - Reading

    /// The machine version a saved call names, so a host can pick the
    /// machine to resume it on; nil when the data is not a saved call.
    public static func machineVersion(of data: Data) -> String? {
        guard data.count <= maxBytes, nestingFits(data) else { return nil }
        struct Header: Decodable {
            var machineVersion: String
            enum CodingKeys: String, CodingKey { case machineVersion = "machine_version" }
        }
        return try? JSONDecoder().decode(Header.self, from: data).machineVersion
    }

    /// Reads a saved call and checks it against `machine`.
    public static func decode(_ data: Data, machine: Machine, sealer: ValueSealer?) throws(ResumeError) -> Call {
        guard data.count <= maxBytes else { throw .unreadable("it is larger than \(maxBytes) bytes") }
        guard nestingFits(data) else { throw .unreadable("it nests deeper than \(maxNesting) levels") }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch let error as DecodingError {
            throw .unreadable(describe(error))
        } catch {
            throw .unreadable("it is not JSON")
        }
        guard document.format == format else {
            throw .unreadable("format \(document.format) is not one this release reads (it reads format \(format))")
        }
        guard document.machineVersion == machine.version else {
            throw .versionMismatch(call: document.machineVersion, machine: machine.version)
        }
        if !document.withheld.isEmpty {
            throw .sealed("it was saved without a sealer, so its sensitive values (\(document.withheld.joined(separator: ", "))) were left out and the call cannot go on")
        }
        var names: [String: Int] = [:]
        for (index, state) in machine.states.enumerated() where names[state.name] == nil { names[state.name] = index }
        func state(_ name: String, _ what: String) throws(ResumeError) -> Int {
            guard let index = names[name] else { throw .doesNotFit("\(what) names state '\(name)', which this machine does not have") }
            return index
        }
        func open(_ name: String) throws(ResumeError) -> String {
            guard let text = document.sealed[name] else { throw .unreadable("the sealed value '\(name)' is missing") }
            guard let sealer else { throw .sealed("the call holds sealed values and no sealer was given") }
            guard let bytes = Data(base64Encoded: text) else { throw .sealed("the sealed value '\(name)' is not base64") }
            let plaintext: [UInt8]
            do { plaintext = try sealer.open(Array(bytes), context: context(document.machineVersion, name)) } catch {
                throw .sealed("the sealed value '\(name)' does not open with this key (wrong key, or altered)")
            }
            guard let text = String(validating: plaintext, as: UTF8.self) else { throw .sealed("the sealed value '\(name)' is not text") }
            return text
        }
        var call = Call(machineVersion: document.machineVersion)
        call.state = try state(document.state, "the state")
        guard let language = machine.languageIndex(document.language) else {
            throw .doesNotFit("language '\(document.language)' is not one the machine declares")
        }
        call.language = language
        guard let time = (try? Date(document.time, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
                ?? (try? Date(document.time, strategy: .iso8601)) else {
            throw .unreadable("time '\(document.time)' is not ISO 8601")
        }
        call.time = time
        call.steps = document.steps
        call.failures = document.failures
        call.droppedKeys = document.droppedKeys
        call.history = try document.history.map { name throws(ResumeError) in try state(name, "the history") }
        call.returns = try document.returns.map { name throws(ResumeError) in try state(name, "a return") }
        for (name, value) in document.variables { call.variables[name] = value.value }
        for key in document.sealed.keys.sorted() where key.hasPrefix("var:") {
            let name = String(key.dropFirst(4))
            let text = try open(key)
            guard let value = try? JSONDecoder().decode(ValueDocument.self, from: Data(text.utf8)) else {
                throw .unreadable("the sealed variable '\(name)' is not a value")
            }
            call.variables[name] = value.value
            call.sensitive.insert(name)
        }
        for name in ["caller", "called"] {
            guard case .text(let text)? = call.variables[name] else { continue }
            call.variables[name] = nil
            if name == "caller" { call.caller = text } else { call.called = text }
        }
        if document.sealed["type_ahead"] != nil {
            let keys = try open("type_ahead")
            call.typeAhead = keys.compactMap { DTMFKey($0) }
            guard call.typeAhead.count == keys.count else { throw .unreadable("keys typed ahead are not keys") }
        }
        if let drop = document.dropNext {
            guard drop.count == 1, let character = drop.first, let key = DTMFKey(character) else {
                throw .unreadable("drop_next '\(drop)' is not a key")
            }
            call.dropNext = Call.DropKey(key: key, masked: document.dropNextMasked ?? false)
        }
        if let last = document.lastAnswer {
            guard let knowledge = machine.knowledgeBases.firstIndex(where: { $0.name == last.knowledgeBase }) else {
                throw .doesNotFit("the last answer's knowledge base '\(last.knowledgeBase)' is not in this machine")
            }
            call.lastAnswer = Call.LastAnswer(knowledge: knowledge, article: last.article)
        }
        let phase = document.phase
        func need<T>(_ value: T?, _ field: String) throws(ResumeError) -> T {
            guard let value else { throw .unreadable("phase '\(phase.kind)' needs '\(field)'") }
            return value
        }
        switch phase.kind {
        case "not_started": call.phase = .notStarted
        case "menu": call.phase = .menu
        case "entry": call.phase = .entry(document.sealed["entry"] != nil ? try open("entry") : phase.typed ?? "")
        case "confirm": call.phase = .confirm
        case "answer_offer": call.phase = .answer(.offering(articles: try need(phase.articles, "articles"), prompted: phase.prompted ?? true))
        case "answer_after": call.phase = .answer(.afterAnswer(article: try need(phase.article, "article")))
        case "answer_entry": call.phase = .answer(.typing(phase.typed ?? ""))
        case "lookup":
            if document.sealed["lookup_key"] != nil {
                call.phase = .lookup(key: try open("lookup_key"), masked: true)
            } else {
                call.phase = .lookup(key: try need(phase.key, "key"), masked: false)
            }
        case "transferring":
            let onFail = try phase.onFail.map { name throws(ResumeError) in try state(name, "the transfer's on_fail") }
            call.phase = .transferring(target: try need(phase.target, "target"), onFail: onFail)
        case "ended": call.phase = .ended(outcome: try need(phase.outcome, "outcome"))
        default: throw .unreadable("phase '\(phase.kind)' is not a phase a call is saved in")
        }
        try CallCheck.validate(call, against: machine)
        return call
    }

    /// Brackets outside strings, counted without recursion: hostile nesting
    /// is refused before a decoder sees it.
    static func nestingFits(_ data: Data) -> Bool {
        var depth = 0, inString = false, escaped = false
        for byte in data {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > maxNesting { return false }
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return true
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
            return keys.isEmpty ? "the document" : "'" + keys.joined(separator: ".") + "'"
        }
        switch error {
        case .keyNotFound(let key, let context):
            return "field '\(key.stringValue)' is missing" + (context.codingPath.isEmpty ? "" : " in \(path(context))")
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) has the wrong type"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "it is not JSON" : "\(path(context)) is damaged"
        @unknown default:
            return "it cannot be decoded"
        }
    }
}

extension Interpreter {
    /// The call's saved form (SPEC 9); see `SavedCall`.
    public func save(sealer: ValueSealer?) throws -> Data {
        try SavedCall.encode(call, machine: machine, sealer: sealer)
    }

    /// Resumes a call from its saved form, refusing with a reason any that
    /// does not fit `machine`.
    public init(machine: Machine, saved data: Data, sealer: ValueSealer?) throws(ResumeError) {
        try self.init(machine: machine, resuming: SavedCall.decode(data, machine: machine, sealer: sealer))
    }
}

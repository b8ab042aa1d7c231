/// An `answer` state (SPEC 5.7) as its own sub-machine: it keeps the phase
/// of the knowledge-base dialogue (articles offered, the after menu, a code
/// or keypad search being typed) and decides what happens to each input.
/// The interpreter stores it in `Call.Phase.answer`, feeds it keys and
/// timeouts, and carries out the `Step` it returns (prompts, waits, hits,
/// failures), the way postgres-nio nests its query state machine.
public enum AnswerMachine: Sendable, Hashable {
    /// Articles offered as a menu ("for <title>, press <key>"); `prompted`
    /// when the state's own prompt went before them.
    case offering(articles: [String], prompted: Bool)
    /// The after menu of an article just played.
    case afterAnswer(article: String)
    /// A code or keypad search being typed: the keys so far.
    case typing(String)

    /// What the interpreter carries out.
    enum Step: Equatable {
        /// Play the offer (with the state's prompt when `prompted`), wait
        /// for one key; `freshCounter` starts a new failure count.
        case offer(articles: [String], prompted: Bool, freshCounter: Bool)
        /// An `answer` line, the article, a hit, then the after menu.
        case play(article: String)
        /// The after prompt again and a one-key wait.
        case afterMenu
        /// The state's prompt and a wait for a code or search entry.
        case collect
        /// A key joined the entry; keep waiting.
        case typed
        /// An after-menu option was chosen.
        case option(DTMFKey)
        /// A key the phase has no use for: the flow's global key or a no-match.
        case globalOrNoMatch(DTMFKey)
        case noMatch(String)
        case noInput
    }

    static func start(_ answer: Machine.Answer, base: KnowledgeBase, popularity: Popularity) -> (AnswerMachine, Step) {
        switch answer.mode {
        case .category(let category):
            let offered = base.byPopularity(base.articles(inCategory: category), popularity).prefix(answer.top).map { base.articles[$0].id }
            return (.offering(articles: offered, prompted: true), .offer(articles: offered, prompted: true, freshCounter: false))
        case .article(let id):
            return (.afterAnswer(article: id), .play(article: id))
        case .byCode, .keypadSearch:
            return (.typing(""), .collect)
        }
    }

    mutating func key(_ key: DTMFKey, _ answer: Machine.Answer, base: KnowledgeBase, popularity: Popularity) -> Step {
        switch self {
        case .offering(let articles, _):
            let position = Int(key.rawValue)
            guard (1...9).contains(position), position <= articles.count else { return .globalOrNoMatch(key) }
            self = .afterAnswer(article: articles[position - 1])
            return .play(article: articles[position - 1])
        case .afterAnswer:
            return answer.afterOptions[key] != nil ? .option(key) : .globalOrNoMatch(key)
        case .typing(let typed):
            if key == answer.finishOn { return finish(typed, answer, base: base, popularity: popularity) }
            let entry = typed + String(key.character)
            self = .typing(entry)
            return entry.count >= answer.maxDigits ? finish(entry, answer, base: base, popularity: popularity) : .typed
        }
    }

    mutating func timeout(_ answer: Machine.Answer, base: KnowledgeBase, popularity: Popularity) -> Step {
        if case .typing(let typed) = self, !typed.isEmpty { return finish(typed, answer, base: base, popularity: popularity) }
        return .noInput
    }

    /// A code or a keypad search typed: the one article found, several
    /// offered (no prompt, a new failure counter), or a no-match.
    private mutating func finish(_ entry: String, _ answer: Machine.Answer, base: KnowledgeBase, popularity: Popularity) -> Step {
        self = .typing("")
        if case .byCode = answer.mode {
            guard let index = base.index(ofCode: entry) else { return .noMatch(entry) }
            self = .afterAnswer(article: base.articles[index].id)
            return .play(article: base.articles[index].id)
        }
        let matches = base.byPopularity(base.keypadMatches(entry), popularity)
        switch matches.count {
        case 0:
            return .noMatch(entry)
        case 1:
            self = .afterAnswer(article: base.articles[matches[0]].id)
            return .play(article: base.articles[matches[0]].id)
        default:
            let offered = matches.prefix(answer.top).map { base.articles[$0].id }
            self = .offering(articles: offered, prompted: false)
            return .offer(articles: offered, prompted: false, freshCounter: true)
        }
    }

    /// After a failure: the same offer, the after prompt, or the entry prompt again.
    mutating func reprompt() -> Step {
        switch self {
        case .offering(let articles, let prompted): return .offer(articles: articles, prompted: prompted, freshCounter: false)
        case .afterAnswer: return .afterMenu
        case .typing:
            self = .typing("")
            return .collect
        }
    }

    /// `repeat`: in the after menu the answer again (a new after menu);
    /// elsewhere the offer or the entry prompt again.
    mutating func replay() -> Step {
        if case .afterAnswer(let article) = self { return .play(article: article) }
        return reprompt()
    }
}

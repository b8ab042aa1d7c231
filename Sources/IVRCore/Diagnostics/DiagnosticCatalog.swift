/// The catalogue: each diagnostic's message and fix-it, defined once under
/// the name of its `DiagnosticID`. Parsers and passes only choose a message
/// and a place (`bag.report(.unknownState(...), at: mark)`); `Docs/diagnostics.md`
/// lists every entry.
extension DiagnosticMessage {
    /// " (did you mean 'x'?)" or nothing.
    static func hint(_ suggestion: String?) -> String {
        suggestion.map { " (did you mean '\($0)'?)" } ?? ""
    }

    // MARK: - 00xx files and YAML

    public static func fileNotFound(_ file: String) -> Self { Self(.fileNotFound, "no such file '\(file)'") }
    public static func fileUnreadable(_ file: String) -> Self { Self(.fileUnreadable, "cannot read '\(file)'") }
    public static func fileTooLarge(bytes: Int, limit: Int) -> Self {
        Self(.fileTooLarge, "file is too large (\(bytes) bytes; the limit is \(limit))")
    }
    public static func notUTF8(offset: Int) -> Self {
        Self(.notUTF8, "file is not UTF-8 text (invalid byte at offset \(offset))", fix: FixIt("save the file as UTF-8"))
    }
    public static func yamlTooDeep(_ depth: Int) -> Self {
        Self(.yamlTooComplex, "document nests deeper than \(depth) levels (aliases included)")
    }
    public static func yamlTooLarge(_ nodes: Int) -> Self {
        Self(.yamlTooComplex, "document expands to more than \(nodes) nodes (aliases nested too deeply?)")
    }
    /// libyaml's own words for a syntax error.
    public static func yamlSyntax(_ problem: String) -> Self { Self(.yamlSyntax, "invalid YAML: \(problem)") }
    public static func unquotedStarKey(_ value: String) -> Self {
        Self(.unquotedStarKey, "an unquoted '*' starts a YAML alias: quote the key, as in \"*\": \(value)",
             fix: FixIt("quote the key", replacement: "\"*\""))
    }
    public static func unquotedPoundKey(_ value: String) -> Self {
        Self(.unquotedPoundKey, "'#:' starts a YAML comment, so this option is ignored: quote the key, as in \"#\": \(value)",
             fix: FixIt("quote the key", replacement: "\"#\""))
    }
    public static func duplicateKey(_ key: String, firstLine: Int?) -> Self {
        Self(.duplicateKey, "duplicate key '\(key)'" + (firstLine.map { " (first written at line \($0))" } ?? ""),
             fix: FixIt("remove one of the two"))
    }
    public static func unknownKey(_ key: String, in what: String, suggestion: String?) -> Self {
        Self(.unknownKey, "unknown key '\(key)' in \(what)\(hint(suggestion))", fix: .replace(with: suggestion))
    }
    /// `expected`: "a text value", "a list", "a mapping"...; `actual` likewise.
    public static func wrongType(_ what: String, expected: String, actual: String) -> Self {
        Self(.wrongType, "\(what) must be \(expected), not \(actual)")
    }
    public static func notBoolean(_ what: String, _ text: String) -> Self {
        Self(.notBoolean, "\(what) must be true or false, not '\(text)'")
    }
    public static func notWholeNumber(_ what: String, _ text: String) -> Self {
        Self(.notWholeNumber, "\(what) must be a whole number, not '\(text)'")
    }
    public static func numberOutOfRange(_ what: String, _ range: ClosedRange<Int>, _ value: Int) -> Self {
        let bound = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
        return Self(.numberOutOfRange, "\(what) must be \(bound), not \(value)")
    }
    public static func badDuration(_ what: String, _ text: String) -> Self {
        Self(.badDuration, "bad duration '\(text)' for \(what): write a number with ms, s or m, such as 500ms, 5s or 2m")
    }
    public static func durationNotPositive(_ what: String) -> Self { Self(.durationNotPositive, "\(what) must be longer than 0") }

    public enum FileKind: Sendable {
        case flow, knowledgeBase, dataFile, scenarioFile, csv, campaign, targets
    }
    public static func emptyFile(_ kind: FileKind) -> Self {
        switch kind {
        case .flow: return Self(.emptyFile, "the file is empty: a flow needs 'flow', 'start', 'languages' and 'states'")
        case .knowledgeBase: return Self(.emptyFile, "the knowledge base is empty: it needs 'articles:'")
        case .dataFile: return Self(.emptyFile, "the data file is empty: it needs 'tables:'")
        case .scenarioFile: return Self(.emptyFile, "the scenario file is empty: it needs 'flow' and 'cases'")
        case .csv: return Self(.emptyFile, "the file is empty: the first row names the columns (id, code, category, keywords, title.zh-CN, answer.zh-CN...)")
        case .campaign: return Self(.emptyFile, "the campaign file is empty: it needs 'campaign', 'flow', 'targets' and 'window'")
        case .targets: return Self(.emptyFile, "the targets file is empty: the first row names the columns, 'number' and the flow's inputs")
        }
    }
    /// `explanation`: what the key is for, as in "name the flow, such as 'flow: hotline'".
    public static func missingKey(_ key: String, _ explanation: String) -> Self {
        Self(.missingKey, "missing '\(key)': \(explanation)")
    }

    // MARK: - 01xx states and transitions

    public static func unknownState(_ name: String, suggestion: String?) -> Self {
        Self(.unknownState, "unknown state '\(name)'\(hint(suggestion))", fix: .replace(with: suggestion))
    }
    public static func unknownStartState(_ name: String, suggestion: String?) -> Self {
        Self(.unknownStartState, "unknown start state '\(name)'\(hint(suggestion))", fix: .replace(with: suggestion))
    }
    public static func reservedStateName(_ name: String) -> Self {
        Self(.reservedStateName, "a state cannot be named '\(name)': transitions to '\(name)' mean the built-in target, so this state could never be reached by name; rename it (for example '\(name)_menu')",
             fix: FixIt("rename the state (and the transitions to it)", replacement: "\(name)_menu"))
    }
    public static func stateWithoutKind(_ what: String, kinds: [String]) -> Self {
        Self(.stateWithoutKind, "\(what) has no kind: give it one of \(kinds.joined(separator: ", "))")
    }
    public static func stateWithManyKinds(_ what: String, kinds: [String]) -> Self {
        Self(.stateWithManyKinds, "\(what) has \(kinds.count) kinds ('\(kinds.joined(separator: "', '"))'): a state has exactly one",
             fix: FixIt("split it into one state per kind"))
    }
    public static func misplacedNext(kind: String, takesNoNext: Bool) -> Self {
        Self(.misplacedNext, "'next' does not belong here: " + (takesNoNext ? "a \(kind) state has no 'next'" : "write it inside '\(kind)'"),
             fix: FixIt(takesNoNext ? "remove it" : "move it inside '\(kind)'"))
    }
    public static let returnFalse = Self(.returnFalse, "'return: false' means nothing: write 'return: true' to end a sub-flow",
                                         fix: FixIt("write 'return: true'", replacement: "true"))
    public static func stateGoesNowhere(_ what: String, kind: String) -> Self {
        Self(.stateGoesNowhere, "\(what) goes nowhere: a \(kind) state needs 'next'", fix: FixIt("add 'next: STATE'"))
    }
    public static let noStates = Self(.noStates, "'states' is empty: a flow needs at least one state")
    public static let emptyTransition = Self(.emptyTransition, "empty transition: name a state, or repeat, back or restart")
    public static let transitionGoesNowhere = Self(.transitionGoesNowhere, "this transition goes nowhere: add 'goto', 'transfer' or 'hangup'")
    public static func transitionWithManyEnds(_ count: Int) -> Self {
        Self(.transitionWithManyEnds, "a transition takes one of 'goto', 'transfer' and 'hangup', not \(count)")
    }
    public static let gotoNotAName = Self(.gotoNotAName, "'goto' takes a state name, or repeat, back or restart")
    public static func repeatWithoutWait(kind: String) -> Self {
        Self(.repeatWithoutWait, "'repeat' replays the prompt of a state that waits (menu, ask or answer); a \(kind) state does not wait")
    }
    /// `states`: the names of the states in the loop, in order.
    public static func loopWithoutWait(_ states: [String]) -> Self {
        let names = states.map { "'\($0)'" }
        let listed = names.count == 1 ? "state \(names[0]) goes back to itself" : "states \(names.joined(separator: ", ")) form a loop"
        return Self(.loopWithoutWait, "\(listed) without waiting for the caller: a call could go round forever; put a menu or ask in the loop")
    }
    public static func unreachableState(_ name: String) -> Self {
        Self(.unreachableState, .warning, "state '\(name)' is never reached from the start")
    }
    public static func noSuchFlowFile(_ file: String) -> Self { Self(.noSuchFlowFile, "no such flow file '\(file)'") }
    public static func subflowMissingLanguages(_ name: String, missing: [String]) -> Self {
        Self(.subflowMissingLanguages, "sub-flow '\(name)' does not declare \(missing.map { "'\($0)'" }.joined(separator: ", ")), which the calling flow uses")
    }
    public static func transferNeedsTarget(_ what: String) -> Self {
        Self(.transferNeedsTarget, "the transfer of \(what) needs 'to', the target to transfer to")
    }

    // MARK: - 02xx menus, asks and keys

    public static func menuNeedsPrompt(_ what: String) -> Self { Self(.menuNeedsPrompt, "the menu of \(what) needs a 'prompt'") }
    public static func askNeedsKey(_ what: String, _ key: String) -> Self { Self(.askNeedsKey, "the ask of \(what) needs '\(key)'") }
    public static func unknownCheck(_ check: String, suggestion: String?, checks: [String]) -> Self {
        Self(.unknownCheck, "unknown check '\(check)'\(hint(suggestion)); the checks are: \(checks.joined(separator: ", "))",
             fix: .replace(with: suggestion))
    }
    /// `max` nil: the default maximum.
    public static func minDigitsAboveMax(_ low: Int, _ high: Int?, defaultMax: Int) -> Self {
        Self(.minDigitsAboveMax, "min_digits (\(low)) is above max_digits (" + (high.map(String.init) ?? "\(defaultMax) by default") + ")")
    }
    public static func notAKey(_ key: String, _ what: String) -> Self {
        Self(.notAKey, "'\(key)' is not a key: \(what) takes one of 0-9, *, #, A-D")
    }
    public static func notAnOptionKey(_ key: String, suggestion: String?) -> Self {
        Self(.notAnOptionKey, "'\(key)' is not a key\(hint(suggestion)): options take one of 0-9, *, #, A-D", fix: .replace(with: suggestion))
    }
    public static func optionTakesFirstKey(_ key: String) -> Self {
        Self(.optionTakesFirstKey, .warning, "option '\(key)' takes the first key of every entry, so no entry can start with \(key)")
    }
    public static func badRegularExpression(_ source: String, reason: String) -> Self {
        Self(.badRegularExpression, "bad regular expression '\(source)': \(reason)")
    }
    public static func backtrackingPattern(_ source: String) -> Self {
        Self(.backtrackingPattern, .warning, "regular expression '\(source)' repeats a group that itself repeats, which can take exponential time on some entries (matching gives up after a bounded effort and counts as no match); rewrite it without nested repetition")
    }

    // MARK: - 03xx branches and conditions

    public static let elseWithCondition = Self(.elseWithCondition, "an 'else' case takes only the transition: 'else: STATE' or 'else: {say: ..., goto: ...}'")
    public static let elseNotLast = Self(.elseNotLast, "'else' must be the last case of the branch", fix: FixIt("move it to the end of the branch"))
    public static let twoElses = Self(.twoElses, "the branch has two 'else' cases", fix: FixIt("keep one"))
    public static let caseWithoutIf = Self(.caseWithoutIf, "a case needs 'if' (or is the final 'else')")
    public static func branchWithoutElse(_ what: String) -> Self {
        Self(.branchWithoutElse, "\(what) has no 'else': add '- else: STATE' as the last case", fix: FixIt("add '- else: STATE' as the last case"))
    }
    public static func conditionWithoutVariable(tests: [String]) -> Self {
        Self(.conditionWithoutVariable, "a condition needs 'var' with one test (\(tests.joined(separator: ", "))), or 'open', 'all', 'any', 'not'")
    }
    public static func conditionWithoutTest(_ variable: String, tests: [String]) -> Self {
        Self(.conditionWithoutTest, "the condition on '\(variable)' needs a test: \(tests.dropLast().joined(separator: ", ")) or \(tests.last ?? "")")
    }
    public static func conditionWithManyTests(_ variable: String, count: Int) -> Self {
        Self(.conditionWithManyTests, "the condition on '\(variable)' has \(count) tests: use 'all' to combine them")
    }
    public static func notANumber(test: String, _ text: String) -> Self {
        Self(.notANumber, "'\(test)' needs a number such as 100 or 88.50, not '\(text)'")
    }
    public static func unknownSchedule(_ name: String, suggestion: String?) -> Self {
        Self(.unknownSchedule, "unknown schedule '\(name)'\(hint(suggestion)): declare it under 'hours:'", fix: .replace(with: suggestion))
    }

    // MARK: - 04xx variables, prompts and languages

    public static func readOnlyVariable(_ name: String) -> Self {
        Self(.readOnlyVariable, "'\(name)' is set by the interpreter and cannot be assigned")
    }
    public static func builtInInput(_ name: String) -> Self {
        Self(.builtInInput, "'\(name)' is given to every call, not an input: take it out of 'inputs'")
    }
    public static func inputListedTwice(_ name: String) -> Self {
        Self(.inputListedTwice, "input '\(name)' is listed twice: keep one")
    }
    public static func badVariableName(_ name: String) -> Self {
        Self(.badVariableName, "'\(name)' is not a variable name: use letters, digits and _, starting with a letter")
    }
    public static func variableNeverSet(_ name: String, suggestion: String?) -> Self {
        Self(.variableNeverSet, .warning, "variable '\(name)' is read but never set\(hint(suggestion))", fix: .replace(with: suggestion))
    }
    public static func placeholderNeverSet(prompt: String, _ name: String) -> Self {
        Self(.placeholderNeverSet, .warning, "prompt '\(prompt)' has the placeholder '{\(name)}', but nothing sets '\(name)'")
    }
    /// `placeholder`: as written, `{x:money}`.
    public static func unknownPlaceholderFormat(_ format: String, in placeholder: String, formats: [String]) -> Self {
        let name = placeholder.split(separator: ":").first ?? ""
        let listed = formats.map { "\($0) (\(name):\($0)})" }
        return Self(.unknownPlaceholderFormat, "unknown placeholder format '\(format)' in '\(placeholder)': the formats are \(listed.dropLast().joined(separator: ", ")) and \(listed.last ?? "")")
    }
    public static func unknownRecordField(_ record: String, field: String, table: String, known: [String], suggestion: String?) -> Self {
        Self(.unknownRecordField, "record '\(record)' has no field '\(field)'\(hint(suggestion)): table '\(table)' has \(known.joined(separator: ", "))",
             fix: suggestion.map { FixIt("replace with '\(record).\($0)'", replacement: "\(record).\($0)") })
    }
    /// `which`: "the en-US catalog (Prompts/en-US.yaml)" or "the catalogs ...".
    public static func missingPrompt(_ key: String, from which: String, suggestion: String?) -> Self {
        Self(.missingPrompt, "prompt '\(key)' is missing from \(which)\(hint(suggestion))", fix: .replace(with: suggestion))
    }
    public static func noPromptCatalog(_ language: String, expected: String) -> Self {
        Self(.noPromptCatalog, "no prompt catalog for '\(language)': expected \(expected)")
    }
    public static func undeclaredLanguage(_ language: String, declared: [String], suggestion: String?) -> Self {
        Self(.undeclaredLanguage, "language '\(language)' is not declared by this flow\(hint(suggestion)); it declares \(declared.joined(separator: ", "))",
             fix: .replace(with: suggestion))
    }
    public static let noLanguages = Self(.noLanguages, "'languages' needs at least one language tag, such as zh-CN")
    public static func languageListedTwice(_ language: String) -> Self {
        Self(.languageListedTwice, "language '\(language)' is listed twice", fix: FixIt("remove this one"))
    }

    // MARK: - 05xx lookups and data files

    public static func lookupNeedsKey(_ what: String, _ key: String) -> Self { Self(.lookupNeedsKey, "the lookup of \(what) needs '\(key)'") }
    public static func unknownTable(_ name: String, suggestion: String?) -> Self {
        Self(.unknownTable, "unknown table '\(name)'\(hint(suggestion))", fix: .replace(with: suggestion))
    }
    public static func noDataFile(table: String) -> Self {
        Self(.noDataFile, .warning, "the flow has no 'data:' file, so 'ivr run' finds no record in '\(table)' (a gateway answers lookups itself)")
    }
    public static func noSuchDataFile(_ file: String) -> Self { Self(.noSuchDataFile, "no such data file '\(file)'") }
    public static func tableWithFileAndRecords(_ name: String) -> Self {
        Self(.tableWithFileAndRecords, "table '\(name)' has both 'file' and 'records': keep one")
    }
    public static func tableNeedsKey(_ name: String) -> Self { Self(.tableNeedsKey, "table '\(name)' needs 'key', the field that lookups match") }
    public static func recordWithoutKey(table: String, key: String) -> Self {
        Self(.recordWithoutKey, "this record of '\(table)' has no '\(key)' field, so no lookup can find it")
    }
    public static func csvUnreadable(_ problem: String) -> Self { Self(.csvUnreadable, "cannot read the CSV file: \(problem)") }
    public static let csvWithoutHeader = Self(.csvWithoutHeader, "the CSV file has no header row: its first line names the columns, the first of them the key")
    public static func unknownKeyColumn(table: String, column: String, file: String, header: [String], suggestion: String?) -> Self {
        Self(.unknownKeyColumn, "table '\(table)' has no column '\(column)'\(hint(suggestion)): \(file) has \(header.joined(separator: ", "))",
             fix: .replace(with: suggestion))
    }
    public static func csvRowWidth(_ count: Int, header: Int) -> Self {
        Self(.csvRowWidth, "this row has \(count) fields but the header names \(header)")
    }
    public static func csvNotUTF8(_ file: String) -> Self { Self(.csvNotUTF8, "'\(file)' is not UTF-8 text", fix: FixIt("save the file as UTF-8")) }

    // MARK: - 06xx knowledge bases and answers

    public static let answerNeedsKnowledge = Self(.answerNeedsKnowledge, "an answer state needs the flow's knowledge base: add 'knowledge: FILE.kb.yaml' to the flow")
    public static func unknownCategory(_ name: String, suggestion: String?, in file: String) -> Self {
        Self(.unknownCategory, "unknown category '\(name)'\(hint(suggestion)) in \(file)", fix: .replace(with: suggestion))
    }
    public static func unknownArticle(_ id: String, suggestion: String?, in file: String) -> Self {
        Self(.unknownArticle, "unknown article '\(id)'\(hint(suggestion)) in \(file)", fix: .replace(with: suggestion))
    }
    public static func articleMissingLanguage(_ id: String, language: String, missing: [String]) -> Self {
        Self(.articleMissingLanguage, "article '\(id)' has no \(language) \(missing.joined(separator: " or ")), and the flow declares \(language)")
    }
    public static func unknownSearch(_ search: String) -> Self {
        Self(.unknownSearch, "unknown search '\(search)': the only search is 'keypad'", fix: FixIt("write 'keypad'", replacement: "keypad"))
    }
    public static func answerNeedsMode(_ what: String) -> Self {
        Self(.answerNeedsMode, "the answer of \(what) needs one of 'category', 'article', 'by_code: true' or 'search: keypad'")
    }
    public static func answerWithManyModes(_ what: String, modes: [String]) -> Self {
        Self(.answerWithManyModes, "the answer of \(what) has \(modes.count) modes ('\(modes.joined(separator: "', '"))'): choose one")
    }
    public static func noSuchKnowledgeBase(_ file: String) -> Self { Self(.noSuchKnowledgeBase, "no such knowledge base '\(file)'") }
    public static func duplicateArticle(_ id: String, firstLine: Int) -> Self {
        Self(.duplicateArticle, "duplicate article id '\(id)' (first at line \(firstLine))")
    }
    public static func duplicateArticleCode(_ id: String, code: String, other: String) -> Self {
        Self(.duplicateArticleCode, "article '\(id)' has the code \(code), which article '\(other)' already has")
    }
    public static let articleNeedsID = Self(.articleNeedsID, "an article needs 'id'")
    public static func badArticleCode(_ code: String, article: String) -> Self {
        Self(.badArticleCode, "code '\(code)' of article '\(article)' is not keypad keys: use 0-9, * and A-D (# finishes the entry)")
    }
    public static func articleNeedsTexts(_ id: String, key: String) -> Self {
        Self(.articleNeedsTexts, "article '\(id)' needs '\(key)', one text per language: { zh-CN: ..., en-US: ... }")
    }
    public static func importUnknownColumn(_ name: String) -> Self {
        Self(.importUnknownColumn, "unknown column '\(name)': use id, code, category, keywords, title.TAG or answer.TAG")
    }
    public static let importNoIDColumn = Self(.importNoIDColumn, "no 'id' column")
    public static func importMissingColumn(language: String, kind: String) -> Self {
        Self(.importMissingColumn, "there is a column for \(language) but no '\(kind).\(language)'")
    }
    public static let importNoLanguages = Self(.importNoLanguages, "no title or answer columns, such as title.zh-CN and answer.zh-CN")
    public static let importRowWithoutID = Self(.importRowWithoutID, "the row has no id")
    public static func importDuplicateID(_ id: String, firstLine: Int) -> Self {
        Self(.importDuplicateID, "duplicate id '\(id)' (first on line \(firstLine))")
    }
    public static func importBadCode(_ code: String, article: String) -> Self {
        Self(.importBadCode, "code '\(code)' of '\(article)' is not keypad keys: use 0-9, * and A-D")
    }
    public static func importDuplicateCode(_ code: String, article: String, firstLine: Int) -> Self {
        Self(.importDuplicateCode, "code \(code) of '\(article)' is already used on line \(firstLine)")
    }
    public static func importMissingText(_ article: String, kind: String, language: String) -> Self {
        Self(.importMissingText, "'\(article)' has no \(kind) in \(language)")
    }

    // MARK: - 07xx business hours

    public static func unknownTimeZone(_ zone: String, suggestion: String?) -> Self {
        Self(.unknownTimeZone, "unknown time zone '\(zone)'\(hint(suggestion)): use an IANA name such as Asia/Shanghai", fix: .replace(with: suggestion))
    }
    public static func scheduleNeedsTimeZone(_ what: String) -> Self {
        Self(.scheduleNeedsTimeZone, "\(what) needs 'timezone', an IANA name such as Asia/Shanghai")
    }
    public static func dayGivenTwice(_ day: String, in what: String) -> Self {
        Self(.dayGivenTwice, "'\(day)' is given hours twice in \(what)")
    }
    public static func badDate(_ text: String) -> Self {
        Self(.badDate, "bad date '\(text)' in 'closed': write YYYY-MM-DD, such as 2026-10-01")
    }
    public static func unknownDay(_ day: String, suggestion: String?) -> Self {
        Self(.unknownDay, "unknown day '\(day)'\(hint(suggestion)): days are mon, tue, wed, thu, fri, sat, sun, ranges such as mon-fri, or lists such as sat,sun",
             fix: .replace(with: suggestion))
    }
    public static func dayRangeWraps(_ range: String) -> Self {
        Self(.dayRangeWraps, "the day range '\(range)' wraps past sunday: write it as two ranges, such as 'fri-sun,mon'")
    }
    public static func badHours(_ text: String) -> Self { Self(.badHours, "bad hours '\(text)': write HH:MM-HH:MM, such as 09:00-18:00") }
    public static func intervalBackwards(_ text: String) -> Self {
        Self(.intervalBackwards, "the interval '\(text)' ends before it starts: an interval cannot cross midnight, write two (such as 22:00-24:00 and 00:00-02:00)")
    }

    // MARK: - 09xx scenario files

    /// `kind`: "a flow", "a knowledge base" or "a data file".
    public static func notAScenarioFile(_ kind: String) -> Self {
        Self(.notAScenarioFile, "this is \(kind), not a scenario file: " + (kind == "a flow"
            ? "test it from a scenario file (*.test.yaml) whose 'flow:' names it, and check it with 'ivr check'"
            : "a scenario file (*.test.yaml) names the flow it tests in 'flow:' and lists 'cases'"))
    }
    public static let caseNeedsName = Self(.caseNeedsName, "a case needs 'name'")
    public static func caseNeedsExpect(_ name: String) -> Self { Self(.caseNeedsExpect, "case '\(name)' needs 'expect'") }
    /// `hint`: how to write a time.
    public static func badTime(_ text: String, hint: String) -> Self { Self(.badTime, "bad time '\(text)': \(hint)") }
    public static func scenarioFlowMissing(_ file: String, suggestion: String?) -> Self {
        Self(.scenarioFlowMissing, "no flow file '\(file)' next to this scenario file\(hint(suggestion))", fix: .replace(with: suggestion))
    }
    public static func scenarioLanguage(_ language: String, declared: [String]) -> Self {
        Self(.scenarioLanguage, "the flow does not declare '\(language)'; it declares \(declared.joined(separator: ", "))")
    }
    public static func scenarioOnSubflow(_ file: String) -> Self {
        Self(.scenarioOnSubflow, "'\(file)' is a sub-flow; test the flow that calls it")
    }
    public static let scenarioFlowDoesNotCompile = Self(.scenarioFlowDoesNotCompile, "the flow does not compile")

    // MARK: - 10xx caller models

    public static func unknownModelState(_ name: String, suggestion: String?) -> Self {
        Self(.unknownModelState, "the flow has no state '\(name)'\(hint(suggestion))", fix: .replace(with: suggestion))
    }
    public static func modelLanguageUndeclared(_ language: String, declared: [String]) -> Self {
        Self(.modelLanguageUndeclared, "the flow does not declare '\(language)'; it declares \(declared.joined(separator: ", "))")
    }
    public static func badWeight(_ what: String, _ text: String) -> Self {
        Self(.badWeight, "\(what) must be a number of 0 or more, not '\(text)'")
    }
    public static func badArrivalHour(_ text: String) -> Self {
        Self(.badArrivalHour, "'\(text)' is not an hour of the day: write 00 to 23, such as \"09\"")
    }
    public static func badEntry(_ text: String) -> Self {
        Self(.badEntry, "the entry '\(text)' is not keys: use 0-9, * and A-D (the finish key is added)")
    }
    public static func percentOverHundred(_ what: String, _ value: Double) -> Self {
        let shown = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        return Self(.percentOverHundred, "\(what) is a percentage: \(shown) is above 100")
    }

    // MARK: - 11xx campaigns

    /// `what`: the key naming the file (`flow`, `targets`, `do_not_call`).
    public static func campaignFileMissing(_ what: String, _ file: String, suggestion: String?) -> Self {
        Self(.campaignFileMissing, "no file '\(file)' (the campaign's '\(what)') next to the campaign file\(hint(suggestion))",
             fix: .replace(with: suggestion))
    }
    public static func campaignFlowDoesNotCompile(_ flow: String) -> Self {
        Self(.campaignFlowDoesNotCompile, "the flow '\(flow)' does not compile: its errors follow; 'ivr check' shows them too")
    }
    public static let targetsLackNumberColumn = Self(.targetsLackNumberColumn,
                                                      "the targets have no 'number' column: add one with the numbers to call")
    public static func targetsLackInputColumn(_ input: String, flow: String) -> Self {
        Self(.targetsLackInputColumn, "the targets have no '\(input)' column, an input of flow '\(flow)': add it, with each target's value")
    }
    public static func notAPhoneNumber(_ text: String) -> Self {
        Self(.notAPhoneNumber, "'\(text)' is not a phone number: write 3 to 15 digits, optionally after a +, such as +8613800138000")
    }
    public static func targetOnDoNotCallList(_ number: String) -> Self {
        Self(.targetOnDoNotCallList, .warning, "\(number) is on the do-not-call list: it will not be called")
    }
    public static func emptyInputCell(_ input: String) -> Self {
        Self(.emptyInputCell, .warning, "'\(input)' is empty here, and the flow reads it: the call would say nothing there")
    }
    public static func badRate(_ text: String) -> Self {
        Self(.badRate, "'\(text)' is not a rate: write new calls per second, minute or hour, such as 30/m")
    }
    public static func unknownCallResult(_ text: String, results: [String], suggestion: String?) -> Self {
        Self(.unknownCallResult, "unknown call result '\(text)'\(hint(suggestion)): the results are \(results.joined(separator: ", "))",
             fix: .replace(with: suggestion))
    }
    public static let windowNeverOpens = Self(.windowNeverOpens, "the window never opens: give hours to at least one day, such as mon-fri: \"09:00-20:00\"")
    public static func chancesNotHundred(_ total: Double) -> Self {
        let shown = total == total.rounded() && abs(total) < 1e15 ? String(Int(total)) : String(total)
        return Self(.chancesNotHundred, "the chances add up to \(shown), not 100")
    }
    /// `problem`: why the text is not keys (the key script's own words).
    public static func badKeys(_ problem: String) -> Self {
        Self(.badKeys, "not keys: \(problem)")
    }
    public static func badDelay(_ what: String, _ text: String) -> Self {
        Self(.badDelay, "bad delay '\(text)' for \(what): write a number with s, m, h or d, such as 10m or 1h")
    }
    public static func campaignOnSubflow(_ flow: String) -> Self {
        Self(.campaignOnSubflow, "'\(flow)' is a sub-flow (it has a 'return' state): a campaign calls with the flow that calls it")
    }
}

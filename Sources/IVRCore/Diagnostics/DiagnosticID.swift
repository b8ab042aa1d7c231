/// Every diagnostic's stable identity, like swift-syntax's diagnostic
/// catalogue: a number that never changes meaning (`IVR0101`) and a name
/// derived from the case (`unknown-state`). The message and fix-it of each
/// are defined once, in `DiagnosticMessage`'s catalogue, under the same
/// name. Numbers are grouped by area; a retired number is never reused.
public enum DiagnosticID: Int, CaseIterable, Sendable, Hashable, Codable {
    // 00xx: files and YAML
    case fileNotFound = 1
    case fileUnreadable = 2
    case fileTooLarge = 3
    case notUTF8 = 4
    case yamlTooComplex = 6
    case yamlSyntax = 7
    case unquotedStarKey = 8
    case unquotedPoundKey = 9
    case duplicateKey = 10
    case unknownKey = 11
    case wrongType = 12
    case notBoolean = 13
    case notWholeNumber = 14
    case numberOutOfRange = 15
    case badDuration = 16
    case durationNotPositive = 17
    case emptyFile = 18
    case missingKey = 19

    // 01xx: states and transitions
    case unknownState = 101
    case unknownStartState = 102
    case reservedStateName = 103
    case stateWithoutKind = 104
    case stateWithManyKinds = 105
    case misplacedNext = 106
    case returnFalse = 107
    case stateGoesNowhere = 108
    case noStates = 109
    case emptyTransition = 110
    case transitionGoesNowhere = 111
    case transitionWithManyEnds = 112
    case gotoNotAName = 113
    case repeatWithoutWait = 114
    case loopWithoutWait = 115
    case unreachableState = 116
    case noSuchFlowFile = 117
    case subflowMissingLanguages = 118
    case transferNeedsTarget = 119

    // 02xx: menus, asks and keys
    case menuNeedsPrompt = 201
    case askNeedsKey = 202
    case unknownCheck = 203
    case minDigitsAboveMax = 204
    case notAKey = 205
    case notAnOptionKey = 206
    case optionTakesFirstKey = 207
    case badRegularExpression = 208
    case backtrackingPattern = 209

    // 03xx: branches and conditions
    case elseWithCondition = 301
    case elseNotLast = 302
    case twoElses = 303
    case caseWithoutIf = 304
    case branchWithoutElse = 305
    case conditionWithoutVariable = 306
    case conditionWithoutTest = 307
    case conditionWithManyTests = 308
    case notANumber = 309
    case unknownSchedule = 310

    // 04xx: variables, prompts and languages
    case readOnlyVariable = 401
    case badVariableName = 402
    case variableNeverSet = 403
    case placeholderNeverSet = 404
    case unknownPlaceholderFormat = 405
    case unknownRecordField = 406
    case missingPrompt = 407
    case noPromptCatalog = 408
    case undeclaredLanguage = 409
    case noLanguages = 410
    case languageListedTwice = 411
    case builtInInput = 412
    case inputListedTwice = 413

    // 05xx: lookups and data files
    case lookupNeedsKey = 501
    case unknownTable = 502
    case noDataFile = 503
    case noSuchDataFile = 504
    case tableWithFileAndRecords = 505
    case tableNeedsKey = 506
    case recordWithoutKey = 507
    case csvUnreadable = 508
    case csvWithoutHeader = 509
    case unknownKeyColumn = 510
    case csvRowWidth = 511
    case csvNotUTF8 = 512

    // 06xx: knowledge bases and answers
    case answerNeedsKnowledge = 601
    case unknownCategory = 602
    case unknownArticle = 603
    case articleMissingLanguage = 604
    case unknownSearch = 605
    case answerNeedsMode = 606
    case answerWithManyModes = 607
    case noSuchKnowledgeBase = 608
    case duplicateArticle = 609
    case duplicateArticleCode = 610
    case articleNeedsID = 611
    case badArticleCode = 612
    case articleNeedsTexts = 613
    case importUnknownColumn = 620
    case importNoIDColumn = 622
    case importMissingColumn = 623
    case importNoLanguages = 624
    case importRowWithoutID = 626
    case importDuplicateID = 627
    case importBadCode = 628
    case importDuplicateCode = 629
    case importMissingText = 630

    // 07xx: business hours
    case unknownTimeZone = 701
    case scheduleNeedsTimeZone = 702
    case dayGivenTwice = 703
    case badDate = 704
    case unknownDay = 705
    case dayRangeWraps = 706
    case badHours = 707
    case intervalBackwards = 708

    // 10xx: caller models (ivr simulate)
    case unknownModelState = 1001
    case modelLanguageUndeclared = 1002
    case badWeight = 1003
    case badArrivalHour = 1004
    case badEntry = 1005
    case percentOverHundred = 1006

    // 11xx: campaigns (ivr campaign)
    case campaignFileMissing = 1101
    case campaignFlowDoesNotCompile = 1102
    case targetsLackNumberColumn = 1103
    case targetsLackInputColumn = 1104
    case notAPhoneNumber = 1105
    case targetOnDoNotCallList = 1106
    case emptyInputCell = 1107
    case badRate = 1108
    case unknownCallResult = 1109
    case windowNeverOpens = 1110
    case chancesNotHundred = 1111
    case campaignOnSubflow = 1112
    case badKeys = 1113
    case badDelay = 1114

    // 09xx: scenario files
    case notAScenarioFile = 901
    case caseNeedsName = 902
    case caseNeedsExpect = 903
    case badTime = 904
    case scenarioFlowMissing = 905
    case scenarioLanguage = 906
    case scenarioOnSubflow = 907
    case scenarioFlowDoesNotCompile = 908

    /// `IVR0101`.
    public var code: String {
        let digits = String(rawValue)
        return "IVR" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// `unknown-state`: the case name in kebab case (`notUTF8` is
    /// `not-utf8`, `importNoIDColumn` is `import-no-id-column`).
    public var name: String {
        let characters = Array(String(describing: self))
        var result = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let next = index + 1 < characters.count ? characters[index + 1] : nil
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && next?.isLowercase == true) {
                    result.append("-")
                }
            }
            result.append(character)
        }
        return result.lowercased()
    }

    /// `IVR0101 unknown-state`. (Not `description`: the name is read from
    /// the case's own default description.)
    public var label: String { "\(code) \(name)" }
}

import Foundation
import Testing
@testable import IVRCore
import IVRTools

@Suite struct DiagnosticCatalogTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func everyIDHasAUniqueCodeAndKebabCaseName() {
        let ids = DiagnosticID.allCases
        #expect(Set(ids.map(\.code)).count == ids.count)
        #expect(Set(ids.map(\.name)).count == ids.count)
        for id in ids {
            #expect(id.code.count == 7 && id.code.hasPrefix("IVR"), "\(id)")
            #expect(id.name.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" }, "\(id.name)")
        }
        #expect(DiagnosticID.unknownState.label == "IVR0101 unknown-state")
        #expect(DiagnosticID.notUTF8.name == "not-utf8")
        #expect(DiagnosticID.importNoIDColumn.name == "import-no-id-column")
    }

    @Test func theDiagnosticsReferenceListsEveryID() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Docs/diagnostics.md"), encoding: .utf8)
        for id in DiagnosticID.allCases {
            #expect(text.contains("| \(id.code) | `\(id.name)` |"), "Docs/diagnostics.md lacks \(id.label)")
        }
        let listed = text.components(separatedBy: "\n").filter { $0.hasPrefix("| IVR") }.count
        #expect(listed == DiagnosticID.allCases.count, "the reference lists an id the catalogue no longer has")
    }

    @Test func compiledDiagnosticsCarryTheirIDAndFixIt() {
        let result = Fixture.compile(Fixture.flow("""
          main: { menu: { prompt: main.menu, options: { "1": mian } } }
          restart: { say: bye, next: main }
        """))
        let byID = Dictionary(result.diagnostics.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byID[.unknownState]?.fixIt == FixIt("replace with 'main'", replacement: "main"))
        #expect(byID[.unknownState]?.code == "IVR0101")
        // Moved from the parser into a pass of its own: still reported, at the name.
        #expect(byID[.reservedStateName]?.mark == SourceMark(file: "Flows/flow.yaml", line: 7, column: 3))
        #expect(byID[.reservedStateName]?.fixIt?.replacement == "restart_menu")
    }

    @Test func minDigitsAboveMaxIsAPassOverDeclarations() {
        let given = Fixture.diagnostics(Fixture.flow("""
          main: { ask: { prompt: ask.account, save_as: a, min_digits: 8, max_digits: 6, next: main2 } }
          main2: { hangup: resolved }
        """))
        #expect(given == ["Flows/flow.yaml:6:63: error: min_digits (8) is above max_digits (6)"])
        let defaulted = Fixture.diagnostics(Fixture.flow("""
          main: { ask: { prompt: ask.account, save_as: a, min_digits: 21, next: main2 } }
          main2: { hangup: resolved }
        """))
        #expect(defaulted == ["Flows/flow.yaml:6:63: error: min_digits (21) is above max_digits (20 by default)"])
    }
}

@Suite struct DiagnosticExcerptTests {
    func diagnostic(_ message: DiagnosticMessage, line: Int, column: Int) -> Diagnostic {
        Diagnostic(message, at: SourceMark(file: "Flows/a.yaml", line: line, column: column))
    }

    @Test func aCaretUnderThePlainTextWithIDAndFixIt() {
        let source = "flow: a\nstates:\n  main: { menu: { prompt: hi, options: { \"1\": mian, \"2\": bye } } }\n"
        #expect(DiagnosticExcerpt.render(diagnostic(.unknownState("mian", suggestion: "main"), line: 3, column: 47), source: source) == """
        Flows/a.yaml:3:47: error: unknown state 'mian' (did you mean 'main'?)
            3 |   main: { menu: { prompt: hi, options: { "1": mian, "2": bye } } }
              |                                               ^~~~ IVR0101 unknown-state
              = fix-it: replace with 'main'
        """)
    }

    @Test func aQuotedScalarIsUnderlinedToItsClosingQuote() {
        let source = "  x: { say: [hi], next: \"byee\" }"
        #expect(DiagnosticExcerpt.render(diagnostic(.unknownState("byee", suggestion: nil), line: 1, column: 25), source: source) == """
        Flows/a.yaml:1:25: error: unknown state 'byee'
            1 |   x: { say: [hi], next: "byee" }
              |                         ^~~~~~ IVR0101 unknown-state
        """)
    }

    @Test func wideCharactersTakeTwoCellsSoTheCaretStaysUnderTheText() {
        // 问候 and 再见 are two cells each on a terminal.
        let source = "  main: { say: [问候, 再见], next: mian }"
        #expect(DiagnosticExcerpt.render(diagnostic(.unknownState("mian", suggestion: "main"), line: 1, column: 32), source: source) == """
        Flows/a.yaml:1:32: error: unknown state 'mian' (did you mean 'main'?)
            1 |   main: { say: [问候, 再见], next: mian }
              |                                    ^~~~ IVR0101 unknown-state
              = fix-it: replace with 'main'
        """)
        #expect(DiagnosticExcerpt.render(diagnostic(.missingPrompt("再见", from: "the en-US catalog", suggestion: nil), line: 1, column: 21), source: source) == """
        Flows/a.yaml:1:21: error: prompt '再见' is missing from the en-US catalog
            1 |   main: { say: [问候, 再见], next: mian }
              |                       ^~~~ IVR0407 missing-prompt
        """)
    }

    @Test func aCommentedOutOptionIsUnderlinedAsWritten() {
        #expect(DiagnosticExcerpt.render(diagnostic(.unquotedPoundKey("main"), line: 1, column: 9), source: "        #: main") == """
        Flows/a.yaml:1:9: error: '#:' starts a YAML comment, so this option is ignored: quote the key, as in "#": main
            1 |         #: main
              |         ^~ IVR0009 unquoted-pound-key
              = fix-it: quote the key
        """)
    }

    @Test func withoutTheSourceOnlyTheIDFollows() {
        #expect(DiagnosticExcerpt.render(diagnostic(.noStates, line: 12, column: 1), source: nil) == """
        Flows/a.yaml:12:1: error: 'states' is empty: a flow needs at least one state
               = IVR0109 no-states
        """)
        // A line past the end of the text is treated the same way.
        #expect(DiagnosticExcerpt.render(diagnostic(.noStates, line: 12, column: 1), source: "flow: a\n").hasSuffix("= IVR0109 no-states"))
    }
}

@Suite struct FlowVocabularyTests {
    static let reference = (try? String(contentsOf: DiagnosticCatalogTests.root.appendingPathComponent("Docs/flow-language.md"), encoding: .utf8)) ?? ""

    @Test func theReferenceDocumentsEveryKeyKindAndOutcome() {
        typealias Words = FlowVocabulary
        let keys = Words.topKeys + Words.stateKinds + Words.askKeys + Words.answerKeys + Words.lookupKeys + Words.transferKeys
            + Words.hangupKeys + Words.defaultsKeys + Words.transitionKeys + Words.conditionKeys + Words.builtInTargets
        // Words written as code (`{var: V, equals: X}`) or in bold (**menu**).
        var written = Set<String>()
        for (index, part) in Self.reference.components(separatedBy: "`").enumerated() where index % 2 == 1 {
            written.formUnion(part.split { !($0.isLetter || $0 == "_") }.map(String.init))
        }
        let bold = try? NSRegularExpression(pattern: "\\*\\*([a-z_]+)\\*\\*")
        let whole = NSRange(Self.reference.startIndex..., in: Self.reference)
        for match in bold?.matches(in: Self.reference, range: whole) ?? [] {
            if let range = Range(match.range(at: 1), in: Self.reference) { written.insert(String(Self.reference[range])) }
        }
        for key in Set(keys) { #expect(written.contains(key), "Docs/flow-language.md never names `\(key)`") }
        for outcome in Words.Outcome.allCases { #expect(written.contains(outcome.rawValue), "\(outcome)") }
    }

    @Test func theReferenceStatesTheDefaultsTheCompilerUses() {
        typealias Defaults = FlowVocabulary.Defaults
        #expect(Self.reference.contains("`timeout` (\(Defaults.timeoutMs / 1000)s), `inter_digit_timeout` (\(Defaults.interDigitTimeoutMs / 1000)s), `retries` (\(Defaults.retries)), `barge_in` (\(Defaults.bargeIn)), `max_steps` (\(Defaults.maxSteps)), `on_failure` (`{hangup: \(Defaults.onFailure.rawValue)}`)"))
        let compiled = try? Fixture.machine(Fixture.flow("  main: { menu: { prompt: main.menu, options: { \"1\": bye } } }\n  bye: { hangup: resolved }"))
        guard case .menu(let menu)? = compiled?.states.first?.kind else {
            Issue.record("no menu")
            return
        }
        #expect(menu.prompting.timeoutMs == Defaults.timeoutMs && menu.prompting.retries == Defaults.retries)
        #expect(compiled?.maxSteps == Defaults.maxSteps)
    }

    @Test func theSchemaOffersExactlyTheKeysTheParserAccepts() throws {
        guard case .object(let root) = FlowSchema.document(.flow), case .object(let properties)? = root.first(where: { $0.0 == "properties" })?.1 else {
            Issue.record("no properties")
            return
        }
        #expect(properties.map(\.0) == FlowVocabulary.topKeys)
    }
}

import Testing
@testable import IVRCore
import IVRTools

/// Each diagnostic of SPEC section 7, from inline YAML, at its exact place.
@Suite struct CompilerDiagnosticsTests {
    let menu = """
      main:
        menu:
          prompt: main.menu
          options:
            "1": bye
      bye: { hangup: resolved }
    """

    @Test func validFlowHasNoDiagnostics() throws {
        #expect(Fixture.diagnostics(Fixture.flow(menu)) == [])
        let machine = try Fixture.machine(Fixture.flow(menu))
        #expect(machine.states.map(\.name) == ["main", "bye"])
        #expect(machine.languages == ["zh-CN", "en-US"])
        #expect(machine.version.count == 64)
    }

    @Test func yamlSyntaxError() {
        let text = "flow: test\nstart: main\nstates:\n  main: { say: x\n"
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:5:1: error: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 4)",
        ])
    }

    @Test func unknownKeyWithSuggestion() {
        let text = Fixture.flow("""
          main:
            menu:
              promt: main.menu
              options: { "1": bye }
          bye: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:8:7: error: unknown key 'promt' in menu of state 'main' (did you mean 'prompt'?)",
            "Flows/flow.yaml:8:7: error: the menu of state 'main' needs a 'prompt'",
        ])
    }

    @Test func unknownTopLevelKey() {
        let text = Fixture.flow(menu, header: "langauges: [en-US]")
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:4:1: error: unknown key 'langauges' in the flow (did you mean 'languages'?)",
        ])
    }

    @Test func wrongValueType() {
        let text = Fixture.flow("""
          main:
            menu:
              prompt: [main.menu]
              retries: three
              options: { "1": bye }
          bye: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:8:15: error: 'prompt' must be a text value, not a list",
            "Flows/flow.yaml:9:16: error: 'retries' must be a whole number, not 'three'",
        ])
    }

    @Test func duplicateKeys() {
        let text = Fixture.flow("""
          main:
            menu:
              prompt: main.menu
              options:
                "1": bye
                1: main
          bye: { hangup: resolved }
          bye: { hangup: failed }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:13:3: error: duplicate key 'bye' (first written at line 12)",
        ])
        let sameText = Fixture.flow("""
          main:
            menu:
              prompt: main.menu
              options:
                "1": bye
                1: main
          bye: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(sameText) == [
            "Flows/flow.yaml:11:9: error: duplicate key '1' (first written at line 10)",
        ])
    }

    @Test func missingAndUnknownStart() {
        let missing = "flow: test\nlanguages: [zh-CN]\nstates:\n  main: { hangup: resolved }\n"
        #expect(Fixture.diagnostics(missing) == [
            "Flows/flow.yaml:1:1: error: missing 'start': name the first state, such as 'start: welcome'",
        ])
        let unknown = Fixture.flow(menu).replacingOccurrences(of: "start: main", with: "start: mian")
        #expect(Fixture.diagnostics(unknown) == [
            "Flows/flow.yaml:2:8: error: unknown start state 'mian' (did you mean 'main'?)",
        ])
    }

    @Test func undefinedTarget() {
        let text = Fixture.flow("""
          main:
            menu:
              prompt: main.menu
              options:
                "1": { say: info, goto: byee }
          bye: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:10:33: error: unknown state 'byee' (did you mean 'bye'?)",
        ], "'bye' is unreached only through the broken transition: no warning while the error stands")
    }

    @Test func impossibleOptionKeys() {
        let text = Fixture.flow("""
          main:
            menu:
              prompt: main.menu
              options:
                "11": bye
                "a": bye
                "E": bye
          bye: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:10:9: error: '11' is not a key: options take one of 0-9, *, #, A-D",
            "Flows/flow.yaml:11:9: error: 'a' is not a key (did you mean 'A'?): options take one of 0-9, *, #, A-D",
            "Flows/flow.yaml:12:9: error: 'E' is not a key: options take one of 0-9, *, #, A-D",
        ])
    }

    @Test func badDuration() {
        let text = Fixture.flow(menu, header: "defaults: { timeout: 5 seconds }")
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:4:22: error: bad duration '5 seconds' for 'timeout': write a number with ms, s or m, such as 500ms, 5s or 2m",
        ])
    }

    @Test func minDigitsAboveMaxDigitsAndBadPattern() {
        let text = Fixture.flow("""
          main:
            ask:
              prompt: ask.account
              save_as: account
              min_digits: 8
              max_digits: 6
              pattern: "^[0-9(+$"
              next: bye
          bye: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:10:19: error: min_digits (8) is above max_digits (6)",
            "Flows/flow.yaml:12:16: error: bad regular expression '^[0-9(+$': a '[' is not closed",
        ])
    }

    @Test func promptMissingFromCatalogs() {
        let text = Fixture.flow("""
          main: { say: [welcome, main.menuu], next: bye }
          bye: { hangup: { say: goodbye } }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:6:26: error: prompt 'main.menuu' is missing from the catalogs zh-CN (Prompts/zh-CN.yaml), en-US (Prompts/en-US.yaml) (did you mean 'main.menu'?)",
            "Flows/flow.yaml:7:25: error: prompt 'goodbye' is missing from the catalogs zh-CN (Prompts/zh-CN.yaml), en-US (Prompts/en-US.yaml)",
        ])
        var catalogs = Fixture.catalogs
        catalogs["en-US"] = "welcome: Welcome\n"
        let onlyEnglish = FlowCompiler.compile(
            path: "/t/Flows/flow.yaml",
            options: CompileOptions(files: MemoryFiles(["/t/Flows/flow.yaml": Fixture.flow("  main: { say: info, next: bye }\n  bye: { hangup: resolved }"),
                                                        "/t/Prompts/zh-CN.yaml": catalogs["zh-CN"]!,
                                                        "/t/Prompts/en-US.yaml": catalogs["en-US"]!]),
                                    workingDirectory: "/t"))
        #expect(onlyEnglish.diagnostics.map(\.description) == [
            "Flows/flow.yaml:6:16: error: prompt 'info' is missing from the en-US catalog (Prompts/en-US.yaml)",
        ])
    }

    @Test func missingCatalogFile() {
        let text = Fixture.flow("  main: { hangup: resolved }").replacingOccurrences(of: "[zh-CN, en-US]", with: "[zh-CN, fr-FR]")
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:3:20: error: no prompt catalog for 'fr-FR': expected Prompts/fr-FR.yaml",
        ])
    }

    @Test func unknownLookupTable() {
        let data = "tables:\n  accounts:\n    key: account\n    records:\n      - { account: \"1\" }\n"
        let text = Fixture.flow("""
          main:
            lookup: { table: acounts, key: "{caller}", save_as: customer, found: bye, not_found: bye }
          bye: { hangup: resolved }
        """, header: "data: flow.data.yaml")
        #expect(Fixture.diagnostics(text, extra: ["/t/Flows/flow.data.yaml": data]) == [
            "Flows/flow.yaml:7:22: error: unknown table 'acounts' (did you mean 'accounts'?)",
        ])
    }

    @Test func stateThatGoesNowhere() {
        let text = Fixture.flow("""
          main: { say: welcome }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:6:3: error: state 'main' goes nowhere: a say state needs 'next'",
        ])
        let noKind = Fixture.flow("  main: { description: nothing }")
        #expect(Fixture.diagnostics(noKind) == [
            "Flows/flow.yaml:6:3: error: state 'main' has no kind: give it one of say, menu, ask, branch, set, lookup, answer, call, return, transfer, hangup",
        ])
    }

    @Test func loopThatNeverWaits() {
        let text = Fixture.flow("""
          main: { say: welcome, next: count }
          count: { set: { n: "1" }, next: check }
          check:
            branch:
              - if: { var: n, equals: "2" }
                goto: bye
              - else: main
          bye: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:6:3: error: states 'main', 'count', 'check' form a loop without waiting for the caller: a call could go round forever; put a menu or ask in the loop",
        ])
    }

    @Test func repeatWhereNothingWaits() {
        let text = Fixture.flow("""
          main: { say: welcome, next: repeat }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:6:31: error: 'repeat' replays the prompt of a state that waits (menu, ask or answer); a say state does not wait",
        ])
    }

    @Test func undeclaredLanguages() {
        let text = Fixture.flow("""
          main: { set: { language: fr-FR }, next: sub }
          sub: { call: sub.yaml, next: bye }
          bye: { hangup: resolved }
        """)
        let sub = "flow: sub\nstart: done\nlanguages: [zh-CN]\nstates:\n  done: { return: true }\n"
        #expect(Fixture.diagnostics(text, extra: ["/t/Flows/sub.yaml": sub]) == [
            "Flows/flow.yaml:6:28: error: language 'fr-FR' is not declared by this flow; it declares zh-CN, en-US",
            "Flows/flow.yaml:7:16: error: sub-flow 'sub' does not declare 'en-US', which the calling flow uses",
        ])
    }

    @Test func booleanKeysTakeOnlyTrueOrFalse() {
        let text = Fixture.flow("""
          main:
            ask: { prompt: ask.account, save_as: account, sensitive: yes, next: bye }
          bye: { hangup: resolved }
        """, header: "defaults: { barge_in: \"1\" }")
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:4:23: error: 'barge_in' must be true or false, not '1'",
            "Flows/flow.yaml:7:62: error: 'sensitive' must be true or false, not 'yes'",
        ])
    }

    @Test func unknownScheduleAndTimeZone() {
        let text = Fixture.flow("""
          main:
            branch:
              - if: { open: bussiness }
                goto: bye
              - else: bye
          bye: { hangup: resolved }
        """, header: "hours: { business: { timezone: Asia/Shangai, weekly: { mon-sun: \"09:00-18:00\" } } }")
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:4:32: error: unknown time zone 'Asia/Shangai' (did you mean 'Asia/Shanghai'?): use an IANA name such as Asia/Shanghai",
            "Flows/flow.yaml:8:21: error: unknown schedule 'bussiness' (did you mean 'business'?): declare it under 'hours:'",
        ])
    }

    @Test func badWeeklyHours() {
        let text = Fixture.flow("  main: { hangup: resolved }",
                                header: "hours: { h: { timezone: UTC, weekly: { fri-mon: \"09:00-18:00\", sat: \"22:00-02:00\", sun: \"9-5\" } } }")
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:4:40: error: the day range 'fri-mon' wraps past sunday: write it as two ranges, such as 'fri-sun,mon'",
            "Flows/flow.yaml:4:69: error: the interval '22:00-02:00' ends before it starts: an interval cannot cross midnight, write two (such as 22:00-24:00 and 00:00-02:00)",
            "Flows/flow.yaml:4:89: error: bad hours '9-5': write HH:MM-HH:MM, such as 09:00-18:00",
        ])
    }

    @Test func warningsForUnreachableStatesAndUnsetVariables() {
        let text = Fixture.flow("""
          main:
            branch:
              - if: { var: tier, equals: gold }
                goto: show
              - else: show
          show: { say: balance, next: bye }
          orphan: { hangup: failed }
          bye: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(text) == [
            "Flows/flow.yaml:8:20: warning: variable 'tier' is read but never set",
            "Flows/flow.yaml:11:16: warning: prompt 'balance' has the placeholder '{customer}', but nothing sets 'customer'",
            "Flows/flow.yaml:12:3: warning: state 'orphan' is never reached from the start",
        ])
        #expect(Fixture.compile(text).machine != nil, "warnings do not stop a flow from compiling")
    }
}

import Foundation
import Testing
@testable import IVRCore

/// Issue 8: mistakes `ivr check` used to let through (items 3 and 4 so far).
@Suite struct AuthoringSafetyTests {
    @Test func aStateNamedLikeABuiltInTargetIsAnError() {
        let flow = Fixture.flow("""
          main: { menu: { prompt: main.menu, options: { "1": back, "2": repeat } } }
          back: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(flow).contains(
            "Flows/flow.yaml:7:3: error: a state cannot be named 'back': transitions to 'back' mean the built-in target, so this state could never be reached by name; rename it (for example 'back_menu')"))
    }

    @Test func anUnknownPlaceholderFormatIsAnError() {
        let flow = Fixture.flow("""
          main: { set: { total: "{caller:money}" }, next: m }
          m: { menu: { prompt: main.menu, options: { "1": m } } }
        """)
        let extra = ["/t/Prompts/zh-CN.yaml": Fixture.catalogs["zh-CN"]!.replacingOccurrences(of: "main: { menu: 主菜单", with: "main: { menu: \"您欠{caller:money}元\""),
                     "/t/Prompts/en-US.yaml": Fixture.catalogs["en-US"]!]
        let diagnostics = Fixture.diagnostics(flow, extra: extra)
        #expect(diagnostics.contains("Flows/flow.yaml:6:25: error: unknown placeholder format 'money' in '{caller:money}': the formats are digits ({caller:digits}) and amount ({caller:amount})"), "\(diagnostics)")
        #expect(diagnostics.contains("Prompts/zh-CN.yaml:2:15: error: unknown placeholder format 'money' in '{caller:money}': the formats are digits ({caller:digits}) and amount ({caller:amount})"), "\(diagnostics)")
        #expect(Template.unknownFormats(in: "{a:digits} {b.c:amount} {d} {e:plain} {{x:y}} {not a placeholder:x}").map(\.placeholder) == ["{e:plain}", "{x:y}"])
    }
}

/// Issue 8, item 8 (SPEC 5.3): callers told "then press #" press it after a
/// full-length entry; that key ends what they typed and is dropped.
@Suite struct FinishKeyAfterFullEntryTests {
    static let flow = Fixture.flow("""
      main:
        ask: { prompt: ask.account, save_as: account, max_digits: 4, confirm: ask.confirm, no_match: main.invalid, next: m }
      m: { menu: { prompt: main.menu, no_match: main.invalid, options: { "1": m } } }
      pin: { ask: { prompt: ask.account, save_as: pin, max_digits: 4, sensitive: true, next: m } }
    """, header: #"global: { "9": pin }"#)

    static func started() throws -> Interpreter {
        var call = Interpreter(machine: try Fixture.machine(flow))
        _ = call.start(caller: "", called: "", time: Date(timeIntervalSince1970: 0))
        return call
    }

    @Test func theHashAfterAFullEntryIsDroppedAtTheConfirm() throws {
        var call = try Self.started()
        for key in [DTMFKey.k1, .k2, .k3, .k4] { _ = call.key(key) }
        let output = call.key(.pound)
        #expect(output.lines == [##"{"event":"key","state":"main","key":"#"}"##], "no no_match, no prompt again")
        #expect(call.key(.k1).events.contains("enter m"))
    }

    @Test func onlyTheVeryNextInputIsDropped() throws {
        var call = try Self.started()
        for key in [DTMFKey.k1, .k2, .k3, .k4] { _ = call.key(key) }
        #expect(call.key(.k5).lines.contains(#"{"event":"no_match","state":"main","attempt":1,"input":"5"}"#))
        #expect(call.key(.pound).lines.contains(##"{"event":"no_match","state":"main","attempt":2,"input":"#"}"##), "a # later is a key like any other")
        var silent = try Self.started()
        for key in [DTMFKey.k1, .k2, .k3, .k4] { _ = silent.key(key) }
        _ = silent.timeout()
        #expect(silent.key(.pound).lines.contains { $0.contains("no_match") }, "a timeout came first")
    }

    @Test func theDroppedKeyOfASensitiveEntryIsMasked() throws {
        var call = try Self.started()
        for key in [DTMFKey.k1, .k2, .k3, .k4] { _ = call.key(key) }
        _ = call.key(.k1)  // confirm
        _ = call.key(.k9)  // global 9: the pin
        for key in [DTMFKey.k4, .k3, .k2, .k1] { _ = call.key(key) }
        #expect(call.key(.pound).lines == [#"{"event":"key","state":"m","key":"***"}"#])
        let saved = try Interpreter(machine: call.machine, saved: call.save(sealer: TestSealer()), sealer: TestSealer())
        #expect(saved.call == call.call)
    }
}

/// Issue 8, item 7: one misspelt `next` used to bury its error under
/// "never reached" warnings, a sub-flow's printed first.
@Suite struct CascadeTests {
    @Test func errorsComeFirstAndTheirEchoesWait() {
        let sub = """
        flow: billing
        start: b
        languages: [zh-CN, en-US]
        states:
          b: { branch: [ { if: { var: tier, equals: gold }, goto: r }, { else: r } ] }
          r: { return: true }
        """
        let flow = Fixture.flow("""
          main: { menu: { prompt: main.menu, options: { "1": billing, "2": info_state } } }
          info_state: { say: info, next: mian }
          billing: { call: billing.yaml, next: a1 }
          a1: { say: info, next: a2 }
          a2: { say: info, next: a3 }
          a3: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(flow, extra: ["/t/Flows/billing.yaml": sub]) == [
            "Flows/flow.yaml:7:34: error: unknown state 'mian' (did you mean 'main'?)",
            "Flows/billing.yaml:5:31: warning: variable 'tier' is read but never set",
        ])
    }
}

/// Issue 8, item 2: `#` and `*` unquoted as option keys.
@Suite struct UnquotedKeyTests {
    @Test func anUnquotedPoundOptionIsACommentAndSaysSo() {
        let flow = Fixture.flow("""
          main:
            menu:
              prompt: main.menu
              options:
                "1": main
                #: bye
                # a real comment: stays quiet
          bye: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(flow) == [
            ##"Flows/flow.yaml:11:9: error: '#:' starts a YAML comment, so this option is ignored: quote the key, as in "#": bye"##,
        ])
    }

    @Test func anUnquotedStarOptionIsAnAliasAndSaysSo() {
        let flow = Fixture.flow("""
          main:
            menu:
              prompt: main.menu
              options:
                "1": main
                *: back
        """)
        #expect(Fixture.diagnostics(flow) == [#"Flows/flow.yaml:11:9: error: an unquoted '*' starts a YAML alias: quote the key, as in "*": back"#])
    }
}

/// Issue 8, items 1 and 5: record fields and CSV key columns.
@Suite struct RecordFieldTests {
    static let data = """
    tables:
      accounts:
        key: account
        records:
          - { account: "3101234567", name: 王芳, balance: "236.5" }
      points: { file: points.csv, key: district }
    """
    static let csv = "name,district,address\nA,haidian,1 Road\n"

    @Test func aMisspeltFieldIsAnErrorWithASuggestion() {
        let flow = Fixture.flow("""
          main: { lookup: { table: accounts, key: "{caller}", save_as: customer, found: route, not_found: bye } }
          route:
            branch:
              - if: { var: customer.balanse, greater_than: "0" }
                goto: owes
              - else: bye
          owes: { set: { who: "{customer.nmae}" }, next: show }
          show: { say: balance, next: bye }
          bye: { hangup: resolved }
        """, header: "data: flow.data.yaml")
        let diagnostics = Fixture.diagnostics(flow, extra: ["/t/Flows/flow.data.yaml": Self.data, "/t/Flows/points.csv": Self.csv])
        #expect(diagnostics == [
            "Flows/flow.yaml:9:20: error: record 'customer' has no field 'balanse' (did you mean 'balance'?): table 'accounts' has account, balance, name",
            "Flows/flow.yaml:12:23: error: record 'customer' has no field 'nmae' (did you mean 'name'?): table 'accounts' has account, balance, name",
        ])
    }

    @Test func aGatewaysTableIsCheckedAgainstItsFieldsList() {
        let flow = Fixture.flow("""
          main: { lookup: { table: crm, key: "{caller}", save_as: customer, fields: [name, tier], found: route, not_found: bye } }
          route:
            branch:
              - if: { var: customer.teir, equals: gold }
                goto: bye
              - else: bye
          bye: { hangup: resolved }
        """)
        let diagnostics = Fixture.diagnostics(flow)
        #expect(diagnostics.contains("Flows/flow.yaml:9:20: error: record 'customer' has no field 'teir' (did you mean 'tier'?): table 'crm' has name, tier"), "\(diagnostics)")
    }

    @Test func aCSVTableIsKeyedByTheColumnNamed() throws {
        let flow = Fixture.flow("""
          main: { lookup: { table: points, key: haidian, save_as: point, found: bye, not_found: bye } }
          bye: { hangup: { say: bye } }
        """, header: "data: flow.data.yaml")
        let files = ["/t/Flows/flow.data.yaml": Self.data, "/t/Flows/points.csv": Self.csv]
        let result = Fixture.compile(flow, extra: files)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.tables.find(table: "points", key: "haidian")?["address"] == "1 Road")
        let wrong = Fixture.diagnostics(flow, extra: ["/t/Flows/flow.data.yaml": Self.data.replacingOccurrences(of: "key: district", with: "key: distrct"),
                                                      "/t/Flows/points.csv": Self.csv])
        #expect(wrong.first == "Flows/flow.data.yaml:6:36: error: table 'points' has no column 'distrct' (did you mean 'district'?): Flows/points.csv has name, district, address")
        // The table the data file names is not an "unknown table" as well: one mistake, one error.
        #expect(wrong.count == 1, "\(wrong)")
    }
}

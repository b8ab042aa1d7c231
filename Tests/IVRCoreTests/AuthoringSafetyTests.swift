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

import Foundation
import Testing
@testable import IVRCore

/// Work chosen by the input stays linear or bounded (issue 7, fuzzing):
/// each case took from 15 s to 274 s before. The limits here are generous
/// hang guards for a debug build, not speed targets (ivr-bench measures).
@Suite struct InputBoundsTests {
    func timed<T>(_ limit: TimeInterval, _ body: () throws -> T) rethrows -> T {
        let started = Date()
        let result = try body()
        #expect(Date().timeIntervalSince(started) < limit)
        return result
    }

    @Test func fortyThousandOpeningBracesAreReadOnce() {
        let text = String(repeating: "{", count: 40_000) + "{name}" + String(repeating: "{x", count: 20_000)
        let template = timed(5) { Template(text) }
        #expect(template.variables == ["name"])
        #expect(template.render(value: { _, _ in "Li" }).hasPrefix(String(repeating: "{", count: 40_000) + "Li{x"))
        #expect(Template("{a}{b:digits}{{c}}").pieces.count == 5)
    }

    @Test func tenThousandUnknownTargetsAreReportedQuickly() throws {
        var states = "  main: { menu: { prompt: main.menu, options: { \"1\": s0 } } }\n"
        for index in 0..<10_000 { states += "  s\(index): { say: info, next: missing_state_\(index) }\n" }
        let diagnostics = timed(30) { Fixture.diagnostics(Fixture.flow(states)) }
        #expect(diagnostics.filter { $0.contains("unknown state 'missing_state_") }.count == 10_000)
        #expect(diagnostics.first == "Flows/flow.yaml:7:26: error: unknown state 'missing_state_0'")
    }

    @Test func missingPromptsAgainstHugeCatalogsAreReportedQuickly() throws {
        var catalog = ""
        for index in 0..<100_000 { catalog += "k\(index): text\n" }
        var states = ""
        for index in 0..<3_000 { states += "  s\(index): { say: missing.prompt.\(index), next: \(index == 2_999 ? "main" : "s\(index + 1)") }\n" }
        let flow = Fixture.flow("  main: { menu: { prompt: k1, options: { \"1\": s0 } } }\n" + states)
        let extra = ["/t/Prompts/zh-CN.yaml": catalog + "main: { menu: x }\n", "/t/Prompts/en-US.yaml": catalog + "main: { menu: x }\n"]
        let diagnostics = timed(60) { Fixture.diagnostics(flow, extra: extra) }
        #expect(diagnostics.filter { $0.contains("is missing from the catalogs") }.count == 3_000)
    }

    @Test func hintsStillComeForOrdinaryMistakes() {
        let flow = Fixture.flow("  main: { menu: { prompt: main.menu, options: { \"1\": bey } } }\n  bye: { hangup: resolved }")
        #expect(Fixture.diagnostics(flow).first == "Flows/flow.yaml:6:54: error: unknown state 'bey' (did you mean 'bye'?)")
    }

    @Test func aBacktrackingPatternWarnsAndGivesUpOnAnEntry() throws {
        let flow = Fixture.flow("""
          main:
            ask: { prompt: ask.account, save_as: a, max_digits: 30, pattern: "(1?){40}1{40}", next: bye }
          bye: { hangup: resolved }
        """)
        let diagnostics = Fixture.diagnostics(flow)
        #expect(diagnostics == ["Flows/flow.yaml:7:70: warning: regular expression '(1?){40}1{40}' repeats a group that itself repeats, which can take exponential time on some entries (matching gives up after a bounded effort and counts as no match); rewrite it without nested repetition"])
        var call = Interpreter(machine: try Fixture.machine(flow))
        _ = call.start(caller: "", called: "", time: Date(timeIntervalSince1970: 0))
        for _ in 0..<25 { _ = call.key(.k1) }
        let output = timed(10) { call.key(.pound) }
        #expect(output.lines.contains(#"{"event":"no_match","state":"main","attempt":1,"input":"1111111111111111111111111"}"#))
        for safe in ["^[0-9]{8}$", "^(0|[1-9][0-9]*)$", "^(?:86)?1[3-9][0-9]{9}$", "(ab)?c+"] {
            #expect(try Pattern.compile(safe).get().mayBacktrackExponentially == false, "\(safe)")
        }
        for risky in ["(a+)+", "(a*)*b", "((1?){2}){3}", "(x|y?)*"] {
            #expect(try Pattern.compile(risky).get().mayBacktrackExponentially, "\(risky)")
        }
    }
}

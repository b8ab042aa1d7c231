import Foundation
import Testing
@testable import IVRCore
import IVRTools

/// Truncated, garbled or hostile YAML gets diagnostics, never a crash or a hang.
@Suite struct HostileInputTests {
    @Test func deepNestingIsRefused() {
        let depth = 5000
        let text = "flow: x\nstart: a\nlanguages: [zh-CN]\nstates: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        let diagnostics = Fixture.diagnostics(text)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.contains("Maximum nesting level reached") == true)
    }

    @Test func nestingJustUnderTheLimitIsOnlyAWrongType() {
        let depth = 900
        let text = "flow: x\nstart: a\nlanguages: [zh-CN]\nstates: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        #expect(Fixture.diagnostics(text) == ["Flows/flow.yaml:4:9: error: 'states' must be a mapping, not a list"])
    }

    @Test func aliasBombIsRefused() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(refs)]\n"
        }
        text += "flow: bomb\nstart: a\nlanguages: [zh-CN]\nstates: { a: { say: *a9, next: a } }\n"
        let started = Date()
        let diagnostics = Fixture.diagnostics(text)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(diagnostics == ["Flows/flow.yaml:1:1: error: document expands to more than 1000000 nodes (aliases nested too deeply?)"])
    }

    @Test func aliasesWithinReasonWork() throws {
        let text = Fixture.flow("""
          main:
            menu:
              prompt: main.menu
              options: &opts { "1": bye, "2": bye }
          other:
            menu: { prompt: main.menu, options: *opts }
          bye: { hangup: resolved }
        """)
        #expect(Fixture.diagnostics(text) == ["Flows/flow.yaml:10:3: warning: state 'other' is never reached from the start"])
    }

    @Test func binaryBytesAreNotText() {
        var data = Data("flow: x\nstart: a\n".utf8)
        data.append(contentsOf: [0xFF, 0xFE, 0x00, 0x41])
        let bag = DiagnosticBag()
        #expect(YAMLDocument.parse(data: data, file: "bin.yaml", into: bag) == nil)
        #expect(bag.diagnostics.map(\.description) == ["bin.yaml:3:1: error: file is not UTF-8 text (invalid byte at offset 17)"])
    }

    @Test func controlCharactersAreReported() {
        let text = "flow: x\nstart: \u{0}a\n"
        let diagnostics = Fixture.diagnostics(text)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.hasPrefix("Flows/flow.yaml:2:8: error: invalid YAML:") == true)
    }

    @Test func hugeScalarIsJustAnUnknownState() {
        let name = String(repeating: "x", count: 2_000_000)
        let text = Fixture.flow("  main: { say: welcome, next: \(name) }")
        let diagnostics = Fixture.diagnostics(text)
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.hasPrefix("Flows/flow.yaml:6:31: error: unknown state 'xxxx") == true)
    }

    @Test func truncatedFilesGetDiagnostics() {
        let full = Fixture.flow("""
          main:
            menu:
              prompt: main.menu
              options: { "1": bye }
          bye: { hangup: resolved }
        """)
        // Every prefix of a valid flow compiles to diagnostics or a machine, never a crash.
        var withErrors = 0
        for length in stride(from: 0, to: full.count, by: 3) {
            let result = Fixture.compile(String(full.prefix(length)))
            if result.machine == nil {
                withErrors += 1
                #expect(!result.errors.isEmpty)
            }
        }
        #expect(withErrors > 10)
    }

    @Test func emptyAndScalarDocuments() {
        #expect(Fixture.diagnostics("") == ["Flows/flow.yaml:1:1: error: the file is empty: a flow needs 'flow', 'start', 'languages' and 'states'"])
        #expect(Fixture.diagnostics("just text") == ["Flows/flow.yaml:1:1: error: the flow must be a mapping, not a text value"])
        #expect(Fixture.diagnostics("a: 1\n---\nb: 2\n").first?.contains("expected a single document") == true)
    }

    @Test func garbledBytesNeverCrash() {
        var generator = SplitMix(seed: 42)
        let alphabet = Array("{}[]:,-&*!|>'\"#%@` \n\tabc01é中")
        for _ in 0..<300 {
            let length = Int(generator.next() % 200)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            let result = Fixture.compile(text)
            #expect(result.machine == nil || result.errors.isEmpty)
        }
    }
}

/// A small deterministic generator for the garbling test.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

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
        // libyaml's scanner looks ahead through the brackets and refuses them itself.
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.contains("Maximum nesting level reached") == true)
        let blocks = (1...300).map { String(repeating: " ", count: $0) + "a:" }.joined(separator: "\n")
        #expect(Fixture.diagnostics("flow: x\nstart: a\nlanguages: [zh-CN]\nstates:\n" + blocks + "\n") ==
                ["Flows/flow.yaml:204:201: error: document nests deeper than 200 levels (aliases included)"])
    }

    @Test func nestingJustUnderTheLimitIsOnlyAWrongType() {
        let depth = 200
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
        #expect(diagnostics == ["Flows/flow.yaml:6:55: error: document expands to more than 1000000 nodes (aliases nested too deeply?)"])
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

/// SplitMix64, a small seeded generator for the garbling and fuzzing
/// tests: a failure repeats from its seed.
struct SplitMix: RandomNumberGenerator {
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

/// The review's and the fuzzing campaign's hostile documents (issue 7):
/// each refused within seconds with a diagnostic, never a signal or a hang.
@Suite struct AliasShapeTests {
    func refusedQuickly(_ text: String) -> [String] {
        let started = Date()
        let diagnostics = Fixture.diagnostics(text)
        #expect(Date().timeIntervalSince(started) < 5)
        return diagnostics
    }

    @Test func aChainOfDeepAnchorsIsRefusedBeforeATreeExists() {
        // Each anchor nests 150 levels and holds the previous one: 72 KB of
        // text, 36,000 levels once expanded (it crashed `ivr check`).
        var text = "a0: &a0 " + String(repeating: "[", count: 150) + "x" + String(repeating: "]", count: 150) + "\n"
        for index in 1..<240 {
            text += "a\(index): &a\(index) " + String(repeating: "[", count: 150) + "*a\(index - 1)" + String(repeating: "]", count: 150) + "\n"
        }
        #expect(text.utf8.count > 72_000)
        #expect(refusedQuickly(text) == ["Flows/flow.yaml:2:159: error: document nests deeper than 200 levels (aliases included)"])
    }

    @Test func anAliasBombUsedAsAMappingKeyIsRefusedBeforeYamsHashesIt() {
        // Ten aliases a level, eight levels, the last used as keys: 526
        // bytes that Yams' duplicate-key check took 171 s to hash.
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...7 {
            text += "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ",") + "]\n"
        }
        text += "m: { ? *a7 : 1, ? *a7 : 2 }\n"
        #expect(text.utf8.count < 600)
        #expect(refusedQuickly(text) == ["Flows/flow.yaml:6:46: error: document expands to more than 1000000 nodes (aliases nested too deeply?)"])
    }

    @Test func fiftyThousandChainedOneElementListsAreRefused() {
        var text = "- &a0 [x]\n"
        for index in 1..<50_000 { text += "- &a\(index) [*a\(index - 1)]\n" }
        #expect(refusedQuickly(text) == ["Flows/flow.yaml:200:10: error: document nests deeper than 200 levels (aliases included)"])
    }

    @Test func theRefusedTreeIsNeverBuiltOnASmallStack() {
        // A gateway compiles off its event loop, on threads with small stacks.
        var chain = "- &a0 [x]\n"
        for index in 1..<50_000 { chain += "- &a\(index) [*a\(index - 1)]\n" }
        let text = chain
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            _ = Fixture.diagnostics(text)
            done.signal()
        }
        thread.stackSize = 256 * 1024
        thread.start()
        #expect(done.wait(timeout: .now() + 30) == .success)
    }
}

@Suite struct SubflowChainTests {
    @Test func aLongChainOfSubflowsCompilesWithoutDeepRecursion() {
        var extra: [String: String] = [:]
        let count = 2_000
        for index in 0..<count {
            let next = index + 1 < count ? "s: { call: f\(index + 1).yaml, next: r }" : "s: { say: bye, next: r }"
            extra["/t/Flows/f\(index).yaml"] = "flow: f\(index)\nstart: s\nlanguages: [zh-CN, en-US]\nstates:\n  \(next)\n  r: { return: true }\n"
        }
        let flow = Fixture.flow("  main: { call: f0.yaml, next: bye }\n  bye: { hangup: resolved }")
        let files = extra
        // On a 256 KiB stack, as a gateway's worker thread might have: a
        // recursive load of 2,000 nested sub-flows would overflow it.
        let states = Locked<Int?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let result = Fixture.compile(flow, extra: files)
            states.set(result.errors.isEmpty ? result.machine?.states.count : -1)
            done.signal()
        }
        thread.stackSize = 256 * 1024
        thread.start()
        #expect(done.wait(timeout: .now() + 120) == .success)
        #expect(states.get() == 2 + 2 * count)
    }
}

/// A value shared with a test's helper thread.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    func set(_ new: Value) { lock.lock(); value = new; lock.unlock() }
    func get() -> Value { lock.lock(); defer { lock.unlock() }; return value }
}

@Suite struct FuzzFindingsTests {
    /// Found by the fuzzer (seed 777): a sub-flow whose `states` were cut
    /// crashed the graph passes with an index out of range.
    @Test func callingASubflowWithoutStatesIsAnErrorNotACrash() {
        let sub = "flow: empty\nstart: s\nlanguages: [zh-CN, en-US]\nstates: {}\n"
        let flow = Fixture.flow("  main: { call: empty.yaml, next: bye }\n  bye: { hangup: resolved }")
        let diagnostics = Fixture.diagnostics(flow, extra: ["/t/Flows/empty.yaml": sub])
        #expect(diagnostics.contains { $0.hasPrefix("Flows/empty.yaml:") && $0.contains("error:") }, "\(diagnostics)")
    }
}

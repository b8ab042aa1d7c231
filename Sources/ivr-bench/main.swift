// Benchmarks, run with: swift run -c release ivr-bench
// Each figure is a ratio measured side by side in this one run, so it does
// not depend on how fast the machine is.
import Foundation
import IVRCore
import IVRTools
import Yams

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Median of alternating runs of two bodies.
func sideBySide(runs: Int, _ a: () -> Void, _ b: () -> Void) -> (Double, Double) {
    var first: [Double] = [], second: [Double] = []
    for _ in 0..<runs {
        first.append(seconds(a))
        second.append(seconds(b))
    }
    return (first.sorted()[runs / 2], second.sorted()[runs / 2])
}

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

// MARK: - 1. Compile time against Yams compose

/// A generated flow of `count` states: menus, asks, says, branches and sets.
func generatedFlow(states count: Int) -> String {
    var text = """
    flow: generated
    start: s0
    languages: [zh-CN, en-US]
    global: { "0": { transfer: operator } }
    states:

    """
    for index in 0..<count {
        let next = "s\((index + 1) % count)"
        let other = "s\((index * 7 + 3) % count)"
        switch index % 5 {
        case 0:
            text += """
              s\(index):
                menu:
                  prompt: p\(index % 50)
                  no_match: invalid
                  options:
                    "1": \(next)
                    "2": { say: p\((index + 1) % 50), goto: \(other) }
                    "#": back

            """
        case 1: text += "  s\(index): { say: [p\(index % 50), p\((index + 3) % 50)], next: \(next) }\n"
        case 2: text += "  s\(index): { set: { v\(index % 10): \"{caller}\" }, next: \(next) }\n"
        case 3:
            text += """
              s\(index):
                branch:
                  - if: { var: v\(index % 10), equals: "1" }
                    goto: \(other)
                  - else: \(next)

            """
        default:
            text += """
              s\(index):
                ask: { prompt: p\(index % 50), save_as: v\(index % 10), max_digits: 8, next: \(next) }

            """
        }
    }
    return text
}

func catalog(_ language: String) -> String {
    (0..<50).map { "p\($0): \(language) prompt \($0) {caller}" }.joined(separator: "\n") + "\ninvalid: \(language) invalid\n"
}

let files = MemoryFiles(["/bench/Prompts/zh-CN.yaml": catalog("zh"), "/bench/Prompts/en-US.yaml": catalog("en")])
let options = CompileOptions(files: files, workingDirectory: "/bench")

print("ivr benchmarks (release build, ratios measured side by side in one run)")
print("")
print("1. compile time of generated flows against Yams compose of the same text (target <= 2x)")
/// `IVR_BENCH_ONLY=keys` runs section 2 alone (for a profiler).
let keysOnly = ProcessInfo.processInfo.environment["IVR_BENCH_ONLY"] == "keys"
/// `IVR_BENCH_ONLY=campaign` runs section 6 alone.
if ProcessInfo.processInfo.environment["IVR_BENCH_ONLY"] == "campaign" {
    CampaignBenchmark.run()
    exit(0)
}
for count in keysOnly ? [] : [100, 1_000, 5_000] {
    let text = generatedFlow(states: count)
    let check = FlowCompiler.compile(text: text, path: "/bench/Flows/g.yaml", options: options)
    precondition(check.machine != nil, "the generated flow must compile: \(check.errors.prefix(3))")
    let runs = count >= 5_000 ? 5 : 11
    let (compile, compose) = sideBySide(runs: runs, {
        _ = FlowCompiler.compile(text: text, path: "/bench/Flows/g.yaml", options: options)
    }, {
        _ = try? Yams.compose(yaml: text)
    })
    // The compiler also reads the two catalogs: a second baseline composes
    // every text the compile reads, so fixed costs show for what they are.
    let catalogs = [catalog("zh"), catalog("en")]
    let (compileAgain, composeAll) = sideBySide(runs: runs, {
        _ = FlowCompiler.compile(text: text, path: "/bench/Flows/g.yaml", options: options)
    }, {
        _ = try? Yams.compose(yaml: text)
        for other in catalogs { _ = try? Yams.compose(yaml: other) }
    })
    print("   \(count) states (\(text.utf8.count / 1024) KiB): compile \(format(compile * 1000)) ms, compose \(format(compose * 1000)) ms, ratio \(format(compile / compose))x; against composing the flow and its 2 catalogs \(format(compileAgain / composeAll))x")
}

// MARK: - 2. Interpreter cost per key against a hand-written switch

let smallFlow = """
flow: small
start: main
languages: [en-US]
defaults: { max_steps: 1000000 }   # the long call must not end on its step count
states:
  main:
    menu:
      prompt: main.menu
      options:
        "1": { say: info, goto: repeat }
        "2": second
  second:
    menu:
      prompt: second.menu
      options:
        "1": { say: info2, goto: repeat }
        "#": main
"""
let smallFiles = MemoryFiles([
    "/bench/Flows/small.yaml": smallFlow,
    "/bench/Prompts/en-US.yaml": "main: { menu: Main menu }\nsecond: { menu: Second menu }\ninfo: Info\ninfo2: More info\n",
])
let small = FlowCompiler.compile(path: "/bench/Flows/small.yaml", options: CompileOptions(files: smallFiles, workingDirectory: "/bench"))
guard let smallMachine = small.machine else { fatalError("the small flow must compile: \(small.diagnostics)") }

/// The same menu written by hand: the practical floor.
struct HandWrittenMenu {
    enum State { case main, second }
    var state = State.main
    let wait = Action.Wait(maxKeys: 1, finishOn: nil, timeoutMs: 5000, interDigitTimeoutMs: 3000, bargeIn: true)

    func play(_ key: String, _ text: String) -> Action {
        .play(Action.Play(prompt: key, language: "en-US", text: text, audio: nil, bargeIn: true))
    }

    mutating func key(_ key: DTMFKey) -> ([Action], Directive) {
        switch (state, key) {
        case (.main, .k1): return ([play("info", "Info"), play("main.menu", "Main menu")], .waiting(wait))
        case (.main, .k2): state = .second; return ([play("second.menu", "Second menu")], .waiting(wait))
        case (.second, .k1): return ([play("info2", "More info"), play("second.menu", "Second menu")], .waiting(wait))
        case (.second, .pound): state = .main; return ([play("main.menu", "Main menu")], .waiting(wait))
        default: return ([], .ignored(.notWaiting))
        }
    }
}

let script: [DTMFKey] = [.k1, .k2, .k1, .pound]

/// Reads every action (and trace line) so that the optimizer cannot drop
/// the work of either side.
@inline(never)
func consume(_ actions: [Action], _ directive: Directive, _ trace: [TraceEvent] = []) -> Int {
    var total = trace.count
    for action in actions {
        switch action {
        case .play(let play): total &+= play.text.utf8.count &+ play.prompt.utf8.count
        default: total &+= 1
        }
    }
    if case .waiting(let wait) = directive { total &+= wait.maxKeys &+ wait.timeoutMs }
    for line in trace { total &+= line.state.utf8.count }
    return total
}
let keyCount = Int(ProcessInfo.processInfo.environment["IVR_BENCH_KEYS"] ?? "") ?? 1_000_000
func interpreterCall(tracing: Bool) -> Int {
    var interpreter = Interpreter(machine: smallMachine)
    interpreter.tracing = tracing
    _ = interpreter.start(caller: "", called: "", time: Date(timeIntervalSince1970: 0))
    var total = 0
    for index in 0..<keyCount {
        let output = interpreter.key(script[index & 3])
        total &+= consume(output.actions, output.directive, output.trace)
    }
    precondition(interpreter.isWaiting, "the call must still be running at its last key")
    return total
}
func handWrittenCall() -> Int {
    var menu = HandWrittenMenu()
    var total = 0
    for index in 0..<keyCount {
        let (actions, directive) = menu.key(script[index & 3])
        total &+= consume(actions, directive)
    }
    return total
}
do {
    var interpreter = Interpreter(machine: smallMachine)
    interpreter.tracing = false
    _ = interpreter.start(caller: "", called: "", time: Date(timeIntervalSince1970: 0))
    var menu = HandWrittenMenu()
    for index in 0..<16 {
        let output = interpreter.key(script[index & 3])
        let (actions, directive) = menu.key(script[index & 3])
        precondition(output.actions == actions && output.directive == directive, "both must produce the same actions")
    }
}
print("")
print("2. interpreter cost per key event against a hand-written switch of the same menu (target <= 3x)")
var sink = 0
let (untraced, floor) = sideBySide(runs: 9, { sink &+= interpreterCall(tracing: false) }, { sink &+= handWrittenCall() })
let (traced, _) = sideBySide(runs: keysOnly ? 1 : 3, { sink &+= interpreterCall(tracing: true) }, {})
print("   \(keyCount) keys: interpreter \(format(untraced / Double(keyCount) * 1e9, 0)) ns/key, hand-written \(format(floor / Double(keyCount) * 1e9, 0)) ns/key, ratio \(format(untraced / floor))x")
print("   with trace lines on: \(format(traced / Double(keyCount) * 1e9, 0)) ns/key, ratio \(format(traced / floor))x")
if keysOnly { exit(sink == 42 ? 1 : 0) }

// MARK: - 3. Memory retained per waiting call

/// Resident memory in bytes, from /proc/self/statm (Linux); it counts
/// everything the calls hold, the array of calls included.
func heapInUse() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

print("")
print("3. memory retained per waiting call, over 100,000 calls (target <= 2 KiB)")
let callCount = 100_000
let utility = FlowCompiler.compile(path: "Flows/utility.yaml")
if let machine = utility.machine {
    let before = heapInUse()
    var calls: [Interpreter] = []
    calls.reserveCapacity(callCount)
    for index in 0..<callCount {
        var interpreter = Interpreter(machine: machine)
        interpreter.tracing = false
        _ = interpreter.start(caller: "138\(10_000_000 + index)", called: "95598", time: Date(timeIntervalSince1970: 0))
        _ = interpreter.key(.k1)  // into the account ask, typing the first digits
        _ = interpreter.key(.k3)
        _ = interpreter.key(.k1)
        calls.append(interpreter)
    }
    let after = heapInUse()
    precondition(calls.allSatisfy(\.isWaiting))
    let perCall = Double(after - before) / Double(callCount)
    print("   \(callCount) calls waiting in an ask of Flows/utility.yaml: \(format(perCall, 0)) bytes per call (\(MemoryLayout<Interpreter>.stride) inline), \(format(perCall / 1024))  KiB")
    withExtendedLifetime(calls) {}
} else {
    print("   (run from the package root: Flows/utility.yaml did not compile)")
}
if sink == 42 { print("") }  // keeps the measured results alive

do { try SearchBenchmark.run() } catch { print("   search benchmark failed: \(error)") }

// MARK: - 5. Exploring a large flow

print("")
print("5. ivr explore of a generated 1,000-state flow at depth 8 (target: seconds)")
/// A bushy flow: 1,000 menus of nine options each (a tree folded onto
/// itself), pound for back, a global key, every fifth option an ask.
func menuTree(states count: Int) -> String {
    var text = "flow: tree\nstart: m0\nlanguages: [zh-CN, en-US]\nglobal: { \"0\": { transfer: operator } }\nstates:\n"
    for index in 0..<count {
        let options = (1...9).map { key in "\"\(key)\": m\((index * 9 + key) % count)" }.joined(separator: ", ")
        if index % 5 == 4 {
            text += "  m\(index): { ask: { prompt: p\(index % 50), save_as: v, max_digits: 4, options: { \"*\": back }, next: m\((index + 1) % count) } }\n"
        } else {
            text += "  m\(index): { menu: { prompt: p\(index % 50), options: { \(options), \"#\": back } } }\n"
        }
    }
    return text
}

for (label, text) in [("the generated flow of section 1", generatedFlow(states: 1_000)), ("a menu tree, nine options a menu", menuTree(states: 1_000))] {
    guard let machine = FlowCompiler.compile(text: text, path: "/bench/Flows/g.yaml", options: options).machine else {
        print("   \(label): does not compile")
        continue
    }
    var report: Explorer.Report?
    let elapsed = seconds { report = Explorer(machine: machine).explore(maxDepth: 8) }
    if let report {
        print("   \(label): \(report.explored) call states in \(format(elapsed)) s; \(machine.states.count - report.unreached.count) of \(machine.states.count) states reached within 8 inputs, \(report.faults.count) faults")
    }
}

// MARK: - 6. Campaigns

if !keysOnly { CampaignBenchmark.run() }

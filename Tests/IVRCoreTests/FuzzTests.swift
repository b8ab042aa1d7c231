import Foundation
import Testing
@testable import IVRCore
import IVRTools

/// Fuzzing that stays (issue 7): mutated flows through the compiler, random
/// event streams through the interpreter on both example flows, saves and
/// resumes at random waits, mutated saved calls. A fixed seed and a few
/// seconds by default; `IVR_FUZZ_SEED` and `IVR_FUZZ_ROUNDS` run it longer:
///
///     IVR_FUZZ_ROUNDS=200000 swift test --filter FuzzTests
@Suite struct FuzzTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seed = UInt64(environment["IVR_FUZZ_SEED"] ?? "") ?? 0x1A2B_3C4D
    static let rounds = Int(environment["IVR_FUZZ_ROUNDS"] ?? "") ?? 300

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The example project in memory under /p, as the compiler reads it.
    static func exampleFiles() throws -> [String: String] {
        var files: [String: String] = [:]
        for directory in ["Flows", "Prompts"] {
            let url = root.appendingPathComponent(directory)
            for name in try FileManager.default.contentsOfDirectory(atPath: url.path) where !name.hasPrefix(".") {
                let file = url.appendingPathComponent(name)
                guard let text = try? String(contentsOf: file, encoding: .utf8) else { continue }
                files["/p/\(directory)/\(name)"] = text
            }
        }
        return files
    }

    static func compile(_ files: [String: String], flow: String) -> CompileResult {
        FlowCompiler.compile(path: "/p/Flows/\(flow)", options: CompileOptions(files: MemoryFiles(files), workingDirectory: "/p"))
    }

    static let fragments = ["&a ", "*a", "[", "]", "{", "}", "\"", "'", ": ", "- ", "\n  ", "#", "!!str ", "<<: *a", "?", "|", ">",
                            "\u{0}", "\t", "9999999999999999999999", "{x:digits}", "(1?){9}", "\\", "states:", "goto: ", "retries: -1"]

    static func mutate(_ text: String, _ random: inout SplitMix) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !lines.isEmpty else { break }
            let index = Int.random(in: 0..<lines.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: lines.remove(at: index)
            case 1: lines.insert(lines[index], at: index)
            case 2: lines.swapAt(index, Int.random(in: 0..<lines.count, using: &random))
            case 3:
                var line = Array(lines[index])
                let at = line.isEmpty ? 0 : Int.random(in: 0...line.count, using: &random)
                line.insert(contentsOf: fragments.randomElement(using: &random) ?? "", at: at)
                lines[index] = String(line)
            case 4:
                var line = Array(lines[index])
                if !line.isEmpty { line.remove(at: Int.random(in: 0..<line.count, using: &random)) }
                lines[index] = String(line)
            default:
                lines[index] = String(lines[index].prefix(Int.random(in: 0...max(0, lines[index].count), using: &random)))
            }
        }
        return lines.joined(separator: "\n")
    }

    @Test func mutatedFlowsGetDiagnosticsNeverACrashOrAHang() throws {
        var random = SplitMix(seed: Self.seed)
        let files = try Self.exampleFiles()
        let targets = ["hotline.yaml", "utility.yaml", "outage.yaml", "hotline.kb.yaml", "hotline.data.yaml", "utility.data.yaml"]
        var compiled = 0, refused = 0
        let rounds = max(1, Self.rounds / 3)  // a compile costs more than a call
        for _ in 0..<rounds {
            let target = targets.randomElement(using: &random) ?? "hotline.yaml"
            var mutated = files
            mutated["/p/Flows/\(target)"] = Self.mutate(files["/p/Flows/\(target)"] ?? "", &random)
            let top = target.hasPrefix("utility") || target == "outage.yaml" ? "utility.yaml" : "hotline.yaml"
            let started = Date()
            let result = Self.compile(mutated, flow: top)
            #expect(Date().timeIntervalSince(started) < 10, "a mutated \(target) took too long")
            if result.machine != nil { compiled += 1 } else {
                refused += 1
                #expect(!result.errors.isEmpty, "no machine and no error")
            }
        }
        #expect(compiled + refused == rounds)
    }

    /// A random input that fits the call's phase most of the time.
    static func event(for interpreter: Interpreter, tables: DataTables, _ random: inout SplitMix) -> Event {
        let roll = Int.random(in: 0..<100, using: &random)
        switch interpreter.directive {
        case .lookup(let table, let key):
            if roll < 10 { return .key(DTMFKey.allCases.randomElement(using: &random) ?? .k1) }
            if roll < 55 { return .lookupResult(tables.find(table: table, key: key)) }
            if roll < 80, let record = tables.tables[table]?.records.randomElement(using: &random) { return .lookupResult(record) }
            return .lookupResult(nil)
        case .transferring:
            return roll < 70 ? .transferFailed("fuzz") : (roll < 85 ? .hangup : .key(.k1))
        default:
            if roll < 3 { return .hangup }
            if roll < 13 { return .timeout }
            if roll < 16 { return .lookupResult(nil) }
            if roll < 18 { return .transferFailed("stray") }
            if roll < 19 { return .start(caller: "1", called: "2", language: nil, time: Date()) }
            return .key(DTMFKey.allCases.randomElement(using: &random) ?? .k1)
        }
    }

    static func machines() throws -> [(Machine, DataTables, String)] {
        let files = try exampleFiles()
        return try ["hotline.yaml", "utility.yaml"].map { name in
            let result = compile(files, flow: name)
            return (try #require(result.machine), result.tables, name)
        }
    }

    /// Random calls on both example flows, checked event by event: one
    /// directive per output that agrees with the call, steps within
    /// max_steps, no card number in any trace line or saved form, and a
    /// call saved at a random wait resumes to identical outputs.
    @Test func randomCallsHoldTheInvariants() throws {
        var random = SplitMix(seed: Self.seed &+ 1)
        let sealer = TestSealer()
        var events = 0, resumed = 0
        for (machine, tables, name) in try Self.machines() {
            for round in 0..<Self.rounds {
                var interpreter = Interpreter(machine: machine)
                let languages = machine.languages
                var output = interpreter.start(caller: "13800138000", called: "95588", language: languages.randomElement(using: &random),
                                               time: Date(timeIntervalSince1970: 1_795_000_000 + Double(Int.random(in: 0..<604_800, using: &random))))
                // The utility's sensitive ask: a card number typed in full.
                let card = "4532" + String((0..<11).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
                let cardKeys = (card + String((0...9).first { Luhn.isValid(card + String($0)) } ?? 0)).compactMap(DTMFKey.init)
                var script: [Event] = name == "utility.yaml" && round % 2 == 0 ? [.key(.k4)] + cardKeys.map(Event.key) + [.key(.pound)] : []
                var twin: Interpreter?
                for step in 0..<200 {
                    if interpreter.isEnded, Int.random(in: 0..<4, using: &random) == 0 { break }
                    let event = script.isEmpty ? Self.event(for: interpreter, tables: tables, &random) : script.removeFirst()
                    output = interpreter.handle(event)
                    events += 1
                    if case .ignored = output.directive {} else { #expect(output.directive == interpreter.directive) }
                    #expect(interpreter.call.steps <= machine.maxSteps)
                    for line in output.trace { #expect(!line.json.contains(card), "a card number in \(line.json)") }
                    if var resumedCall = twin {
                        // The call saved earlier, fed the same events, says the same.
                        #expect(resumedCall.handle(event) == output, "a resumed call went another way on \(name), round \(round)")
                        twin = resumedCall
                    } else if interpreter.isWaiting, step > 2, Int.random(in: 0..<5, using: &random) == 0 {
                        let saved = try interpreter.save(sealer: sealer)
                        #expect(!String(decoding: saved, as: UTF8.self).contains(card))
                        var resumedCall = try Interpreter(machine: machine, saved: saved, sealer: sealer)
                        resumedCall.popularity = interpreter.popularity
                        twin = resumedCall
                        resumed += 1
                    }
                }
            }
        }
        #expect(events > Self.rounds && resumed > 0)
    }

    @Test func mutatedSavedCallsAreRefusedOrResumeSafely() throws {
        var random = SplitMix(seed: Self.seed &+ 2)
        var refusals = 0, resumes = 0
        for (machine, tables, _) in try Self.machines() {
            for _ in 0..<Self.rounds {
                var interpreter = Interpreter(machine: machine)
                _ = interpreter.start(caller: "1", called: "2", language: nil, time: Date(timeIntervalSince1970: 1_795_000_000))
                for _ in 0..<Int.random(in: 0..<12, using: &random) { _ = interpreter.handle(Self.event(for: interpreter, tables: tables, &random)) }
                var bytes = [UInt8](try interpreter.save(sealer: nil))
                for _ in 0..<Int.random(in: 1...3, using: &random) where !bytes.isEmpty {
                    let index = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: bytes[index] = UInt8.random(in: 0x20...0x7E, using: &random)
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(contentsOf: Array("9".utf8), at: index)
                    }
                }
                do {
                    var resumed = try Interpreter(machine: machine, saved: Data(bytes), sealer: nil)
                    resumes += 1
                    for _ in 0..<30 {
                        let output = resumed.handle(Self.event(for: resumed, tables: tables, &random))
                        if case .ignored = output.directive {} else { #expect(output.directive == resumed.directive) }
                    }
                } catch {
                    refusals += 1
                    #expect(!error.description.isEmpty)
                }
            }
        }
        #expect(refusals > 0 && refusals + resumes == 2 * Self.rounds)
    }
}

import Foundation
import IVRCore
import Testing

/// A host as a gateway writes one, through IVRCore's public API alone (no
/// `@testable`): compile once, then per call feed events and carry out the
/// actions and the directive. The README's Embedding section shows it.
struct TinyHost {
    let machine: Machine
    var played: [String] = []
    var log: [String] = []

    /// Runs one call: `keys` are what the caller presses at each wait.
    mutating func call(keys: [DTMFKey], lookup: (String, String) -> [String: String]?) -> String {
        var interpreter = Interpreter(machine: machine)
        var keys = keys[...]
        var output = interpreter.start(caller: "13800138000", called: "95598", language: "en-US",
                                       time: Date(timeIntervalSince1970: 1_795_000_000))
        while true {
            for action in output.actions {
                if case .play(let play) = action { played.append(play.text) }  // speak it, or play play.audio
            }
            switch output.directive {
            case .waiting:
                guard let key = keys.popFirst() else { output = interpreter.hangup(); continue }
                output = interpreter.key(key)
            case .lookup(let table, let key):
                output = interpreter.lookupResult(lookup(table, key))
            case .transferring(let target):
                return "transferred to \(target)"
            case .ended(let outcome):
                return outcome
            case .ignored(let reason):
                log.append("ignored: \(reason)")
                return "stuck"
            }
        }
    }
}

@Suite struct EmbeddingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func aHostRunsAWholeCallThroughThePublicAPI() throws {
        let result = FlowCompiler.compile(path: Self.root.appendingPathComponent("Flows/utility.yaml").path)
        let machine = try #require(result.machine, "\(result.errors)")
        var host = TinyHost(machine: machine)
        // 1: balance; the account, confirmed with 1; then 3 at the balance menu... as the utility flow asks.
        let keys = "13101234567" + "1"
        let outcome = host.call(keys: keys.compactMap(DTMFKey.init) + [.k0]) { table, key in
            table == "accounts" && key == "3101234567" ? ["name": "Wang Fang", "balance": "236.5", "due_date": "2026-12-15"] : nil
        }
        #expect(outcome == "transferred to operator")
        #expect(host.played.contains { $0.contains("Wang Fang") && $0.contains("236.50") })
        #expect(host.log.isEmpty)
    }

    @Test func aHostSavesAndResumesACallBetweenRequests() throws {
        let result = FlowCompiler.compile(path: Self.root.appendingPathComponent("Flows/hotline.yaml").path)
        let machine = try #require(result.machine)
        var first = Interpreter(machine: machine)
        _ = first.start(caller: "", called: "", language: "en-US", time: Date(timeIntervalSince1970: 1_795_000_000))
        let saved = try first.save(sealer: nil)  // a webhook gateway keeps no memory between requests
        #expect(SavedCall.machineVersion(of: saved) == machine.version)
        var next = try Interpreter(machine: machine, saved: saved, sealer: nil)
        #expect(next.key(.k3) == first.key(.k3))
    }
}

import Foundation
import Testing
@testable import IVRCore

/// A stand-in sealer for the core's tests (the real AES-GCM one is tested in
/// IVRSealTests): reversible, authenticated by a checksum of the context.
struct TestSealer: ValueSealer {
    var salt: UInt8 = 0x5A
    struct Refused: Error {}

    func check(_ context: [UInt8]) -> UInt8 { UInt8(truncatingIfNeeded: context.reduce(Int(salt), { $0 &+ Int($1) })) }

    func seal(_ plaintext: [UInt8], context: [UInt8]) throws -> [UInt8] {
        [check(context)] + plaintext.map { $0 ^ salt }
    }

    func open(_ sealed: [UInt8], context: [UInt8]) throws -> [UInt8] {
        guard sealed.first == check(context) else { throw Refused() }
        return sealed.dropFirst().map { $0 ^ salt }
    }
}

/// SPEC 9: the saved form, resumption checks, sealing, the golden file.
@Suite struct SavedCallTests {
    static let time = Date(timeIntervalSince1970: 1_795_000_000)

    static let flow = Fixture.flow("""
      main:
        menu:
          prompt: main.menu
          options:
            "1": card
            "2": find
            "3": faq
            "4": agent
      card:
        ask:
          prompt: ask.account
          save_as: card
          min_digits: 4
          max_digits: 8
          sensitive: true
          next: find
      find: { lookup: { table: accounts, key: "{card}", save_as: customer, found: bye, not_found: bye } }
      faq: { answer: { category: c, after: { options: { "1": repeat, "2": { hangup: resolved } } } } }
      agent: { transfer: { to: operator, on_fail: main } }
      bye: { hangup: resolved }
    """, header: "knowledge: flow.kb.yaml")

    static let extra = [
        "/t/Flows/flow.kb.yaml": """
        articles:
          - { id: a1, category: c, title: { zh-CN: 标题一, en-US: Title one }, answer: { zh-CN: 答案一, en-US: Answer one }, keywords: [one] }
          - { id: a2, category: c, title: { zh-CN: 标题二, en-US: Title two }, answer: { zh-CN: 答案二, en-US: Answer two }, keywords: [two] }
        """,
        "/t/Prompts/zh-CN.yaml": Fixture.catalogs["zh-CN"]! + "\nkb: { item: \"{title}请按{key}\", after: 满意请按2 }\n",
        "/t/Prompts/en-US.yaml": Fixture.catalogs["en-US"]! + "\nkb: { item: \"For {title} press {key}\", after: Press 2 if this helped }\n",
    ]

    static func machine() throws -> Machine { try Fixture.machine(flow, extra: extra) }

    static func started(_ machine: Machine) -> Interpreter {
        var interpreter = Interpreter(machine: machine)
        _ = interpreter.start(caller: "13800138000", called: "95588", language: "en-US", time: time)
        return interpreter
    }

    static let goldenURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/saved-call-1.json")

    /// The call the golden file holds: in the after menu of article a2,
    /// having heard it once.
    static func goldenCall(_ machine: Machine) -> Interpreter {
        var interpreter = started(machine)
        _ = interpreter.key(.k3)
        _ = interpreter.key(.k2)
        return interpreter
    }

    @Test func theGoldenFileKeepsResuming() throws {
        let machine = try Self.machine()
        if ProcessInfo.processInfo.environment["IVR_WRITE_GOLDEN"] == "1" {
            // Only when the format changes on purpose (SavedCall.format or FlowCompiler.formatVersion).
            try Self.goldenCall(machine).save(sealer: nil).write(to: Self.goldenURL)
        }
        let golden = try Data(contentsOf: Self.goldenURL)
        var resumed = try Interpreter(machine: machine, saved: golden, sealer: nil)
        var live = Self.goldenCall(machine)
        #expect(try live.save(sealer: nil) == golden, "saving the same call writes the golden file byte for byte")
        for event in [Event.key(.k9), .key(.k1), .timeout, .key(.k2)] {
            #expect(resumed.handle(event) == live.handle(event))
        }
        #expect(resumed.directive == .ended(outcome: "resolved"))
        let text = String(decoding: golden, as: UTF8.self)
        #expect(text.contains(#""format" : 1"#) && text.contains(#""state" : "faq""#) && text.contains(#""time" : "2026-11-18T"#))
    }

    @Test func aSavedCallResumesToIdenticalOutputsAtEveryWait() throws {
        let machine = try Self.machine()
        let scripts: [[Event]] = [
            [.key(.k1), .key(.k4), .key(.k2), .key(.k4), .key(.k2), .key(.pound), .lookupResult(["name": "Li"])],
            [.key(.k3), .key(.k1), .key(.k1), .key(.k2)],
            [.key(.k4), .transferFailed("busy"), .key(.k2), .key(.k5), .lookupResult(nil)],
            [.key(.k7), .timeout, .key(.k2), .key(.k1), .key(.k9), .key(.k9), .lookupResult(nil)],
        ]
        for script in scripts {
            for cut in 0...script.count {
                var original = Self.started(machine)
                for event in script.prefix(cut) { _ = original.handle(event) }
                let saved = try original.save(sealer: TestSealer())
                var resumed = try Interpreter(machine: machine, saved: saved, sealer: TestSealer())
                #expect(resumed.call == original.call, "cut \(cut) of \(script)")
                for event in script.dropFirst(cut) { #expect(resumed.handle(event) == original.handle(event)) }
            }
        }
    }

    @Test func sensitiveValuesAreSealedOrWithheld() throws {
        let machine = try Self.machine()
        var call = Self.started(machine)
        for key in [DTMFKey.k1, .k4, .k2, .k4] { _ = call.key(key) }  // half an entry in a sensitive ask
        var saved = String(decoding: try call.save(sealer: TestSealer()), as: UTF8.self)
        #expect(!saved.contains("424") && saved.contains(#""entry" :"#))
        for key in [DTMFKey.k2, .k4, .pound] { _ = call.key(key) }  // 424242: a lookup keyed by it is pending
        _ = call.key(.k9)  // typed ahead during the lookup
        saved = String(decoding: try call.save(sealer: TestSealer()), as: UTF8.self)
        #expect(!saved.contains("424242"), "neither the variable nor the lookup key is in clear")
        #expect(saved.contains(#""var:card""#) && saved.contains(#""lookup_key""#) && saved.contains(#""type_ahead""#))
        let resumed = try Interpreter(machine: machine, saved: Data(saved.utf8), sealer: TestSealer())
        #expect(resumed.call == call.call)
        #expect(throws: ResumeError.sealed("the sealed value 'var:card' does not open with this key (wrong key, or altered)")) {
            try Interpreter(machine: machine, saved: Data(saved.utf8), sealer: TestSealer(salt: 1))
        }
        let withheld = String(decoding: try call.save(sealer: nil), as: UTF8.self)
        #expect(!withheld.contains("424242") && withheld.contains(#""withheld" : ["#))
        #expect(throws: ResumeError.sealed("it was saved without a sealer, so its sensitive values (lookup_key, type_ahead, var:card) were left out and the call cannot go on")) {
            try Interpreter(machine: machine, saved: Data(withheld.utf8), sealer: nil)
        }
    }

    /// Edits the golden file's JSON and expects a refusal with this reason.
    func refused(_ edit: (inout [String: Any]) -> Void) throws -> String {
        let machine = try Self.machine()
        var object = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: Self.goldenURL)) as? [String: Any])
        edit(&object)
        let data = try JSONSerialization.data(withJSONObject: object)
        do {
            _ = try Interpreter(machine: machine, saved: data, sealer: TestSealer())
            return "resumed"
        } catch {
            return error.description
        }
    }

    @Test func savedCallsThatDoNotFitAreRefusedWithAReason() throws {
        #expect(try refused { $0["state"] = "nowhere" } == "the saved call does not fit its machine: the state names state 'nowhere', which this machine does not have")
        #expect(try refused { $0["phase"] = ["kind": "menu"] } == "the saved call does not fit its machine: phase menu does not fit state 'faq', an answer state")
        #expect(try refused { $0["state"] = "card"; $0["phase"] = ["kind": "confirm"] } == "the saved call does not fit its machine: phase confirm does not fit state 'card', an ask state")
        #expect(try refused { $0["phase"] = ["kind": "answer_after", "article": "zz"] } == "the saved call does not fit its machine: article 'zz' is not in the knowledge base of 'faq'")
        #expect(try refused { $0["phase"] = ["kind": "answer_offer", "articles": ["a1", "a1", "a1", "a1", "a1", "a1", "a1", "a1", "a1", "a1"]] } == "the saved call does not fit its machine: the articles offered in 'faq' are not articles of its knowledge base")
        #expect(try refused { $0["phase"] = ["kind": "answer_entry", "typed": "12"] } == "the saved call does not fit its machine: 'faq' does not take a code or a search")
        #expect(try refused { $0["state"] = "card"; $0["phase"] = ["kind": "entry", "typed": "123456789"] } == "the saved call does not fit its machine: the entry typed in 'card' is not keys or is too long")
        #expect(try refused { $0["phase"] = ["kind": "transferring", "target": "x", "on_fail": "main"] } == "the saved call does not fit its machine: the transfer's on_fail names state 0, which is not a transfer with on_fail")
        #expect(try refused { $0["phase"] = ["kind": "running"] } == "the saved call cannot be read: phase 'running' is not a phase a call is saved in")
        #expect(try refused { $0["last_answer"] = ["knowledge_base": "flow.kb.yaml", "article": "gone"] } == "the saved call does not fit its machine: the last answer names article 'gone' of knowledge base 0, which does not exist")
        #expect(try refused { $0["last_answer"] = ["knowledge_base": "other.kb.yaml", "article": "a1"] } == "the saved call does not fit its machine: the last answer's knowledge base 'other.kb.yaml' is not in this machine")
        #expect(try refused { $0["history"] = ["main", "ghost"] } == "the saved call does not fit its machine: the history names state 'ghost', which this machine does not have")
        #expect(try refused { $0["returns"] = ["main"] } == "the saved call does not fit its machine: a return names state 0, which is not a call state")
        #expect(try refused { $0["language"] = "fr-FR" } == "the saved call does not fit its machine: language 'fr-FR' is not one the machine declares")
        #expect(try refused { $0["steps"] = 501 } == "the saved call does not fit its machine: steps 501 is outside 0...500")
        #expect(try refused { $0["steps"] = "two" } == "the saved call cannot be read: 'steps' has the wrong type")
        #expect(try refused { $0.removeValue(forKey: "phase") } == "the saved call cannot be read: field 'phase' is missing")
        #expect(try refused { $0["format"] = 2 } == "the saved call cannot be read: format 2 is not one this release reads (it reads format 1)")
        #expect(try refused { $0["machine_version"] = "abc" }.hasPrefix("the saved call runs on machine version abc, not "))
        #expect(try refused { $0["time"] = "2026-11-18T19:06:40+08:00" } == "resumed", "whole seconds and an offset are ISO 8601 too")
        #expect(try refused { $0["time"] = "yesterday" } == "the saved call cannot be read: time 'yesterday' is not ISO 8601")
        #expect(try refused { $0["sealed"] = ["type_ahead": "AAAA"] } == "the saved call's sensitive values cannot be opened: the sealed value 'type_ahead' does not open with this key (wrong key, or altered)")
    }

    @Test func truncatedOrHostileSavedFormsAreRefused() throws {
        let machine = try Self.machine()
        let golden = try Data(contentsOf: Self.goldenURL)
        for length in stride(from: 0, to: golden.count, by: 7) {
            #expect(throws: ResumeError.self) { try Interpreter(machine: machine, saved: golden.prefix(length), sealer: nil) }
        }
        let deep = Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8)
        #expect(throws: ResumeError.unreadable("it nests deeper than 16 levels")) { try Interpreter(machine: machine, saved: deep, sealer: nil) }
        let huge = Data(repeating: 0x20, count: SavedCall.maxBytes + 1)
        #expect(throws: ResumeError.unreadable("it is larger than 1048576 bytes")) { try Interpreter(machine: machine, saved: huge, sealer: nil) }
        #expect(SavedCall.machineVersion(of: golden) == machine.version)
    }
}

import Foundation
import Testing

/// Runs the built `ivr` as a user would, from the package root.
enum IVRBinary {
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `ivr` built next to this test bundle.
    static var executable: URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("ivr")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return packageRoot.appendingPathComponent(".build/debug/ivr")
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(_ arguments: [String], stdin: String? = nil, in directory: URL = packageRoot,
                    environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        let stderrData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
                      stderr: String(decoding: stderrData, as: UTF8.self))
    }

    /// Starts the built `ivr` in the package root with its output discarded
    /// (for processes a test runs side by side or kills).
    static func spawn(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// A scratch directory with the given files.
    static func scratch(_ files: [String: String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ivr-cli-\(UUID().uuidString)")
        for (path, text) in files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return directory
    }
}

@Suite struct RunCommandTests {
    @Test func scriptedCallPrintsTheJSONTrace() throws {
        let result = try IVRBinary.run(["run", "Flows/hotline.yaml", "--input", "1 0", "--json", "--at", "2026-11-23T10:00:00+08:00"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == #"{"event":"enter","state":"welcome"}"#)
        #expect(lines.last == #"{"event":"end","state":"to_agent","outcome":"transferred","steps":5}"#)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["event"] is String && object?["state"] is String)
        }
        #expect(lines.contains(#"{"event":"wait","state":"language","max_keys":1,"finish_on":null,"timeout_ms":4000,"inter_digit_timeout_ms":3000}"#))
        #expect(result.stderr.isEmpty)
    }

    @Test func keysFromStandardInputAndTheReadableTranscript() throws {
        let result = try IVRBinary.run(["run", "Flows/hotline.yaml", "--lang", "en-US"], stdin: "3\n2\n1\n")
        #expect(result.status == 0)
        #expect(result.stdout.contains("  says [products.credit_card en-US] Our credit card has no annual fee"))
        #expect(result.stdout.hasSuffix("call ended: abandoned after 4 steps\n"))
    }

    @Test func usageErrorsExitTwo() throws {
        let badKey = try IVRBinary.run(["run", "Flows/hotline.yaml", "--input", "1 x"])
        #expect(badKey.status == 2)
        #expect(badKey.stderr == "ivr: --input: 'x' is not a key: use 0-9 * # A-D, '.' for a timeout, '!' to hang up\n")
        let badStdin = try IVRBinary.run(["run", "Flows/hotline.yaml"], stdin: "1 ?")
        #expect(badStdin.status == 2)
        let badLanguage = try IVRBinary.run(["run", "Flows/hotline.yaml", "--lang", "fr-FR", "--input", "!"])
        #expect(badLanguage.status == 2)
        #expect(badLanguage.stderr.contains("the flow does not declare 'fr-FR'"))
        let subflow = try IVRBinary.run(["run", "Flows/outage.yaml", "--input", "!"])
        #expect(subflow.status == 2)
        #expect(subflow.stderr.contains("is a sub-flow"))
        let badTime = try IVRBinary.run(["run", "Flows/hotline.yaml", "--at", "tomorrow", "--input", "!"])
        #expect(badTime.status == 2)
        let unknownFlag = try IVRBinary.run(["run", "Flows/hotline.yaml", "--colour"])
        #expect(unknownFlag.status == 2)
    }

    @Test func aFlowThatDoesNotCompileExitsOne() throws {
        let directory = try IVRBinary.scratch([
            "Flows/broken.yaml": "flow: broken\nstart: main\nlanguages: [en-US]\nstates:\n  main: { say: hi, next: nowhere }\n",
            "Prompts/en-US.yaml": "hi: Hi\n",
        ])
        let result = try IVRBinary.run(["run", "Flows/broken.yaml", "--input", "!"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("Flows/broken.yaml:5:26: error: unknown state 'nowhere'"))
        #expect(result.stdout.isEmpty)
    }
}

@Suite struct CheckAndTestCommandTests {
    @Test func exampleFlowsAreClean() throws {
        let result = try IVRBinary.run(["check", "Flows"])
        #expect(result.status == 0)
        #expect(result.stdout == "checked 4 flows, 1 knowledge base, 1 campaign: 0 errors, 0 warnings\n")
        let kb = try IVRBinary.run(["check", "Flows/hotline.kb.yaml"])
        #expect(kb.status == 0 && kb.stdout == "checked 0 flows, 1 knowledge base: 0 errors, 0 warnings\n")
    }

    @Test func checkReportsErrorsAsTextAndJSON() throws {
        let directory = try IVRBinary.scratch([
            "Flows/a.yaml": "flow: a\nstart: main\nlanguages: [en-US]\nstates:\n  main:\n    menu: { prompt: hi, options: { \"1\": mian } }\n  lost: { hangup: failed }\n",
            "Prompts/en-US.yaml": "hi: Hi\n",
        ])
        let text = try IVRBinary.run(["check", "Flows"], in: directory)
        #expect(text.status == 1)
        // The swiftc/rustc form: the place, the source line, a caret under
        // the text with the diagnostic's id, and the fix-it.
        #expect(text.stdout == """
        Flows/a.yaml:6:41: error: unknown state 'mian' (did you mean 'main'?)
            6 |     menu: { prompt: hi, options: { "1": mian } }
              |                                         ^~~~ IVR0101 unknown-state
              = fix-it: replace with 'main'
        checked 1 flow: 1 error, 0 warnings

        """)
        let json = try IVRBinary.run(["check", "Flows/a.yaml", "--format", "json"], in: directory)
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["errors"] as? Int == 1)
        let first = try #require((object["diagnostics"] as? [[String: Any]])?.first)
        #expect(first["line"] as? Int == 6 && first["column"] as? Int == 41 && first["severity"] as? String == "error")
        #expect(first["code"] as? String == "IVR0101" && first["name"] as? String == "unknown-state")
        let fixIt = try #require(first["fix_it"] as? [String: Any])
        #expect(fixIt["message"] as? String == "replace with 'main'" && fixIt["replacement"] as? String == "main")
    }

    @Test func exampleScenariosPass() throws {
        let result = try IVRBinary.run(["test", "Flows"])
        #expect(result.status == 0)
        let last = result.stdout.split(separator: "\n").last.map(String.init)
        #expect(last?.hasSuffix(" passed, 0 failed") == true)
    }

    @Test func failingScenarioShowsExpectedAgainstActual() throws {
        let directory = try IVRBinary.scratch([
            "Flows/a.yaml": "flow: a\nstart: main\nlanguages: [en-US]\nstates:\n  main: { menu: { prompt: hi, options: { \"1\": bye } } }\n  bye: { hangup: resolved }\n",
            "Flows/a.test.yaml": """
            flow: a.yaml
            cases:
              - name: one resolves
                input: "1"
                expect: { outcome: resolved, prompts: [hi] }
              - name: wrong expectation
                input: "2 !"
                expect: { outcome: resolved, says: [Bye] }
            """,
            "Prompts/en-US.yaml": "hi: Hi\n",
        ])
        let result = try IVRBinary.run(["test", "Flows"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout == """
        PASS  Flows/a.test.yaml: one resolves
        FAIL  Flows/a.test.yaml: wrong expectation
              outcome: expected resolved, actual abandoned
              says: no prompt played contains 'Bye'
        1 passed, 1 failed

        """)
    }
}

@Suite struct ScenarioFileMistakeTests {
    static let flow = "flow: a\nstart: main\nlanguages: [en-US]\nstates:\n  main: { menu: { prompt: hi, options: { \"1\": bye } } }\n  bye: { hangup: resolved }\n"

    func test(_ files: [String: String], _ arguments: [String] = ["test", "Flows"]) throws -> IVRBinary.Result {
        try IVRBinary.run(arguments, in: try IVRBinary.scratch(files.merging(["Flows/a.yaml": Self.flow, "Prompts/en-US.yaml": "hi: Hi\n"]) { $1 }))
    }

    @Test func aBadFileLevelTimeIsReportedOnceAtItsLine() throws {
        let result = try test(["Flows/a.test.yaml": """
            flow: a.yaml
            at: tomorrow
            cases:
              - { name: one, input: "1", expect: { outcome: resolved } }
              - { name: two, input: "!", expect: { outcome: abandoned } }
            """])
        #expect(result.status == 1)
        #expect(result.stdout == """
        FAIL  Flows/a.test.yaml: (scenario file)
              Flows/a.test.yaml:2:5: error: bad time 'tomorrow': write ISO 8601 with an offset, such as 2026-11-23T10:30:00+08:00
        0 passed, 1 failed

        """)
    }

    @Test func aFileLevelLanguageTheFlowLacksIsReportedOnce() throws {
        let result = try test(["Flows/a.test.yaml": """
            flow: a.yaml
            lang: fr-FR
            cases:
              - { name: one, input: "1", expect: { outcome: resolved } }
              - { name: two, input: "!", expect: { outcome: abandoned } }
            """])
        #expect(result.stdout == """
        FAIL  Flows/a.test.yaml: (scenario file)
              Flows/a.test.yaml:2:7: error: the flow does not declare 'fr-FR'; it declares en-US
        0 passed, 1 failed

        """)
    }

    @Test func aWrongFlowIsReportedAtTheScenarioFilesLine() throws {
        let result = try test(["Flows/a.test.yaml": "# tests\nflow: b.yaml\ncases:\n  - { name: one, input: \"1\", expect: { outcome: resolved } }\n"])
        #expect(result.status == 1)
        #expect(result.stdout == """
        FAIL  Flows/a.test.yaml: (scenario file)
              Flows/a.test.yaml:2:7: error: no flow file 'b.yaml' next to this scenario file (did you mean 'a.yaml'?)
        0 passed, 1 failed

        """)
    }

    @Test func aFlowGivenToTestSaysItIsAFlow() throws {
        let result = try test([:], ["test", "Flows/a.yaml"])
        #expect(result.status == 1)
        #expect(result.stdout == """
        FAIL  Flows/a.yaml: (scenario file)
              Flows/a.yaml:1:1: error: this is a flow, not a scenario file: test it from a scenario file (*.test.yaml) whose 'flow:' names it, and check it with 'ivr check'
        0 passed, 1 failed

        """)
    }

    @Test func minimumCoverageOutsideZeroToHundredIsAUsageError() throws {
        for value in ["-1", "101", "150"] {
            let result = try IVRBinary.run(["test", "Flows", "--min-coverage=\(value)"])
            #expect(result.status == 2, "\(value)")
            #expect(result.stderr.contains("--min-coverage must be a percentage from 0 to 100"), "\(result.stderr)")
        }
    }
}

@Suite struct CoverageTests {
    static let flow = """
    flow: a
    start: main
    languages: [en-US]
    global: { "0": { transfer: operator } }
    states:
      main: { menu: { prompt: hi, options: { "1": check, "2": bye } } }
      check:
        branch:
          - if: { var: caller, equals: "1" }
            goto: bye
          - else: bye
      bye: { hangup: resolved }
    """

    @Test func coverageListsWhatNoScenarioReached() throws {
        let directory = try IVRBinary.scratch([
            "Flows/a.yaml": Self.flow,
            "Flows/a.test.yaml": "flow: a.yaml\ncases:\n  - { name: one, input: \"1\", expect: { outcome: resolved } }\n",
            "Prompts/en-US.yaml": "hi: Hi\n",
        ])
        let result = try IVRBinary.run(["test", "Flows", "--coverage"], in: directory)
        #expect(result.status == 0)
        #expect(result.stdout == """
        PASS  Flows/a.test.yaml: one
        coverage Flows/a.yaml: 3/3 states, 2/8 transitions, 45.5%
          not reached: main: key 2
          not reached: main: no-input
          not reached: main: no-match
          not reached: main: on_failure
          not reached: check: case 1
          not reached: global key 0
        1 passed, 0 failed

        """)
        let strict = try IVRBinary.run(["test", "Flows", "--min-coverage", "50"], in: directory)
        #expect(strict.status == 1)
        #expect(strict.stderr == "ivr: coverage of Flows/a.yaml is 45.5%, under the minimum 50%\n")
        #expect(strict.stdout.hasSuffix("1 passed, 0 failed\n"))
    }

    @Test func exampleFlowsAreFullyCovered() throws {
        let result = try IVRBinary.run(["test", "Flows", "--min-coverage", "100"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("coverage Flows/hotline.yaml: 22/22 states, 77/77 transitions, 100.0%"))
        #expect(result.stdout.contains("coverage Flows/utility.yaml: 16/16 states, 37/37 transitions, 100.0%"))
    }
}

@Suite struct GraphCommandTests {
    static let hasGraphviz = FileManager.default.isExecutableFile(atPath: "/usr/bin/dot")

    @Test func dotDescribesEveryStateAndTransition() throws {
        let result = try IVRBinary.run(["graph", "Flows/utility.yaml"])
        #expect(result.status == 0)
        let dot = result.stdout
        #expect(dot.hasPrefix("digraph \"utility\" {"))
        #expect(dot.contains("s2 [label=\"account\", shape=parallelogram];"))
        #expect(dot.contains("subgraph cluster_1 {"))
        #expect(dot.contains("s4 -> s5 [label=\"customer.balance > 0\"];"))
        #expect(dot.contains("s3 -> s2 [label=\"not found\", style=dotted];"))
        #expect(dot.contains("s1 -> s1 [label=\"no-input\", style=dashed];"))
        #expect(dot.contains("s7 -> s12 [label=\"call\"];"))
        #expect(dot.contains("s15 -> s1 [label=\"return\"];"))
    }

    @Test(.enabled(if: GraphCommandTests.hasGraphviz, "Graphviz is not installed (.ci/run installs it)"))
    func graphvizAcceptsTheDOT() throws {
        for flow in ["Flows/hotline.yaml", "Flows/utility.yaml"] {
            let dot = try IVRBinary.run(["graph", flow]).stdout
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/dot")
            process.arguments = ["-Tsvg", "-o", "/dev/null"]
            let input = Pipe()
            process.standardInput = input
            let errors = Pipe()
            process.standardError = errors
            try process.run()
            input.fileHandleForWriting.write(Data(dot.utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
            let warnings = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 0, "\(flow): \(warnings)")
            #expect(warnings.isEmpty, "\(flow): \(warnings)")
        }
    }

    @Test func mermaidUsesFlowchartSyntax() throws {
        let result = try IVRBinary.run(["graph", "Flows/hotline.yaml", "--format", "mermaid"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "flowchart LR")
        #expect(lines.contains("  s1{{\"language\"}}"))
        #expect(lines.contains("  s12{\"route_member\"}"))
        #expect(lines.contains("  s4 -->|\"#35;\"| end_back"))
        #expect(lines.contains { $0.hasPrefix("  s12 -->|\"customer.tier in gold, platinum\"| ") })
        // every edge joins two declared nodes
        let declared = Set(lines.compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard !trimmed.contains("-->"), !trimmed.contains("-.->"), let end = trimmed.firstIndex(where: { "[{(>".contains($0) }) else { return nil }
            return String(trimmed[..<end])
        })
        for line in lines where line.contains("-->") || line.contains("-.->") {
            let parts = line.trimmingCharacters(in: .whitespaces).split(separator: " ")
            let from = String(parts[0].prefix { $0 != "(" })
            #expect(declared.contains(from) || from == "start", "\(line)")
            #expect(declared.contains(String(parts.last ?? "")), "\(line)")
        }
    }
}

@Suite struct SchemaCommandTests {
    @Test(arguments: ["flow", "knowledge", "scenario", "data", "callers", "campaign"])
    func schemasAreJSONThatRejectUnknownKeys(kind: String) throws {
        let result = try IVRBinary.run(["schema", kind])
        #expect(result.status == 0)
        let schema = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(schema["$schema"] as? String == "http://json-schema.org/draft-07/schema#")
        #expect(schema["additionalProperties"] as? Bool == false)
        let definitions = try #require(schema["definitions"] as? [String: Any])
        #expect(definitions["state"] != nil && definitions["article"] != nil && definitions["case"] != nil)
    }

    @Test func theFlowSchemaKnowsEveryStateKind() throws {
        let result = try IVRBinary.run(["schema"])
        for kind in ["say", "menu", "ask", "branch", "set", "lookup", "answer", "call", "return", "transfer", "hangup"] {
            #expect(result.stdout.contains("\"required\":[\"\(kind)\""), "\(kind)")
        }
    }
}

@Suite struct ExploreCommandTests {
    @Test func hotlineReportsOutcomesTransfersAndUnreachedStates() throws {
        let result = try IVRBinary.run(["explore", "Flows/hotline.yaml", "--at", "2026-11-23T10:00:00+08:00",
                                        "--require", "transfer:operator<=3", "--json"])
        #expect(result.status == 0)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let transfers = try #require(report["transfers"] as? [[String: Any]])
        #expect(transfers.map { $0["target"] as? String } == ["operator", "vip_desk"])
        #expect(transfers.first?["presses"] as? Int == 0, "silence alone reaches an agent")
        let outcomes = try #require(report["outcomes"] as? [[String: Any]])
        #expect(Set(outcomes.compactMap { $0["outcome"] as? String }) == ["abandoned", "resolved", "transferred"])
        #expect(report["unreached"] as? [String] == ["closed"], "business hours: the closed message is never heard")
        #expect(report["cannot_end"] as? [String] == [])
        #expect(report["faults"] as? [String] == [])
        let deepest = try #require(report["deepest_menu"] as? [String: Any])
        #expect(deepest["depth"] as? Int == 4)
    }

    @Test func requirementsThatFailExitOne() throws {
        let result = try IVRBinary.run(["explore", "Flows/utility.yaml", "--require", "outcome:resolved<=3"])
        #expect(result.status == 1)
        #expect(result.stderr == "ivr: requirement not met: outcome:resolved<=3: takes 13 presses (1 1111111111 1 (found 3107654321) 3)\n")
        let bad = try IVRBinary.run(["explore", "Flows/utility.yaml", "--require", "agent<3"])
        #expect(bad.status == 2)
    }

    @Test func anAskBehindAPatternIsAnsweredWithTheKeysOfTheDataTables() throws {
        // No simple candidate ("1...", "61111111") fits "62" + 6 digits; the
        // member table's key does, and the lookup finds it.
        let directory = try IVRBinary.scratch([
            "Flows/m.yaml": """
            flow: m
            start: member
            languages: [en-US]
            data: m.data.yaml
            states:
              member:
                ask: { prompt: enter, max_digits: 8, pattern: "62[0-9]{6}", save_as: number, next: find }
              find:
                lookup: { table: members, key: "{number}", save_as: member, found: known, not_found: { hangup: failed } }
              known: { say: hi, next: { hangup: resolved } }
            """,
            "Flows/m.data.yaml": "tables:\n  members:\n    key: number\n    records:\n      - { number: \"62005678\", name: Han }\n",
            "Prompts/en-US.yaml": "enter: Enter.\nhi: Hi.\n",
        ])
        let result = try IVRBinary.run(["explore", "Flows/m.yaml"], in: directory)
        #expect(result.status == 0)
        #expect(result.stdout.contains("  resolved      8 presses: 62005678 (found 62005678)\n"))
        #expect(result.stdout.contains("never reached: none\n"))
    }

    @Test func loopsThatNeverEndAreFound() throws {
        let directory = try IVRBinary.scratch([
            "Flows/trap.yaml": """
            flow: trap
            start: main
            languages: [en-US]
            states:
              main: { menu: { prompt: hi, options: { "1": trap, "2": bye } } }
              trap: { menu: { prompt: hi, options: { "1": trap2 }, on_failure: trap } }
              trap2: { menu: { prompt: hi, options: { "1": trap }, on_failure: trap2 } }
              bye: { hangup: resolved }
            """,
            "Prompts/en-US.yaml": "hi: Hi\n",
        ])
        let result = try IVRBinary.run(["explore", "Flows/trap.yaml", "--max-depth", "6"], in: directory)
        #expect(result.status == 0)
        #expect(result.stdout.contains("cannot end: trap, trap2\n"))
        #expect(result.stdout.contains("  resolved      1 press : 2\n"))
    }
}

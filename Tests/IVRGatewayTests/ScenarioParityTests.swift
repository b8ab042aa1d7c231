import Foundation
import IVRCore
import IVRTools
import Testing

/// Every case of every `Flows/*.test.yaml` through the gateway, against the
/// fake Asterisk, must end as it does under `ivr test`: the same prompts in
/// the same order, outcome, transfer and end variables. The two hosts of one
/// interpreter may never disagree.
@Suite(.serialized) struct ScenarioParityTests {
    typealias Ending = ScenarioRunner.Ending

    @Test func everyScenarioCaseEndsTheSameThroughTheGateway() throws {
        let project = try FakeAsterisk.project()
        let flows = project.appendingPathComponent("Flows")
        try recordHalfOfThePrompts(project)
        let scenarios = try FileManager.default.contentsOfDirectory(atPath: flows.path).filter { $0.hasSuffix(".test.yaml") }.sorted()
        #expect(scenarios == ["hotline.test.yaml", "reminder.test.yaml", "utility.test.yaml"])
        var compared = 0
        // Cases at one time share a gateway started `--at` that time.
        var groups: [String?: [(ScenarioFile, ScenarioFile.Case)]] = [:]
        for name in scenarios {
            let bag = DiagnosticBag()
            let path = flows.appendingPathComponent(name).path
            let scenario = try #require(ScenarioFile.load(path: path, display: name, bag: bag), "\(bag.diagnostics)")
            for item in scenario.cases { groups[item.settings.at?.value, default: []].append((scenario, item)) }
        }
        for (at, cases) in groups.sorted(by: { ($0.key ?? "") < ($1.key ?? "") }) {
            let gateway = try GatewayProcess(["--tts", "exec:Festival", "--transfer", "dial:PJSIP/{target}"] + (at.map { ["--at", $0] } ?? []),
                                             in: project)
            for (scenario, item) in cases {
                let flowPath = flows.appendingPathComponent(scenario.flow.value).path
                let compiled = FlowCompiler.compile(path: flowPath, options: CompileOptions(workingDirectory: project.path))
                let machine = try #require(compiled.machine)
                let script = try KeyScript.parse(item.input)
                let expected = ScenarioRunner().ending(of: item, machine: machine, tables: compiled.tables, script: script) { play in
                    play.audio.map { "sound:" + $0.soundName } ?? "tts:" + play.text
                }
                let transcript = try Self.throughGateway(item, flow: compiled.flowName, script: script, port: gateway.port)
                let actual = Ending(played: transcript.played, outcome: transcript.variables["IVR_OUTCOME"], transfer: transcript.transfer)
                #expect(actual == expected, "\(scenario.display): \(item.name)")
                // And as the scenario file says, end variables included.
                if let outcome = item.expect.outcome { #expect(actual.outcome == outcome, "\(item.name)") }
                if let transfer = item.expect.transfer { #expect(actual.transfer == transfer, "\(item.name)") }
                for (name, value) in item.expect.vars {
                    let variable = "IVR_VAR_" + name.replacingOccurrences(of: ".", with: "_")
                    // A sensitive value never reaches the channel.
                    #expect(transcript.variables[variable] == (value == "***" ? nil : value), "\(item.name): \(variable)")
                }
                compared += 1
            }
        }
        #expect(compared == 64, "every case of the three scenario files (ivr test Flows runs 64)")
    }

    /// Recordings for every other prompt key (in sorted order) of every
    /// language, so that both STREAM FILE and TTS are compared.
    func recordHalfOfThePrompts(_ project: URL) throws {
        for flow in ["hotline.yaml", "utility.yaml"] {
            let path = project.appendingPathComponent("Flows/" + flow).path
            let machine = try #require(FlowCompiler.compile(path: path, options: CompileOptions(workingDirectory: project.path)).machine)
            for language in machine.languages {
                let directory = project.appendingPathComponent("Prompts/" + language)
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                for (index, key) in machine.prompts.map(\.key).sorted().enumerated() where index % 2 == 0 {
                    try Data("RIFF".utf8).write(to: directory.appendingPathComponent(key + ".wav"))
                }
            }
        }
    }

    /// The case through the gateway: the same keys, language, numbers and
    /// transfer results.
    static func throughGateway(_ item: ScenarioFile.Case, flow: String, script: [InputToken], port: Int) throws -> FakeAsterisk.Transcript {
        var caller = FakeAsterisk.Caller()
        caller.answers = script.map { token in
            switch token {
            case .key(let key): return .key(key.character)
            case .timeout: return .timeout
            case .hangup: return .hangup
            }
        }
        caller.dialStatus = item.failTransfers ? "BUSY" : "ANSWER"
        // The case's language and call data, as a dialplan or a campaign passes them.
        let arguments = (item.settings.lang.map { ["lang=\($0.value)"] } ?? []) + item.settings.data.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let environment = FakeAsterisk.environment(flow: flow, arguments: arguments,
                                                   caller: item.settings.caller ?? "unknown", called: item.settings.called ?? "unknown")
        return try FakeAsterisk(port: port).play(environment, caller)
    }
}

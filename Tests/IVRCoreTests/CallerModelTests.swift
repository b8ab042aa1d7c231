import Foundation
import Testing
@testable import IVRCore
@testable import IVRTools

@Suite struct CallerModelTests {
    func load(_ text: String) -> (CallerModel?, [String]) {
        let bag = DiagnosticBag()
        let model = CallerModel.load(path: "/m/callers.yaml", display: "Flows/x.callers.yaml", files: MemoryFiles(["/m/callers.yaml": text]), bag: bag)
        return (model, bag.diagnostics.normalized().map(\.description))
    }

    @Test func aModelReadsWeightsPercentagesAndHours() throws {
        let (model, diagnostics) = load("""
        languages: { zh-CN: 70, en-US: 30 }
        callers: { pool: 50, prefix: "139", unknown: 10 }
        arrivals: { "09": 2, "10": 4 }
        defaults: { silence: 5 }
        states:
          main: { keys: { "1": 3, "#": 1 }, hang_up: 4 }
          account: { entries: { "62001234": 1 } }
        """)
        #expect(diagnostics.isEmpty)
        let loaded = try #require(model)
        #expect(loaded.languages.map(\.tag) == ["zh-CN", "en-US"] && loaded.pool == 50 && loaded.unknownCallers == 10)
        #expect(loaded.arrivals?[9] == 2 && loaded.arrivals?[10] == 4 && loaded.arrivals?[11] == 0)
        #expect(loaded.defaults.silence == 5 && loaded.defaults.hangUp == 2, "unset defaults keep theirs")
        #expect(loaded.states["main"]?.keys.map(\.key) == [.k1, .pound] && loaded.states["main"]?.hangUp == 4)
        #expect(loaded.states["account"]?.entries.map(\.keys) == ["62001234"])
    }

    @Test func mistakesAreReportedAtTheirPlaces() {
        let (model, diagnostics) = load("""
        arrivals: { "25": 1 }
        defaults: { silence: 120 }
        states:
          main: { keys: { "11": 3, "2": -1 }, entries: { "12#": 1 } }
        """)
        #expect(model == nil)
        #expect(diagnostics == [
            "Flows/x.callers.yaml:1:13: error: '25' is not an hour of the day: write 00 to 23, such as \"09\"",
            "Flows/x.callers.yaml:2:22: error: 'silence' is a percentage: 120 is above 100",
            "Flows/x.callers.yaml:4:19: error: '11' is not a key: options take one of 0-9, *, #, A-D",
            "Flows/x.callers.yaml:4:33: error: the weight of key 2 must be a number of 0 or more, not '-1'",
            "Flows/x.callers.yaml:4:50: error: the entry '12#' is not keys: use 0-9, * and A-D (the finish key is added)",
        ])
    }

    @Test func statesAndLanguagesTheFlowLacksAreNamed() throws {
        let (model, _) = load("languages: { fr-FR: 1 }\nstates:\n  mian: { keys: { \"1\": 1 } }\n")
        let machine = try Fixture.machine(Fixture.flow("  main: { menu: { prompt: main.menu, options: { \"1\": bye } } }\n  bye: { hangup: resolved }"))
        let bag = DiagnosticBag()
        try #require(model).check(against: machine, bag: bag)
        #expect(bag.diagnostics.map(\.description) == [
            "Flows/x.callers.yaml:3:3: error: the flow has no state 'mian' (did you mean 'main'?)",
            "Flows/x.callers.yaml:1:14: error: the flow does not declare 'fr-FR'; it declares zh-CN, en-US",
        ])
    }

    @Test func theSameSeedMakesTheSameChoices() throws {
        let machine = try Fixture.machine(Fixture.flow("  main: { menu: { prompt: main.menu, options: { \"1\": bye, \"2\": bye } } }\n  bye: { hangup: resolved }"))
        func outcomes(_ seed: UInt64) -> [String: Int] {
            var simulator = CallSimulator(machine: machine, tables: DataTables(), model: CallerModel())
            simulator.seed = seed
            simulator.start = Date(timeIntervalSince1970: 1_000_000)
            var records: [String: CallRecord] = [:]
            let counts = simulator.run(calls: 200) { records[$0.id] = $0 }
            #expect(records.count == 200)
            return counts
        }
        #expect(outcomes(3) == outcomes(3))
        #expect(outcomes(3)["resolved", default: 0] > 150, "most simulated callers press an accepted key")
    }
}

import Foundation
import Testing

/// `inputs:` through the command line (SPEC 14): `--var` for `run`,
/// `explore` and `simulate`, `data:` in scenario files.
struct InputsCommandTests {
    static let files = [
        "Flows/bill.yaml": """
            flow: bill
            start: greet
            languages: [en-US]
            inputs: [name, amount]
            states:
              greet: { say: greet, next: vip }
              vip:
                branch:
                  - if: { var: tier, equals: gold }
                    hangup: vip
                  - else: { hangup: resolved }
            """,
        "Prompts/en-US.yaml": "greet: \"Hello {name}, you owe {amount:amount}.\"\n",
    ]

    @Test func runTakesInputsFromVarAndRefusesACallWithoutThem() throws {
        let directory = try IVRBinary.scratch(Self.files)
        let refused = try IVRBinary.run(["run", "Flows/bill.yaml", "--input", "", "--var", "name=Li"], in: directory)
        #expect(refused.status == 2)
        #expect(refused.stderr == "ivr: flow 'bill' needs the input 'amount': give it with --var amount=VALUE\n")
        #expect(refused.stdout == "")
        let none = try IVRBinary.run(["explore", "Flows/bill.yaml"], in: directory)
        #expect(none.status == 2)
        #expect(none.stderr == "ivr: flow 'bill' needs the inputs 'name', 'amount': give each with --var name=VALUE --var amount=VALUE\n")
        let badPair = try IVRBinary.run(["simulate", "Flows/bill.yaml", "--calls", "1", "--var", "amount"], in: directory)
        #expect(badPair.status == 2)
        #expect(badPair.stderr == "ivr: --var: 'amount' is not name=value\n")

        let run = try IVRBinary.run(["run", "Flows/bill.yaml", "--input", "", "--json", "--var", "name=李明", "--var", "amount=88.5",
                                     "--var", "tier=gold", "--var", "note=a=b"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.contains(#""text":"Hello 李明, you owe 88.50.""#) }, "\(lines)")
        #expect(lines.last?.contains(#""outcome":"vip""#) == true, "an extra variable is set too: \(lines)")

        let simulated = try IVRBinary.run(["simulate", "Flows/bill.yaml", "--calls", "3", "--var", "name=Li", "--var", "amount=1"], in: directory)
        #expect(simulated.status == 0, "\(simulated.stderr)")
    }

    @Test func scenarioDataComesFromTheFileAndTheCaseAndAMissingInputFailsTheCase() throws {
        var files = Self.files
        files["Flows/bill.test.yaml"] = """
            flow: bill.yaml
            data: { name: Li, amount: "12" }
            cases:
              - name: the file's data
                input: ""
                expect: { outcome: resolved, says: ["Hello Li, you owe 12.00."], vars: { name: Li } }
              - name: the case's data wins name by name
                input: ""
                data: { amount: "7.5", tier: gold }
                expect: { outcome: vip, says: ["Hello Li, you owe 7.50."] }
            """
        files["Flows/other.test.yaml"] = """
            flow: bill.yaml
            cases:
              - name: no data
                input: ""
                data: { name: Li }
                expect: { outcome: resolved }
            """
        let result = try IVRBinary.run(["test", "Flows"], in: try IVRBinary.scratch(files))
        #expect(result.status == 1)
        #expect(result.stdout == """
        PASS  Flows/bill.test.yaml: the file's data
        PASS  Flows/bill.test.yaml: the case's data wins name by name
        FAIL  Flows/other.test.yaml: no data
              Flows/other.test.yaml:3:11: the case gives no 'amount', an input of the flow: add it under 'data:' (of the case or the file)
        2 passed, 1 failed

        """)
    }
}

import Foundation
import Testing
@testable import IVRCore

/// `inputs:` (SPEC 14): checked where written, counted as set by the
/// variable checks, required at the start of a call.
struct InputsTests {
    /// A flow reading two inputs in a placeholder and a condition.
    static let states = """
      main:
        branch:
          - if: { var: segment, equals: gold }
            goto: info
          - else: balance
      info: { say: info, next: bye }
      balance: { say: balance, next: bye }
      bye: { hangup: resolved }
    """
    static let balanceCatalogs = [
        "/t/Prompts/zh-CN.yaml": "info: 信息\nbalance: \"余额{amount:amount}元\"\n",
        "/t/Prompts/en-US.yaml": "info: Info\nbalance: \"Balance {amount:amount}\"\n",
    ]

    @Test func declaredInputsCountAsSet() throws {
        #expect(Fixture.diagnostics(Fixture.flow(Self.states), extra: Self.balanceCatalogs) == [
            "Flows/flow.yaml:8:20: warning: variable 'segment' is read but never set",
            "Flows/flow.yaml:12:19: warning: prompt 'balance' has the placeholder '{amount}', but nothing sets 'amount'",
        ])
        let text = Fixture.flow(Self.states, header: "inputs: [amount, segment]")
        #expect(Fixture.diagnostics(text, extra: Self.balanceCatalogs) == [])
        #expect(try Fixture.machine(text, extra: Self.balanceCatalogs).inputs == ["amount", "segment"])
    }

    @Test func badInputsAtTheirPlaces() {
        let text = Fixture.flow(Self.states, header: "inputs: [amount, caller, segment, amount, 2nd, direction]")
        #expect(Fixture.diagnostics(text, extra: Self.balanceCatalogs) == [
            "Flows/flow.yaml:4:18: error: 'caller' is given to every call, not an input: take it out of 'inputs'",
            "Flows/flow.yaml:4:35: error: input 'amount' is listed twice: keep one",
            "Flows/flow.yaml:4:43: error: '2nd' is not a variable name: use letters, digits and _, starting with a letter",
            "Flows/flow.yaml:4:48: error: 'direction' is given to every call, not an input: take it out of 'inputs'",
        ])
        #expect(Fixture.diagnostics(Fixture.flow(Self.states, header: "inputs: { amount: 1 }"), extra: Self.balanceCatalogs).first
                == "Flows/flow.yaml:4:9: error: 'inputs' must be a text value or a list, not a mapping")
    }

    @Test func aStartWithoutAnInputIsRefusedAndTheCallStaysNotStarted() throws {
        let machine = try Fixture.machine(Fixture.flow(Self.states, header: "inputs: [amount, segment]"), extra: Self.balanceCatalogs)
        #expect(machine.missingInputs(["segment": "gold"]) == ["amount"])
        #expect(machine.missingInputs([:]) == ["amount", "segment"])
        #expect(machine.needs(["amount", "segment"]) == "flow 'test' needs the inputs 'amount', 'segment'")
        var call = Interpreter(machine: machine)
        #expect(call.start(caller: "", called: "", language: "en-US", time: Date(), variables: ["segment": "gold"])
                == Output(directive: .ignored(.missingInputs)))
        #expect(!call.isEnded && !call.isWaiting)
        // Given, the inputs are the call's variables from the first state; an
        // empty value is a value.
        let output = call.start(caller: "", called: "", language: "en-US", time: Date(), variables: ["segment": "", "amount": "1234.5"])
        let texts = output.actions.compactMap { action -> String? in
            if case .play(let play) = action { return play.text }
            return nil
        }
        #expect(texts == ["Balance 1234.50"])
        #expect(call.call.outcome == "resolved")
    }

    @Test func directionAndAnsweredByHaveInboundDefaults() throws {
        let machine = try Fixture.machine(Fixture.flow("""
          main:
            branch:
              - if: { all: [{ var: direction, equals: outbound }, { var: answered_by, equals: machine }] }
                hangup: voicemail
              - if: { var: answered_by, equals: human }
                hangup: resolved
              - else: { hangup: failed }
        """))
        func outcome(_ variables: [String: String]) -> String? {
            var call = Interpreter(machine: machine)
            _ = call.start(caller: "", called: "", time: Date(), variables: variables)
            return call.call.outcome
        }
        #expect(outcome([:]) == "resolved", "an inbound call: answered by a human")
        #expect(outcome(["direction": "outbound", "answered_by": "machine"]) == "voicemail")
        #expect(outcome(["direction": "outbound", "answered_by": "unknown"]) == "failed")
    }
}

import Foundation
import Testing
@testable import IVRCore

/// SPEC 9: every output ends in one directive; events that do not fit the
/// phase are ignored with a reason; a hangup ends a pending transfer;
/// type-ahead is capped.
@Suite struct DirectiveTests {
    static let time = Date(timeIntervalSince1970: 1_795_000_000)

    static let flow = Fixture.flow("""
      main:
        menu:
          prompt: main.menu
          options: { "1": find, "2": agent, "3": account }
      find: { lookup: { table: accounts, key: "{caller}", save_as: customer, found: main, not_found: main } }
      agent: { transfer: { to: operator, on_fail: sorry } }
      sorry: { hangup: { outcome: busy, say: bye } }
      account: { ask: { prompt: ask.account, save_as: account, max_digits: 4, next: main } }
    """)

    static func started() throws -> Interpreter {
        var interpreter = Interpreter(machine: try Fixture.machine(flow))
        _ = interpreter.start(caller: "1", called: "2", time: time)
        return interpreter
    }

    @Test func eventsThatDoNotFitAreIgnoredWithAReason() throws {
        var fresh = Interpreter(machine: try Fixture.machine(Self.flow))
        #expect(fresh.key(.k1) == Output(directive: .ignored(.notStarted)))
        #expect(fresh.hangup().directive == .ignored(.notStarted))
        var call = try Self.started()
        #expect(call.start(caller: "", called: "", time: Self.time) == Output(directive: .ignored(.alreadyStarted)))
        #expect(call.lookupResult(["a": "b"]) == Output(directive: .ignored(.noLookupPending)))
        #expect(call.transferFailed("busy") == Output(directive: .ignored(.noTransferPending)))
        #expect(call.key(.k1).directive == .lookup(table: "accounts", key: "1"))
        #expect(call.timeout() == Output(directive: .ignored(.notWaiting)))
        #expect(IgnoredEvent.notWaiting.description == "the call is not waiting for keys (a lookup is pending)")
        _ = call.lookupResult(nil)
        #expect(call.key(.k2).directive == .transferring(target: "operator"))
        #expect(call.key(.k1) == Output(directive: .ignored(.transferPending)))
        #expect(call.transferFailed("no answer").lines == [
            #"{"event":"transfer_failed","state":"agent","reason":"no answer"}"#,
            #"{"event":"enter","state":"sorry"}"#,
            #"{"event":"play","state":"sorry","prompt":"bye","language":"zh-CN","text":"再见"}"#,
            #"{"event":"end","state":"sorry","outcome":"busy","steps":5}"#,
        ])
        #expect(call.directive == .ended(outcome: "busy"))
        #expect(call.timeout() == Output(directive: .ignored(.ended)))
        #expect(call.hangup() == Output(directive: .ignored(.ended)))
    }

    @Test func aHangupWhileATransferIsPendingEndsTheCall() throws {
        var call = try Self.started()
        #expect(call.key(.k2).directive == .transferring(target: "operator"))
        let output = call.hangup()
        #expect(output.directive == .ended(outcome: "abandoned"))
        #expect(output.lines == [#"{"event":"end","state":"agent","outcome":"abandoned","steps":2}"#])
        #expect(call.transferFailed("busy") == Output(directive: .ignored(.ended)), "no prompts for a caller who has gone")
    }

    @Test func typeAheadKeepsThirtyTwoKeysAndCountsTheRest() throws {
        var call = try Self.started()
        _ = call.key(.k1)  // a lookup is pending
        for _ in 0..<40 { _ = call.key(.k3) }
        #expect(call.call.typeAhead.count == 32)
        #expect(call.call.droppedKeys == 8)
        let output = call.lookupResult(nil)
        // Each 3 at the menu enters the ask, four more fill it: six rounds of
        // five keys, then the menu's 3 and one key of a seventh entry.
        guard case .waiting(let wait) = output.directive else { Issue.record("expected a wait, got \(output.directive)"); return }
        #expect(wait.maxKeys == 4 && wait.entered == 1 && call.call.typeAhead.isEmpty)
        #expect(output.events.filter { $0 == "key account" }.count == 25)
    }

    @Test func anEntryInProgressSaysHowManyKeysItHolds() throws {
        var call = try Self.started()
        _ = call.key(.k3)
        #expect(call.key(.k4).directive == .waiting(Action.Wait(maxKeys: 4, finishOn: .pound, timeoutMs: 5000, interDigitTimeoutMs: 3000, bargeIn: true, entered: 1)))
        #expect(call.key(.k5).directive == .waiting(Action.Wait(maxKeys: 4, finishOn: .pound, timeoutMs: 5000, interDigitTimeoutMs: 3000, bargeIn: true, entered: 2)))
    }
}

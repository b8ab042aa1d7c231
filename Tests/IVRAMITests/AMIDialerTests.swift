import IVRAMI
import IVRCampaign
import Testing

/// The AMI dialer's dialogue, bytes in and actions out, compared whole.
struct AMIDialerTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let call = AMIDialer.Originate(id: "dec-2-1", channel: "PJSIP/+8613800138001@trunk", context: "ivr-outbound", exten: "reminder",
                                          callerID: "+862012345678", timeoutMs: 30000,
                                          variables: [("name", "李明"), ("amount", "256.8"), ("IVR_CALL_ID", "dec-2-1")])

    @Test func logsInThenOriginatesWithTheCallDataAsVariables() throws {
        var dialer = AMIDialer(username: "ivr", secret: "s3cret")
        #expect(dialer.originate(Self.call) == [], "queued until the login is accepted")
        let login = try dialer.received(Self.bytes("Asterisk Call Manager/9.0.0\r\n"))
        #expect(login.map(Self.wire) == ["Action: Login\r\nActionID: ivr-login\r\nUsername: ivr\r\nSecret: s3cret\r\nEvents: call,dialplan\r\n\r\n"])
        // The reply split across reads.
        #expect(try dialer.received(Self.bytes("Response: Success\r\nActionID: ivr-lo")) == [])
        let accepted = try dialer.received(Self.bytes("gin\r\nMessage: Authentication accepted\r\n\r\n"))
        #expect(accepted.first == .loggedIn)
        #expect(accepted.dropFirst().map(Self.wire) == [
            "Action: Originate\r\nActionID: dec-2-1\r\nChannel: PJSIP/+8613800138001@trunk\r\nContext: ivr-outbound\r\nExten: reminder\r\n"
                + "Priority: 1\r\nTimeout: 30000\r\nAsync: true\r\nCallerID: +862012345678\r\n"
                + "Variable: name=李明\r\nVariable: amount=256.8\r\nVariable: IVR_CALL_ID=dec-2-1\r\n\r\n",
        ])
    }

    @Test func reasonsBecomeResultsAndAnsweredCallsEndAtTheirHangup() throws {
        var dialer = try Self.ready()
        for id in ["a", "b", "c", "d"] {
            var call = Self.call
            call.id = id
            _ = dialer.originate(call)
        }
        let replies = """
            Response: Success\r\nActionID: a\r\nMessage: Originate successfully queued\r\n\r\n\
            Event: OriginateResponse\r\nPrivilege: call,all\r\nActionID: a\r\nResponse: Failure\r\nChannel: PJSIP/+86138@trunk\r\nReason: 5\r\nUniqueid: <null>\r\n\r\n\
            Event: OriginateResponse\nActionID: b\nResponse: Failure\nReason: 3\n\n\
            Response: Error\r\nActionID: c\r\nMessage: Extension does not exist.\r\n\r\n\
            Event: OriginateResponse\r\nActionID: d\r\nResponse: Success\r\nReason: 4\r\nUniqueid: 1795434519.12\r\n\r\n
            """
        #expect(try dialer.received(Self.bytes(replies)) == [
            .result(id: "a", .busy, "busy (reason 5)"),
            .result(id: "b", .noAnswer, "rang without an answer (reason 3)"),
            .result(id: "c", .failed, "refused: Extension does not exist."),
            .answered(id: "d"),
        ])
        let end = "Event: VarSet\r\nChannel: PJSIP/x\r\nVariable: AMDSTATUS\r\nValue: MACHINE\r\nUniqueid: 1795434519.12\r\n\r\n"
            + "Event: Hangup\r\nUniqueid: 1795434519.99\r\n\r\nEvent: Hangup\r\nUniqueid: 1795434519.12\r\nCause: 16\r\n\r\n"
        #expect(try dialer.received(Self.bytes(end)) == [.result(id: "d", .machine, "a machine answered")])
        #expect(AMIDialer.result(reason: "8").0 == .failed && AMIDialer.result(reason: "1").0 == .noAnswer
                && AMIDialer.result(reason: "0") == (.failed, "could not be placed (reason 0)"))
    }

    @Test func aRefusedLoginFailsEveryCallAndADroppedConnectionSaysWhatBecameOfEach() throws {
        var refused = AMIDialer(username: "ivr", secret: "wrong")
        _ = refused.originate(Self.call)
        _ = try refused.received(Self.bytes("Asterisk Call Manager/9.0.0\r\n"))
        #expect(try refused.received(Self.bytes("Response: Error\r\nActionID: ivr-login\r\nMessage: Authentication failed\r\n\r\n")) == [
            .refused("Authentication failed"), .result(id: "dec-2-1", .failed, "not placed: Authentication failed"),
        ])
        #expect(refused.originate(Self.call) == [.result(id: "dec-2-1", .failed, "not placed: the manager refused the login")])

        var dialer = try Self.ready()
        for id in ["ringing", "talking"] {
            var call = Self.call
            call.id = id
            _ = dialer.originate(call)
        }
        _ = try dialer.received(Self.bytes("Event: OriginateResponse\r\nActionID: talking\r\nResponse: Success\r\nUniqueid: 1.5\r\n\r\n"))
        #expect(dialer.disconnected() == [
            .result(id: "ringing", .failed, "the manager connection dropped before Asterisk answered"),
            .result(id: "talking", .answered, "answered; the manager connection dropped during the call"),
        ])
        // Reconnected: a new banner, a new login, and calls queued meanwhile go out after it.
        _ = dialer.originate(Self.call)
        #expect(try dialer.received(Self.bytes("Asterisk Call Manager/9.0.0\r\n")).count == 1)
        let again = try dialer.received(Self.bytes("Response: Success\r\nActionID: ivr-login\r\n\r\n"))
        #expect(again.first == .loggedIn && again.count == 2)
    }

    @Test func aValuesLineBreaksCannotStartAnotherField() {
        let message = AMIMessage([("Action", "Originate"), ("Variable", "name=Li\r\nAction: Hangup"), ("Variable", "x=a\nb\rc")])
        #expect(message.wire == "Action: Originate\r\nVariable: name=Li Action: Hangup\r\nVariable: x=a b c\r\n\r\n")
    }

    @Test func aLineWithoutEndIsAProtocolErrorNotUnboundedMemory() throws {
        var dialer = AMIDialer(username: "ivr", secret: "s")
        #expect(throws: AMIFramer.Problem.lineTooLong) {
            _ = try dialer.received(Array(repeating: UInt8(ascii: "x"), count: 9000))
        }
    }

    /// A manager's stream cut anywhere gives the same actions as whole;
    /// random bytes give actions or a protocol error, never a crash.
    @Test(arguments: 1...30)
    func anyCuttingOfTheStreamAndAnyBytesAreSafe(seed: Int) throws {
        var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 | 1
        func next(_ bound: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(bound))
        }
        let stream = Self.bytes("Asterisk Call Manager/9.0.0\r\nResponse: Success\r\nActionID: ivr-login\r\n\r\n"
            + "Event: OriginateResponse\r\nActionID: dec-2-1\r\nResponse: Failure\r\nReason: 5\r\n\r\n")
        func run(_ chunks: [ArraySlice<UInt8>]) throws -> [AMIDialer.Action] {
            var dialer = AMIDialer(username: "ivr", secret: "s")
            _ = dialer.originate(Self.call)
            return try chunks.flatMap { try dialer.received($0) }
        }
        let whole = try run([stream[...]])
        var chunks: [ArraySlice<UInt8>] = []
        var index = 0
        while index < stream.count {
            let end = min(stream.count, index + 1 + next(12))
            chunks.append(stream[index..<end])
            index = end
        }
        #expect(try run(chunks) == whole)
        #expect(whole.last == .result(id: "dec-2-1", .busy, "busy (reason 5)"))
        var dialer = AMIDialer(username: "ivr", secret: "s")
        let garbage = (0..<(1 + next(20_000))).map { _ in UInt8(next(256)) }
        do { _ = try dialer.received(garbage) } catch { #expect(error == .lineTooLong || error == .messageTooLarge) }
    }

    static func ready() throws -> AMIDialer {
        var dialer = AMIDialer(username: "ivr", secret: "s3cret")
        _ = try dialer.received(bytes("Asterisk Call Manager/9.0.0\r\n"))
        _ = try dialer.received(bytes("Response: Success\r\nActionID: ivr-login\r\nMessage: Authentication accepted\r\n\r\n"))
        return dialer
    }

    static func wire(_ action: AMIDialer.Action) -> String {
        if case .send(let message) = action { return message.wire }
        return "\(action)"
    }
}

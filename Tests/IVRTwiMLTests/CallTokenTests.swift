import Foundation
import IVRTwiML
import Testing

struct CallTokenTests {
    static let key = "correct horse battery staple, 32+ characters long"

    @Test func aTokenOpensForItsCallOnly() throws {
        let tokens = try CallToken(stateKey: Self.key)
        let saved = Data(#"{"format":1,"state":"main"}"#.utf8)
        let token = try tokens.seal(version: "7c5ab356b729", saved: saved, callSid: "CA111")
        #expect(!token.contains("+") && !token.contains("/") && !token.contains("="), "base64url for a query string")
        #expect(!token.contains("main"), "nothing in clear")
        #expect(try tokens.seal(version: "7c5ab356b729", saved: saved, callSid: "CA111") == token, "the same state, the same token")
        #expect(try tokens.seal(version: "7c5ab356b729", saved: saved, callSid: "CA112") != token)
        let opened = try tokens.open(token, callSid: "CA111")
        #expect(opened.version == "7c5ab356b729" && opened.saved == saved)
        #expect(throws: CallToken.Problem.refused) { try tokens.open(token, callSid: "CA222") }
        #expect(throws: CallToken.Problem.refused) { try CallToken(stateKey: Self.key + "!").open(token, callSid: "CA111") }
        // One character changed anywhere is refused.
        var altered = Array(token)
        altered[altered.count / 2] = altered[altered.count / 2] == "A" ? "B" : "A"
        #expect(throws: CallToken.Problem.refused) { try tokens.open(String(altered), callSid: "CA111") }
        #expect(throws: CallToken.Problem.refused) { try tokens.open("not a token", callSid: "CA111") }
        #expect(throws: CallToken.Problem.refused) { try tokens.open("", callSid: "CA111") }
    }

    @Test func aShortStateKeyIsRefused() {
        #expect(throws: CallToken.Problem.shortKey(5)) { try CallToken(stateKey: "short") }
    }
}

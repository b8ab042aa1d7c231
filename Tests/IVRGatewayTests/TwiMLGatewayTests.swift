import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import IVRCore
import IVRTools
import IVRTwiML
import Testing

/// The built `ivr-gateway twiml` over real HTTP on loopback, with requests
/// signed as Twilio signs them and its TwiML parsed as Twilio would.
@Suite(.serialized) struct TwiMLGatewayTests {
    static let authToken = "twilio-auth-token-for-tests"
    static let environment = ["TWILIO_AUTH_TOKEN": authToken, "IVR_STATE_KEY": "a state key for the gateway tests, 32+ chars"]
    static let publicURL = "https://ivr.example.com"
    static let signer = TwilioSignature(authToken: authToken)

    static func start(_ arguments: [String] = [], in directory: URL = GatewayProcess.root) throws -> GatewayProcess {
        try GatewayProcess(["--public-url", publicURL] + arguments, in: directory, twiml: true, environment: environment)
    }

    static func form(_ parameters: [(String, String)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return parameters.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    /// POSTs `parameters` to `path` signed for the public URL (or with `signature`).
    static func post(_ gateway: GatewayProcess, _ path: String, _ parameters: [(String, String)], signature: String? = nil)
        throws -> (status: Int, body: String) {
        let url = path.hasPrefix("https://") ? path : publicURL + path
        let local = String(url.dropFirst(publicURL.count))
        let header = signature ?? signer.signature(url: url, parameters: parameters)
        return try FakeHTTP.post(port: gateway.port, local, form: form(parameters), headers: ["X-Twilio-Signature": header])
    }

    static func action(_ body: String) -> String? {
        guard let range = body.range(of: #"action="[^"]+""#, options: .regularExpression) else { return nil }
        return String(body[range].dropFirst(8).dropLast()).replacingOccurrences(of: "&amp;", with: "&")
    }

    @Test func aSignedCallMovesOnAndForgedOrForeignRequestsAreRefused() throws {
        let gateway = try Self.start()
        let call = [("CallSid", "CA100"), ("From", "+8613800138000"), ("To", "+8695588"), ("Direction", "inbound")]
        let first = try Self.post(gateway, "/twiml/hotline?lang=en-US", call)
        #expect(first.status == 200)
        #expect(first.body.contains(#"<Gather input="dtmf" numDigits="1" finishOnKey="" timeout="4""#))
        let next = try #require(Self.action(first.body))
        #expect(next.hasPrefix("https://ivr.example.com/twiml/hotline/next?s="))
        // The token of CA100, sent (validly signed) for another call.
        let foreign = try Self.post(gateway, next, [("CallSid", "CA200"), ("Digits", "3")])
        #expect(foreign.status == 403 && foreign.body == "the call token does not open for this call\n")
        // One character of the token changed.
        var altered = Array(next)
        altered[altered.count - 5] = altered[altered.count - 5] == "A" ? "B" : "A"
        #expect(try Self.post(gateway, String(altered), [("CallSid", "CA100"), ("Digits", "3")]).status == 403)
        // Unsigned, or signed for other parameters.
        #expect(try Self.post(gateway, next, [("CallSid", "CA100"), ("Digits", "3")], signature: "").status == 403)
        let wrong = Self.signer.signature(url: next, parameters: [("CallSid", "CA100"), ("Digits", "1")])
        #expect(try Self.post(gateway, next, [("CallSid", "CA100"), ("Digits", "3")], signature: wrong).status == 403)
        // The real next request still works: English, the main menu.
        let english = try Self.post(gateway, next, [("CallSid", "CA100"), ("Digits", "3"), ("FinishedOnKey", "")])
        #expect(english.status == 200)
        #expect(english.body.contains(#"<Say language="en-US">For service points, press 1."#))
        // Unknown flows, wrong methods, oversized bodies.
        #expect(try Self.post(gateway, "/twiml/pharmacy", call).status == 404)
        #expect(try FakeHTTP.post(port: gateway.port, "/twiml/hotline", form: "", method: "GET").status == 405)
        let huge = try FakeHTTP.post(port: gateway.port, "/twiml/hotline", form: "CallSid=CA1&Pad=" + String(repeating: "x", count: 70_000),
                                     headers: ["X-Twilio-Signature": "x"])
        #expect(huge.status == 413)
        #expect(try Self.post(gateway, "/twiml/hotline?lang=en-US", call).status == 200, "other calls unaffected")
    }

    @Test func recordingsArePlayedFromTheGateway() throws {
        let project = try FakeAsterisk.project()
        let recording = Data("RIFF recording".utf8)
        try FileManager.default.createDirectory(at: project.appendingPathComponent("Prompts/en-US"), withIntermediateDirectories: true)
        try recording.write(to: project.appendingPathComponent("Prompts/en-US/welcome.wav"))
        let gateway = try Self.start(in: project)
        let first = try Self.post(gateway, "/twiml/hotline?lang=en-US", [("CallSid", "CA300"), ("From", ""), ("To", "")])
        let range = try #require(first.body.range(of: #"<Play>https://ivr.example.com/audio/[^<]+</Play>"#, options: .regularExpression))
        let path = String(first.body[range].dropFirst("<Play>https://ivr.example.com".count).dropLast("</Play>".count))
        #expect(path.hasSuffix("/en-US/welcome.wav"))
        let audio = try FakeHTTP.get(port: gateway.port, path)
        #expect(audio.status == 200 && audio.body == "RIFF recording")
        #expect(try FakeHTTP.get(port: gateway.port, path.replacingOccurrences(of: "welcome.wav", with: "..%2Fhotline.yaml")).status == 404)
    }
}

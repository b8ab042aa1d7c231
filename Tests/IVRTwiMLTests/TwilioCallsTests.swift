import Foundation
import IVRCampaign
import IVRTwiML
import Testing

/// The Calls API side of the twilio dialer, with no I/O: whole requests
/// and every answer's meaning.
struct TwilioCallsTests {
    @Test func aCallRequestCarriesTheFlowsWebhookWithTheDataAndTheCallback() {
        let calls = TwilioCalls(accountSid: "AC123", authToken: "token", webhookBase: "https://ivr.example.com/",
                                statusCallback: "https://c.example.com/campaign/status")
        let request = calls.create(flow: "reminder", number: "+8613800138001", callerID: "+862012345678", callID: "dec-2-1", language: "zh-CN",
                                   data: ["name": "李明", "amount": "256.8"], ringSeconds: 30)
        #expect(request == TwilioCalls.Request(
            path: "/2010-04-01/Accounts/AC123/Calls.json",
            form: [("To", "+8613800138001"), ("From", "+862012345678"),
                   ("Url", "https://ivr.example.com/twiml/reminder?lang=zh-CN&amount=256.8&name=%E6%9D%8E%E6%98%8E&ivr_call_id=dec-2-1"),
                   ("Method", "POST"), ("StatusCallback", "https://c.example.com/campaign/status?id=dec-2-1"), ("StatusCallbackMethod", "POST"),
                   ("StatusCallbackEvent", "completed"), ("MachineDetection", "Enable"), ("Timeout", "30")],
            authorization: "Basic " + Data("AC123:token".utf8).base64EncodedString()))
        #expect(FormBody.encode([("Url", "https://x/y?a=1&b=2")]) == "Url=https%3A%2F%2Fx%2Fy%3Fa%3D1%26b%3D2")
    }

    @Test func theAPIsAnswersAndTheCallbacksResults() {
        #expect(TwilioCalls.created(status: 201, body: Array(#"{"sid":"CA1","status":"queued"}"#.utf8)) == .success("CA1"))
        let invalid = TwilioCalls.created(status: 400, body: Array(#"{"code":21211,"message":"The 'To' number is not valid."}"#.utf8))
        #expect(invalid == .failure(.init(status: 400, message: "The 'To' number is not valid.")))
        #expect(TwilioCalls.created(status: 401, body: []) == .failure(.init(status: 401, message: "HTTP 401")))
        #expect(TwilioCalls.Refusal(status: 401, message: "").isAuthentication && !TwilioCalls.Refusal(status: 400, message: "").isAuthentication)
        #expect(TwilioCalls.created(status: 201, body: Array("not json".utf8)) == .failure(.init(status: 201, message: "HTTP 201")))
        let cases: [(String, String?, CallResult?)] = [
            ("completed", "human", .answered), ("completed", nil, .answered), ("completed", "unknown", .answered),
            ("completed", "machine_end_beep", .machine), ("completed", "fax", .machine), ("busy", nil, .busy),
            ("no-answer", nil, .noAnswer), ("failed", nil, .failed), ("canceled", nil, .failed), ("ringing", nil, nil), ("in-progress", nil, nil),
        ]
        for (status, answeredBy, expected) in cases {
            #expect(TwilioCalls.result(callStatus: status, answeredBy: answeredBy) == expected, "\(status) \(answeredBy ?? "-")")
        }
    }
}

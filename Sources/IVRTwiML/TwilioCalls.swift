import Foundation
import IVRCampaign

/// The `twilio` dialer's side of Twilio's Calls API (SPEC 14), with no I/O:
/// the request that places a call (its `Url` the TwiML gateway with the
/// call data in the query, a `StatusCallback` for the result, answering
/// machine detection on), what the API's answer means, and what a status
/// callback's `CallStatus` and `AnsweredBy` make of the attempt.
public struct TwilioCalls: Sendable {
    public struct Request: Sendable, Equatable {
        /// Relative to the API base: `/2010-04-01/Accounts/<sid>/Calls.json`.
        public var path: String
        public var form: [(String, String)]
        /// `Basic <base64 of sid:token>`.
        public var authorization: String

        public init(path: String, form: [(String, String)], authorization: String) {
            self.path = path
            self.form = form
            self.authorization = authorization
        }

        public static func == (a: Request, b: Request) -> Bool {
            a.path == b.path && a.authorization == b.authorization && a.form.map { "\($0.0)=\($0.1)" } == b.form.map { "\($0.0)=\($0.1)" }
        }
    }

    public let accountSid: String
    let authToken: String
    /// `https://ivr.example.com`: where `ivr-gateway twiml` answers.
    public let webhookBase: String
    /// `https://campaign.example.com/campaign/status`: where results come
    /// (each call's with `id=<call id>` added to its query).
    public let statusCallback: String

    public init(accountSid: String, authToken: String, webhookBase: String, statusCallback: String) {
        self.accountSid = accountSid
        self.authToken = authToken
        self.webhookBase = webhookBase.hasSuffix("/") ? String(webhookBase.dropLast()) : webhookBase
        self.statusCallback = statusCallback
    }

    /// The call of one attempt: to `number` from `callerID`, answered by
    /// the flow with the target's data and our call id in the query; its
    /// status callback names the call id too (and is signed with it).
    public func create(flow: String, number: String, callerID: String, callID: String, language: String?, data: [String: String],
                       ringSeconds: Int) -> Request {
        let query = FormBody.encode([("lang", language ?? "")].filter { !$0.1.isEmpty } + data.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                                    + [("ivr_call_id", callID)])
        let callback = statusCallback + (statusCallback.contains("?") ? "&" : "?") + FormBody.encode([("id", callID)])
        let form: [(String, String)] = [
            ("To", number), ("From", callerID), ("Url", "\(webhookBase)/twiml/\(flow)?\(query)"), ("Method", "POST"),
            ("StatusCallback", callback), ("StatusCallbackMethod", "POST"), ("StatusCallbackEvent", "completed"),
            ("MachineDetection", "Enable"), ("Timeout", String(ringSeconds)),
        ]
        let credentials = Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
        return Request(path: "/2010-04-01/Accounts/\(accountSid)/Calls.json", form: form, authorization: "Basic \(credentials)")
    }

    /// The API's answer: the new call's `sid`, or why it was not placed.
    public static func created(status: Int, body: [UInt8]) -> Result<String, Refusal> {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        if (200..<300).contains(status), let sid = object?["sid"] as? String, !sid.isEmpty { return .success(sid) }
        let message = object?["message"] as? String ?? "HTTP \(status)"
        return .failure(Refusal(status: status, message: message))
    }

    public struct Refusal: Error, Equatable, Sendable {
        public var status: Int
        public var message: String

        public init(status: Int, message: String) {
            self.status = status
            self.message = message
        }
        /// 401 and 403: the account's credentials are wrong; no call will go.
        public var isAuthentication: Bool { status == 401 || status == 403 }
    }

    /// A status callback's result; nil while the call is not over.
    public static func result(callStatus: String, answeredBy: String?) -> CallResult? {
        switch callStatus {
        case "completed":
            return (answeredBy ?? "").hasPrefix("machine") || answeredBy == "fax" ? .machine : .answered
        case "busy": return .busy
        case "no-answer": return .noAnswer
        case "failed", "canceled": return .failed
        default: return nil
        }
    }

}

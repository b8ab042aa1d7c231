import Foundation
import IVRTwiML

/// Twilio's Calls API as the campaign's `twilio` dialer meets it, over TCP
/// on loopback: `POST /2010-04-01/Accounts/<sid>/Calls.json` with Basic
/// credentials answers `201` with a call `sid` (or `400` for a number it
/// rejects, `401` for wrong credentials). Then, as Twilio would, it calls:
/// for an answered call it posts the call's `Url` (the TwiML gateway)
/// with `Direction: outbound-api` and `AnsweredBy`, and at the end posts
/// the signed status callback (`CallStatus`, `AnsweredBy`). A busy call's
/// callback is preceded by a forged one claiming an answer.
final class FakeTwilioAPI: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    // Guarded by `lock`.
    private var created: [[(String, String)]] = []
    private var answers: [String] = []
    private var attempts: [String: Int] = [:]

    /// The form of every call created, in order.
    var calls: [[(String, String)]] {
        lock.lock()
        defer { lock.unlock() }
        return created
    }

    /// The TwiML the gateway answered each answered call's first webhook with.
    var twiml: [String] {
        lock.lock()
        defer { lock.unlock() }
        return answers
    }

    /// `script`: each number's outcome per attempt (`answered`, `machine`, `busy`, `no-answer`, `failed`);
    /// `publicURL` → `localPort`: where the gateway named in `Url` really listens.
    init(accountSid: String, authToken: String, script: [String: [String]], rejected: Set<String>, publicURL: String, localPort: Int) throws {
        let (server, port) = try listenLoopback(backlog: 64)
        self.port = port
        listener = server
        let credentials = "Basic " + Data("\(accountSid):\(authToken)".utf8).base64EncodedString()
        let signer = TwilioSignature(authToken: authToken)
        Thread { [self] in
            var sequence = 0
            while true {
                let connection = accept(server, nil, nil)
                guard connection >= 0 else { return }
                sequence += 1
                let sid = "CA\(String(format: "%032d", sequence))"
                Thread {
                    defer { close(connection) }
                    guard let head = FakeHTTP.readHead(connection) else { return }
                    let length = head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                        .flatMap { Int($0.dropFirst(15).trimmingCharacters(in: .whitespaces)) } ?? 0
                    var body = [UInt8](repeating: 0, count: length)
                    var read = 0
                    while read < length {
                        let count = body[read...].withUnsafeMutableBytes { recv(connection, $0.baseAddress, length - read, 0) }
                        guard count > 0 else { return }
                        read += count
                    }
                    guard head.hasPrefix("POST /2010-04-01/Accounts/\(accountSid)/Calls.json "), head.contains("Authorization: \(credentials)\r\n") else {
                        FakeHTTP.write(connection, Self.answer(401, #"{"code":20003,"message":"Authenticate"}"#))
                        return
                    }
                    let form = FormBody.parse(body)
                    let to = FormBody.value("To", in: form) ?? ""
                    if rejected.contains(to) {
                        FakeHTTP.write(connection, Self.answer(400, #"{"code":21211,"message":"The 'To' number \#(to) is not a valid phone number."}"#))
                        return
                    }
                    self.lock.lock()
                    self.created.append(form)
                    let attempt = self.attempts[to, default: 0]
                    self.attempts[to] = attempt + 1
                    self.lock.unlock()
                    FakeHTTP.write(connection, Self.answer(201, #"{"sid":"\#(sid)","status":"queued"}"#))
                    let outcomes = script[to] ?? ["answered"]
                    let outcome = attempt < outcomes.count ? outcomes[attempt] : "no-answer"
                    Thread {
                        usleep(100_000)
                        var status = outcome, answeredBy: String?
                        if outcome == "answered" || outcome == "machine" {
                            status = "completed"
                            answeredBy = outcome == "machine" ? "machine_end_beep" : "human"
                            // The answered call fetches its TwiML from the gateway.
                            if let url = FormBody.value("Url", in: form), url.hasPrefix(publicURL) {
                                let parameters = [("CallSid", sid), ("From", FormBody.value("From", in: form) ?? ""), ("To", to),
                                                  ("Direction", "outbound-api"), ("AnsweredBy", answeredBy ?? "")]
                                let reply = try? FakeHTTP.post(port: localPort, String(url.dropFirst(publicURL.count)), form: FormBody.encode(parameters),
                                                               headers: ["X-Twilio-Signature": signer.signature(url: url, parameters: parameters)])
                                self.lock.lock()
                                self.answers.append(reply?.body ?? "-")
                                self.lock.unlock()
                            }
                        }
                        guard let callback = FormBody.value("StatusCallback", in: form), let local = URL(string: callback), let callbackPort = local.port else { return }
                        if outcome == "busy" {
                            // A forger's callback first, claiming the call was answered: the campaign must refuse it.
                            _ = try? FakeHTTP.post(port: callbackPort, local.path + (local.query.map { "?" + $0 } ?? ""),
                                                   form: "CallSid=\(sid)&CallStatus=completed&AnsweredBy=human",
                                                   headers: ["X-Twilio-Signature": signer.signature(url: callback + "&x=1", parameters: [])])
                        }
                        var parameters = [("CallSid", sid), ("CallStatus", status)]
                        if let answeredBy { parameters.append(("AnsweredBy", answeredBy)) }
                        _ = try? FakeHTTP.post(port: callbackPort, local.path + (local.query.map { "?" + $0 } ?? ""), form: FormBody.encode(parameters),
                                               headers: ["X-Twilio-Signature": signer.signature(url: callback, parameters: parameters)])
                    }.start()
                }.start()
            }
        }.start()
    }

    deinit { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }

    static func answer(_ status: Int, _ body: String) -> String {
        "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
    }
}

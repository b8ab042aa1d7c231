import Foundation
import IVRTwiML
import NIOCore
import NIOPosix

/// `ivr-gateway-bench twiml`: whole calls of signed webhook requests against
/// the built `ivr-gateway twiml` and, side by side in the same run, the
/// Flask + `twilio` webhook of `bench/flask_webhook.py` answering the same
/// first menus. Each call: the incoming call, then 3, 1, 1 and # at
/// successive Gathers, then the status callback; each request a new
/// connection, signed over the public URL as Twilio signs it.
enum WebhookBench {
    static let publicURL = "https://ivr.example.com"
    static let authToken = "bench-auth-token"

    struct Result {
        var seconds: Double
        var requests: Int
        var failed: Int
        var latencies: [Double]

        func percentile(_ fraction: Double) -> Double {
            latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * fraction))]
        }
    }

    /// One request: status and body, or nil when the connection failed.
    static func post(port: Int, path: String, parameters: [(String, String)], group: any EventLoopGroup) async -> (Int, String)? {
        let signature = TwilioSignature(authToken: authToken).signature(url: publicURL + path, parameters: parameters)
        let form = FormBody.encode(parameters)
        let text = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nX-Twilio-Signature: \(signature)\r\n"
            + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n\r\n\(form)"
        do {
            let channel = try await ClientBootstrap(group: group)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connect(host: "127.0.0.1", port: port) { channel in
                    channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
                }
            let bytes = try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(ByteBuffer(string: text))
                var all = ByteBuffer()
                for try await var chunk in inbound { all.writeBuffer(&chunk) }
                return all
            }
            let answer = String(buffer: bytes)
            let status = Int(answer.split(separator: " ").dropFirst().first ?? "") ?? 0
            return (status, answer)
        } catch {
            return nil
        }
    }

    /// The path of the answer's `action="..."` URL (below the public URL).
    static func action(_ body: String) -> String? {
        guard let start = body.range(of: #"action=""#)?.upperBound, let end = body[start...].firstIndex(of: "\"") else { return nil }
        let url = body[start..<end].split(separator: "&amp;", omittingEmptySubsequences: false).joined(separator: "&")
        return url.hasPrefix(publicURL) ? String(url.dropFirst(publicURL.count)) : nil
    }

    /// `calls` whole calls, `concurrent` at a time.
    static func run(port: Int, calls: Int, concurrent: Int, group: any EventLoopGroup) async -> Result {
        let start = DispatchTime.now().uptimeNanoseconds
        let outcomes = await withTaskGroup(of: ([Double], Int, Int).self) { tasks in
            var next = 0
            func add() {
                let id = next
                next += 1
                tasks.addTask {
                    var latencies: [Double] = [], failed = 0
                    let sid = "CA\(id)-\(UInt32.random(in: 0...UInt32.max))"
                    func timed(_ path: String, _ parameters: [(String, String)]) async -> String? {
                        let begin = DispatchTime.now().uptimeNanoseconds
                        let answer = await post(port: port, path: path, parameters: parameters, group: group)
                        latencies.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
                        guard let (status, body) = answer, status == 200 || status == 204 else {
                            failed += 1
                            return nil
                        }
                        return body
                    }
                    var body = await timed("/twiml/hotline?lang=en-US", [("CallSid", sid), ("From", "+8613800138000"), ("To", "+8695588")])
                    for digit in ["3", "1", "1", "#"] {
                        guard let current = body, let path = action(current) else { break }
                        body = await timed(path, [("CallSid", sid), ("Digits", digit), ("FinishedOnKey", "")])
                    }
                    _ = await timed("/twiml/status", [("CallSid", sid), ("CallStatus", "completed")])
                    return (latencies, latencies.count, failed)
                }
            }
            for _ in 0..<min(concurrent, calls) { add() }
            var all: [([Double], Int, Int)] = []
            while let outcome = await tasks.next() {
                all.append(outcome)
                if next < calls { add() }
            }
            return all
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Result(seconds: seconds, requests: outcomes.map(\.1).reduce(0, +), failed: outcomes.map(\.2).reduce(0, +),
                      latencies: outcomes.flatMap(\.0).sorted())
    }
}

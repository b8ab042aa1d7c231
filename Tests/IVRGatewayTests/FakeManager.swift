import Foundation

/// A scripted Asterisk manager over TCP on loopback, for the campaign's
/// `ami` dialer: the banner, `Login` (one secret accepted), and for each
/// `Originate` the reply Asterisk gives (`Originate successfully queued`)
/// then an `OriginateResponse` from the number's script: `busy` (Reason 5),
/// `no_answer` (Reason 3), `answered` or `machine` (Success with a
/// Uniqueid, then `AMDSTATUS` for a machine, then `Hangup`). It can drop
/// its first connection right after the login, as a restarting Asterisk would.
final class FakeManager: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    // Guarded by `lock`.
    private var originates: [[String: String]] = []
    private var attempts: [String: Int] = [:]
    private var connections = 0

    /// Every Originate processed, as its fields (Variable lines joined with `;`).
    var seen: [[String: String]] {
        lock.lock()
        defer { lock.unlock() }
        return originates
    }

    var connectionCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return connections
    }

    init(secret: String, script: [String: [String]], dropFirstConnection: Bool) throws {
        let (server, port) = try listenLoopback(backlog: 16)
        self.port = port
        listener = server
        Thread { [self] in
            while true {
                let connection = accept(server, nil, nil)
                guard connection >= 0 else { return }
                lock.lock()
                connections += 1
                let drop = dropFirstConnection && connections == 1
                lock.unlock()
                Thread { self.serve(connection, secret: secret, script: script, drop: drop) }.start()
            }
        }.start()
    }

    deinit { close(listener) }

    private func serve(_ connection: Int32, secret: String, script: [String: [String]], drop: Bool) {
        defer { close(connection) }
        let writeLock = NSLock()
        @Sendable func send(_ text: String) {
            writeLock.lock()
            defer { writeLock.unlock() }
            FakeHTTP.write(connection, text)
        }
        send("Asterisk Call Manager/9.0.0\r\n")
        var pending = ""
        var chunk = [UInt8](repeating: 0, count: 4096)
        var uniqueID = 100
        while true {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return }
            pending += String(decoding: chunk[..<count], as: UTF8.self)
            while let end = pending.range(of: "\r\n\r\n") {
                let block = String(pending[..<end.lowerBound])
                pending = String(pending[end.upperBound...])
                var fields: [String: String] = [:]
                for line in block.components(separatedBy: "\r\n") {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    let key = String(line[..<colon]), value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    fields[key] = fields[key].map { $0 + ";" + value } ?? value
                }
                let id = fields["ActionID"] ?? ""
                switch fields["Action"] {
                case "Login"?:
                    guard fields["Secret"] == secret else {
                        send("Response: Error\r\nActionID: \(id)\r\nMessage: Authentication failed\r\n\r\n")
                        return
                    }
                    send("Response: Success\r\nActionID: \(id)\r\nMessage: Authentication accepted\r\n\r\n")
                    if drop { return }
                case "Originate"?:
                    let number = (fields["Channel"] ?? "").split(separator: "/").dropFirst().first.map { String($0.split(separator: "@").first ?? "") } ?? ""
                    lock.lock()
                    originates.append(fields)
                    let attempt = attempts[number, default: 0]
                    attempts[number] = attempt + 1
                    lock.unlock()
                    let outcomes = script[number] ?? ["answered"]
                    let outcome = attempt < outcomes.count ? outcomes[attempt] : "no_answer"
                    send("Response: Success\r\nActionID: \(id)\r\nMessage: Originate successfully queued\r\n\r\n")
                    uniqueID += 1
                    let channel = "1795434519.\(uniqueID)"
                    switch outcome {
                    case "busy", "no_answer":
                        send("Event: OriginateResponse\r\nPrivilege: call,all\r\nActionID: \(id)\r\nResponse: Failure\r\nChannel: \(fields["Channel"] ?? "")\r\n"
                             + "Reason: \(outcome == "busy" ? 5 : 3)\r\nUniqueid: <null>\r\n\r\n")
                    default:
                        send("Event: OriginateResponse\r\nPrivilege: call,all\r\nActionID: \(id)\r\nResponse: Success\r\nReason: 4\r\nUniqueid: \(channel)\r\n\r\n")
                        Thread {
                            usleep(100_000)
                            if outcome == "machine" {
                                send("Event: VarSet\r\nVariable: AMDSTATUS\r\nValue: MACHINE\r\nUniqueid: \(channel)\r\n\r\n")
                            }
                            send("Event: Hangup\r\nUniqueid: \(channel)\r\nCause: 16\r\n\r\n")
                        }.start()
                    }
                default:
                    send("Response: Error\r\nActionID: \(id)\r\nMessage: Invalid/unknown command\r\n\r\n")
                }
            }
        }
    }
}

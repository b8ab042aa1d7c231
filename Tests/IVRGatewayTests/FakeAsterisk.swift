import Foundation

/// A FastAGI peer over real TCP on loopback that answers as Asterisk
/// 22.10.1 did in the recorded transcripts: `200 result=0` to ANSWER,
/// `200 result=0 endpos=N` to a whole STREAM FILE, a key's ASCII code or
/// `0` to WAIT FOR DIGIT, `200 result=-1` then (40 ms later) `HANGUP` when
/// the caller hangs up during a wait, `200 result=1` to SET VARIABLE and to
/// the gateway's HANGUP (then a `HANGUP` line).
final class FakeAsterisk {
    let socket: Int32
    private var buffer: [UInt8] = []

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(socket) }

    func send(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { Glibc.send(socket, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
    }

    /// The next line from the gateway, without its `\n`; nil at EOF.
    func line() -> String? {
        while true {
            if let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<end], as: UTF8.self)
                buffer.removeSubrange(...end)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = recv(socket, &chunk, chunk.count, 0)
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
        }
    }

    /// Asterisk's channel ids are unique: seconds since 1970, a dot, a counter.
    static func uniqueID() -> String { "1795434519.\(UInt32.random(in: 1...4_000_000_000))" }

    static func environment(flow: String, arguments: [String] = ["lang=en-US"], caller: String = "13800138000") -> String {
        var block = "agi_network: yes\nagi_network_script: \(flow)\nagi_request: agi://127.0.0.1/\(flow)\nagi_channel: Local/s@test-00000001;2\n"
            + "agi_language: en\nagi_type: Local\nagi_uniqueid: \(uniqueID())\nagi_version: 22.10.1\nagi_callerid: \(caller)\n"
            + "agi_calleridname: unknown\nagi_dnid: unknown\nagi_context: test\nagi_extension: 95588\nagi_priority: 2\n"
        for (index, argument) in arguments.enumerated() { block += "agi_arg_\(index + 1): \(argument)\n" }
        return block + "\n"
    }

    /// Starts a hotline call and leaves it at its first wait (a call in
    /// progress); the caller says nothing more.
    func callInProgress() -> [String] {
        send(Self.environment(flow: "hotline"))
        let answer = line() ?? ""
        send("200 result=0\n")
        return [answer, line() ?? ""]
    }

    /// A copy of the example flows and catalogs, to edit.
    static func project() throws -> URL {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("project-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for name in ["Flows", "Prompts"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent(name), to: directory.appendingPathComponent(name))
        }
        return directory
    }

    /// Plays a call: `keys` are pressed at successive waits (then the caller
    /// hangs up at the next wait). Returns every command the gateway sent.
    func call(flow: String, keys: [Character], arguments: [String] = ["lang=en-US"]) -> [String] {
        send(Self.environment(flow: flow, arguments: arguments))
        var remaining = keys[...]
        var commands: [String] = []
        while let command = line() {
            commands.append(command)
            if command == "ANSWER" || command.hasPrefix("EXEC") {
                send("200 result=0\n")
            } else if command.hasPrefix("STREAM FILE") {
                send("200 result=0 endpos=8000\n")
            } else if command.hasPrefix("WAIT FOR DIGIT") {
                if let key = remaining.popFirst() {
                    send("200 result=\(key.asciiValue.map(Int.init) ?? 0)\n")
                } else {
                    send("200 result=-1\n")
                    Thread.sleep(forTimeInterval: 0.04)
                    send("HANGUP\n")
                }
            } else if command.hasPrefix("SET VARIABLE") || command.hasPrefix("GET VARIABLE") {
                send("200 result=1\n")
            } else if command == "HANGUP" {
                send("200 result=1\nHANGUP\n")
            } else {
                send("510 Invalid or unknown command\n")
            }
        }
        return commands
    }
}

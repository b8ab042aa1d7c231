import Foundation

/// A FastAGI peer over real TCP on loopback that answers as Asterisk
/// 22.10.1 did in `../shared/asterisk-observed/`:
/// - `200 result=0` to ANSWER; `200 result=0 endpos=N` to a whole STREAM
///   FILE, `result=<ASCII code>` when a key in its escape digits cuts it,
///   `200 result=-1 endpos=0` for a file it cannot open (PLAYBACKSTATUS left
///   as it was);
/// - a key's ASCII code or `0` to WAIT FOR DIGIT;
/// - a hangup during a wait or a prompt: `200 result=-1`, then 40 ms later
///   the `HANGUP` line, before the reply to the next command; after it media
///   commands (and the gateway's HANGUP) get `511`, while SET VARIABLE, GET
///   VARIABLE and EXEC still answer;
/// - `EXEC Dial` answers `200 result=0` and `DIALSTATUS` reads `(BUSY)` and
///   the like; the gateway's own HANGUP gets `200 result=1` then a `HANGUP`
///   line; an unknown command `510`.
/// One instance is one call, used from one thread at a time.
final class FakeAsterisk: @unchecked Sendable {
    let socket: Int32
    private var buffer: [UInt8] = []

    /// What the caller does, in order.
    struct Caller {
        enum Answer: Equatable {
            case key(Character)
            case timeout
            case hangup
        }

        /// One per WAIT FOR DIGIT; when none are left the caller hangs up.
        var answers: [Answer] = []
        /// Sound names Asterisk cannot open.
        var missingSounds: Set<String> = []
        /// What `DIALSTATUS` reads after `EXEC Dial`.
        var dialStatus = "ANSWER"
        /// Channel variables set before the AGI ran (an AMI `Originate`'s `Variable` lines, AMD()'s `AMDSTATUS`).
        var channel: [String: String] = [:]
        /// The caller hangs up during this STREAM FILE (1 is the first).
        var hangUpInPrompt: Int?
        /// The caller hangs up just after this STREAM FILE played whole: the
        /// `HANGUP` line comes with its reply, before the next command.
        var hangUpAfterPrompt: Int?
        /// A key pressed during this STREAM FILE (cuts it if it is an escape digit).
        var keyInPrompt: (prompt: Int, key: Character)?

        init(keys: [Character] = []) {
            answers = keys.map { $0 == "." ? .timeout : $0 == "!" ? .hangup : .key($0) }
        }
    }

    /// What the gateway did on one call: every command, and the channel
    /// variables as it left them.
    struct Transcript {
        var commands: [String] = []
        var variables: [String: String] = [:]

        /// The prompts as played: `sound:zh-CN/main.menu` or `tts:<text>`.
        var played: [String] {
            commands.compactMap { command in
                if command.hasPrefix("STREAM FILE ") {
                    return "sound:" + String(command.dropFirst(12).prefix { $0 != " " })
                }
                if command.hasPrefix("EXEC "), !command.hasPrefix("EXEC Dial ") {
                    let arguments = command.drop { $0 != " " }.dropFirst().drop { $0 != " " }.dropFirst()
                    return "tts:" + FakeAsterisk.unquoted(Substring(arguments))
                }
                return nil
            }
        }

        /// The target of an `EXEC Dial "PJSIP/<target>"`, or `IVR_TRANSFER`.
        var transfer: String? {
            if let dial = commands.last(where: { $0.hasPrefix("EXEC Dial ") }) {
                return FakeAsterisk.unquoted(dial.dropFirst(10)).components(separatedBy: "/").last
            }
            return variables["IVR_TRANSFER"]
        }
    }

    init(port: Int) throws {
        socket = try connectLoopback(port: port, timeoutSeconds: 10)
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

    static func environment(flow: String, arguments: [String] = ["lang=en-US"], caller: String = "13800138000",
                            called: String = "unknown") -> String {
        var block = "agi_network: yes\nagi_network_script: \(flow)\nagi_request: agi://127.0.0.1/\(flow)\nagi_channel: Local/s@test-00000001;2\n"
            + "agi_language: en\nagi_type: Local\nagi_uniqueid: \(uniqueID())\nagi_version: 22.10.1\nagi_callerid: \(caller)\n"
            + "agi_calleridname: unknown\nagi_dnid: \(called)\nagi_context: test\nagi_extension: 95588\nagi_priority: 2\n"
        for (index, argument) in arguments.enumerated() { block += "agi_arg_\(index + 1): \(argument)\n" }
        return block + "\n"
    }

    /// A value as AGI quotes it (`"a \"b\""`), or a bare word.
    static func unquoted(_ text: Substring) -> String {
        guard text.hasPrefix("\""), text.hasSuffix("\""), text.count >= 2 else { return String(text) }
        var result = ""
        var escaped = false
        for character in text.dropFirst().dropLast() {
            if escaped || character != "\\" {
                result.append(character)
                escaped = false
            } else {
                escaped = true
            }
        }
        return result
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

    /// Plays a call: `keys` are pressed at successive waits ('.' is
    /// silence, '!' a hangup; the caller hangs up at the first wait after
    /// them). Returns every command the gateway sent.
    func call(flow: String, keys: [Character], arguments: [String] = ["lang=en-US"]) -> [String] {
        play(Self.environment(flow: flow, arguments: arguments), Caller(keys: keys)).commands
    }

    /// Sends the environment block (unless nil) and answers the gateway as
    /// Asterisk and `caller` would, until the gateway closes the connection.
    /// `pending`: a command already read and not yet answered.
    func play(_ environment: String?, _ caller: Caller, pending: String? = nil) -> Transcript {
        if let environment { send(environment) }
        var transcript = Transcript()
        var answers = caller.answers[...]
        var gone = false
        var prompts = 0
        var playbackStatus: String?
        var dialStatus: String?
        /// The caller hangs up: the reply to the command cut, then the `HANGUP` line 40 ms later.
        func hangUp(_ reply: String) {
            send(reply)
            Thread.sleep(forTimeInterval: 0.04)
            send("HANGUP\n")
            gone = true
        }
        var next = pending ?? line()
        while let command = next {
            defer { next = line() }
            transcript.commands.append(command)
            let media = command == "ANSWER" || command.hasPrefix("STREAM FILE ") || command.hasPrefix("WAIT FOR DIGIT ") || command == "HANGUP"
            if gone, media {
                send("511 Command Not Permitted on a dead channel or intercept routine\n")
            } else if command == "ANSWER" {
                send("200 result=0\n")
            } else if command.hasPrefix("STREAM FILE ") {
                prompts += 1
                let words = command.dropFirst(12).split(separator: " ", maxSplits: 1)
                let sound = String(words.first ?? ""), digits = Self.unquoted(words.last ?? "")
                if caller.missingSounds.contains(sound) {
                    send("200 result=-1 endpos=0\n")
                } else if caller.hangUpInPrompt == prompts {
                    playbackStatus = "FAILED"
                    hangUp("200 result=-1 endpos=4000\n")
                } else if let (prompt, key) = caller.keyInPrompt, prompt == prompts, digits.contains(key) {
                    playbackStatus = "FAILED"
                    send("200 result=\(key.asciiValue.map(Int.init) ?? 0) endpos=2400\n")
                } else if caller.hangUpAfterPrompt == prompts {
                    playbackStatus = "SUCCESS"
                    send("200 result=0 endpos=8000\nHANGUP\n")
                    gone = true
                } else {
                    playbackStatus = "SUCCESS"
                    send("200 result=0 endpos=8000\n")
                }
            } else if command.hasPrefix("WAIT FOR DIGIT ") {
                switch answers.popFirst() {
                case .key(let key)?: send("200 result=\(key.asciiValue.map(Int.init) ?? 0)\n")
                case .timeout?: send("200 result=0\n")
                case .hangup?, nil: hangUp("200 result=-1\n")
                }
            } else if command.hasPrefix("EXEC Dial ") {
                dialStatus = caller.dialStatus
                send("200 result=0\n")
            } else if command.hasPrefix("EXEC ") {
                send("200 result=0\n")
            } else if command.hasPrefix("SET VARIABLE ") {
                let words = command.dropFirst(13).split(separator: " ", maxSplits: 1)
                transcript.variables[String(words.first ?? "")] = Self.unquoted(words.count > 1 ? words[1] : "")
                send("200 result=1\n")
            } else if command.hasPrefix("GET VARIABLE ") {
                let name = String(command.dropFirst(13))
                let value = name == "PLAYBACKSTATUS" ? playbackStatus : name == "DIALSTATUS" ? dialStatus
                    : transcript.variables[name] ?? caller.channel[name]
                send(value.map { "200 result=1 (\($0))\n" } ?? "200 result=0\n")
            } else if command == "HANGUP" {
                send("200 result=1\nHANGUP\n")
                gone = true
            } else {
                send("510 Invalid or unknown command\n")
            }
        }
        return transcript
    }
}

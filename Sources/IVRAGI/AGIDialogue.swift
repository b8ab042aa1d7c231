/// The FastAGI conversation as a state machine with no I/O (SPEC 12): the
/// socket adapter feeds it the bytes Asterisk sends (`receive`) and sends
/// the bytes it gives (`send`); it says what each line means. Asterisk's
/// `HANGUP` line can come at any moment, also between a command and its
/// reply and inside a `520` usage block, and once more when the session
/// ends; `100` lines are skipped.
public struct AGIDialogue: Sendable {
    public enum Event: Sendable, Equatable {
        /// The environment block ended: the session may start.
        case environment(AGIEnvironment)
        /// The reply to the command sent.
        case reply(AGICommand, AGIReply)
        /// Asterisk's `HANGUP` line: the caller hung up (or the channel
        /// went away); a command may still be awaiting its reply.
        case hangup
        /// The peer broke the protocol; the session must end (SPEC 12: a
        /// line over 8 KiB, an environment over 200 lines or not ended in
        /// 5 s, a reply that is not `NNN ...`).
        case protocolError(String)
    }

    enum Phase: Sendable, Equatable {
        case environment(AGIEnvironment)
        case ready
        case awaiting(AGICommand)
        case usage(AGICommand, [String])
        case failed
    }

    private var splitter: AGILineSplitter
    private var phase = Phase.environment(AGIEnvironment())
    /// True once Asterisk said `HANGUP`.
    public private(set) var hungUp = false

    public init(lineLimit: Int = AGILineSplitter.defaultLimit) {
        splitter = AGILineSplitter(limit: lineLimit)
    }

    /// True while a command waits for its reply.
    public var isAwaitingReply: Bool {
        switch phase {
        case .awaiting, .usage: return true
        default: return false
        }
    }

    /// True while the environment block is still being read.
    public var isReadingEnvironment: Bool {
        if case .environment = phase { return true }
        return false
    }

    /// The bytes of `command` to send, or nil when one is already pending
    /// (one command at a time) or the session failed or has not started.
    public mutating func send(_ command: AGICommand) -> String? {
        guard phase == .ready else { return nil }
        phase = .awaiting(command)
        return command.line
    }

    /// The events these bytes complete, in order.
    public mutating func receive<Bytes: Sequence>(_ bytes: Bytes) -> [Event] where Bytes.Element == UInt8 {
        var events: [Event] = []
        for piece in splitter.feed(bytes) {
            guard phase != .failed else { break }
            switch piece {
            case .tooLong:
                events.append(fail("a line longer than \(splitter.limit) bytes"))
            case .line(let line):
                if let event = receive(line: line) { events.append(event) }
            }
        }
        return events
    }

    /// The environment block did not end in time (the adapter's timer).
    public mutating func environmentTimedOut() -> Event? {
        guard isReadingEnvironment else { return nil }
        return fail("the environment block did not end in time")
    }

    mutating func receive(line: String) -> Event? {
        if line == "HANGUP" {
            // Inside the environment block it cannot be a hangup notice.
            if !isReadingEnvironment {
                hungUp = true
                return .hangup
            }
        }
        switch phase {
        case .failed:
            return nil
        case .environment(var environment):
            if line.isEmpty {
                phase = .ready
                return .environment(environment)
            }
            guard environment.fields.count < AGIEnvironment.maxLines else {
                return fail("an environment block of more than \(AGIEnvironment.maxLines) lines")
            }
            guard environment.add(line) else { return fail("an environment line that is not 'agi_name: value': \(Self.shown(line))") }
            phase = .environment(environment)
            return nil
        case .ready:
            if line.hasPrefix("100 ") || line.isEmpty { return nil }
            return fail("a line while no command was pending: \(Self.shown(line))")
        case .awaiting(let command):
            if line.hasPrefix("100 ") { return nil }
            if line.hasPrefix("520-") {
                phase = .usage(command, [])
                return nil
            }
            guard let reply = AGIReply.parse(line) else { return fail("a reply that is not '200 result=...': \(Self.shown(line))") }
            phase = .ready
            return .reply(command, reply)
        case .usage(let command, var lines):
            if line.hasPrefix("520 ") {
                phase = .ready
                return .reply(command, .usage(lines))
            }
            guard lines.count < AGIEnvironment.maxLines else { return fail("a usage block of more than \(AGIEnvironment.maxLines) lines") }
            lines.append(line)
            phase = .usage(command, lines)
            return nil
        }
    }

    private mutating func fail(_ reason: String) -> Event {
        phase = .failed
        return .protocolError(reason)
    }

    /// A line as a log shows it: at most 80 characters.
    static func shown(_ line: String) -> String {
        line.count <= 80 ? "'\(line)'" : "'\(line.prefix(80))...'"
    }
}

import IVRCampaign

/// The `ami` dialer's dialogue with an Asterisk manager (SPEC 14), with no
/// I/O: bytes and requests in, messages to send and results out. It logs
/// in, sends each `Originate` with `Async: true` and the call data as
/// channel variables, reads `OriginateResponse` (its `Reason` becomes the
/// attempt's result), follows an answered channel until its `Hangup`
/// (`AMDSTATUS` set on it tells a machine), and says what became of calls
/// in flight when the connection drops. The adapter around it (SwiftNIO)
/// carries the actions out and decides nothing.
public struct AMIDialer: Sendable {
    /// One call to place.
    public struct Originate: Sendable, Equatable {
        /// Ours, unique per attempt (`<campaign>-<line>-<attempt>`): the ActionID.
        public var id: String
        /// `PJSIP/+8613800138000@trunk`.
        public var channel: String
        public var context: String
        public var exten: String
        public var callerID: String?
        public var timeoutMs: Int
        /// Channel variables: the target's data, `IVR_CALL_ID`, `direction`.
        public var variables: [(String, String)]

        public init(id: String, channel: String, context: String, exten: String, callerID: String?, timeoutMs: Int,
                    variables: [(String, String)]) {
            self.id = id
            self.channel = channel
            self.context = context
            self.exten = exten
            self.callerID = callerID
            self.timeoutMs = timeoutMs
            self.variables = variables
        }

        public static func == (a: Originate, b: Originate) -> Bool {
            a.id == b.id && a.channel == b.channel && a.context == b.context && a.exten == b.exten && a.callerID == b.callerID
                && a.timeoutMs == b.timeoutMs && a.variables.map { "\($0.0)=\($0.1)" } == b.variables.map { "\($0.0)=\($0.1)" }
        }
    }

    public enum Action: Sendable, Equatable {
        case send(AMIMessage)
        /// Asterisk accepted the login: originates go out from now on.
        case loggedIn
        /// The login was refused: the campaign cannot place calls this way.
        case refused(String)
        /// The called party answered: the call now runs the flow (through `ivr-gateway agi`).
        case answered(id: String)
        /// The attempt is over, with its result and Asterisk's words for it.
        case result(id: String, CallResult, String)
    }

    enum Phase: Sendable, Equatable { case awaitingBanner, loggingIn, ready, refused }

    let username: String
    let secret: String
    var phase = Phase.awaitingBanner
    var framer = AMIFramer()
    /// Originates waiting for the login.
    var queued: [Originate] = []
    /// Sent, not yet answered or failed.
    var sent = Set<String>()
    /// Answered: Uniqueid → our id, and whether a machine answered.
    var channels: [String: String] = [:]
    var machines = Set<String>()

    public init(username: String, secret: String) {
        self.username = username
        self.secret = secret
    }

    /// `Reason` of a failed `OriginateResponse` (Asterisk's control frames).
    public static func result(reason: String) -> (CallResult, String) {
        switch Int(reason) {
        case 1: return (.noAnswer, "hung up before answering (reason 1)")
        case 3: return (.noAnswer, "rang without an answer (reason 3)")
        case 5: return (.busy, "busy (reason 5)")
        case 8: return (.failed, "congestion (reason 8)")
        default: return (.failed, "could not be placed (reason \(reason))")
        }
    }

    public mutating func received(_ bytes: some Sequence<UInt8>) throws(AMIFramer.Problem) -> [Action] {
        var actions: [Action] = []
        for item in try framer.feed(bytes) {
            switch item {
            case .banner:
                phase = .loggingIn
                actions.append(.send(AMIMessage([("Action", "Login"), ("ActionID", "ivr-login"), ("Username", username),
                                                 ("Secret", secret), ("Events", "call,dialplan")])))
            case .message(let message):
                actions += handle(message)
            }
        }
        return actions
    }

    mutating func handle(_ message: AMIMessage) -> [Action] {
        if message["ActionID"] == "ivr-login", let response = message["Response"] {
            guard response == "Success" else {
                phase = .refused
                let reason = message["Message"] ?? "the manager refused the login"
                return [.refused(reason)] + queued.map { .result(id: $0.id, .failed, "not placed: " + reason) }
            }
            phase = .ready
            let waiting = queued
            queued = []
            return [.loggedIn] + waiting.flatMap { send($0) }
        }
        if let id = message["ActionID"], sent.contains(id), message["Event"] == nil, message["Response"] == "Error" {
            sent.remove(id)
            return [.result(id: id, .failed, "refused: " + (message["Message"] ?? "error"))]
        }
        switch message["Event"] {
        case "OriginateResponse"?:
            guard let id = message["ActionID"], sent.remove(id) != nil else { return [] }
            if message["Response"] == "Success", let channel = message["Uniqueid"] {
                channels[channel] = id
                return [.answered(id: id)]
            }
            let (result, words) = Self.result(reason: message["Reason"] ?? "0")
            return [.result(id: id, result, words)]
        case "VarSet"?:
            if message["Variable"] == "AMDSTATUS", let channel = message["Uniqueid"], channels[channel] != nil, message["Value"] == "MACHINE" {
                machines.insert(channel)
            }
            return []
        case "Hangup"?:
            guard let channel = message["Uniqueid"], let id = channels.removeValue(forKey: channel) else { return [] }
            let machine = machines.remove(channel) != nil
            return [.result(id: id, machine ? .machine : .answered, machine ? "a machine answered" : "answered, then hung up")]
        default:
            return []
        }
    }

    /// Places a call now, or once logged in.
    public mutating func originate(_ call: Originate) -> [Action] {
        switch phase {
        case .ready: return send(call)
        case .refused: return [.result(id: call.id, .failed, "not placed: the manager refused the login")]
        case .awaitingBanner, .loggingIn:
            queued.append(call)
            return []
        }
    }

    mutating func send(_ call: Originate) -> [Action] {
        sent.insert(call.id)
        var fields: [(String, String)] = [("Action", "Originate"), ("ActionID", call.id), ("Channel", call.channel), ("Context", call.context),
                                          ("Exten", call.exten), ("Priority", "1"), ("Timeout", String(call.timeoutMs)), ("Async", "true")]
        if let callerID = call.callerID { fields.append(("CallerID", callerID)) }
        fields += call.variables.map { ("Variable", "\($0.0)=\($0.1)") }
        return [.send(AMIMessage(fields))]
    }

    /// The connection dropped. Calls sent and not yet answered may or may
    /// not ring: they are `failed` (never placed twice). Answered calls go
    /// on in Asterisk and end here `answered`. Queued ones wait for the next login.
    public mutating func disconnected() -> [Action] {
        var actions = sent.sorted().map { Action.result(id: $0, .failed, "the manager connection dropped before Asterisk answered") }
        actions += channels.sorted { $0.value < $1.value }.map { channel, id in
            Action.result(id: id, machines.contains(channel) ? .machine : .answered, "answered; the manager connection dropped during the call")
        }
        sent = []
        channels = [:]
        machines = []
        framer = AMIFramer()
        if phase != .refused { phase = .awaitingBanner }
        return actions
    }
}

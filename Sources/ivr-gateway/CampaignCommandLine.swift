import ArgumentParser
import AsyncHTTPClient
import Foundation
import IVRAMI
import IVRCampaign
import IVRCore
import IVRStore
import IVRTools
import IVRTwiML
import NIOPosix

/// `ivr-gateway campaign` (SPEC 14): a campaign's calls placed in real time
/// through the Asterisk Manager Interface; each answered call reaches
/// `ivr-gateway agi` through the dialplan with its data as channel
/// variables. `ivr campaign run --dialer ami` runs this.
struct CampaignCommandLine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Place a campaign's calls through the Asterisk Manager Interface or Twilio's Calls API, its state kept in the store.",
        discussion: """
        Each call is an Originate with Async: true to --channel (with {number}), then --context and --exten \\
        (the flow's name by default), the target's data, IVR_CALL_ID and IVR_LANG as channel variables. \\
        The dialplan there should run AMD() and then AGI(agi://HOST/FLOW,lang=${IVR_LANG}). \\
        The password is read from the environment variable --ami-secret-env names.
        """
    )

    @Argument(help: "The campaign file.") var file: String
    @Option(help: "The store (SQLite file) holding the campaign's state.") var db: String
    @Option(help: "How calls are placed: ami or twilio.") var dialer = "ami"
    @Option(help: "ami: the manager's HOST:PORT, such as 127.0.0.1:5038.") var ami: String?
    @Option(help: "ami: the manager user (manager.conf).") var amiUser: String?
    @Option(help: "ami: the environment variable holding the manager user's secret.") var amiSecretEnv = "IVR_AMI_SECRET"
    @Option(help: "ami: the channel to call, {number} standing for the target's number.") var channel = "PJSIP/{number}@trunk"
    @Option(help: "ami: the dialplan context an answered call goes to.") var context = "ivr-outbound"
    @Option(help: "ami: the extension there (default: the flow's name).") var exten: String?
    @Option(help: "How long a call may ring, such as 30s.") var ringTimeout = "30s"
    @Option(help: "twilio: the Calls API's base URL.") var apiBase = "https://api.twilio.com"
    @Option(help: "twilio: the account SID (default: $TWILIO_ACCOUNT_SID).") var accountSid: String?
    @Option(help: "twilio: the environment variable holding the auth token.") var authTokenEnv = "TWILIO_AUTH_TOKEN"
    @Option(help: "twilio: where ivr-gateway twiml answers, as Twilio reaches it, such as https://ivr.example.com.") var webhookUrl: String?
    @Option(help: "twilio: the status callback URL as Twilio reaches it, such as https://campaign.example.com/campaign/status.")
    var callbackUrl: String?
    @Option(help: "twilio: HOST:PORT the status callbacks are served on, such as 127.0.0.1:8091.") var callbackListen: String?

    func run() async throws {
        guard let ring = Duration.seconds(ringTimeout) else { throw ValidationError("--ring-timeout: write a number with s or m, such as 30s") }
        let check = CampaignCheck.run(path: file)
        for diagnostic in check.diagnostics where diagnostic.severity == .error { Self.say(diagnostic.description) }
        guard !check.hasErrors, let campaign = check.campaign, let machine = check.machine else {
            Self.say("ivr-gateway: '\(file)' has errors: nothing was called ('ivr campaign check' shows them all)")
            throw ExitCode(1)
        }
        let flow = machine.flows.first?.name ?? "s"
        let languages = machine.languages
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let store = try SQLiteStore(path: db)
        let start = Date()
        let driver = try await CampaignDriver(campaign: campaign, store: store, now: start)
        switch dialer {
        case "ami":
            guard let ami, let amiUser else { throw ValidationError("--dialer ami needs --ami HOST:PORT and --ami-user NAME") }
            let (host, port) = try GatewayCommand.address(ami, option: "--ami")
            guard let secret = ProcessInfo.processInfo.environment[amiSecretEnv] else {
                throw ValidationError("no AMI secret: set \(amiSecretEnv) (or name another variable with --ami-secret-env)")
            }
            let client = AMIClient(host: host, port: port, username: amiUser, secret: secret, eventLoop: group.next()) { action in
                Task {
                    do { try await driver.handle(action, at: Date()) } catch { Self.say("ivr-gateway: --db: \(error)") }
                }
            }
            client.start()
            let exten = self.exten ?? flow
            let channel = self.channel, context = self.context
            defer { client.stop() }
            try await Self.drive(driver, campaign: campaign, waitingFor: "no manager answered a login at \(ami) in 30 s") { target, id in
                client.originate(AMIDialer.Originate(id: id, channel: channel.replacingOccurrences(of: "{number}", with: target.number),
                                                     context: context, exten: exten, callerID: campaign.callerID, timeoutMs: Int(ring * 1000),
                                                     variables: target.data.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                                                         + [("IVR_CALL_ID", id), ("IVR_LANG", target.language ?? languages.first ?? "")]))
            }
        case "twilio":
            guard let webhookUrl, let callbackUrl, let callbackListen else {
                throw ValidationError("--dialer twilio needs --webhook-url, --callback-url and --callback-listen")
            }
            guard let accountSid = accountSid ?? ProcessInfo.processInfo.environment["TWILIO_ACCOUNT_SID"], !accountSid.isEmpty else {
                throw ValidationError("no account: give --account-sid or set TWILIO_ACCOUNT_SID")
            }
            guard let authToken = ProcessInfo.processInfo.environment[authTokenEnv], !authToken.isEmpty else {
                throw ValidationError("no auth token: set \(authTokenEnv) (or name another variable with --auth-token-env)")
            }
            let (host, port) = try GatewayCommand.address(callbackListen, option: "--callback-listen")
            let client = HTTPClient(eventLoopGroupProvider: .shared(group))
            let calls = TwilioCalls(accountSid: accountSid, authToken: authToken, webhookBase: webhookUrl, statusCallback: callbackUrl)
            let dialer = TwilioDialer(apiBase: apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase, client: client, driver: driver)
            // No call before the callback server listens: its results would be lost.
            let (listening, listener) = AsyncStream<Void>.makeStream()
            let application = TwilioDialer.callbackApplication(host: host, port: port, callbackURL: callbackUrl,
                                                               signer: TwilioSignature(authToken: authToken), driver: driver, group: group,
                                                               running: { listener.yield() })
            let server = Task {
                do { try await application.runService() } catch { Self.say("ivr-gateway: --callback-listen \(callbackListen): \(error)") }
                listener.finish()
            }
            var started = false
            for await _ in listening {
                started = true
                break
            }
            guard started else {
                try? await client.shutdown()
                throw ExitCode(1)
            }
            await driver.ready()
            let callerID = campaign.callerID ?? ""
            do {
                try await Self.drive(driver, campaign: campaign, waitingFor: "") { target, id in
                    let request = calls.create(flow: flow, number: target.number, callerID: callerID, callID: id, language: target.language,
                                               data: target.data, ringSeconds: Int(ring))
                    Task { await dialer.place(request, id: id) }
                }
            } catch {
                server.cancel()
                _ = await server.result
                try? await client.shutdown()
                throw error
            }
            // The callback server wound down before its event loops are.
            server.cancel()
            _ = await server.result
            try await client.shutdown()
        default:
            throw ValidationError("--dialer: ami or twilio ('simulate' is `ivr campaign run`'s own)")
        }
        try await group.shutdownGracefully()
        if let refusal = await driver.refusal {
            Self.say("ivr-gateway: \(refusal)")
            throw ExitCode(1)
        }
        let counts = await driver.counts
        print(counts.summary(campaign: campaign.name, placed: await driver.placed, from: start, to: Date()))
        if counts.pending > 0 { throw ExitCode(1) }
    }

    /// The real-time loop: tick at the clock's time (at most a second
    /// apart, sooner when the scheduler says), place what it says, until
    /// every target is done or the dialer is refused.
    static func drive(_ driver: CampaignDriver, campaign: CampaignFile, waitingFor: String,
                      place: @escaping @Sendable (CampaignFile.Target, String) -> Void) async throws {
        let loginDeadline = Date().addingTimeInterval(30)
        while await !driver.isFinished {
            guard await driver.loggedIn else {
                if Date() > loginDeadline {
                    say("ivr-gateway: \(waitingFor): nothing was called")
                    throw ExitCode(1)
                }
                try await Task.sleep(nanoseconds: 50_000_000)
                continue
            }
            let (calls, wake) = try await driver.tick(now: Date()) { target, id, _ in (target, id) }
            for (target, id) in calls { place(target, id) }
            let counts = await driver.counts
            if wake == nil, calls.isEmpty, counts.inProgress == 0, counts.pending > 0 {
                say("ivr-gateway: campaign '\(campaign.name)' stopped with \(counts.pending) targets its window never lets be called")
                return
            }
            let seconds = min(1, max(0.05, wake?.timeIntervalSinceNow ?? 1))
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
        }
    }

    static func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}

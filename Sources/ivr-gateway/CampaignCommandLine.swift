import ArgumentParser
import Foundation
import IVRAMI
import IVRCampaign
import IVRCore
import IVRStore
import IVRTools
import NIOPosix

/// `ivr-gateway campaign` (SPEC 14): a campaign's calls placed in real time
/// through the Asterisk Manager Interface; each answered call reaches
/// `ivr-gateway agi` through the dialplan with its data as channel
/// variables. `ivr campaign run --dialer ami` runs this.
struct CampaignCommandLine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Place a campaign's calls through the Asterisk Manager Interface (Originate), its state kept in the store.",
        discussion: """
        Each call is an Originate with Async: true to --channel (with {number}), then --context and --exten \\
        (the flow's name by default), the target's data, IVR_CALL_ID and IVR_LANG as channel variables. \\
        The dialplan there should run AMD() and then AGI(agi://HOST/FLOW,lang=${IVR_LANG}). \\
        The password is read from the environment variable --ami-secret-env names.
        """
    )

    @Argument(help: "The campaign file.") var file: String
    @Option(help: "The store (SQLite file) holding the campaign's state.") var db: String
    @Option(help: "How calls are placed: ami.") var dialer = "ami"
    @Option(help: "The manager's HOST:PORT, such as 127.0.0.1:5038.") var ami: String
    @Option(help: "The manager user (manager.conf).") var amiUser: String
    @Option(help: "The environment variable holding the manager user's secret.") var amiSecretEnv = "IVR_AMI_SECRET"
    @Option(help: "The channel to call, {number} standing for the target's number.") var channel = "PJSIP/{number}@trunk"
    @Option(help: "The dialplan context an answered call goes to.") var context = "ivr-outbound"
    @Option(help: "The extension there (default: the flow's name).") var exten: String?
    @Option(help: "How long a call may ring, such as 30s.") var ringTimeout = "30s"

    func run() async throws {
        guard dialer == "ami" else { throw ValidationError("--dialer: this runs the ami dialer; 'simulate' is `ivr campaign run`'s own") }
        let (host, port) = try GatewayCommand.address(ami, option: "--ami")
        guard let secret = ProcessInfo.processInfo.environment[amiSecretEnv] else {
            throw ValidationError("no AMI secret: set \(amiSecretEnv) (or name another variable with --ami-secret-env)")
        }
        guard let ring = Duration.seconds(ringTimeout) else { throw ValidationError("--ring-timeout: write a number with s or m, such as 30s") }
        let check = CampaignCheck.run(path: file)
        for diagnostic in check.diagnostics where diagnostic.severity == .error { Self.say(diagnostic.description) }
        guard !check.hasErrors, let campaign = check.campaign, let machine = check.machine else {
            Self.say("ivr-gateway: '\(file)' has errors: nothing was called ('ivr campaign check' shows them all)")
            throw ExitCode(1)
        }
        let store = try SQLiteStore(path: db)
        let start = Date()
        let driver = try await CampaignDriver(campaign: campaign, store: store, now: start)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let client = AMIClient(host: host, port: port, username: amiUser, secret: secret, eventLoop: group.next()) { action in
            Task {
                do { try await driver.handle(action, at: Date()) } catch { Self.say("ivr-gateway: --db: \(error)") }
            }
        }
        client.start()
        let exten = self.exten ?? machine.flows.first?.name ?? "s"
        let channel = self.channel
        let context = self.context
        let loginDeadline = Date().addingTimeInterval(30)
        while await !driver.isFinished {
            guard await driver.loggedIn else {
                if Date() > loginDeadline {
                    Self.say("ivr-gateway: no manager answered a login at \(ami) in 30 s: nothing was called")
                    client.stop()
                    throw ExitCode(1)
                }
                try await Task.sleep(nanoseconds: 50_000_000)
                continue
            }
            let (calls, wake) = try await driver.tick(now: Date()) { target, id, _ in
                AMIDialer.Originate(id: id, channel: channel.replacingOccurrences(of: "{number}", with: target.number), context: context,
                                    exten: exten, callerID: campaign.callerID, timeoutMs: Int(ring * 1000),
                                    variables: target.data.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
                                        + [("IVR_CALL_ID", id), ("IVR_LANG", target.language ?? machine.languages.first ?? "")])
            }
            for call in calls { client.originate(call) }
            let counts = await driver.counts
            if wake == nil, calls.isEmpty, counts.inProgress == 0, counts.pending > 0 {
                Self.say("ivr-gateway: campaign '\(campaign.name)' stopped with \(counts.pending) targets its window never lets be called")
                break
            }
            let seconds = min(1, max(0.05, wake?.timeIntervalSinceNow ?? 1))
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
        }
        client.stop()
        try await group.shutdownGracefully()
        if let refusal = await driver.refusal {
            Self.say("ivr-gateway: the manager refused the login: \(refusal)")
            throw ExitCode(1)
        }
        let counts = await driver.counts
        let done = CampaignScheduler.Outcome.allCases.compactMap { outcome in counts.done[outcome].map { "\(outcome.rawValue) \($0)" } }
        print("campaign '\(campaign.name)': \(await driver.placed) calls placed from \(CallTime.format(start)) to \(CallTime.format(Date())); "
              + "\(counts.targets) targets: " + (done.isEmpty ? "none done" : done.joined(separator: ", "))
              + (counts.pending > 0 ? ", \(counts.pending) pending" : ""))
        if !(await driver.isFinished) || counts.pending > 0 { throw ExitCode(1) }
    }

    static func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }
}

import ArgumentParser
import Foundation
import IVRCampaign
import IVRCore
import IVRStore
import IVRTools

/// `ivr campaign` (SPEC 14): outbound call campaigns.
struct CampaignCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign",
        abstract: "Check, run and follow outbound call campaigns (*.campaign.yaml).",
        subcommands: [CheckCampaign.self, RunCampaign.self, CampaignStatusCommand.self]
    )

    struct CheckCampaign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check a campaign file, its targets CSV (by row and column), its do-not-call list and its flow.",
            discussion: "Exit 0 when clean or with warnings, 1 with errors."
        )

        @Argument(help: "The campaign file.") var file: String

        func run() throws {
            let check = CampaignCheck.run(path: file)
            var sources: [String: String?] = [:]
            for diagnostic in check.diagnostics {
                let path = diagnostic.mark.file
                if sources[path] == nil { sources[path] = .some(try? String(contentsOfFile: path, encoding: .utf8)) }
                print(DiagnosticExcerpt.render(diagnostic, source: sources[path] ?? nil))
            }
            let errors = check.diagnostics.filter { $0.severity == .error }.count
            let warnings = check.diagnostics.count - errors
            var what = "campaign \(check.campaign.map { "'\($0.name)'" } ?? "'\(file)'")"
            if let campaign = check.campaign {
                let skipped = campaign.targets.filter { campaign.doNotCall.contains($0.number) }.count
                what += ", \(campaign.targets.count) \(campaign.targets.count == 1 ? "target" : "targets")"
                if skipped > 0 { what += " (\(skipped) on the do-not-call list)" }
            }
            print("checked \(what): \(errors) \(errors == 1 ? "error" : "errors"), \(warnings) \(warnings == 1 ? "warning" : "warnings")")
            if errors > 0 { throw ExitCode(ExitStatus.failure) }
        }
    }

    enum Dialer: String, ExpressibleByArgument, CaseIterable {
        case simulate, ami, twilio
    }

    struct RunCampaign: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Place a campaign's calls, its state kept in the store: run it again after a stop and it goes on.",
            discussion: """
            The simulate dialer answers on a virtual clock started at --at: from each target's _answer column, \
            else from the campaign's simulate: chances, the flow running with the target's _keys. \
            Exit 0 when every target is done, 1 when the campaign has errors or stops with targets left.
            """
        )

        @Argument(help: "The campaign file.") var file: String
        @Option(help: "The store (SQLite file) holding the campaign's state and the calls' records.") var db: String
        @Option(help: "How calls are placed: simulate.") var dialer: Dialer
        @Option(help: "Where the virtual clock starts, ISO 8601 with an offset (default: now).") var at: String?
        @Option(help: "The seed of the simulate dialer's chances.") var seed: UInt64 = 1
        @Option(help: "Append one line per call placed to this file, flushed before the call is placed.") var dialLog: String?
        @Option(help: "ami: the manager's HOST:PORT, such as 127.0.0.1:5038.") var ami: String?
        @Option(help: "ami: the manager user.") var amiUser: String?
        @Option(help: "ami: the environment variable holding its secret (default IVR_AMI_SECRET).") var amiSecretEnv: String?
        @Option(help: "ami: the channel to call, {number} for the target's number (default PJSIP/{number}@trunk).") var channel: String?
        @Option(help: "ami: the dialplan context of answered calls (default ivr-outbound).") var context: String?
        @Option(help: "ami: the extension there (default: the flow's name).") var exten: String?
        @Option(help: "ami, twilio: how long a call may ring (default 30s).") var ringTimeout: String?
        @Option(help: "twilio: the Calls API's base URL (default https://api.twilio.com).") var apiBase: String?
        @Option(help: "twilio: the account SID (default $TWILIO_ACCOUNT_SID).") var accountSid: String?
        @Option(help: "twilio: the environment variable holding the auth token (default TWILIO_AUTH_TOKEN).") var authTokenEnv: String?
        @Option(help: "twilio: where ivr-gateway twiml answers, as Twilio reaches it.") var webhookUrl: String?
        @Option(help: "twilio: the status callback URL as Twilio reaches it.") var callbackUrl: String?
        @Option(help: "twilio: HOST:PORT the status callbacks are served on.") var callbackListen: String?

        func run() throws {
            if dialer != .simulate { throw ExitCode(try Self.delegate(self)) }
            let start = try Console.callTime(at)
            let check = CampaignCheck.run(path: file)
            for diagnostic in check.diagnostics where diagnostic.severity == .error {
                Console.error(DiagnosticExcerpt.render(diagnostic, source: try? String(contentsOfFile: diagnostic.mark.file, encoding: .utf8)))
            }
            guard !check.hasErrors, let campaign = check.campaign, let compiled = check.compiled, let machine = compiled.machine else {
                throw Console.fail("'\(file)' has errors: nothing was called ('ivr campaign check' shows them all)", code: ExitStatus.failure)
            }
            let store: SQLiteStore
            do { store = try SQLiteStore(path: db) } catch { throw Console.fail("ivr: --db: \(error)", code: ExitStatus.failure) }
            var log: FileHandle?
            if let dialLog {
                if !FileManager.default.fileExists(atPath: dialLog) { FileManager.default.createFile(atPath: dialLog, contents: nil) }
                log = FileHandle(forWritingAtPath: dialLog)
                guard log != nil else { throw Console.fail("--dial-log: cannot write '\(dialLog)'", code: ExitStatus.usage) }
                _ = try log?.seekToEnd()
            }
            var runner = CampaignRun(campaign: campaign, store: store,
                                     dialer: SimulatedDialer(campaign: campaign, machine: machine, tables: compiled.tables, seed: seed), dialLog: log)
            let summary: CampaignRun.Summary
            do { summary = try runner.run(from: start, until: start.addingTimeInterval(366 * 86_400)) } catch {
                throw Console.fail("ivr: --db: \(error)", code: ExitStatus.failure)
            }
            let counts = summary.counts
            print(counts.summary(campaign: campaign.name, placed: summary.placed, from: summary.start, to: summary.end))
            if !summary.finished {
                throw Console.fail("campaign '\(campaign.name)' stopped with \(counts.pending) targets never callable in its window", code: ExitStatus.failure)
            }
        }
    }

    struct CampaignStatusCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show a campaign's targets pending, in progress and done by result, and its next attempt.",
            discussion: "--json: one object with targets, pending, in_progress, attempts, done {result: count}, results and next_attempt."
        )

        @Argument(help: "The campaign file.") var file: String
        @Option(help: "The store (SQLite file) the campaign ran with.") var db: String
        @Flag(help: "Write one JSON object.") var json = false

        func run() throws {
            let bag = DiagnosticBag()
            guard let campaign = CampaignLoader(bag: bag).load(path: file), !campaign.name.isEmpty else {
                for diagnostic in bag.diagnostics { Console.error(diagnostic.description) }
                throw Console.fail("'\(file)' cannot be read as a campaign", code: ExitStatus.failure)
            }
            guard FileManager.default.fileExists(atPath: db) else { throw Console.fail("no store '\(db)'", code: ExitStatus.usage) }
            let store: SQLiteStore
            do { store = try SQLiteStore(path: db) } catch { throw Console.fail("ivr: --db: \(error)", code: ExitStatus.failure) }
            let name = campaign.name
            let found = try Blocking.wait { try await store.campaignStatus(name) }
            let status = found ?? { var empty = CampaignStatus(); empty.targets = campaign.targets.count; empty.pending = campaign.targets.count; return empty }()
            let outcomes = CampaignScheduler.Outcome.allCases.map(\.rawValue)
            if json {
                let value = JSONValue.object([
                    ("campaign", .string(name)), ("targets", .int(status.targets)), ("pending", .int(status.pending)),
                    ("in_progress", .int(status.inProgress)), ("attempts", .int(status.attempts)),
                    ("done", .object(outcomes.map { ($0, .int(status.done[$0] ?? 0)) })),
                    ("results", .object(CallResult.names.map { ($0, .int(status.results[$0] ?? 0)) })),
                    ("next_attempt", status.nextAttempt.map { .string(CallTime.format($0)) } ?? .null),
                ])
                print(value.text)
                return
            }
            print("campaign '\(name)'\(found == nil ? " (not started)" : ""): \(status.targets) targets")
            print("  pending      \(status.pending)" + (status.nextAttempt.map { ", next attempt not before \(CallTime.format($0))" } ?? ""))
            print("  in progress  \(status.inProgress)")
            print("  done         " + outcomes.map { "\($0) \(status.done[$0] ?? 0)" }.joined(separator: ", "))
            print("  calls placed \(status.attempts): " + CallResult.names.map { "\($0) \(status.results[$0] ?? 0)" }.joined(separator: ", "))
        }
    }
}

extension CampaignCommand.RunCampaign {
    /// The ami and twilio dialers need SwiftNIO, Hummingbird and
    /// AsyncHTTPClient, which `ivr` leaves out to build fast: they run in
    /// `ivr-gateway campaign`, built beside `ivr`. The exit status is its
    /// (a usage error there is one here).
    static func delegate(_ run: Self) throws -> Int32 {
        if run.dialer == .ami, run.ami == nil || run.amiUser == nil {
            throw Console.fail("--dialer ami needs --ami HOST:PORT and --ami-user NAME", code: ExitStatus.usage)
        }
        if run.dialer == .twilio, run.webhookUrl == nil || run.callbackUrl == nil || run.callbackListen == nil {
            throw Console.fail("--dialer twilio needs --webhook-url URL, --callback-url URL and --callback-listen HOST:PORT", code: ExitStatus.usage)
        }
        let directory = (Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let gateway = directory.appendingPathComponent("ivr-gateway")
        guard FileManager.default.isExecutableFile(atPath: gateway.path) else {
            throw Console.fail("--dialer \(run.dialer.rawValue) runs in ivr-gateway, which is not built next to ivr: swift build --product ivr-gateway",
                               code: ExitStatus.failure)
        }
        var arguments = ["campaign", run.file, "--db", run.db, "--dialer", run.dialer.rawValue]
        for (flag, value) in [("--ami", run.ami), ("--ami-user", run.amiUser), ("--ami-secret-env", run.amiSecretEnv), ("--channel", run.channel),
                              ("--context", run.context), ("--exten", run.exten), ("--ring-timeout", run.ringTimeout), ("--api-base", run.apiBase),
                              ("--account-sid", run.accountSid), ("--auth-token-env", run.authTokenEnv), ("--webhook-url", run.webhookUrl),
                              ("--callback-url", run.callbackUrl), ("--callback-listen", run.callbackListen)] {
            if let value { arguments += [flag, value] }
        }
        let process = Process()
        process.executableURL = gateway
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal {
            Console.error("ivr: ivr-gateway campaign ended by signal \(process.terminationStatus)")
            return ExitStatus.failure
        }
        // ArgumentParser's usage exit (64) is this command line's 2.
        return process.terminationStatus == 64 ? ExitStatus.usage : process.terminationStatus
    }
}

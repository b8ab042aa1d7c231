import ArgumentParser
import Foundation
import IVRAGI
import IVRCore
import IVRGateway
import IVRStore
import IVRTools
import IVRTwiML
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ivr-gateway",
        abstract: "Answer real calls with IVR flows.",
        subcommands: [AGICommandLine.self, TwiMLCommandLine.self, SignCommandLine.self, CampaignCommandLine.self]
    )
}

/// What both gateways take (SPEC 11).
struct CommonOptions: ParsableArguments {
    @Argument(help: "Flow files, or directories of flows.") var paths: [String]
    @Option(help: "The store (SQLite file): every call's record and the knowledge-base popularity.") var db: String?
    @Option(help: "On SIGTERM, how long calls in progress may take to finish before the gateway exits, such as 30s.") var drain = "30s"
    @Option(help: "Every call's time for schedules, ISO 8601 with an offset, instead of the clock (to try opening hours).") var at: String?
    @Option(help: "Answer lookups with GET URL/<table>?key=<key> instead of the flows' data files.") var lookupUrl: String?
    @Option(help: "How long a lookup by URL may take before it counts as not found (and a lookup error), such as 2s.") var lookupTimeout = "2s"
    @Option(help: "HOST:PORT for GET /metrics (Prometheus) and GET /health, such as 127.0.0.1:9090.") var metrics: String?
    @Option(help: "Event-loop threads (default: one per core).") var threads: Int?
    @Option(help: "Log lines at this level and above: trace, debug, info (call starts and ends), notice, warning, error, critical.")
    var logLevel = "info"

    /// The running parts both gateways share, ready to serve.
    struct Startup {
        let gateway: Gateway
        let group: MultiThreadedEventLoopGroup
        let logger: Logger
        let lookups: LookupClient?
        let services: [any Service]
        let drainSeconds: Double
        let sources: [any DispatchSourceProtocol]
    }

    /// Checks the options, compiles the flows (exit 1 with diagnostics when
    /// one does not compile), opens the store, and sets up logging,
    /// metrics, reloads and lookups.
    func start(options: AGISession.Options = AGISession.Options(), allowed: AddressFilter = AddressFilter()) throws -> Startup {
        let metricsAddress = try metrics.map { try GatewayCommand.address($0, option: "--metrics") }
        guard let drainSeconds = Duration.seconds(drain) else {
            throw ValidationError("--drain: write a number with s, m or h, such as 30s, not '\(drain)'")
        }
        guard let lookupSeconds = Duration.seconds(lookupTimeout), lookupSeconds > 0 else {
            throw ValidationError("--lookup-timeout: write a number with s, m or h, such as 2s, not '\(lookupTimeout)'")
        }
        if let lookupUrl, !(lookupUrl.hasPrefix("http://") || lookupUrl.hasPrefix("https://")) {
            throw ValidationError("--lookup-url: write an http:// or https:// URL, such as http://127.0.0.1:8080/lookup, not '\(lookupUrl)'")
        }
        if let threads, !(1...1024).contains(threads) { throw ValidationError("--threads: write a number from 1 to 1024, not \(threads)") }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level: write trace, debug, info, notice, warning, error or critical, not '\(logLevel)'")
        }
        var callTime: Date?
        if let at {
            guard let date = CallTime.parse(at) else {
                throw ValidationError("--at: write a time such as 2026-11-23T10:30:00+08:00, not '\(at)'")
            }
            callTime = date
        }
        var library = FlowLibrary()
        let refusals = library.load(paths)
        for refusal in refusals {
            for diagnostic in refusal.diagnostics { FileHandle.standardError.write(Data((diagnostic.description + "\n").utf8)) }
            FileHandle.standardError.write(Data("ivr-gateway: \(refusal.path): \(refusal.reason)\n".utf8))
        }
        guard refusals.isEmpty else { throw ExitCode(1) }
        guard !library.current.isEmpty else {
            FileHandle.standardError.write(Data("ivr-gateway: no flow in \(paths.joined(separator: ", "))\n".utf8))
            throw ExitCode(1)
        }
        var store: SQLiteStore?
        if let db {
            do { store = try SQLiteStore(path: db) } catch {
                FileHandle.standardError.write(Data("ivr-gateway: --db: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "ivr-gateway")
        logger.logLevel = level
        let registry = GatewayMetrics.bootstrap()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads ?? System.coreCount)
        let lookups = lookupUrl.map { LookupClient(base: $0, timeout: .nanoseconds(Int64(lookupSeconds * 1_000_000_000)), group: group) }
        let gateway = Gateway(library: library, paths: paths, options: options, store: store, allowed: allowed, callTime: callTime,
                              lookups: lookups, logger: logger)
        gateway.keepVersions(library)
        // SIGHUP, and a change to a served file (looked at every second):
        // compile again, off the event loops.
        signal(SIGHUP, SIG_IGN)
        let reloadQueue = DispatchQueue(label: "ivr-gateway.reload")
        let reloads = DispatchSource.makeSignalSource(signal: SIGHUP, queue: reloadQueue)
        reloads.setEventHandler { gateway.reload(because: "SIGHUP") }
        reloads.resume()
        let watch = DispatchSource.makeTimerSource(queue: reloadQueue)
        watch.schedule(deadline: .now() + 1, repeating: 1)
        watch.setEventHandler { gateway.reloadIfChanged() }
        watch.resume()
        var services: [any Service] = []
        if let (metricsHost, metricsPort) = metricsAddress {
            services.append(MetricsServer.application(host: metricsHost, port: metricsPort, registry: registry, gateway: gateway,
                                                      group: group, logger: logger))
        }
        return Startup(gateway: gateway, group: group, logger: logger, lookups: lookups, services: services, drainSeconds: drainSeconds,
                       sources: [reloads, watch])
    }

    /// Runs the services until SIGTERM has drained them (in reverse order:
    /// the last one, the calls' listener, first).
    func run(_ startup: Startup, _ listener: any Service) async throws {
        let serviceGroup = ServiceGroup(configuration: .init(services: startup.services + [listener], gracefulShutdownSignals: [.sigterm],
                                                             cancellationSignals: [.sigint], logger: startup.logger))
        do {
            try await serviceGroup.run()
        } catch {
            startup.logger.error("\(error)")
            throw ExitCode(1)
        }
        for source in startup.sources { source.cancel() }
        await startup.lookups?.shutdown()
        try await startup.group.shutdownGracefully()
    }
}

struct AGICommandLine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agi",
        abstract: "Serve FastAGI: a dialplan reaches a flow with AGI(agi://HOST:PORT/FLOW,name=value,...)."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "HOST:PORT to listen on (FastAGI has no authentication: keep it on a trusted network).") var listen = "127.0.0.1:4573"
    @Option(help: "Prompts without a recording: none (skipped, logged) or exec:APP (EXEC APP \"text\").") var tts = "none"
    @Option(help: "Transfers: dialplan (set IVR_TRANSFER and end) or dial:TEMPLATE (EXEC Dial with {target}).") var transfer = "dialplan"
    @Option(help: "Peers allowed besides loopback, as CIDR blocks such as 10.0.0.0/8 (FastAGI has no authentication).") var allow: [String] = []

    func run() async throws {
        let options = AGISession.Options(tts: try Self.tts(tts), transfer: try Self.transfer(transfer))
        let (host, port) = try GatewayCommand.address(listen, option: "--listen")
        var filter = AddressFilter()
        for block in allow {
            if let problem = filter.allow(block) { throw ValidationError("--allow: \(problem)") }
        }
        let startup = try common.start(options: options, allowed: filter)
        try await common.run(startup, AGIServer(gateway: startup.gateway, group: startup.group, host: host, port: port,
                                                drain: .milliseconds(Int64(startup.drainSeconds * 1000)), drainText: common.drain))
    }

    static func tts(_ text: String) throws -> AGISession.TTS {
        if text == "none" { return .none }
        if text.hasPrefix("exec:"), text.count > 5 { return .exec(String(text.dropFirst(5))) }
        throw ValidationError("--tts: write none or exec:APP, not '\(text)'")
    }

    static func transfer(_ text: String) throws -> AGISession.Transfer {
        if text == "dialplan" { return .dialplan }
        if text.hasPrefix("dial:"), text.contains("{target}") { return .dial(template: String(text.dropFirst(5))) }
        throw ValidationError("--transfer: write dialplan or dial:TEMPLATE with {target}, such as dial:PJSIP/{target}, not '\(text)'")
    }
}

struct TwiMLCommandLine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "twiml",
        abstract: "Serve Twilio voice webhooks: point a number's voice URL at POST <public-url>/twiml/FLOW."
    )

    @OptionGroup var common: CommonOptions
    @Option(help: "HOST:PORT to listen on.") var listen: String
    @Option(help: "The base URL the provider calls, such as https://ivr.example.com (signatures are computed over it).") var publicUrl: String
    @Option(help: "The environment variable holding the Twilio auth token.") var authTokenEnv = "TWILIO_AUTH_TOKEN"
    @Option(help: "The environment variable holding the state key (32 characters or more).") var stateKeyEnv = "IVR_STATE_KEY"
    @Option(help: "A YAML file mapping flow languages to Twilio's language and voice, such as zh-CN: { language: zh-CN, voice: Polly.Zhiyu }.")
    var voices: String?
    @Option(help: "A YAML file mapping transfer targets to numbers or SIP addresses, such as operator: \"+861095588\".") var targets: String?
    @Option(help: "Cut off a client silent this long, or whose request takes longer to arrive, such as 10s.") var clientTimeout = "10s"

    func run() async throws {
        let (host, port) = try GatewayCommand.address(listen, option: "--listen")
        guard publicUrl.hasPrefix("https://") || publicUrl.hasPrefix("http://") else {
            throw ValidationError("--public-url: write the URL the provider calls, such as https://ivr.example.com, not '\(publicUrl)'")
        }
        let environment = ProcessInfo.processInfo.environment
        guard let authToken = environment[authTokenEnv], !authToken.isEmpty else {
            throw ValidationError("no auth token: set \(authTokenEnv) (or name another variable with --auth-token-env)")
        }
        guard let stateKey = environment[stateKeyEnv] else {
            throw ValidationError("no state key: set \(stateKeyEnv) to a secret of 32 characters or more (or name another variable with --state-key-env)")
        }
        let tokens: CallToken
        do { tokens = try CallToken(stateKey: stateKey) } catch { throw ValidationError("\(stateKeyEnv): \(error)") }
        var voiceMap = TwiMLSession.Voice.defaults
        if let voices { voiceMap.merge(try GatewayFiles.voices(voices)) { $1 } }
        let targetMap = try targets.map(GatewayFiles.targets) ?? [:]
        var base = publicUrl
        while base.hasSuffix("/") { base.removeLast() }
        guard let clientSeconds = Duration.seconds(clientTimeout) else {
            throw ValidationError("--client-timeout: write a number with s or m, such as 10s, not '\(clientTimeout)'")
        }
        let settings = TwiMLServer.Settings(publicURL: base, signer: TwilioSignature(authToken: authToken), tokens: tokens,
                                            voices: voiceMap, targets: targetMap,
                                            clientTimeout: .milliseconds(Int64(clientSeconds * 1000)))
        let startup = try common.start()
        try await common.run(startup, TwiMLServer.application(host: host, port: port, settings: settings, gateway: startup.gateway,
                                                              group: startup.group, logger: startup.logger))
    }
}

/// `ivr-gateway sign URL name=value...`: the `X-Twilio-Signature` Twilio
/// would send for a request, to try the gateway with curl and to check it
/// against the official libraries.
struct SignCommandLine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sign",
        abstract: "Print the X-Twilio-Signature of a request: its full URL and its POST parameters as name=value."
    )

    @Argument(help: "The full URL the provider calls, query included.") var url: String
    @Argument(help: "POST parameters, as name=value.") var parameters: [String] = []
    @Option(help: "The environment variable holding the Twilio auth token.") var authTokenEnv = "TWILIO_AUTH_TOKEN"

    func run() throws {
        guard let authToken = ProcessInfo.processInfo.environment[authTokenEnv], !authToken.isEmpty else {
            throw ValidationError("no auth token: set \(authTokenEnv) (or name another variable with --auth-token-env)")
        }
        let pairs = try parameters.map { item -> (String, String) in
            guard let equals = item.firstIndex(of: "=") else { throw ValidationError("write parameters as name=value, not '\(item)'") }
            return (String(item[..<equals]), String(item[item.index(after: equals)...]))
        }
        print(TwilioSignature(authToken: authToken).signature(url: url, parameters: pairs))
    }
}

extension GatewayCommand {
    static func address(_ text: String, option: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("\(option): write HOST:PORT, such as 127.0.0.1:\(option == "--metrics" ? 9090 : 4573), not '\(text)'")
        }
        return (String(text[..<colon]), port)
    }
}

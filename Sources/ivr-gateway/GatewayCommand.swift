import ArgumentParser
import Foundation
import IVRAGI
import IVRCore
import IVRGateway
import IVRStore
import IVRTools
import NIOCore
import NIOPosix

@main
struct GatewayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ivr-gateway",
        abstract: "Answer real calls with IVR flows.",
        subcommands: [AGICommandLine.self]
    )
}

struct AGICommandLine: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agi",
        abstract: "Serve FastAGI: a dialplan reaches a flow with AGI(agi://HOST:PORT/FLOW,name=value,...)."
    )

    @Argument(help: "Flow files, or directories of flows.") var paths: [String]
    @Option(help: "HOST:PORT to listen on (FastAGI has no authentication: keep it on a trusted network).") var listen = "127.0.0.1:4573"
    @Option(help: "Prompts without a recording: none (skipped, logged) or exec:APP (EXEC APP \"text\").") var tts = "none"
    @Option(help: "Transfers: dialplan (set IVR_TRANSFER and end) or dial:TEMPLATE (EXEC Dial with {target}).") var transfer = "dialplan"
    @Option(help: "The store (SQLite file): every call's record and the knowledge-base popularity.") var db: String?
    @Option(help: "On SIGTERM, how long calls in progress may take to finish before the gateway exits, such as 30s.") var drain = "30s"
    @Option(help: "Peers allowed besides loopback, as CIDR blocks such as 10.0.0.0/8 (FastAGI has no authentication).") var allow: [String] = []
    @Option(help: "Every call's time for schedules, ISO 8601 with an offset, instead of the clock (to try opening hours).") var at: String?

    func run() throws {
        let options = AGISession.Options(tts: try Self.tts(tts), transfer: try Self.transfer(transfer))
        let (host, port) = try Self.address(listen)
        var filter = AddressFilter()
        for block in allow {
            if let problem = filter.allow(block) { throw ValidationError("--allow: \(problem)") }
        }
        guard let drainSeconds = Duration.seconds(drain) else {
            throw ValidationError("--drain: write a number with s, m or h, such as 30s, not '\(drain)'")
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
        let gateway = Gateway(library: library, paths: paths, options: options, store: store, allowed: filter, callTime: callTime)
        gateway.keepVersions(library)
        // SIGHUP: compile again, off the event loops.
        signal(SIGHUP, SIG_IGN)
        let reloads = DispatchSource.makeSignalSource(signal: SIGHUP, queue: DispatchQueue(label: "ivr-gateway.reload"))
        reloads.setEventHandler { gateway.reload() }
        reloads.resume()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(AGIConnection(gateway: gateway)) }
            }
        let channel = try bootstrap.bind(host: host, port: port).wait()
        let bound = channel.localAddress?.port ?? port
        gateway.log("serving " + library.current.values.sorted { $0.name < $1.name }.map { "\($0.name) \($0.version.prefix(12))" }
            .joined(separator: ", ") + " over FastAGI on \(host):\(bound)")
        // SIGTERM: stop taking calls, let those in progress finish (at most
        // --drain), then exit.
        signal(SIGTERM, SIG_IGN)
        let terminations = DispatchSource.makeSignalSource(signal: SIGTERM, queue: DispatchQueue(label: "ivr-gateway.drain"))
        terminations.setEventHandler {
            gateway.log("SIGTERM: no new calls; \(gateway.activeCalls.value) in progress may take up to \(drain)")
            channel.close(promise: nil)
        }
        terminations.resume()
        try channel.closeFuture.wait()
        let deadline = Date().addingTimeInterval(drainSeconds)
        while gateway.activeCalls.value > 0, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if gateway.activeCalls.value > 0 { gateway.log("drained for \(drain): \(gateway.activeCalls.value) call(s) cut off") }
        // Records already handed to the store are written before the exit.
        let writesDeadline = Date().addingTimeInterval(10)
        while gateway.pendingWrites.value > 0, Date() < writesDeadline { Thread.sleep(forTimeInterval: 0.02) }
        gateway.log("stopped")
        reloads.cancel()
        terminations.cancel()
        try group.syncShutdownGracefully()
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

    static func address(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen: write HOST:PORT, such as 127.0.0.1:4573, not '\(text)'")
        }
        return (String(text[..<colon]), port)
    }
}

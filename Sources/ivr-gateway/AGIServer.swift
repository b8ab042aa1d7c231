import Foundation
import IVRAGI
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The FastAGI listener as a service: it serves until the graceful
/// shutdown (`SIGTERM`), then takes no new calls, lets the calls in
/// progress finish for at most `--drain`, and waits for the store's writes.
struct AGIServer: Service {
    let gateway: Gateway
    let group: any EventLoopGroup
    let host: String
    let port: Int
    let drain: Duration
    let drainText: String

    func run() async throws {
        let gateway = gateway
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(AGIConnection(gateway: gateway)) }
            }
            .bind(host: host, port: port).get()
        let bound = channel.localAddress?.port ?? port
        gateway.notice("serving " + gateway.library.current.values.sorted { $0.name < $1.name }.map { "\($0.name) \($0.version.prefix(12))" }
            .joined(separator: ", ") + " over FastAGI on \(host):\(bound)")
        // Until SIGTERM (or the group is cancelled).
        try? await gracefulShutdown()
        gateway.draining = true
        gateway.notice("SIGTERM: no new calls; \(gateway.activeCalls.value) in progress may take up to \(drainText)")
        try? await channel.close()
        let deadline = ContinuousClock.now + drain
        while gateway.activeCalls.value > 0, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if gateway.activeCalls.value > 0 { gateway.notice("drained for \(drainText): \(gateway.activeCalls.value) call(s) cut off") }
        // Records already handed to the store are written before the exit.
        let writes = ContinuousClock.now + .seconds(10)
        while gateway.pendingWrites.value > 0, ContinuousClock.now < writes { try? await Task.sleep(for: .milliseconds(20)) }
        gateway.notice("stopped")
    }
}

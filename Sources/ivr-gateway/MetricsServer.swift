import Foundation
import Hummingbird
import IVRCore
import Logging
import NIOCore
import Prometheus

/// `--metrics HOST:PORT`: `GET /metrics` (Prometheus text form) and
/// `GET /health` (200 while serving, 503 while draining, for balancers),
/// on Hummingbird. It reads the gateway's state and decides nothing.
enum MetricsServer {
    static func application(host: String, port: Int, registry: PrometheusCollectorRegistry, gateway: Gateway,
                            group: any EventLoopGroup, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.get("metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        router.get("health") { _, _ -> Response in
            let draining = gateway.draining
            let flows = gateway.library.current.values.sorted { $0.name < $1.name }.map { ($0.name, JSONValue.string(String($0.version.prefix(12)))) }
            let body = JSONValue.object([("status", .string(draining ? "draining" : "serving")),
                                         ("active_calls", .int(gateway.activeCalls.value)), ("flows", .object(flows))]).text + "\n"
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: draining ? .serviceUnavailable : .ok, headers: headers,
                            body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "ivr-gateway"),
                           onServerRunning: { channel in
                               gateway.notice("metrics and health on http://\(host):\(channel.localAddress?.port ?? port)")
                           },
                           eventLoopGroupProvider: .shared(group), logger: logger)
    }
}

import Metrics
import Prometheus

/// The gateway's measures (SPEC 11), through swift-metrics; `--metrics`
/// serves them in Prometheus text form.
enum GatewayMetrics {
    static let callsStarted = "ivr_calls_started_total"
    static let callsActive = "ivr_calls_active"
    static let callsEnded = "ivr_calls_ended_total"
    static let lookupErrors = "ivr_lookup_errors_total"
    static let eventHandling = "ivr_event_handling_seconds"
    static let reloads = "ivr_reloads_total"

    /// The Prometheus registry behind swift-metrics, set up once per process.
    static func bootstrap() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // A reply's handling is well under a millisecond: buckets from 50 µs.
        factory.durationHistogramBuckets[eventHandling] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(50), .milliseconds(250), .seconds(1),
        ]
        MetricsSystem.bootstrap(factory)
        return registry
    }

    static let active = Meter(label: callsActive)
    static let handling = Metrics.Timer(label: eventHandling)

    static func started(flow: String) {
        Counter(label: callsStarted, dimensions: [("flow", flow)]).increment()
    }

    static func ended(flow: String, outcome: String) {
        Counter(label: callsEnded, dimensions: [("flow", flow), ("outcome", outcome)]).increment()
    }

    static func lookupFailed(flow: String) {
        Counter(label: lookupErrors, dimensions: [("flow", flow)]).increment()
    }

    static func reloaded(_ result: String) {
        Counter(label: reloads, dimensions: [("result", result)]).increment()
    }
}

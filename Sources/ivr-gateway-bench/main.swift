// The FastAGI gateway under load, run with:
//   swift build -c release --product ivr-gateway && swift run -c release ivr-gateway-bench
// A driver plays Asterisk for many concurrent hotline calls over loopback
// against the built `ivr-gateway agi`, and, side by side in the same run,
// against a baseline: this program's own `echo` server, which answers the
// same dialogue with fixed commands and no interpreter (the floor of
// sockets, event loops and the driver itself). It reports calls per
// second, the time from each reply to the server's next command (p50, p99,
// max), memory per call held open, and calls lost.
import Foundation
import NIOCore
import NIOPosix

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}

/// Event-loop threads of both servers: one by default, so that the servers
/// and the driver (one thread) do not take turns on a 2-core machine.
let threads = option("--threads", 1)
/// The gateway's log level: `info` writes two lines per call, as in production.
let logLevel = arguments.firstIndex(of: "--log-level").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil } ?? "info"
if arguments.count >= 2, arguments[1] == "echo" {
    try EchoServer.run(threads: threads)
    exit(0)
}
if arguments.count >= 2, arguments[1] == "twiml" {
    let finished = DispatchSemaphore(value: 0)
    Task.detached {
        do { try await webhookBenchmark() } catch { print("twiml benchmark: \(error)") }
        finished.signal()
    }
    finished.wait()
    exit(0)
}

let concurrent = option("--concurrent", 1000)
let total = option("--calls", 20_000)
let rounds = option("--rounds", 3)
/// Paced calls: callers take 0-2x this many milliseconds before each key.
let think = option("--think", 200)
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A server process on a free port: the gateway or the echo baseline.
struct Server {
    let process: Process
    let port: Int
    /// `--metrics`' port, when the log names one.
    var metricsPort: Int?

    static func start(_ executable: URL, _ arguments: [String], ready: String, metrics: String? = nil) throws -> Server {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        var port: Int?
        var metricsPort: Int?
        while port == nil || (metrics != nil && metricsPort == nil) {
            let data = errors.fileHandleForReading.availableData
            guard !data.isEmpty else { throw POSIXError(.EIO) }
            seen += String(decoding: data, as: UTF8.self)
            if let range = seen.range(of: ready), seen[range.upperBound...].contains("\n") {
                port = Int(seen[range.upperBound...].prefix { $0.isNumber })
            }
            if let metrics, let range = seen.range(of: metrics), seen[range.upperBound...].contains("\n") {
                metricsPort = Int(seen[range.upperBound...].prefix { $0.isNumber })
            }
        }
        // Keep reading the log so the server never blocks on a full pipe.
        errors.fileHandleForReading.readabilityHandler = { handle in
            if handle.availableData.isEmpty { handle.readabilityHandler = nil }
        }
        return Server(process: process, port: port ?? 0, metricsPort: metricsPort)
    }

    /// Resident memory in KiB (Linux /proc).
    var residentKiB: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    /// SIGTERM, then SIGKILL after 3 s (Flask's threaded server can linger).
    func stop() {
        process.terminate()
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let gatewayBinary = binDirectory.appendingPathComponent("ivr-gateway")
guard FileManager.default.isExecutableFile(atPath: gatewayBinary.path) else {
    print("build the gateway first: swift build -c release --product ivr-gateway")
    exit(1)
}
let gateway = try Server.start(gatewayBinary, ["agi", "Flows", "--listen", "127.0.0.1:0", "--drain", "1s", "--metrics", "127.0.0.1:0",
                                               "--threads", String(threads), "--log-level", logLevel],
                               ready: "over FastAGI on 127.0.0.1:", metrics: "metrics and health on http://127.0.0.1:")
let echo = try Server.start(URL(fileURLWithPath: CommandLine.arguments[0]), ["echo", "--threads", String(threads), "--log-level", logLevel], ready: "echo on 127.0.0.1:")
defer {
    gateway.stop()
    echo.stop()
}

func median(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.sorted()[values.count / 2] }

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

// Memory first, on fresh processes (later, freed memory the allocator
// keeps would hide it): the resident size with `concurrent` calls held at
// their first wait, less the size after a few warm-up calls.
for (name, server) in [("gateway", gateway), ("baseline", echo)] {
    _ = try Driver.run(port: server.port, calls: 50, concurrent: 10, group: group)
    let before = server.residentKiB
    let held = try Driver.hold(port: server.port, calls: concurrent, group: group)
    Thread.sleep(forTimeInterval: 0.5)
    let during = server.residentKiB
    held.release()
    print("memory, \(name): \(before) KiB after warm-up, \(during) KiB with \(concurrent) calls held: "
          + "\(format(Double(during - before) / Double(concurrent), 1)) KiB per active call")
}

print("FastAGI on loopback, \(concurrent) concurrent hotline calls, \(threads) event-loop thread(s) per server, \(rounds) rounds side by side (medians)")
print("(a call: environment, ANSWER, 4 keys and a hangup at 5 waits, the end variables: 10 timed replies)")
for (title, calls, pace) in [("as fast as the callers can answer, \(total) calls", total, 0),
                             ("callers taking 0-\(2 * think) ms before each key, \(concurrent * 2) calls", concurrent * 2, think)]
    where calls > 0 {
    var results: [String: [Driver.Result]] = [:]
    let histogramBefore = handlingHistogram()
    for _ in 0..<rounds {
        for (name, server) in [("gateway", gateway), ("baseline", echo)] {
            results[name, default: []].append(try Driver.run(port: server.port, calls: calls, concurrent: concurrent, think: pace, group: group))
        }
    }
    print("")
    print(title)
    print("                      gateway    baseline   ratio")
    for (label, pick, scale, digits) in [("calls per second", { (r: Driver.Result) in r.callsPerSecond }, 1.0, 0),
                                         ("p50 reply->command ms", { (r: Driver.Result) in r.percentile(0.5) }, 1000.0, 3),
                                         ("p99 reply->command ms", { (r: Driver.Result) in r.percentile(0.99) }, 1000.0, 3),
                                         ("max reply->command ms", { (r: Driver.Result) in r.percentile(1) }, 1000.0, 1)] {
        let a = median(results["gateway", default: []].map(pick)) * scale, b = median(results["baseline", default: []].map(pick)) * scale
        print(label.padding(toLength: 22, withPad: " ", startingAt: 0) + format(a, digits).leftPadded(9) + format(b, digits).leftPadded(12)
              + format(b > 0 ? a / b : 0, 2).leftPadded(8))
    }
    print("calls lost: gateway \(results["gateway", default: []].map(\.lost).reduce(0, +)), "
          + "baseline \(results["baseline", default: []].map(\.lost).reduce(0, +))")
    // The gateway's own measure (bytes in to the next command out, without
    // loopback or the driver), from its histogram over these runs.
    let histogram = zip(handlingHistogram(), histogramBefore).map { ($0.0, $0.1 - $1.1) }
    if let total = histogram.last?.1, total > 0 {
        let p50 = histogram.first { $0.1 >= total * 0.5 }?.0 ?? .infinity
        let p99 = histogram.first { $0.1 >= total * 0.99 }?.0 ?? .infinity
        print("the gateway's own handling of \(Int(total)) reads: p50 <= \(format(p50 * 1000, 3)) ms, p99 <= \(format(p99 * 1000, 3)) ms "
              + "(histogram buckets)")
    }
}
print("")

/// The gateway's `ivr_event_handling_seconds` histogram: (bound, cumulative count).
func handlingHistogram() -> [(Double, Double)] {
    guard let port = gateway.metricsPort, let text = httpGet(port: port, "/metrics") else { return [] }
    var buckets: [(Double, Double)] = []
    for line in text.split(separator: "\n") where line.hasPrefix("ivr_event_handling_seconds_bucket{le=\"") {
        let bound = line.dropFirst("ivr_event_handling_seconds_bucket{le=\"".count).prefix { $0 != "\"" }
        guard let count = Double(line.split(separator: " ").last ?? "") else { continue }
        buckets.append((bound == "+Inf" ? .infinity : Double(bound) ?? .infinity, count))
    }
    return buckets
}

/// `GET path` on loopback, the body (small responses only).
func httpGet(port: Int, _ path: String) -> String? {
    let connection = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(connection) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(connection, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { return nil }
    let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    _ = request.utf8CString.withUnsafeBufferPointer { send(connection, $0.baseAddress, $0.count - 1, 0) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = recv(connection, &chunk, chunk.count, 0)
        guard count > 0 else { break }
        bytes += chunk[..<count]
    }
    return String(decoding: bytes, as: UTF8.self)
}

try group.syncShutdownGracefully()

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

/// `ivr-gateway-bench twiml [--concurrent 500] [--calls 1000] [--rounds 3]`.
func webhookBenchmark() async throws {
    let concurrent = option("--concurrent", 500), calls = option("--calls", 1000), rounds = option("--rounds", 3)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let gatewayBinary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ivr-gateway")
    setenv("TWILIO_AUTH_TOKEN", WebhookBench.authToken, 1)
    setenv("IVR_STATE_KEY", "a state key for the benchmark, 32 characters or more", 1)
    let gateway = try Server.start(gatewayBinary, ["twiml", "Flows", "--listen", "127.0.0.1:0", "--public-url", WebhookBench.publicURL,
                                                   "--log-level", logLevel],
                                   ready: "over TwiML webhooks on http://127.0.0.1:")
    // A free port for Flask, which prints its own.
    let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, length) } }
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &length) } }
    let flaskPort = Int(UInt16(bigEndian: address.sin_port))
    close(probe)
    let flask = try Server.start(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "bench/flask_webhook.py", String(flaskPort), WebhookBench.publicURL],
                                 ready: "flask on 127.0.0.1:")
    try await Task.sleep(for: .seconds(1))
    defer {
        gateway.stop()
        flask.stop()
    }
    say("TwiML webhooks on loopback: \(concurrent) concurrent calls, \(calls) calls per run, 6 signed requests a call, \(rounds) rounds (medians)")
    var results: [String: [WebhookBench.Result]] = [:]
    for _ in 0..<rounds {
        for (name, port) in [("gateway", gateway.port), ("flask", flaskPort)] {
            results[name, default: []].append(await WebhookBench.run(port: port, calls: calls, concurrent: concurrent, group: group))
        }
    }
    say("                      gateway       flask   ratio")
    for (label, pick, scale, digits) in [("requests per second", { (r: WebhookBench.Result) in Double(r.requests) / r.seconds }, 1.0, 0),
                                         ("p50 request ms", { (r: WebhookBench.Result) in r.percentile(0.5) }, 1000.0, 2),
                                         ("p99 request ms", { (r: WebhookBench.Result) in r.percentile(0.99) }, 1000.0, 2),
                                         ("max request ms", { (r: WebhookBench.Result) in r.percentile(1) }, 1000.0, 1)] {
        let a = median(results["gateway", default: []].map(pick)) * scale, b = median(results["flask", default: []].map(pick)) * scale
        say(label.padding(toLength: 22, withPad: " ", startingAt: 0) + format(a, digits).leftPadded(9) + format(b, digits).leftPadded(12)
              + format(b > 0 ? a / b : 0, 2).leftPadded(8))
    }
    say("failed requests: gateway \(results["gateway", default: []].map(\.failed).reduce(0, +)), "
          + "flask \(results["flask", default: []].map(\.failed).reduce(0, +))")
}


/// A line on standard output at once (print is buffered when piped).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

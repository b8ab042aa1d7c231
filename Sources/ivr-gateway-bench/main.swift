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
if arguments.count >= 2, arguments[1] == "echo" {
    try EchoServer.run()
    exit(0)
}

func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}

let concurrent = option("--concurrent", 1000)
let total = option("--calls", 20_000)
let rounds = option("--rounds", 3)
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A server process on a free port: the gateway or the echo baseline.
struct Server {
    let process: Process
    let port: Int

    static func start(_ executable: URL, _ arguments: [String], ready: String) throws -> Server {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = root
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var seen = ""
        while !seen.contains(ready) || !seen[seen.range(of: ready)!.upperBound...].contains("\n") {
            let data = errors.fileHandleForReading.availableData
            guard !data.isEmpty else { throw POSIXError(.EIO) }
            seen += String(decoding: data, as: UTF8.self)
        }
        let after = seen[seen.range(of: ready)!.upperBound...]
        let port = Int(after.prefix { $0.isNumber }) ?? 0
        // Keep reading the log so the server never blocks on a full pipe.
        errors.fileHandleForReading.readabilityHandler = { handle in
            if handle.availableData.isEmpty { handle.readabilityHandler = nil }
        }
        return Server(process: process, port: port)
    }

    /// Resident memory in KiB (Linux /proc).
    var residentKiB: Int {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let gatewayBinary = binDirectory.appendingPathComponent("ivr-gateway")
guard FileManager.default.isExecutableFile(atPath: gatewayBinary.path) else {
    print("build the gateway first: swift build -c release --product ivr-gateway")
    exit(1)
}
let gateway = try Server.start(gatewayBinary, ["agi", "Flows", "--listen", "127.0.0.1:0", "--drain", "1s"], ready: "over FastAGI on 127.0.0.1:")
let echo = try Server.start(URL(fileURLWithPath: CommandLine.arguments[0]), ["echo"], ready: "echo on 127.0.0.1:")
defer {
    gateway.stop()
    echo.stop()
}

print("FastAGI, \(concurrent) concurrent hotline calls on loopback, \(total) calls per run, \(rounds) rounds side by side")
print("(a call: environment, ANSWER, 5 key presses at 5 waits, a hangup, the end variables: 11 replies, 10 timed)")
var results: [String: [Driver.Result]] = [:]
for round in 0..<rounds {
    for (name, server) in [("gateway", gateway), ("baseline", echo)] {
        let result = try Driver.run(port: server.port, calls: total, concurrent: concurrent, group: group)
        results[name, default: []].append(result)
        print("  round \(round + 1) \(name): \(Int(result.callsPerSecond)) calls/s, p99 \(format(result.percentile(0.99) * 1000, 3)) ms, "
              + "lost \(result.lost)")
    }
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

func format(_ value: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", value) }

print("")
print("                      gateway    baseline   ratio")
for (label, pick, scale, digits) in [("calls per second", { (r: Driver.Result) in r.callsPerSecond }, 1.0, 0),
                                     ("p50 reply->command ms", { (r: Driver.Result) in r.percentile(0.5) }, 1000.0, 3),
                                     ("p99 reply->command ms", { (r: Driver.Result) in r.percentile(0.99) }, 1000.0, 3),
                                     ("max reply->command ms", { (r: Driver.Result) in r.percentile(1) }, 1000.0, 1)] {
    let a = median(results["gateway", default: []].map(pick)) * scale, b = median(results["baseline", default: []].map(pick)) * scale
    print(label.padding(toLength: 22, withPad: " ", startingAt: 0) + format(a, digits).leftPadded(9) + format(b, digits).leftPadded(12)
          + format(a / b, 2).leftPadded(8))
}
print("calls lost: gateway \(results["gateway", default: []].map(\.lost).reduce(0, +)), baseline \(results["baseline", default: []].map(\.lost).reduce(0, +))")

// Memory: the resident size with `concurrent` calls held at their first wait, less the size before.
for (name, server) in [("gateway", gateway), ("baseline", echo)] {
    let before = server.residentKiB
    let held = try Driver.hold(port: server.port, calls: concurrent, group: group)
    Thread.sleep(forTimeInterval: 0.5)
    let during = server.residentKiB
    held.release()
    print("memory, \(name): \(before) KiB idle, \(during) KiB with \(concurrent) calls held: "
          + "\(format(Double(during - before) / Double(concurrent), 1)) KiB per active call")
}
try group.syncShutdownGracefully()

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

import Foundation

/// The built `ivr-gateway agi` running on a free loopback port, its log
/// read as it comes (so that a busy gateway never blocks on a full pipe).
final class GatewayProcess: @unchecked Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let process = Process()
    private(set) var port = 0
    // Guarded by `lock`.
    private var text = ""
    private let lock = NSLock()

    /// A built executable of this package (`ivr-gateway`, `ivr`).
    static func built(_ name: String) -> URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/" + name)
    }

    /// Runs the built `ivr` with `arguments` in `directory` to its end (at
    /// most `seconds`, then SIGTERM): its exit status and output.
    static func runIVR(_ arguments: [String], in directory: URL, environment: [String: String], seconds: Double = 30) throws
        -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = built("ivr")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { usleep(50_000) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    /// Starts `ivr-gateway agi Flows --listen 127.0.0.1:0 <arguments>` in
    /// `directory` and waits until it listens.
    init(_ arguments: [String] = [], in directory: URL = root, twiml: Bool = false, environment: [String: String] = [:]) throws {
        process.executableURL = Self.built("ivr-gateway")
        process.arguments = [twiml ? "twiml" : "agi", "Flows", "--listen", "127.0.0.1:0"] + arguments
        process.currentDirectoryURL = directory
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        let ready = twiml ? "over TwiML webhooks on http://127.0.0.1:" : "over FastAGI on 127.0.0.1:"
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        errors.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            if data.isEmpty { handle.readabilityHandler = nil }
            self.lock.lock()
            self.text += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
        guard wait(for: ready, seconds: 20),
              let range = log.range(of: ready), let end = log[range.upperBound...].firstIndex(of: "\n"),
              let port = Int(log[range.upperBound..<end]) else {
            process.terminate()
            throw POSIXError(.ETIMEDOUT)
        }
        self.port = port
    }

    deinit { if process.isRunning { process.terminate() } }

    /// Everything the gateway logged so far.
    var log: String {
        lock.lock()
        defer { lock.unlock() }
        return text
    }

    /// Waits until the log holds `needle` `count` times; false after `seconds`.
    @discardableResult
    func wait(for needle: String, count: Int = 1, seconds: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while log.components(separatedBy: needle).count - 1 < count {
            guard Date() < deadline else { return false }
            Thread.sleep(forTimeInterval: 0.01)
        }
        return true
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// The port of `--metrics 127.0.0.1:0`, from the log.
    func metricsPort() -> Int? {
        let needle = "metrics and health on http://127.0.0.1:"
        guard wait(for: needle), let range = log.range(of: needle) else { return nil }
        return Int(log[range.upperBound...].prefix { $0.isNumber })
    }

    /// A new call to the gateway.
    func connect() throws -> FakeAsterisk { try FakeAsterisk(port: port) }

    /// The hotline versions new calls started on, in order (from the log).
    var versionsStarted: [String] {
        log.components(separatedBy: "\n").compactMap { line in
            guard line.contains("started: flow hotline, version ") else { return nil }
            return line.components(separatedBy: "version ").last
        }
    }
}

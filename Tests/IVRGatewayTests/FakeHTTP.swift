import Foundation

/// A small HTTP/1.1 peer over real TCP on loopback for the gateway's
/// outside services: a CRM answering lookups (`FakeHTTP.Server`) and a
/// client reading `/metrics` and `/health` (`FakeHTTP.get`).
enum FakeHTTP {
    /// Answers each request with `respond(request head)`: status, body and
    /// an optional delay; keeps every request head it saw.
    final class Server: @unchecked Sendable {
        let port: Int
        private let listener: Int32
        private let seen = Seen()

        /// Request heads, from the connections' threads.
        final class Seen: @unchecked Sendable {
            // Guarded by `lock`.
            private var heads: [String] = []
            private let lock = NSLock()

            func add(_ head: String) {
                lock.lock()
                heads.append(head)
                lock.unlock()
            }

            var all: [String] {
                lock.lock()
                defer { lock.unlock() }
                return heads
            }
        }

        var requests: [String] { seen.all }

        init(respond: @escaping @Sendable (String) -> (status: Int, body: String, delay: Double)) throws {
            let (server, port) = try listenLoopback()
            self.port = port
            listener = server
            let heads = seen
            Thread {
                while true {
                    let connection = accept(server, nil, nil)
                    guard connection >= 0 else { return }
                    Thread {
                        defer { close(connection) }
                        guard let head = FakeHTTP.readHead(connection) else { return }
                        heads.add(head)
                        let (status, body, delay) = respond(head)
                        if delay > 0 { Thread.sleep(forTimeInterval: delay) }
                        FakeHTTP.write(connection, "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n"
                                       + "Connection: close\r\n\r\n" + body)
                    }.start()
                }
            }.start()
        }

        deinit { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }
    }

    /// `GET path` on 127.0.0.1:port: the status and the body.
    static func get(port: Int, _ path: String) throws -> (status: Int, body: String) {
        try request(port: port, "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    }

    /// `POST path` of a form, with extra header lines.
    static func post(port: Int, _ path: String, form: String, headers: [String: String] = [:], method: String = "POST") throws
        -> (status: Int, body: String) {
        let extra = headers.map { "\($0.key): \($0.value)\r\n" }.joined()
        return try request(port: port, "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                           + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: \(form.utf8.count)\r\n\(extra)\r\n\(form)")
    }

    /// Sends `text` and reads the whole answer: the status and the body.
    static func request(port: Int, _ text: String) throws -> (status: Int, body: String) {
        let connection = try connectLoopback(port: port, timeoutSeconds: 10)
        defer { close(connection) }
        write(connection, text)
        let text = String(decoding: readToEnd(connection), as: UTF8.self)
        let parts = text.components(separatedBy: "\r\n\r\n")
        let status = Int(parts[0].split(separator: " ").dropFirst().first ?? "") ?? 0
        return (status, parts.dropFirst().joined(separator: "\r\n\r\n"))
    }

    /// Sends `text` and never the rest: what the server answers, and after how long it closed.
    static func stall(port: Int, _ text: String) throws -> (answer: String, seconds: Double) {
        let connection = try connectLoopback(port: port, timeoutSeconds: 15)
        defer { close(connection) }
        let started = Date()
        if !text.isEmpty { write(connection, text) }
        let bytes = readToEnd(connection)
        return (String(decoding: bytes, as: UTF8.self), Date().timeIntervalSince(started))
    }

    /// Everything the peer sends until it closes (or the read timeout).
    static func readToEnd(_ connection: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(connection, &chunk, chunk.count, 0)
            guard count > 0 else { return bytes }
            bytes += chunk[..<count]
        }
    }

    static func readHead(_ connection: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while recv(connection, &byte, 1, 0) == 1 {
            bytes.append(byte)
            if bytes.count >= 4, bytes.suffix(4) == [13, 10, 13, 10] { return String(decoding: bytes, as: UTF8.self) }
            if bytes.count > 65536 { return nil }
        }
        return nil
    }

    static func write(_ connection: Int32, _ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { send(connection, $0.baseAddress, $0.count - 1, Int32(MSG_NOSIGNAL)) }
    }
}

/// A TCP connection to 127.0.0.1:port whose reads give up after
/// `timeoutSeconds` (the fakes' one way of connecting).
func connectLoopback(port: Int, timeoutSeconds: Int) throws -> Int32 {
    let connection = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(connection, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else {
        close(connection)
        throw POSIXError(.ECONNREFUSED)
    }
    var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
    setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    return connection
}

/// A socket listening on 127.0.0.1 at a port the system chose, and that
/// port (the fakes' one way of listening).
func listenLoopback(backlog: Int32 = 64) throws -> (socket: Int32, port: Int) {
    let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(server, backlog) == 0 else {
        close(server)
        throw POSIXError(.EADDRINUSE)
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(server, $0, &length) } }
    return (server, Int(UInt16(bigEndian: address.sin_port)))
}

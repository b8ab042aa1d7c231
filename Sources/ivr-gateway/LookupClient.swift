import AsyncHTTPClient
import Foundation
import IVRGateway
import NIOCore

/// `--lookup-url`: carries out `HTTPLookup` requests with AsyncHTTPClient,
/// each within `--lookup-timeout`. What an answer means is `HTTPLookup`'s
/// to say.
final class LookupClient: Sendable {
    let base: String
    let timeout: TimeAmount
    private let client: HTTPClient

    init(base: String, timeout: TimeAmount, group: any EventLoopGroup) {
        self.base = base
        self.timeout = timeout
        client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: .init(timeout: .init(connect: timeout, read: timeout)))
    }

    func find(table: String, key: String, sensitive: Bool) async -> HTTPLookup.Answer {
        let request = HTTPLookup.request(base: base, table: table, key: key, sensitive: sensitive)
        var http = HTTPClientRequest(url: request.url)
        for (name, value) in request.headers { http.headers.add(name: name, value: value) }
        do {
            let response = try await client.execute(http, timeout: timeout)
            // Records are small: a body over 64 KiB is not one.
            let body = try await response.body.collect(upTo: 64 * 1024)
            return HTTPLookup.answer(status: Int(response.status.code), body: Array(body.readableBytesView))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            return .failed("no answer within \(timeout.nanoseconds / 1_000_000) ms")
        } catch {
            return .failed("\(error)")
        }
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}

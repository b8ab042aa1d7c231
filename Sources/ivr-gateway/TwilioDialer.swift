import AsyncHTTPClient
import Foundation
import Hummingbird
import IVRCampaign
import IVRTwiML
import NIOCore

/// The `twilio` dialer (SPEC 14): each attempt a `POST` to the Calls API
/// (AsyncHTTPClient), its result from the signed status callback Twilio
/// posts back (Hummingbird, `--callback-listen`). `TwilioCalls` says what
/// to send and what the answers mean; this carries it out.
struct TwilioDialer: Sendable {
    let apiBase: String
    let client: HTTPClient
    let driver: CampaignDriver

    /// Places one attempt; a refusal is the attempt's result at once (the
    /// account's credentials refused stop the campaign).
    func place(_ request: TwilioCalls.Request, id: String) async {
        var http = HTTPClientRequest(url: apiBase + request.path)
        http.method = .POST
        http.headers.add(name: "Authorization", value: request.authorization)
        http.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        http.body = .bytes(ByteBuffer(string: FormBody.encode(request.form)))
        let outcome: Result<String, TwilioCalls.Refusal>
        do {
            let response = try await client.execute(http, timeout: .seconds(15))
            let body = try await response.body.collect(upTo: 1 << 20)
            outcome = TwilioCalls.created(status: Int(response.status.code), body: Array(body.readableBytesView))
        } catch {
            outcome = .failure(TwilioCalls.Refusal(status: 0, message: "the Calls API could not be reached: \(error)"))
        }
        guard case .failure(let refusal) = outcome else { return }
        CampaignCommandLine.say("ivr-gateway: call \(id) not placed: \(refusal.message)")
        if refusal.isAuthentication { await driver.refuse("the Calls API refused the account: \(refusal.message)") }
        do { try await driver.finished(id, result: .failed, at: Date()) } catch { CampaignCommandLine.say("ivr-gateway: --db: \(error)") }
    }

    /// `POST /campaign/status?id=<call id>`: Twilio's status callback, its
    /// signature checked over `callbackURL` plus the query.
    static func callbackApplication(host: String, port: Int, callbackURL: String, signer: TwilioSignature, driver: CampaignDriver,
                                    group: any EventLoopGroup, running: @escaping @Sendable () -> Void) -> some ApplicationProtocol {
        let router = Router()
        let base = callbackURL.components(separatedBy: "?")[0]
        let origin = base.hasSuffix("/campaign/status") ? String(base.dropLast("/campaign/status".count)) : base
        router.post("campaign/status") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 64 * 1024)
            let parameters = FormBody.parse(Array(body.readableBytesView))
            let header = request.headers.first { $0.name.canonicalName == "x-twilio-signature" }?.value
            guard signer.isValid(header, url: origin + request.uri.description, parameters: parameters) else {
                return Response(status: .forbidden)
            }
            guard let id = request.uri.queryParameters.get("id"),
                  let result = TwilioCalls.result(callStatus: FormBody.value("CallStatus", in: parameters) ?? "",
                                                  answeredBy: FormBody.value("AnsweredBy", in: parameters)) else {
                return Response(status: .noContent)
            }
            do { try await driver.finished(id, result: result, at: Date()) } catch { CampaignCommandLine.say("ivr-gateway: --db: \(error)") }
            return Response(status: .noContent)
        }
        return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "ivr-gateway"),
                           onServerRunning: { _ in running() }, eventLoopGroupProvider: .shared(group))
    }
}

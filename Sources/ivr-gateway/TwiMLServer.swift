import Foundation
import Hummingbird
import IVRCore
import IVRGateway
import IVRTwiML
import Logging
import NIOCore

/// `ivr-gateway twiml` (SPEC 13) on Hummingbird: each request is checked
/// (size, signature, token), handed to a `TwiMLSession`, and its steps are
/// carried out in one switch. No call is kept between requests.
enum TwiMLServer {
    struct Settings: Sendable {
        /// `https://ivr.example.com`, as the provider calls it (signatures cover it).
        var publicURL: String
        var signer: TwilioSignature
        var tokens: CallToken
        var voices: [String: TwiMLSession.Voice]
        var targets: [String: String]
        /// A client silent this long, or whose request takes longer to
        /// arrive, is cut off (`--client-timeout`).
        var clientTimeout: TimeAmount = .seconds(10)
    }

    static let maxBody = 64 * 1024

    static func application(host: String, port: Int, settings: Settings, gateway: Gateway, group: any EventLoopGroup,
                            logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.post("twiml/status") { request, _ -> Response in
            let parameters = try await checked(request, settings)
            let callSid = FormBody.value("CallSid", in: parameters) ?? "-"
            // The call is over for Twilio: a record the flow did not end
            // ends abandoned where the caller left it.
            if let store = gateway.store, let record = try? await store.record(id: callSid), record.outcome == nil,
               let flow = await gateway.flow(version: record.machineVersion) {
                var recorder = CallRecorder(resuming: record, machine: flow.machine)
                recorder.callerLeft(at: Date())
                do { try await store.save(recorder.record) } catch { gateway.logger.error("call \(callSid): --db: \(error)") }
                GatewayMetrics.ended(flow: flow.name, outcome: recorder.record.outcome ?? CallRecord.interrupted)
                gateway.log("call \(callSid) ended: flow \(flow.name), version \(flow.version.prefix(12)), outcome \(recorder.record.outcome ?? "-")")
            }
            return Response(status: .noContent)
        }
        router.post("twiml/:flow") { request, context -> Response in
            let parameters = try await checked(request, settings)
            let name = context.parameters.get("flow") ?? ""
            guard let flow = gateway.library.flow(named: name) else { return text(.notFound, "no flow named '\(name)'") }
            guard let callSid = FormBody.value("CallSid", in: parameters), !callSid.isEmpty else { return text(.badRequest, "no CallSid") }
            // The webhook URL's query: `lang`, and the call data (the flow's inputs).
            var language: String?
            var variables: [String: String] = [:]
            for (name, value) in request.uri.queryParameters {
                if name == "lang" { language = String(value) } else { variables[String(name)] = String(value) }
            }
            // A call the Calls API placed (a campaign): outbound, and what answered it.
            let outbound = FormBody.value("Direction", in: parameters)?.hasPrefix("outbound") == true
            if outbound {
                variables["direction"] = "outbound"
                if let answeredBy = FormBody.value("AnsweredBy", in: parameters) {
                    variables["answered_by"] = answeredBy == "human" ? "human"
                        : answeredBy.hasPrefix("machine") || answeredBy == "fax" ? "machine" : "unknown"
                }
            }
            let missing = flow.machine.missingInputs(variables)
            guard missing.isEmpty else {
                let reason = flow.machine.needs(missing) + ": add " + missing.map { "\($0)=VALUE" }.joined(separator: "&") + " to the webhook URL's query"
                gateway.logger.warning("call \(callSid): \(reason)")
                return text(.badRequest, reason)
            }
            let popularity = await popularity(flow, gateway)
            var (session, steps) = TwiMLSession.start(machine: flow.machine, callSid: callSid, from: FormBody.value("From", in: parameters) ?? "",
                                                      to: FormBody.value("To", in: parameters) ?? "", language: language,
                                                      time: gateway.callTime ?? Date(), variables: variables, popularity: popularity,
                                                      options: options(settings, flow: name), tokens: settings.tokens)
            let first = await firstTime(request, parameters, callSid: callSid, gateway: gateway)
            if first {
                gateway.log("call \(callSid) started: flow \(flow.name), version \(flow.version.prefix(12))")
                GatewayMetrics.started(flow: flow.name)
            }
            let recorder = gateway.store == nil || !first ? nil
                : CallRecorder(id: callSid, flow: flow.name, machine: flow.machine, direction: outbound ? .outbound : .inbound,
                               caller: FormBody.value("From", in: parameters) ?? "",
                               called: FormBody.value("To", in: parameters) ?? "", started: Date(),
                               language: session.interpreter.variable("language") ?? "")
            return await answer(&session, steps, flow: flow, callSid: callSid, gateway: gateway, recorder: recorder, counting: first)
        }
        router.post("twiml/:flow/next") { request, context -> Response in
            let parameters = try await checked(request, settings)
            let name = context.parameters.get("flow") ?? ""
            guard let callSid = FormBody.value("CallSid", in: parameters), !callSid.isEmpty else { return text(.badRequest, "no CallSid") }
            guard let token = request.uri.queryParameters.get("s"), let opened = try? settings.tokens.open(token, callSid: callSid) else {
                return text(.forbidden, "the call token does not open for this call")
            }
            guard let flow = await gateway.flow(version: opened.version), flow.name == name else {
                return text(.notFound, "version \(opened.version.prefix(12)) of '\(name)' is not served here")
            }
            let popularity = await popularity(flow, gateway)
            var session: TwiMLSession
            do {
                session = try TwiMLSession.resume(machine: flow.machine, saved: opened.saved, callSid: callSid, popularity: popularity,
                                                  options: options(settings, flow: name), tokens: settings.tokens)
            } catch {
                return text(.forbidden, "the saved call does not fit its version: \(error)")
            }
            let steps: [TwiMLSession.Step]
            do {
                if let status = FormBody.value("DialCallStatus", in: parameters) {
                    steps = try session.dialed(status: status)
                } else {
                    steps = try session.gathered(digits: FormBody.value("Digits", in: parameters) ?? "",
                                                 finishedOnKey: FormBody.value("FinishedOnKey", in: parameters))
                }
            } catch {
                return text(.conflict, "\(error)")
            }
            let first = await firstTime(request, parameters, callSid: callSid, gateway: gateway)
            var recorder: CallRecorder?
            if first, let store = gateway.store, let record = try? await store.record(id: callSid) {
                recorder = CallRecorder(resuming: record, machine: flow.machine)
            }
            return await answer(&session, steps, flow: flow, callSid: callSid, gateway: gateway, recorder: recorder, counting: first)
        }
        // Recordings the TwiML plays: /audio/<version>/<root>/<language>/<file>.
        router.get("audio/:version/:root/:language/:file") { _, context -> Response in
            let parameters = context.parameters
            guard let prefix = parameters.get("version"), let root = parameters.get("root").flatMap(Int.init),
                  let language = parameters.get("language"), let file = parameters.get("file"),
                  ![language, file].contains(where: { $0.contains("/") || $0.hasPrefix(".") }),
                  let flow = gateway.library.versions.values.first(where: { $0.version.hasPrefix(prefix) }),
                  flow.machine.mediaRoots.indices.contains(root),
                  let data = FileManager.default.contents(atPath: flow.machine.mediaRoots[root] + "/" + language + "/" + file) else {
                return text(.notFound, "no such recording")
            }
            var headers = HTTPFields()
            headers[.contentType] = contentType(file)
            headers[.cacheControl] = "public, max-age=86400"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
        for path in ["twiml/:flow", "twiml/:flow/next", "twiml/status"] {
            for method in [HTTPRequest.Method.get, .put, .delete, .patch] {
                router.on(RouterPath(path), method: method) { _, _ -> Response in
                    var headers = HTTPFields()
                    headers[.allow] = "POST"
                    return Response(status: .methodNotAllowed, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "use POST\n")))
                }
            }
        }
        return Application(router: router, server: .http1(configuration: .init(idleTimeout: settings.clientTimeout)),
                           // A backlog as deep as the FastAGI listener's: Hummingbird's 256 lets
                           // a burst of new calls overflow, and a dropped SYN costs the caller a
                           // retransmit of 1 s or more.
                           configuration: .init(address: .hostname(host, port: port), serverName: "ivr-gateway", backlog: 1024),
                           onServerRunning: { channel in
                               gateway.notice("serving " + gateway.library.current.values.sorted { $0.name < $1.name }
                                   .map { "\($0.name) \($0.version.prefix(12))" }.joined(separator: ", ")
                                   + " over TwiML webhooks on http://\(host):\(channel.localAddress?.port ?? port)")
                           },
                           eventLoopGroupProvider: .shared(group), logger: logger)
    }

    /// The body (at most 64 KiB, else 413) and its parameters, once the
    /// signature over the public URL and the parameters holds (else 403).
    static func checked(_ request: Request, _ settings: Settings) async throws -> [(String, String)] {
        // The whole body within the client timeout, however it trickles in.
        let body = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await request.body.collect(upTo: maxBody) }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(settings.clientTimeout.nanoseconds))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let body = first else {
                throw HTTPError(.requestTimeout, message: "the request took too long to arrive")
            }
            return body
        }
        let parameters = FormBody.parse(Array(body.readableBytesView))
        let url = settings.publicURL + request.uri.description
        let header = request.headers.first { $0.name.canonicalName == "x-twilio-signature" }?.value
        guard settings.signer.isValid(header, url: url, parameters: parameters) else {
            throw HTTPError(.forbidden, message: "missing or wrong X-Twilio-Signature")
        }
        return parameters
    }

    static func options(_ settings: Settings, flow: String) -> TwiMLSession.Options {
        TwiMLSession.Options(voices: settings.voices, targets: settings.targets, actionBase: settings.publicURL + "/twiml/" + flow,
                             audioBase: settings.publicURL + "/audio/")
    }

    static func popularity(_ flow: FlowLibrary.Flow, _ gateway: Gateway) async -> Popularity {
        guard let store = gateway.store else { return Popularity() }
        return (try? await store.popularity(knowledgeBases: flow.machine.knowledgeBases.map(\.name))) ?? Popularity()
    }

    /// Whether this request (its URL and parameters) is new for its call:
    /// a retry is answered again, but nothing is counted or recorded twice.
    static func firstTime(_ request: Request, _ parameters: [(String, String)], callSid: String, gateway: Gateway) async -> Bool {
        guard let store = gateway.store else { return true }
        let text = request.uri.description + "\n" + parameters.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .map { $0.0 + "=" + $0.1 }.joined(separator: "\u{1F}")
        do {
            return try await store.firstTime(callID: callSid, digest: IVRCore.SHA256.hex(of: text.utf8), at: Date())
        } catch {
            gateway.logger.error("call \(callSid): --db: \(error)")
            return true
        }
    }

    /// The one switch: lookups answered, counts and the record written, the document sent.
    static func answer(_ session: inout TwiMLSession, _ first: [TwiMLSession.Step], flow: FlowLibrary.Flow, callSid: String,
                       gateway: Gateway, recorder: CallRecorder?, counting: Bool) async -> Response {
        var recorder = recorder
        var lookupFailed = false
        var steps = first[...]
        var document = TwiMLDocument([.hangup])
        while let step = steps.popFirst() {
            switch step {
            case let .lookup(table, key, sensitive):
                var record: [String: String]?
                if let lookups = gateway.lookups {
                    let answer = await lookups.find(table: table, key: key, sensitive: sensitive)
                    (record, lookupFailed) = gateway.outcome(of: answer, table: table, flow: flow.name, callID: callSid)
                } else {
                    record = flow.tables.find(table: table, key: key)
                }
                steps = session.lookupResult(record)[...] + steps
            case let .interpreted(event, output):
                recorder?.observe(event, output, at: Date(), language: session.interpreter.variable("language") ?? "")
                if lookupFailed, case .lookupResult = event {
                    recorder?.lookupFailed()
                    lookupFailed = false
                }
                guard counting, let store = gateway.store else { break }
                for action in output.actions {
                    switch action {
                    case .countHit, .countResolution:
                        do { try await store.record(action) } catch { gateway.logger.error("call \(callSid): --db: \(error)") }
                    case .play:
                        break
                    }
                }
            case .respond(let answer):
                document = answer
            }
        }
        if let record = recorder?.record, let store = gateway.store {
            do { try await store.save(record) } catch { gateway.logger.error("call \(callSid): --db: \(error)") }
        }
        // The call ends here when the answer hangs up (a transfer still
        // dialling, or failing back into the flow, has not ended).
        if counting, document.verbs.last == .hangup {
            let outcome = session.interpreter.call.outcome ?? CallRecord.interrupted
            GatewayMetrics.ended(flow: flow.name, outcome: outcome)
            gateway.log("call \(callSid) ended: flow \(flow.name), version \(flow.version.prefix(12)), outcome \(outcome)")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/xml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: document.xml)))
    }

    static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message + "\n")))
    }

    static func contentType(_ file: String) -> String {
        switch (file as NSString).pathExtension.lowercased() {
        case "wav": return "audio/wav"
        case "mp3": return "audio/mpeg"
        case "gsm": return "audio/gsm"
        case "ulaw": return "audio/basic"
        default: return "application/octet-stream"
        }
    }
}

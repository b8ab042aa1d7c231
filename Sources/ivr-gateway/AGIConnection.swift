import Foundation
import IVRAGI
import IVRCore
import IVRGateway
import Metrics
import NIOCore

/// One FastAGI connection: bytes in go to the `AGIDialogue`, its events to
/// the `AGISession`, and the session's steps are carried out in one switch.
/// It decides nothing; the dialogue and the session do.
final class AGIConnection: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    // Touched only on the channel's event loop.
    private var dialogue = AGIDialogue()
    private var session: AGISession?
    private var flow: FlowLibrary.Flow?
    /// Commands sent for a session that could not start (an unknown flow).
    private var refusing: [AGICommand] = []
    private var callID = ""
    private var recorder: CallRecorder?
    private var writer: Gateway.RecordWriter?
    /// Hits and resolutions not yet written (with the next record save).
    private var counts: [Action] = []
    /// The lookup being answered failed (`--lookup-url`): its record says so.
    private var lookupFailed = false
    private let gateway: Gateway

    init(gateway: Gateway) {
        self.gateway = gateway
    }

    func channelActive(context: ChannelHandlerContext) {
        gateway.activeCalls.add(1)
        GatewayMetrics.active.increment()
        let peer = context.channel.remoteAddress?.ipAddress ?? ""
        guard gateway.allowed.allows(peer) else {
            gateway.logger.warning("refused a connection from \(peer): not loopback and not in --allow")
            context.close(promise: nil)
            return
        }
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .seconds(Int64(Gateway.environmentSeconds))) {
            let (connection, context) = loopBound.value
            if let event = connection.dialogue.environmentTimedOut() { connection.handle(event, context) }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        // Event handling latency: from the bytes in to the next command out.
        let received = DispatchTime.now().uptimeNanoseconds
        for event in dialogue.receive(buffer.readableBytesView) { handle(event, context) }
        GatewayMetrics.handling.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - received))
    }

    func channelInactive(context: ChannelHandlerContext) {
        defer {
            gateway.activeCalls.add(-1)
            GatewayMetrics.active.decrement()
        }
        // The peer went away: a call not ended ends where it stands.
        if let steps = session?.protocolError(), !steps.isEmpty { perform(steps, context) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func handle(_ event: AGIDialogue.Event, _ context: ChannelHandlerContext) {
        switch event {
        case .environment(let environment):
            callID = environment.uniqueID
            guard let flow = gateway.library.flow(named: environment.script) else {
                gateway.logger.warning("call \(callID): no flow '\(environment.script)'")
                refusing = AGISession.unknownFlow("no flow named '\(environment.script)'")
                sendRefusal(context)
                return
            }
            self.flow = flow
            guard let store = gateway.store else {
                begin(environment, flow, Popularity(), context)
                return
            }
            // Popularity as the store has it when the call starts, read off the event loop.
            let names = flow.machine.knowledgeBases.map(\.name)
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            Task {
                let popularity = (try? await store.popularity(knowledgeBases: names)) ?? Popularity()
                loopBound.eventLoop.execute {
                    let (connection, context) = loopBound.value
                    connection.begin(environment, flow, popularity, context)
                }
            }
        case .reply(let command, let reply):
            if session == nil {
                sendRefusal(context)
            } else if let steps = session?.reply(command, reply) {
                perform(steps, context)
            }
        case .hangup:
            if let steps = session?.hangupLine() { perform(steps, context) }
        case .protocolError(let reason):
            gateway.logger.warning("call \(callID): \(reason); the session ends")
            if let steps = session?.protocolError() { perform(steps, context) } else { context.close(promise: nil) }
        }
    }

    private func begin(_ environment: AGIEnvironment, _ flow: FlowLibrary.Flow, _ popularity: Popularity, _ context: ChannelHandlerContext) {
        var session = AGISession(machine: flow.machine, options: gateway.options, popularity: popularity)
        let now = Date()
        if let store = gateway.store {
            writer = Gateway.RecordWriter(store: store, gateway: gateway)
            let language = environment.namedArguments.first { $0.name == "lang" }?.value ?? flow.machine.languages.first ?? ""
            recorder = CallRecorder(id: callID.isEmpty ? UUID().uuidString : callID, flow: flow.name, machine: flow.machine,
                                    caller: environment.caller, called: environment.called, started: now, language: language)
        }
        gateway.log("call \(callID) started: flow \(flow.name), version \(flow.version.prefix(12))")
        GatewayMetrics.started(flow: flow.name)
        // The call's time is the gateway's clock, or `--at` (schedules tried at a chosen hour).
        let steps = session.start(environment, now: gateway.callTime ?? now)
        self.session = session
        perform(steps, context)
    }

    private func sendRefusal(_ context: ChannelHandlerContext) {
        guard !refusing.isEmpty else {
            context.close(promise: nil)
            return
        }
        send(refusing.removeFirst(), context)
    }

    /// The one switch: each step as the session asked.
    private func perform(_ steps: [AGISession.Step], _ context: ChannelHandlerContext) {
        for step in steps {
            switch step {
            case .send(let command):
                send(command, context)
            case let .lookup(table, key, sensitive):
                guard let lookups = gateway.lookups else {
                    let record = flow?.tables.find(table: table, key: key)
                    if let more = session?.lookupResult(record) { perform(more, context) }
                    break
                }
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                Task {
                    let answer = await lookups.find(table: table, key: key, sensitive: sensitive)
                    loopBound.eventLoop.execute {
                        let (connection, context) = loopBound.value
                        connection.answered(table, answer, context)
                    }
                }
            case let .interpreted(event, output):
                guard recorder != nil, let session else { break }
                if case .start = event, session.isDialerCall { recorder?.markOutbound() }
                counts += output.actions.filter { if case .play = $0 { return false } else { return true } }
                let language = session.interpreter.variable("language") ?? ""
                let save = recorder?.observe(event, output, at: Date(), language: language) == true
                if lookupFailed, case .lookupResult = event {
                    recorder?.lookupFailed()
                    lookupFailed = false
                }
                if save, let record = recorder?.record {
                    writer?.save(record, counts: counts)
                    counts = []
                }
            case let .noAudio(prompt, language):
                gateway.logOnce("no recording of '\(prompt)' in \(language) and --tts none: skipped")
            case .missingSound(let sound):
                gateway.logger.warning("call \(callID): Asterisk could not play '\(sound)'; the call goes on")
            case .refused(let reason):
                // Never answered: no record.
                gateway.logger.warning("call \(callID): \(reason)")
                recorder = nil
            case .close:
                if let record = recorder?.record { writer?.save(record, counts: counts) }
                counts = []
                recorder = nil
                // SPEC 11: call id, flow, version and outcome on the end line too.
                GatewayMetrics.ended(flow: flow?.name ?? "-", outcome: session?.interpreter.call.outcome ?? CallRecord.interrupted)
                gateway.log("call \(callID) ended: flow \(flow?.name ?? "-"), version \(flow?.version.prefix(12) ?? "-"), "
                            + "outcome \(session?.interpreter.call.outcome ?? CallRecord.interrupted)")
                context.close(promise: nil)
            }
        }
    }

    /// A lookup by URL came back (on the event loop again).
    private func answered(_ table: String, _ answer: HTTPLookup.Answer, _ context: ChannelHandlerContext) {
        let (record, failed) = gateway.outcome(of: answer, table: table, flow: flow?.name ?? "-", callID: callID)
        lookupFailed = failed
        if let steps = session?.lookupResult(record) { perform(steps, context) }
    }

    private func send(_ command: AGICommand, _ context: ChannelHandlerContext) {
        guard let line = dialogue.send(command) else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: line)), promise: nil)
    }
}

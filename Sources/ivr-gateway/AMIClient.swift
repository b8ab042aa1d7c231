import Foundation
import IVRAMI
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The `ami` dialer's connection to the Asterisk manager (SwiftNIO) around
/// the pure `AMIDialer`: bytes in, its actions carried out in one switch.
/// It connects again a second after the connection drops (the dialer says
/// what became of the calls in flight), until `stop`.
final class AMIClient: Sendable {
    let host: String
    let port: Int
    let eventLoop: any EventLoop
    /// Results, answers and login refusals, for the campaign driver.
    let report: @Sendable (AMIDialer.Action) -> Void
    fileprivate let state: NIOLockedValueBox<State>

    struct State {
        var dialer: AMIDialer
        var channel: (any Channel)?
        var stopped = false
    }

    init(host: String, port: Int, username: String, secret: String, eventLoop: any EventLoop,
         report: @escaping @Sendable (AMIDialer.Action) -> Void) {
        self.host = host
        self.port = port
        self.eventLoop = eventLoop
        self.report = report
        state = NIOLockedValueBox(State(dialer: AMIDialer(username: username, secret: secret)))
    }

    func start() { connect() }

    func stop() {
        let channel = state.withLockedValue { state -> (any Channel)? in
            state.stopped = true
            return state.channel
        }
        channel?.close(promise: nil)
    }

    func originate(_ call: AMIDialer.Originate) {
        let actions = state.withLockedValue { $0.dialer.originate(call) }
        perform(actions)
    }

    private func connect() {
        let client = self
        ClientBootstrap(group: eventLoop)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Handler(client: client)) }
            }
            .connect(host: host, port: port)
            .whenComplete { result in
                switch result {
                case .success(let channel):
                    channel.closeFuture.whenComplete { _ in client.dropped() }
                case .failure:
                    client.retry()
                }
            }
    }

    private func dropped() {
        let actions = state.withLockedValue { state -> [AMIDialer.Action] in
            state.channel = nil
            return state.dialer.disconnected()
        }
        perform(actions)
        retry()
    }

    private func retry() {
        guard !state.withLockedValue({ $0.stopped }) else { return }
        let client = self
        eventLoop.scheduleTask(in: .seconds(1)) { client.connect() }
    }

    fileprivate func received(_ buffer: ByteBuffer) {
        let outcome = state.withLockedValue { state -> Result<[AMIDialer.Action], AMIFramer.Problem> in
            do throws(AMIFramer.Problem) { return .success(try state.dialer.received(buffer.readableBytesView)) } catch { return .failure(error) }
        }
        switch outcome {
        case .success(let actions): perform(actions)
        case .failure:
            // A peer that is not a manager, or one that misbehaves: drop it and connect again.
            state.withLockedValue { $0.channel }?.close(promise: nil)
        }
    }

    /// The one switch.
    private func perform(_ actions: [AMIDialer.Action]) {
        for action in actions {
            switch action {
            case .send(let message):
                guard let channel = state.withLockedValue({ $0.channel }) else { continue }
                channel.writeAndFlush(ByteBuffer(string: message.wire), promise: nil)
            case .loggedIn, .refused, .answered, .result:
                report(action)
            }
        }
    }

    private final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let client: AMIClient
        init(client: AMIClient) { self.client = client }

        /// Before any byte is read: the login answers the banner on this channel.
        func channelActive(context: ChannelHandlerContext) {
            let channel = context.channel
            client.state.withLockedValue { $0.channel = channel }
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            client.received(unwrapInboundIn(data))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

import Foundation
import NIOCore
import NIOPosix

/// The baseline: a FastAGI server with no interpreter, no flows and no
/// store, on as many event-loop threads as the gateway is given. It answers the driver's
/// dialogue with fixed commands (ANSWER, then WAIT FOR DIGIT until the
/// caller hangs up, then the three end variables), so that what it costs is
/// the floor of sockets, event loops and the driver.
enum EchoServer {
    final class Session: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        var pending: [UInt8] = []
        var inEnvironment = true
        var finishing = 0

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
            while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let empty = end == pending.startIndex
                let hangup = pending[..<end].elementsEqual("HANGUP".utf8)
                let gone = pending[..<end].starts(with: "200 result=-1".utf8)
                pending.removeSubrange(...end)
                if inEnvironment {
                    if empty {
                        inEnvironment = false
                        send("ANSWER\n", context)
                    }
                } else if hangup {
                    continue
                } else if gone || finishing > 0 {
                    finishing += 1
                    switch finishing {
                    case 1: send("SET VARIABLE IVR_OUTCOME abandoned\n", context)
                    case 2: send("SET VARIABLE IVR_STATE main\n", context)
                    case 3: send("SET VARIABLE IVR_VAR_language en-US\n", context)
                    default: context.close(promise: nil)
                    }
                } else {
                    send("WAIT FOR DIGIT 5000\n", context)
                }
            }
        }

        func send(_ text: String, _ context: ChannelHandlerContext) {
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text)), promise: nil)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    static func run(threads: Int) throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        let channel = try ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Session()) }
            }
            .bind(host: "127.0.0.1", port: 0).wait()
        FileHandle.standardError.write(Data("echo on 127.0.0.1:\(channel.localAddress?.port ?? 0)\n".utf8))
        try channel.closeFuture.wait()
    }
}

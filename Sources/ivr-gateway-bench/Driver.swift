import Foundation
import NIOCore
import NIOPosix

/// Plays Asterisk for many calls at once over loopback: each call sends the
/// environment block, answers every command as Asterisk would, presses
/// 3 1 1 # then hangs up at the next wait, and times each reply until the
/// server's next command.
enum Driver {
    struct Result {
        var seconds: Double
        var calls: Int
        var lost: Int
        /// Reply-to-next-command times, in seconds, sorted.
        var latencies: [Double]

        var callsPerSecond: Double { Double(calls) / seconds }

        func percentile(_ fraction: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            return latencies[min(latencies.count - 1, Int(Double(latencies.count) * fraction))]
        }
    }

    static let environment = "agi_network: yes\nagi_network_script: hotline\nagi_request: agi://127.0.0.1/hotline\n"
        + "agi_channel: Local/s@bench-00000001;2\nagi_language: en\nagi_type: Local\nagi_uniqueid: 1795434519.1\nagi_version: 22.10.1\n"
        + "agi_callerid: 13800138000\nagi_calleridname: unknown\nagi_dnid: 95588\nagi_context: bench\nagi_extension: 95588\nagi_priority: 2\n"
        + "agi_arg_1: lang=en-US\n\n"

    /// State shared by the calls of one run; touched on the driver's one event loop.
    final class Run: @unchecked Sendable {
        let port: Int
        let group: any EventLoopGroup
        var toStart: Int
        var running = 0
        var completed = 0
        var lost = 0
        var latencies: [Double] = []
        let done: EventLoopPromise<Void>
        /// Calls held at their first wait (memory measure), not answered.
        let hold: Bool
        var held: [BenchCall] = []
        var heldCount = 0
        let allHeld: EventLoopPromise<Void>?
        /// Milliseconds a caller takes before each reply (uniform in 0...2×), 0 for none.
        var think = 0

        init(port: Int, group: any EventLoopGroup, calls: Int, hold: Bool) {
            self.port = port
            self.group = group
            toStart = calls
            self.hold = hold
            done = group.next().makePromise()
            allHeld = hold ? done.futureResult.eventLoop.makePromise() : nil
        }

        func startOne() {
            guard toStart > 0 else { return }
            toStart -= 1
            running += 1
            let run = self
            ClientBootstrap(group: done.futureResult.eventLoop)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(BenchCall(run: run)) }
                }
                .connect(host: "127.0.0.1", port: port)
                .whenFailure { _ in
                    run.lost += 1
                    run.finished()
                }
        }

        func finished() {
            running -= 1
            completed += 1
            if toStart > 0 { startOne() } else if running == 0 { done.succeed(()) }
        }
    }

    final class BenchCall: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let run: Run
        var pending: [UInt8] = []
        var keys: [UInt8] = Array("311#".utf8)
        var sentAt: UInt64 = 0
        var ended = false
        var context: ChannelHandlerContext?
        var heldCommand = false

        init(run: Run) { self.run = run }

        func channelActive(context: ChannelHandlerContext) {
            self.context = context
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: Driver.environment)), promise: nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let now = DispatchTime.now().uptimeNanoseconds
            var buffer = unwrapInboundIn(data)
            pending += buffer.readBytes(length: buffer.readableBytes) ?? []
            while let end = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeSubrange(...end)
                if sentAt != 0 {
                    run.latencies.append(Double(now - sentAt) / 1e9)
                    sentAt = 0
                }
                answer(line, context)
            }
        }

        func answer(_ line: String, _ context: ChannelHandlerContext) {
            var reply: String
            var timed = true
            if line.hasPrefix("WAIT FOR DIGIT") {
                if run.hold, !heldCommand {
                    heldCommand = true
                    run.held.append(self)
                    run.heldCount += 1
                    if run.heldCount == run.toStart + run.running { run.allHeld?.succeed(()) }
                    return
                }
                if keys.isEmpty {
                    reply = "200 result=-1\nHANGUP\n"
                    ended = true
                } else {
                    reply = "200 result=\(keys.removeFirst())\n"
                }
            } else if line.hasPrefix("SET VARIABLE") || line.hasPrefix("GET VARIABLE") {
                reply = line.hasPrefix("SET") ? "200 result=1\n" : "200 result=0\n"
                // The server may close after the last one: not timed.
                timed = false
            } else if line == "HANGUP" {
                reply = "200 result=1\nHANGUP\n"
                timed = false
            } else if line.hasPrefix("STREAM FILE") || line.hasPrefix("EXEC") {
                reply = "200 result=0 endpos=8000\n"
            } else {
                reply = "200 result=0\n"
            }
            if ended, reply.hasPrefix("200 result=-1") { timed = true }
            guard run.think > 0, line.hasPrefix("WAIT FOR DIGIT") else {
                send(reply, timed: timed, context.channel)
                return
            }
            // A caller thinking before a key: the reply goes later.
            let channel = context.channel
            channel.eventLoop.scheduleTask(in: .milliseconds(Int64.random(in: 0...Int64(2 * run.think)))) {
                self.send(reply, timed: timed, channel)
            }
        }

        func send(_ reply: String, timed: Bool, _ channel: any Channel) {
            channel.writeAndFlush(ByteBuffer(string: reply), promise: nil)
            sentAt = timed ? DispatchTime.now().uptimeNanoseconds : 0
        }

        /// Answers the held wait now.
        func release() {
            guard let context, heldCommand else { return }
            run.held.removeAll { $0 === self }
            answer("WAIT FOR DIGIT 4000", context)
        }

        func channelInactive(context: ChannelHandlerContext) {
            if !ended { run.lost += 1 }
            run.finished()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    static func run(port: Int, calls: Int, concurrent: Int, think: Int = 0, group: any EventLoopGroup) throws -> Result {
        let run = Run(port: port, group: group, calls: calls, hold: false)
        run.think = think
        let loop = run.done.futureResult.eventLoop
        let start = DispatchTime.now().uptimeNanoseconds
        loop.execute {
            // Paced callers also arrive spread over a second, as calls do;
            // others all at once.
            for _ in 0..<min(concurrent, calls) {
                if think > 0 {
                    loop.scheduleTask(in: .milliseconds(Int64.random(in: 0...1000))) { run.startOne() }
                } else {
                    run.startOne()
                }
            }
        }
        try run.done.futureResult.wait()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let result = try loop.submit { Result(seconds: seconds, calls: run.completed - run.lost, lost: run.lost, latencies: run.latencies.sorted()) }.wait()
        return result
    }

    /// Calls held open at their first wait, until released.
    struct Held {
        let run: Run

        func release() {
            let run = run
            try? run.done.futureResult.eventLoop.submit {
                for call in run.held { call.release() }
            }.wait()
            try? run.done.futureResult.wait()
        }
    }

    static func hold(port: Int, calls: Int, group: any EventLoopGroup) throws -> Held {
        let run = Run(port: port, group: group, calls: calls, hold: true)
        let loop = run.done.futureResult.eventLoop
        loop.execute {
            let count = run.toStart
            for _ in 0..<count { run.startOne() }
        }
        try run.allHeld?.futureResult.wait()
        return Held(run: run)
    }
}

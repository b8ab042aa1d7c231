import Foundation
import IVRCore
import IVRTools

/// Keys from standard input, read as the call waits for them; `KeyDecoder`
/// decides what the bytes mean. On a terminal it switches to raw mode (no
/// line editing, no echo) until `restore`, so keys act as they are typed,
/// and silence times out for real: the wait's own timeout (the inter-digit
/// one once an entry has begun) unless `--no-timeouts`. From a pipe or
/// file, input that is not keys is a usage error (exit 2) naming its byte
/// offset.
final class KeyReader {
    private var saved = termios()
    private var raw = false
    private var decoder: KeyDecoder
    let interactive: Bool
    /// Real timeouts on a terminal; false with `--no-timeouts`.
    let timeouts: Bool
    /// How long the rest of an escape sequence may take to arrive.
    private static let escapeGapMs: Int32 = 40

    init(timeouts: Bool) {
        interactive = isatty(STDIN_FILENO) == 1
        self.timeouts = timeouts && interactive
        decoder = KeyDecoder(interactive: interactive)
        guard interactive, tcgetattr(STDIN_FILENO, &saved) == 0 else { return }
        var settings = saved
        settings.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
        withUnsafeMutablePointer(to: &settings.c_cc) { pointer in
            pointer.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
        }
        raw = tcsetattr(STDIN_FILENO, TCSANOW, &settings) == 0
    }

    func restore() {
        if raw { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        raw = false
    }

    /// The caller's answer to `wait`; the end of input is a hangup.
    func next(_ wait: Action.Wait) -> InputToken {
        let limit = wait.entered > 0 ? wait.interDigitTimeoutMs : wait.timeoutMs
        let deadline = timeouts ? DispatchTime.now().uptimeNanoseconds + UInt64(max(limit, 0)) * 1_000_000 : nil
        while true {
            let readable: Bool
            if decoder.inEscape {
                readable = Self.poll(Self.escapeGapMs)
                if !readable {
                    decoder.pause()
                    continue
                }
            } else if let deadline {
                let now = DispatchTime.now().uptimeNanoseconds
                guard now < deadline, Self.poll(Int32(clamping: (deadline - now + 999_999) / 1_000_000)) else { return .timeout }
            }
            var byte: UInt8 = 0
            guard read(STDIN_FILENO, &byte, 1) == 1 else {
                handle(decoder.finish())
                return .hangup
            }
            if let token = handle(decoder.feed(byte)) { return token }
        }
    }

    /// Carries out one decoder step: a token to return, a note, or exit 2.
    @discardableResult
    private func handle(_ step: KeyDecoder.Step) -> InputToken? {
        switch step {
        case .none:
            return nil
        case .token(let token):
            return token
        case .skipped(let what):
            Console.error("  (ignored: \(what))")
            return nil
        case .error(let error):
            restore()
            Console.error("ivr: standard input: \(error)")
            Foundation.exit(ExitStatus.usage)
        }
    }

    /// True when standard input has a byte (or its end) within `milliseconds`.
    private static func poll(_ milliseconds: Int32) -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = Glibc.poll(&descriptor, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            return ready != 0
        }
    }
}

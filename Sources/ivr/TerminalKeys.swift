import Foundation
import IVRCore

/// Keys typed on a terminal, one at a time as they are pressed: the
/// terminal is put in raw mode (no line editing, no echo) until `restore`.
final class TerminalKeys {
    private var saved = termios()
    private var active = false

    init() {
        guard tcgetattr(STDIN_FILENO, &saved) == 0 else { return }
        var raw = saved
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
        withUnsafeMutablePointer(to: &raw.c_cc) { pointer in
            pointer.withMemoryRebound(to: cc_t.self, capacity: Int(NCCS)) { cc in
                cc[Int(VMIN)] = 1
                cc[Int(VTIME)] = 0
            }
        }
        active = tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0
    }

    func restore() {
        if active { tcsetattr(STDIN_FILENO, TCSANOW, &saved) }
        active = false
    }

    /// The next input; Ctrl-C, Ctrl-D and the end of input hang up. Other
    /// characters that are not keys are ignored with a note.
    func next() -> InputToken? {
        while true {
            var byte: UInt8 = 0
            guard read(STDIN_FILENO, &byte, 1) == 1 else { return .hangup }
            if byte == 3 || byte == 4 { return .hangup }
            guard byte < 0x80 else { continue }
            do {
                if let token = try InputToken(Character(Unicode.Scalar(byte))) { return token }
            } catch {
                Console.error("  (\(error))")
            }
        }
    }
}

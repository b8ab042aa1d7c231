import Foundation
import IVRCore
import IVRTools

/// Keys from standard input, read one at a time as the call waits for them.
/// On a terminal it switches to raw mode (no line editing, no echo) until
/// `restore`, so keys act as they are typed; Ctrl-C and Ctrl-D hang up and
/// other characters are ignored with a note. From a pipe or file, a
/// character that is not a key is a usage error (exit 2).
final class KeyReader {
    private var saved = termios()
    private var raw = false
    let interactive: Bool

    init() {
        interactive = isatty(STDIN_FILENO) == 1
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

    /// The next input; the end of input is a hangup.
    func next() -> InputToken? {
        while true {
            guard let character = readCharacter() else { return .hangup }
            if interactive, character == "\u{3}" || character == "\u{4}" { return .hangup }
            do {
                if let token = try InputToken(character) { return token }
            } catch {
                if interactive {
                    Console.error("  (\(error))")
                } else {
                    restore()
                    Console.error("ivr: standard input: \(error)")
                    Foundation.exit(ExitStatus.usage)
                }
            }
        }
    }

    /// One UTF-8 character from standard input, unbuffered.
    private func readCharacter() -> Character? {
        var bytes: [UInt8] = []
        while true {
            var byte: UInt8 = 0
            guard read(STDIN_FILENO, &byte, 1) == 1 else { return nil }
            bytes.append(byte)
            if let text = String(validating: bytes, as: UTF8.self), let character = text.first { return character }
            if bytes.count >= 4 { return "\u{FFFD}" }
        }
    }
}

import Foundation
import IVRCore
import IVRTools

/// Writes a call's trace: JSON lines with `--json` (exactly SPEC 8's trace),
/// else a transcript a person reads. The transcript shows an entry's keys
/// as one line as they are typed, which case a branch took (from the
/// output's coverage points) and where a caller hung up.
final class TranscriptPrinter {
    let json: Bool
    let machine: Machine
    /// The command line resolves recorded audio to the file's path.
    let media: (MediaReference) -> String
    /// The last wait took more than one key: its keys make one line.
    private var entryWait = false
    /// An entry's line is open (no newline yet).
    private var entryOpen = false
    /// The state of the last line written.
    private var lastState = ""

    init(json: Bool, machine: Machine, media: @escaping (MediaReference) -> String = \.relativePath) {
        self.json = json
        self.machine = machine
        self.media = media
    }

    /// What the keys do, printed first on a terminal.
    static func legend(timeouts: Bool) -> String {
        let silence = timeouts ? "silence times out as the wait says (. times out at once)" : ". times out (silence waits for ever)"
        return "keys: 0-9 * # A-D press · \(silence) · ! or Ctrl-D hangs up\n"
    }

    func print(_ output: Output) {
        if json {
            for line in output.trace { write(line.json(media: media) + "\n") }
            return
        }
        var branches: [String: [(state: Int, position: Int)]] = [:]
        for case let .branch(state, position) in output.covered {
            branches[machine.states[state].name, default: []].append((state, position))
        }
        for line in output.trace {
            if case .key(let key) = line.kind, entryWait {
                let shown = key == "***" ? "•" : key
                write(entryOpen ? shown : "  caller enters \(shown)")
                entryOpen = true
                continue
            }
            if entryOpen { write("\n") }
            entryOpen = false
            if case .wait(let maxKeys, _, _, _) = line.kind { entryWait = maxKeys > 1 }
            write(Self.describe(line, media: media) + "\n")
            lastState = line.state
            if case .enter = line.kind, let taken = branches[line.state]?.first {
                branches[line.state]?.removeFirst()
                write(branchLine(taken.state, taken.position) + "\n")
            }
        }
    }

    /// The caller hung up (a `!`, Ctrl-D or the end of input): where.
    func callerHangsUp() {
        guard !json else { return }
        if entryOpen { write("\n") }
        entryOpen = false
        write("  caller hangs up in \(lastState)\n")
    }

    private func branchLine(_ state: Int, _ position: Int) -> String {
        guard case .branch(let cases, _) = machine.states[state].kind, position < cases.count else { return "  takes else" }
        return "  takes case \(position + 1): \(cases[position].label)"
    }

    private func write(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }

    static func describe(_ line: TraceEvent, media: (MediaReference) -> String = \.relativePath) -> String {
        switch line.kind {
        case .enter:
            return line.state
        case let .play(prompt, language, text, audio):
            return "  says [\(prompt) \(language)] \(text)" + (audio.map { "  (audio \(media($0)))" } ?? "")
        case let .wait(maxKeys, finishOn, timeout, interDigit):
            var text = maxKeys == 1 ? "  waits for a key" : "  waits for up to \(maxKeys) keys"
            if let finishOn { text += ", \(finishOn) to finish" }
            text += " (timeout \(seconds(timeout))"
            if maxKeys > 1 { text += ", \(seconds(interDigit)) between keys" }
            return text + ")"
        case .key(let key):
            return "  caller presses \(key)"
        case .timeout:
            return "  caller is silent until the timeout"
        case .noInput(let attempt):
            return "  no input (attempt \(attempt))"
        case let .noMatch(attempt, input):
            return "  no match for '\(input)' (attempt \(attempt))"
        case let .set(name, value):
            return "  sets \(name) = \(value)"
        case let .lookup(table, key, found):
            return "  looks up '\(key)' in \(table): \(found ? "found" : "not found")"
        case .answer(let article):
            return "  answers with article \(article)"
        case .transfer(let target):
            return "  transfers to \(target)"
        case .transferFailed(let reason):
            return "  the transfer failed: \(reason)"
        case let .end(outcome, steps):
            return "call ended: \(outcome) after \(steps) steps"
        }
    }

    static func seconds(_ milliseconds: Int) -> String {
        milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }
}

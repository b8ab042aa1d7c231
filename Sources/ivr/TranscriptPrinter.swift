import Foundation
import IVRCore
import IVRTools

/// Writes a call's trace: JSON lines with `--json`, else a transcript a
/// person reads.
struct TranscriptPrinter {
    var json: Bool
    /// The command line resolves recorded audio to the file's path.
    var media: (MediaReference) -> String = \.relativePath

    func print(_ line: TraceEvent) {
        let text = json ? line.json(media: media) : Self.describe(line, media: media)
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
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

import Foundation
import IVRCore

/// The command line's clock (SPEC 10): time moves only as a call would
/// take it, so durations in records are deterministic and meaningful. A
/// prompt takes its recording's length when one exists, else its text's
/// length read at 4 characters a second for Chinese, Japanese and Korean
/// tags and 15 for others; a key takes 1 s; a timeout its configured time.
/// Pure: it is told what happened and says what time it is.
public struct VirtualClock: Sendable {
    public private(set) var now: Date
    /// Seconds of a prompt's recording, when the host can measure it.
    public var audioSeconds: @Sendable (MediaReference) -> Double? = { _ in nil }

    public static let keySeconds = 1.0

    public init(start: Date) {
        now = start
    }

    /// Seconds a prompt takes.
    public func seconds(_ play: Action.Play) -> Double {
        if let audio = play.audio, let length = audioSeconds(audio) { return length }
        // Scalars, not grapheme clusters: the same count for this text, far cheaper.
        return Double(play.text.unicodeScalars.count) / Self.charactersPerSecond(play.language)
    }

    public static func charactersPerSecond(_ language: String) -> Double {
        let tag = language.lowercased()
        return ["zh", "yue", "ja", "ko"].contains { tag == $0 || tag.hasPrefix($0 + "-") } ? 4 : 15
    }

    /// The output's prompts play.
    public mutating func play(_ output: Output) {
        for case .play(let play) in output.actions { now += seconds(play) }
    }

    /// The caller presses a key.
    public mutating func key() { now += Self.keySeconds }

    /// The wait expires: the first-key timeout, or the inter-digit one once
    /// an entry has begun.
    public mutating func timeout(_ wait: Action.Wait) {
        now += Double(wait.entered > 0 ? wait.interDigitTimeoutMs : wait.timeoutMs) / 1000
    }
}

import Foundation
import IVRCore

/// A campaign file (`*.campaign.yaml`, SPEC 14) as loaded: the settings,
/// every target of its CSV with its row, and the do-not-call list. Marks are
/// kept so that checks that need the flow report at the right place.
public struct CampaignFile: Sendable {
    /// `rate: 30/m`: at most `calls` new calls in any `seconds`.
    public struct Rate: Sendable, Equatable {
        public var calls: Int
        public var seconds: Int

        public init(calls: Int, seconds: Int) {
            self.calls = calls
            self.seconds = seconds
        }
    }

    /// `simulate:`: the chances (percent) of each result for the simulate dialer.
    public struct Chances: Sendable, Equatable {
        public var percent: [CallResult: Double]
        /// What the person who answers presses (`ivr run --input` syntax).
        public var keys: String
    }

    /// One row of the targets CSV.
    public struct Target: Sendable, Equatable {
        /// The CSV line of the row (its place in reports and the store).
        public var line: Int
        public var number: String
        /// The `timezone` column, when the row gives one.
        public var timeZone: String?
        /// The `lang` column: the language the call starts in (else the flow's first).
        public var language: String?
        /// The other columns but those starting with `_`: the call data.
        public var data: [String: String]
        /// `_answer`: the results of successive attempts, for `simulate`.
        public var answers: [CallResult]?
        /// `_keys`: what the person who answers presses, for `simulate`.
        public var keys: String?
        /// Where each column's cell is, by column name (for checks).
        public var marks: [String: SourceMark]
    }

    public var path: String
    public var name: String
    /// The flow file, as an absolute path (empty when the file names none:
    /// that error is reported and the campaign does not run).
    public var flowPath: String
    public var flowMark: SourceMark
    public var targetsPath: String
    public var callerID: String?
    public var timeZone: TimeZone
    public var window: [[Schedule.Interval]]
    public var closed: Set<String>
    public var maxAttempts: Int
    /// Delay before the next attempt, by result (a result without one is not retried).
    public var retry: [CallResult: TimeInterval]
    public var concurrency: Int
    public var rate: Rate?
    public var doNotCall: Set<String>
    public var chances: Chances?
    public var targets: [Target]
    /// The columns of the CSV header, with their marks.
    public var columns: [(name: String, mark: SourceMark)]
    public var headerMark: SourceMark

    /// A phone number as the campaign accepts it: 3 to 15 digits, optionally after a `+`.
    public static func isPhoneNumber(_ text: String) -> Bool {
        let digits = text.hasPrefix("+") ? text.dropFirst() : Substring(text)
        return (3...15).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

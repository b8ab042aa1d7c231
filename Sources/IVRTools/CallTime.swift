import Foundation
import IVRCore

/// `--at` and scenario `at:`: ISO 8601 with an offset, such as
/// `2026-11-23T10:30:00+08:00` or `2026-11-23T02:30:00Z`.
public enum CallTime {
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// `2026-11-23T02:30:00Z`: a time in UTC, as logs and JSON write it.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    public static let hint = "write ISO 8601 with an offset, such as 2026-11-23T10:30:00+08:00"
}

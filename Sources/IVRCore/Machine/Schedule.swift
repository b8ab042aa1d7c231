import Foundation

/// Business hours: weekly intervals in a time zone, minus closed dates.
/// An interval includes its start minute and excludes its end.
public struct Schedule: Sendable {
    public struct Interval: Sendable, Equatable {
        public var start: Int  // minutes after local midnight
        public var end: Int
    }

    public var timeZone: TimeZone
    /// Index 0 is Monday, 6 is Sunday.
    public var weekly: [[Interval]]
    /// Local dates `YYYY-MM-DD` on which the schedule is closed all day.
    public var closed: Set<String>

    public init(timeZone: TimeZone, weekly: [[Interval]], closed: Set<String>) {
        self.timeZone = timeZone
        self.weekly = weekly
        self.closed = closed
    }

    public func isOpen(at date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        guard let year = parts.year, let month = parts.month, let day = parts.day,
              let weekday = parts.weekday, let hour = parts.hour, let minute = parts.minute else { return false }
        let localDate = String(format: "%04d-%02d-%02d", year, month, day)
        if closed.contains(localDate) { return false }
        let dayIndex = (weekday + 5) % 7  // Calendar: 1 is Sunday
        let now = hour * 60 + minute
        return weekly[dayIndex].contains { $0.start <= now && now < $0.end }
    }
}

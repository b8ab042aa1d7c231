import Foundation

/// Business hours: weekly intervals in a time zone, minus closed dates.
/// An interval includes its start minute and excludes its end.
public struct Schedule: Sendable {
    public struct Interval: Sendable, Equatable {
        public var start: Int  // minutes after local midnight
        public var end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }
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

    /// The first minute at or after `date` when the schedule is open, within
    /// `days` local days; nil when it never opens in them. Local times are
    /// taken in the schedule's zone, so a window keeps its local hours
    /// across a daylight-saving change (a start that falls in a skipped
    /// hour opens at the transition, when the local clock jumps into the
    /// interval).
    public func nextOpening(atOrAfter date: Date, days: Int = 400) -> Date? {
        if isOpen(at: date) { return date }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let startOfDay = calendar.startOfDay(for: date)
        for offset in 0...days {
            guard let day = calendar.date(byAdding: .day, value: offset, to: startOfDay) else { return nil }
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            guard let year = parts.year, let month = parts.month, let dayOfMonth = parts.day, let weekday = parts.weekday else { continue }
            if closed.contains(String(format: "%04d-%02d-%02d", year, month, dayOfMonth)) { continue }
            for interval in weekly[(weekday + 5) % 7].sorted(by: { $0.start < $1.start }) {
                var components = DateComponents(year: year, month: month, day: dayOfMonth, hour: interval.start / 60, minute: interval.start % 60)
                components.timeZone = timeZone
                guard var opening = calendar.date(from: components) else { continue }
                // A start in the hour a spring-forward skips: open from the
                // transition, the first minute the local clock is inside the interval.
                let local = calendar.dateComponents([.hour, .minute], from: opening)
                if (local.hour ?? 0) * 60 + (local.minute ?? 0) != interval.start,
                   let transition = timeZone.nextDaylightSavingTimeTransition(after: day), transition < opening {
                    opening = transition
                }
                if opening > date { return opening }
                // The interval began before `date` (and `date` is not inside it).
            }
        }
        return nil
    }
}

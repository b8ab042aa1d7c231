import Foundation
import Yams

/// Reads one named schedule of `hours:`:
/// `{ timezone: Asia/Shanghai, weekly: { mon-fri: "09:00-18:00" }, closed: [2026-10-01] }`.
public struct ScheduleParser {
    static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    let reader: NodeReader

    public init(reader: NodeReader) { self.reader = reader }

    var bag: DiagnosticBag { reader.bag }

    func parse(_ node: Node, name: String) -> Schedule? {
        let what = "schedule '\(name)'"
        guard let fields = reader.fields(node, what, allowed: ["timezone", "weekly", "closed"]) else { return nil }
        var zone: TimeZone?
        if let zoneNode = fields["timezone"], let text = reader.string(zoneNode, "'timezone'") {
            zone = timeZone(text)
        } else if !fields.has("timezone") {
            bag.report(.scheduleNeedsTimeZone(what), at: fields.mark)
        }
        let weekly = fields["weekly"].map { self.weekly($0, what: what) } ?? Array(repeating: [], count: 7)
        let closed = fields["closed"].map(closedDates) ?? []
        guard let zone, let weekly, let closed else { return nil }
        return Schedule(timeZone: zone, weekly: weekly, closed: closed)
    }

    /// An IANA time zone such as `Asia/Shanghai` (or `UTC`); else reported, nil.
    public func timeZone(_ text: Located<String>) -> TimeZone? {
        if let zone = TimeZone(identifier: text.value), text.value.contains("/") || text.value == "UTC" { return zone }
        bag.report(.unknownTimeZone(text.value, suggestion: Suggestion.closest(to: text.value, in: TimeZone.knownTimeZoneIdentifiers)),
                   at: text.mark)
        return nil
    }

    /// `{ mon-fri: "09:00-18:00", sat: "10:00-12:00,13:00-14:00" }`: intervals
    /// per day, Monday first; nil after reporting a mistake.
    public func weekly(_ node: Node, what: String) -> [[Schedule.Interval]]? {
        var weekly = Array(repeating: [Schedule.Interval](), count: 7)
        guard let entries = reader.entries(node, "'weekly'") else { return nil }
        var valid = true
        var assigned = Set<Int>()
        for entry in entries {
            guard let dayIndexes = parseDays(entry.key) else { valid = false; continue }
            for day in dayIndexes where !assigned.insert(day).inserted {
                bag.report(.dayGivenTwice(Self.days[day], in: what), at: entry.key.mark)
                valid = false
            }
            guard let text = reader.string(entry.value, "the hours of '\(entry.key.value)'"),
                  let intervals = parseIntervals(text) else { valid = false; continue }
            for day in dayIndexes { weekly[day] = intervals }
        }
        return valid ? weekly : nil
    }

    /// `[2026-10-01, 2026-10-02]`: local dates; nil after reporting a mistake.
    public func closedDates(_ node: Node) -> Set<String>? {
        guard let dates = reader.strings(node, "'closed'") else { return nil }
        var closed = Set<String>()
        var valid = true
        for date in dates {
            if Self.isDate(date.value) { closed.insert(date.value) } else {
                bag.report(.badDate(date.value), at: date.mark)
                valid = false
            }
        }
        return valid ? closed : nil
    }

    /// `mon`, `mon-fri`, `sat,sun`, `mon-wed,fri`.
    func parseDays(_ key: Located<String>) -> [Int]? {
        var result: [Int] = []
        for part in key.value.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            let indexes = ends.map { Self.days.firstIndex(of: $0.lowercased()) }
            guard (1...2).contains(ends.count), let first = indexes[0], let last = indexes[ends.count - 1] else {
                let bad = ends.first { Self.days.firstIndex(of: $0.lowercased()) == nil } ?? String(part)
                bag.report(.unknownDay(bad, suggestion: Suggestion.closest(to: bad, in: Self.days)),
                           at: key.mark)
                return nil
            }
            guard first <= last else {
                bag.report(.dayRangeWraps(String(part)), at: key.mark)
                return nil
            }
            result.append(contentsOf: first...last)
        }
        return result
    }

    /// `09:00-12:00,13:00-18:00`; `24:00` is allowed as an end.
    func parseIntervals(_ text: Located<String>) -> [Schedule.Interval]? {
        var result: [Schedule.Interval] = []
        for part in text.value.split(separator: ",") {
            let ends = part.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
            guard ends.count == 2, let start = Self.minutes(ends[0]), let end = Self.minutes(ends[1]),
                  start < 24 * 60 else {
                bag.report(.badHours(String(part)), at: text.mark)
                return nil
            }
            guard start < end else {
                bag.report(.intervalBackwards(String(part)),
                           at: text.mark)
                return nil
            }
            result.append(Schedule.Interval(start: start, end: end))
        }
        return result
    }

    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hour = Int(parts[0]), let minute = Int(parts[1]), (0...59).contains(minute) else { return nil }
        if hour == 24, minute == 0 { return 24 * 60 }
        return (0...23).contains(hour) ? hour * 60 + minute : nil
    }

    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1 else { return false }
        let lengths = [31, year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }
}

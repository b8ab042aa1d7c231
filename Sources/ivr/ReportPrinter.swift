import Foundation
import IVRCore
import IVRStore

/// `ivr report`'s text, JSON and CSV forms of the same measures.
struct ReportPrinter {
    /// As given on the command line, for the text form.
    var repeatWindow: String

    static let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

    static func percent(_ share: Double) -> String { String(format: "%.1f%%", share * 100) }
    static func seconds(_ value: Double) -> String { String(format: "%.1f s", value) }
    /// Shares and seconds in JSON and CSV: four decimals are plenty.
    static func rounded(_ value: Double) -> Double { (value * 10_000).rounded() / 10_000 }

    // MARK: - Text

    func text(_ report: CallReport, versions: [(String, CallReport)]) -> String {
        var out = summary(report)
        for (version, measures) in versions {
            out += "\nversion \(version)\n" + summary(measures).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
        }
        return out
    }

    func summary(_ report: CallReport) -> String {
        guard report.calls > 0 else { return "no calls\n" }
        var lines = ["calls: \(report.calls)"]
        lines.append("outcomes: " + report.outcomes.map { "\($0.0) \($0.1) (\(Self.percent(Double($0.1) / Double(report.calls))))" }
            .joined(separator: ", "))
        var rates = "containment \(Self.percent(report.containmentRate)), transfers \(Self.percent(report.transferRate)), "
            + "abandonment \(Self.percent(report.abandonmentRate)), failures \(Self.percent(report.failureRate))"
        rates += ", first-call resolution " + (report.firstCallResolutionRate.map { "\(Self.percent($0)) (\(repeatWindow) window)" } ?? "n/a (no known callers)")
        lines.append(rates)
        if let duration = report.duration {
            lines.append("time in the IVR: mean \(Self.seconds(duration.mean)), p50 \(Self.seconds(duration.p50)), p90 \(Self.seconds(duration.p90))")
        }
        lines.append("funnel (states in the order callers meet them):")
        let width = max(12, report.states.map(\.state.count).max() ?? 0)
        lines.append("  " + "state".padding(toLength: width, withPad: " ", startingAt: 0)
                     + "  entered  abandoned  no-input  no-match  failed  exits")
        for state in report.states {
            let exits = state.exits.prefix(4).map { "\($0.0) \($0.1)" }.joined(separator: ", ") + (state.exits.count > 4 ? ", ..." : "")
            lines.append("  " + state.state.padding(toLength: width, withPad: " ", startingAt: 0)
                         + Self.column(state.entered, 9) + Self.column(state.abandoned, 11) + Self.column(state.noInput, 10)
                         + Self.column(state.noMatch, 10) + Self.column(state.failed, 8) + "  " + exits)
        }
        if !report.articles.isEmpty {
            lines.append("articles (most played first): " + report.articles.prefix(8).map { "\($0.id) \($0.hits) hits, \($0.resolutions) resolved" }
                .joined(separator: "; ") + (report.articles.count > 8 ? "; \(report.articles.count - 8) more" : ""))
        }
        let busiest = report.hours.enumerated().filter { $0.element > 0 }.sorted { ($1.element, $0.offset) < ($0.element, $1.offset) }.prefix(5)
        lines.append("busiest hours: " + busiest.map { "\(Self.hourName($0.offset)) \($0.element)" }.joined(separator: ", "))
        return lines.joined(separator: "\n") + "\n"
    }

    static func column(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(1, width - text.count)) + text
    }

    /// `mon 09` for bucket 9.
    static func hourName(_ bucket: Int) -> String {
        "\(days[bucket / 24]) " + (bucket % 24 < 10 ? "0" : "") + "\(bucket % 24)"
    }

    // MARK: - JSON

    func json(_ report: CallReport, versions: [(String, CallReport)]) -> JSONValue {
        var fields = measures(report)
        if !versions.isEmpty {
            fields.append(("versions", .array(versions.map { .object([("version", .string($0.0))] + measures($0.1)) })))
        }
        return .object(fields)
    }

    func measures(_ report: CallReport) -> [(String, JSONValue)] {
        [
            ("calls", .int(report.calls)),
            ("outcomes", .object(report.outcomes.map { ($0.0, .int($0.1)) })),
            ("containment_rate", .double(Self.rounded(report.containmentRate))),
            ("transfer_rate", .double(Self.rounded(report.transferRate))),
            ("abandonment_rate", .double(Self.rounded(report.abandonmentRate))),
            ("failure_rate", .double(Self.rounded(report.failureRate))),
            ("first_call_resolution_rate", report.firstCallResolutionRate.map { .double(Self.rounded($0)) } ?? .null),
            ("duration_s", report.duration.map { .object([("mean", .double(Self.rounded($0.mean))), ("p50", .double(Self.rounded($0.p50))),
                                                          ("p90", .double(Self.rounded($0.p90)))]) } ?? .null),
            ("states", .array(report.states.map { state in
                .object([("state", .string(state.state)), ("entered", .int(state.entered)), ("abandoned", .int(state.abandoned)),
                         ("no_input", .int(state.noInput)), ("no_match", .int(state.noMatch)), ("failed", .int(state.failed)),
                         ("exits", .object(state.exits.map { ($0.0, .int($0.1)) }))])
            })),
            ("articles", .array(report.articles.map {
                .object([("id", .string($0.id)), ("hits", .int($0.hits)), ("resolutions", .int($0.resolutions))])
            })),
            ("hours", .array(report.hours.map(JSONValue.int))),
        ]
    }

    // MARK: - CSV

    /// Long form, one measure a row (`section,item,measure,value`), with a
    /// `version` column first: a spreadsheet or pandas pivots it as needed.
    func csv(_ report: CallReport, versions: [(String, CallReport)]) -> String {
        var rows = [["version", "section", "item", "measure", "value"]]
        for (version, measures) in [("", report)] + versions {
            func add(_ section: String, _ item: String, _ measure: String, _ value: String) {
                rows.append([version, section, item, measure, value])
            }
            add("calls", "", "calls", String(measures.calls))
            for (outcome, count) in measures.outcomes { add("outcomes", outcome, "calls", String(count)) }
            add("rates", "", "containment_rate", String(Self.rounded(measures.containmentRate)))
            add("rates", "", "transfer_rate", String(Self.rounded(measures.transferRate)))
            add("rates", "", "abandonment_rate", String(Self.rounded(measures.abandonmentRate)))
            add("rates", "", "failure_rate", String(Self.rounded(measures.failureRate)))
            add("rates", "", "first_call_resolution_rate", measures.firstCallResolutionRate.map { String(Self.rounded($0)) } ?? "")
            if let duration = measures.duration {
                add("duration_s", "", "mean", String(Self.rounded(duration.mean)))
                add("duration_s", "", "p50", String(Self.rounded(duration.p50)))
                add("duration_s", "", "p90", String(Self.rounded(duration.p90)))
            }
            for state in measures.states {
                add("states", state.state, "entered", String(state.entered))
                add("states", state.state, "abandoned", String(state.abandoned))
                add("states", state.state, "no_input", String(state.noInput))
                add("states", state.state, "no_match", String(state.noMatch))
                add("states", state.state, "failed", String(state.failed))
                for (exit, count) in state.exits { add("states", state.state, "exit:" + exit, String(count)) }
            }
            for article in measures.articles {
                add("articles", article.id, "hits", String(article.hits))
                add("articles", article.id, "resolutions", String(article.resolutions))
            }
            for (bucket, count) in measures.hours.enumerated() where count > 0 { add("hours", Self.hourName(bucket), "calls", String(count)) }
        }
        return rows.map { $0.map(Self.field).joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// RFC 4180: quoted when it holds a comma, a quote or a line break.
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

import Foundation
import IVRStore

/// `ivr report --html`: one self-contained page (inline SVG and CSS, no
/// script, nothing fetched) with the key rates, the outcome shares, the
/// funnel of states in the order callers meet them with their drop-off and
/// failures, and calls by hour of the week.
struct ReportPage {
    var report: CallReport
    var title: String

    static let outcomeColours = ["resolved": "#2e7d32", "transferred": "#1565c0", "abandoned": "#c62828",
                                 "failed": "#ef6c00", "interrupted": "#6d4c41"]
    static let otherColours = ["#00838f", "#6a1b9a", "#9e9d24", "#ad1457", "#455a64"]

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }

    var html: String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <title>IVR report: \(Self.escape(title))</title>
        <style>
        body { font-family: "Noto Sans", "DejaVu Sans", "Noto Sans CJK SC", sans-serif; margin: 24px; color: #212121; background: #fff; }
        h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 8px; }
        .figures { display: flex; gap: 28px; flex-wrap: wrap; margin-top: 12px; }
        .figure b { display: block; font-size: 26px; } .figure span { color: #616161; font-size: 13px; }
        svg text { font-size: 12px; fill: #212121; } .note { color: #616161; font-size: 13px; }
        </style></head><body>
        <h1>IVR report: \(Self.escape(title))</h1>
        <div class="note">\(report.calls) calls</div>
        \(figures)
        <h2>Outcomes</h2>
        \(outcomes)
        <h2>Funnel: states in the order callers meet them</h2>
        <div class="note">Bar: callers who entered the state. Red: hung up there. Orange: ran out of retries there.</div>
        \(funnel)
        <h2>Calls by hour of the week</h2>
        \(hours)
        </body></html>

        """
    }

    var figures: String {
        func figure(_ value: String, _ label: String) -> String { "<div class=\"figure\"><b>\(value)</b><span>\(label)</span></div>" }
        var items = [figure(ReportPrinter.percent(report.containmentRate), "containment"),
                     figure(ReportPrinter.percent(report.transferRate), "transferred"),
                     figure(ReportPrinter.percent(report.abandonmentRate), "abandoned"),
                     figure(ReportPrinter.percent(report.failureRate), "failed")]
        if let rate = report.firstCallResolutionRate { items.append(figure(ReportPrinter.percent(rate), "first-call resolution")) }
        if let duration = report.duration {
            items.append(figure(Self.number(duration.p50) + " s", "median time in the IVR (p90 \(Self.number(duration.p90)) s)"))
        }
        return "<div class=\"figures\">" + items.joined() + "</div>"
    }

    var outcomes: String {
        let width = 760.0
        var x = 0.0
        var bars = ""
        var legend = ""
        for (index, (outcome, count)) in report.outcomes.enumerated() {
            let share = report.calls == 0 ? 0 : Double(count) / Double(report.calls)
            let colour = Self.outcomeColours[outcome] ?? Self.otherColours[index % Self.otherColours.count]
            bars += "<rect x=\"\(Self.number(x))\" y=\"0\" width=\"\(Self.number(share * width))\" height=\"28\" fill=\"\(colour)\"/>"
            x += share * width
            let y = 50 + index * 18
            legend += "<rect x=\"0\" y=\"\(y - 10)\" width=\"12\" height=\"12\" fill=\"\(colour)\"/>"
                + "<text x=\"18\" y=\"\(y)\">\(Self.escape(outcome)): \(count) (\(ReportPrinter.percent(share)))</text>"
        }
        let height = 50 + report.outcomes.count * 18
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(height)\" role=\"img\" aria-label=\"outcome shares\">"
            + bars + legend + "</svg>"
    }

    var funnel: String {
        let label = 170.0, width = 520.0, row = 24.0
        let top = Double(max(1, report.states.map(\.entered).max() ?? 1))
        var body = ""
        for (index, state) in report.states.enumerated() {
            let y = Double(index) * row
            let entered = Double(state.entered) / top * width
            let abandoned = Double(state.abandoned) / top * width
            let failed = Double(min(state.failed, max(0, state.entered - state.abandoned))) / top * width
            body += "<text x=\"\(Self.number(label - 8))\" y=\"\(Self.number(y + 15))\" text-anchor=\"end\">\(Self.escape(state.state))</text>"
            body += "<rect x=\"\(Self.number(label))\" y=\"\(Self.number(y + 3))\" width=\"\(Self.number(max(entered, 1)))\" height=\"18\" fill=\"#90caf9\"/>"
            body += "<rect x=\"\(Self.number(label + entered - abandoned))\" y=\"\(Self.number(y + 3))\" width=\"\(Self.number(abandoned))\" height=\"18\" fill=\"#c62828\"/>"
            body += "<rect x=\"\(Self.number(label + entered - abandoned - failed))\" y=\"\(Self.number(y + 3))\" width=\"\(Self.number(failed))\" height=\"18\" fill=\"#ef6c00\"/>"
            var note = "\(state.entered)"
            if state.abandoned > 0 { note += ", \(state.abandoned) hung up" }
            if state.failed > 0 { note += ", \(state.failed) failed" }
            body += "<text x=\"\(Self.number(label + max(entered, 1) + 6))\" y=\"\(Self.number(y + 15))\">\(note)</text>"
        }
        let height = Int(Double(report.states.count) * row + 4)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"\(height)\" role=\"img\" aria-label=\"funnel of states\">"
            + body + "</svg>"
    }

    var hours: String {
        let cell = 26.0, left = 40.0, top = 18.0
        let most = Double(max(1, report.hours.max() ?? 1))
        var body = ""
        for hour in stride(from: 0, to: 24, by: 3) {
            body += "<text x=\"\(Self.number(left + Double(hour) * cell + 2))\" y=\"12\">\(hour < 10 ? "0" : "")\(hour)</text>"
        }
        for (day, name) in ReportPrinter.days.enumerated() {
            let y = top + Double(day) * cell
            body += "<text x=\"0\" y=\"\(Self.number(y + 17))\">\(name)</text>"
            for hour in 0..<24 {
                let count = report.hours[day * 24 + hour]
                let strength = count == 0 ? 0.04 : 0.15 + 0.85 * Double(count) / most
                body += "<rect x=\"\(Self.number(left + Double(hour) * cell))\" y=\"\(Self.number(y))\" width=\"\(Self.number(cell - 2))\" height=\"\(Self.number(cell - 2))\" fill=\"#1565c0\" fill-opacity=\"\(String(format: "%.2f", strength))\"><title>\(name) \(hour):00 \(count) calls</title></rect>"
            }
        }
        let width = Int(left + 24 * cell)
        let height = Int(top + 7 * cell)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"calls by hour of the week\">"
            + body + "</svg><div class=\"note\">Darker: more calls (most: \(Int(most)) in one hour).</div>"
    }
}

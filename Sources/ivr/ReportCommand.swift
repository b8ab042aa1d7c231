import ArgumentParser
import Foundation
import IVRCore
import IVRStore
import IVRTools

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Contact-centre measures over the calls a store holds: containment, transfers, abandonment, the funnel of states.",
        discussion: "Aggregated in SQL: a store of millions of calls reports in seconds, in bounded memory."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, csv
    }

    @Option(help: "The store (SQLite file) holding the call records.") var db: String
    @Option(help: "Only calls of this flow.") var flow: String?
    @Option(help: "Only calls that started at or after this time (ISO 8601).") var since: String?
    @Option(help: "Only calls that started before this time (ISO 8601).") var until: String?
    @Option(help: "Only calls on this machine version.") var version: String?
    @Flag(help: "The measures per machine version too (did the change help?).") var byVersion = false
    @Option(help: "A caller calling the flow again within this time was not helped the first time (default 24h).") var repeatWindow: String = "24h"
    @Option(help: "text, json or csv.") var format: Format = .text
    @Option(help: "Also write a self-contained HTML page with charts to this file.") var html: String?
    @Option(help: "Add a campaign's measures: reach, machine share, outcomes of answered calls, attempts per target.") var campaign: String?

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else {
            throw Console.fail("--db: no such store '\(db)'", code: ExitStatus.usage)
        }
        guard let window = Duration.seconds(repeatWindow) else {
            throw Console.fail("--repeat-window: bad duration '\(repeatWindow)': write a number with s, m, h or d, such as 30m or 24h", code: ExitStatus.usage)
        }
        var query = ReportQuery(flow: flow, version: version, repeatWindow: window)
        if let since { query.since = try Self.time(since, "--since") }
        if let until { query.until = try Self.time(until, "--until") }
        guard let store = try KnowledgeCommand.store(db) else { return }
        let whole = query
        let report = try KnowledgeCommand.fromStore { try await store.report(whole) }
        var versions: [(String, CallReport)] = []
        if byVersion {
            for version in try KnowledgeCommand.fromStore({ try await store.versions(whole) }) {
                var one = whole
                one.version = version
                let frozen = one
                versions.append((version, try KnowledgeCommand.fromStore { try await store.report(frozen) }))
            }
        }
        var campaignReport: CampaignReport?
        if let campaign {
            guard let found = try KnowledgeCommand.fromStore({ try await store.campaignReport(campaign) }) else {
                throw Console.fail("--campaign: the store has no campaign '\(campaign)'", code: ExitStatus.usage)
            }
            campaignReport = found
        }
        let printer = ReportPrinter(repeatWindow: repeatWindow)
        switch format {
        case .text: print(printer.text(report, versions: versions) + (campaignReport.map(printer.text) ?? ""), terminator: "")
        case .json:
            var json = printer.json(report, versions: versions)
            if let campaignReport, case .object(let fields) = json { json = .object(fields + [("campaign", printer.json(campaignReport))]) }
            print(json.text)
        case .csv: print(printer.csv(report, versions: versions) + (campaignReport.map(printer.csv) ?? ""), terminator: "")
        }
        if let html {
            do {
                try ReportPage(report: report, title: flow ?? "all flows").html.write(toFile: html, atomically: true, encoding: .utf8)
            } catch {
                throw Console.fail("--html: cannot write '\(html)': \(error.localizedDescription)", code: ExitStatus.failure)
            }
        }
    }

    static func time(_ text: String, _ flag: String) throws -> Date {
        guard let time = CallTime.parse(text) else { throw Console.fail("\(flag): bad time '\(text)': \(CallTime.hint)", code: ExitStatus.usage) }
        return time
    }
}

import ArgumentParser
import Foundation
import IVRCore
import IVRStore

/// `ivr versions --db FILE` (SPEC 11): every machine version a gateway
/// served, with when it was first and last served (a start-up, a reload or
/// a call on it) and its calls.
struct VersionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "versions",
        abstract: "List the flow versions gateways served from a store: first and last served, and their calls."
    )

    @Option(help: "The store (SQLite file).") var db: String
    @Flag(help: "One JSON object per version and line.") var json = false

    func run() throws {
        guard FileManager.default.fileExists(atPath: db) else { throw Console.fail("--db: no such store '\(db)'", code: ExitStatus.usage) }
        guard let store = try KnowledgeCommand.store(db) else { return }
        let versions = try KnowledgeCommand.fromStore { try await store.versions() }
        let calls = try KnowledgeCommand.fromStore { try await store.callsByVersion() }
        let formatter = ISO8601DateFormatter()
        if !json { print("version       flow            first served          last served           calls  files") }
        for version in versions {
            let first = version.firstServed.map(formatter.string) ?? ""
            // Last served: a start-up or reload serving it, or a call on it, whichever is later.
            let lastCall = calls[version.version]?.last
            let last = [version.lastServed, lastCall].compactMap { $0 }.max().map(formatter.string) ?? ""
            let count = calls[version.version]?.calls ?? 0
            if json {
                print(JSONValue.object([("version", .string(version.version)), ("flow", .string(version.flow)), ("first_served", .string(first)),
                                        ("last_served", .string(last)), ("calls", .int(count)),
                                        ("files", .array(version.files.keys.sorted().map(JSONValue.string)))]).text)
            } else {
                print(String(version.version.prefix(12)) + "  " + version.flow.padding(toLength: 14, withPad: " ", startingAt: 0) + "  "
                      + first.padding(toLength: 20, withPad: " ", startingAt: 0) + "  " + last.padding(toLength: 20, withPad: " ", startingAt: 0)
                      + "  " + String(count).padding(toLength: 5, withPad: " ", startingAt: 0) + "  " + "\(version.files.count)")
            }
        }
    }
}

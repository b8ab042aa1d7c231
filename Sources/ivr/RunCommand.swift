import ArgumentParser
import Foundation
import IVRCore
import IVRTools
import IVRStore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one call of a flow, with keys from --input or standard input.",
        discussion: """
        Keys: 0-9 * # A-D are presses, '.' is a timeout (silence until the wait expires), \
        '!' or the end of input is a caller hangup; spaces, commas and newlines are ignored. \
        On a terminal, keys act as they are typed (Ctrl-C or Ctrl-D hangs up, arrow keys are ignored) \
        and silence times out after the wait's own timeout, as a caller's would; --no-timeouts waits for ever. \
        Piped input that is not keys or not UTF-8 is a usage error naming its byte offset.
        """
    )

    @Argument(help: "The flow file.") var flow: String
    @Option(help: "The caller's keys, such as \"1 2 . 0\".") var input: String?
    @Option(help: "The call's language, one the flow declares.") var lang: String?
    @Option(help: "The prompt catalog directory.") var prompts: String?
    @Option(help: "The caller's number.") var caller: String = ""
    @Option(help: "The number called.") var called: String = ""
    @Option(help: "The call's time for schedules, ISO 8601 with an offset.") var at: String?
    @Option(name: .customLong("var"), help: "Call data, name=value (repeatable): the flow's inputs and other variables.")
    var variables: [String] = []
    @Option(help: "The store (SQLite file): popularity counts, and this call's record at every wait.") var db: String?
    @Flag(help: "Store a keyed hash (HMAC-SHA256, key in IVR_NUMBER_KEY) of the caller and called numbers instead of the numbers.")
    var hashNumbers = false
    @Flag(help: "Write the trace as JSON lines on standard output.") var json = false
    @Flag(help: "On a terminal, wait for ever instead of timing out silence ('.' still times out).") var noTimeouts = false

    func run() throws {
        var script: [InputToken]?
        if let input {
            do { script = try KeyScript.parse(input) } catch { throw Console.fail("--input: \(error)", code: ExitStatus.usage) }
        }
        let time = try Console.callTime(at)
        let (compiled, machine) = try Console.compile(flow, prompts: prompts)
        if compiled.isSubflow {
            throw Console.fail("'\(flow)' is a sub-flow (it has a 'return' state): run the flow that calls it", code: ExitStatus.usage)
        }
        if let lang, machine.languageIndex(lang) == nil {
            throw Console.fail("--lang: the flow does not declare '\(lang)'; it declares \(machine.languages.joined(separator: ", "))",
                               code: ExitStatus.usage)
        }
        let source: KeySource = script.map { .script($0) } ?? .standardInput(KeyReader(timeouts: !noTimeouts))
        var runner = CallRunner(machine: machine, tables: compiled.tables)
        runner.caller = caller
        runner.called = called
        runner.language = lang
        runner.time = time
        runner.variables = try Console.callData(variables, machine: machine)
        var lostCounts = 0
        let numberKey = try Console.numberKey(hashNumbers)
        if let store = try KnowledgeCommand.store(db) {
            runner.saveRecord = { record in
                var hashed = record
                if let numberKey {
                    hashed.caller = HMAC.numberDigest(record.caller, key: numberKey)
                    hashed.called = HMAC.numberDigest(record.called, key: numberKey)
                }
                let saved = hashed
                // At every wait: a process killed later loses at most the step under way.
                do { try Blocking.wait { try await store.save(saved) } } catch {
                    Console.error("ivr: --db: \(error)")
                    lostCounts += 1
                }
            }
            let names = machine.knowledgeBases.map(\.name)
            runner.popularity = try KnowledgeCommand.fromStore { try await store.popularity(knowledgeBases: names) }
            runner.record = { action in
                // Written at once: a process killed later loses at most the call in flight.
                do { try Blocking.wait { try await store.record(action) } } catch {
                    Console.error("ivr: --db: \(error)")
                    lostCounts += 1
                }
            }
        }
        runner.coverage = !json
        let printer = TranscriptPrinter(json: json, machine: machine, media: { machine.mediaPath($0) ?? $0.relativePath })
        var next: (Action.Wait) -> InputToken
        switch source {
        case .script(let tokens):
            var remaining = tokens[...]
            next = { _ in remaining.popFirst() ?? .hangup }
        case .standardInput(let reader):
            if reader.interactive, !json {
                FileHandle.standardOutput.write(Data(TranscriptPrinter.legend(timeouts: reader.timeouts).utf8))
            }
            next = reader.next
        }
        defer { if case .standardInput(let reader) = source { reader.restore() } }
        runner.run(next: { wait in
            let token = next(wait)
            if token == .hangup { printer.callerHangsUp() }
            return token
        }, observe: printer.print)
        if lostCounts > 0 {
            throw Console.fail("--db: \(lostCounts) write(s) of this call's counts or record failed", code: ExitStatus.failure)
        }
    }

    enum KeySource {
        case script([InputToken])
        case standardInput(KeyReader)
    }
}

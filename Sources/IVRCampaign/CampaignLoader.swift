import Foundation
import IVRCore
import IVRTools
import Yams

/// Reads a campaign file with its targets CSV and do-not-call list (SPEC
/// 14), reporting every problem it can see without the flow at its place:
/// YAML keys, the window, the rate, retries, and each CSV cell by row and
/// column. Checks that need the flow (`CampaignInputsPass`) come after.
public struct CampaignLoader {
    public static let topKeys = FlowVocabulary.campaignKeys
    public static let requiredKeys = FlowVocabulary.requiredCampaignKeys
    /// Results that may be retried (answered and machine end a target).
    public static let retryable: [CallResult] = [.busy, .noAnswer, .failed]

    let files: FileSource
    let workingDirectory: String
    let bag: DiagnosticBag

    public init(files: FileSource = DiskFiles(), workingDirectory: String = FileManager.default.currentDirectoryPath, bag: DiagnosticBag) {
        self.files = files
        self.workingDirectory = workingDirectory
        self.bag = bag
    }

    func display(_ path: String) -> String { DisplayPath.relative(path, to: workingDirectory) }

    /// The campaign, or nil when it cannot be read far enough to be checked
    /// further (the diagnostics say why).
    public func load(path: String) -> CampaignFile? {
        let absolute = path.hasPrefix("/") ? path : (workingDirectory as NSString).appendingPathComponent(path)
        let name = display(absolute)
        guard let document = YAMLDocument.load(path: absolute, displayName: name, files: files, into: bag) else { return nil }
        let reader = NodeReader(file: document.file, bag: bag)
        let fileMark = SourceMark(file: name, line: 1, column: 1)
        guard let root = document.root else {
            bag.report(.emptyFile(.campaign), at: fileMark)
            return nil
        }
        guard let top = reader.fields(root, "the campaign", allowed: Self.topKeys) else { return nil }
        for key in Self.requiredKeys where !top.has(key) {
            bag.report(.missingKey(key, Self.requiredHint[key] ?? ""), at: top.mark)
        }
        let directory = (absolute as NSString).deletingLastPathComponent
        func sibling(_ key: String) -> (path: String, mark: SourceMark)? {
            guard let node = top[key], let text = reader.string(node, "'\(key)'") else { return nil }
            let path = text.value.hasPrefix("/") ? text.value : (directory as NSString).appendingPathComponent(text.value)
            guard files.fileExists(atPath: path) else {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
                bag.report(.campaignFileMissing(key, text.value, suggestion: Suggestion.closest(to: text.value, in: names)), at: text.mark)
                return nil
            }
            return ((path as NSString).standardizingPath, text.mark)
        }
        let campaign = top["campaign"].flatMap { reader.string($0, "'campaign'") }
        let flow = sibling("flow")
        let targetsFile = sibling("targets")
        let doNotCallFile = sibling("do_not_call")
        let schedules = ScheduleParser(reader: reader)
        let zone = top["timezone"].flatMap { reader.string($0, "'timezone'") }.flatMap(schedules.timeZone)
        var window: [[Schedule.Interval]]?
        if let node = top["window"] {
            window = schedules.weekly(node, what: "the window")
            if let window, window.allSatisfy(\.isEmpty) { reader.report(.windowNeverOpens, at: node) }
        }
        let closed = top["closed"].map(schedules.closedDates) ?? []
        let maxAttempts = top["max_attempts"].flatMap { reader.integer($0, "'max_attempts'", in: 1...20)?.value } ?? 3
        let concurrency = top["concurrency"].flatMap { reader.integer($0, "'concurrency'", in: 1...10_000)?.value } ?? 1
        let rate = top["rate"].flatMap { node in reader.string(node, "'rate'").flatMap { text in
            let parsed = Self.rate(text.value)
            if parsed == nil { bag.report(.badRate(text.value), at: text.mark) }
            return parsed
        } }
        var retry: [CallResult: TimeInterval] = [:]
        if let node = top["retry"], let entries = reader.entries(node, "'retry'") {
            for entry in entries {
                guard let result = CallResult(rawValue: entry.key.value), Self.retryable.contains(result) else {
                    let names = Self.retryable.map(\.rawValue)
                    bag.report(.unknownCallResult(entry.key.value, results: names, suggestion: Suggestion.closest(to: entry.key.value, in: names)),
                               at: entry.key.mark)
                    continue
                }
                guard let text = reader.string(entry.value, "the delay after '\(entry.key.value)'") else { continue }
                if let seconds = Duration.seconds(text.value) { retry[result] = seconds } else {
                    bag.report(.badDelay("the delay after '\(entry.key.value)'", text.value), at: text.mark)
                }
            }
        }
        let chances = top["simulate"].flatMap { simulate($0, reader: reader) }
        let doNotCall = doNotCallFile.map { numbers(path: $0.path) } ?? []
        // With the targets, everything is checked even when a setting was
        // wrong (its error is reported: the campaign will not run).
        guard let targetsFile else { return nil }
        var file = CampaignFile(path: absolute, name: campaign?.value ?? "", flowPath: flow?.path ?? "", flowMark: flow?.mark ?? top.mark,
                                targetsPath: targetsFile.path, callerID: top["caller_id"].flatMap { reader.string($0, "'caller_id'")?.value },
                                timeZone: zone ?? TimeZone(identifier: "UTC") ?? .current, window: window ?? Array(repeating: [], count: 7),
                                closed: closed ?? [], maxAttempts: maxAttempts, retry: retry, concurrency: concurrency, rate: rate,
                                doNotCall: doNotCall, chances: chances, targets: [], columns: [],
                                headerMark: SourceMark(file: display(targetsFile.path), line: 1, column: 1))
        guard readTargets(into: &file) else { return nil }
        return file
    }

    static let requiredHint = [
        "campaign": "name the campaign, such as 'campaign: overdue-2026-12'",
        "flow": "name the flow file the calls run, such as 'flow: reminder.yaml'",
        "targets": "name the CSV of targets, such as 'targets: overdue.csv'",
        "timezone": "give the targets' time zone, such as 'timezone: Asia/Shanghai' (a 'timezone' column overrides it)",
        "window": "say when calls may start, such as 'window: { mon-fri: \"09:00-20:00\" }'",
    ]

    /// `30/m`, `2/s`, `100/h`.
    public static func rate(_ text: String) -> CampaignFile.Rate? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let calls = Int(parts[0]), calls > 0, calls <= 1_000_000 else { return nil }
        switch parts[1] {
        case "s": return CampaignFile.Rate(calls: calls, seconds: 1)
        case "m": return CampaignFile.Rate(calls: calls, seconds: 60)
        case "h": return CampaignFile.Rate(calls: calls, seconds: 3600)
        default: return nil
        }
    }

    /// `simulate: { answered: 60, machine: 10, busy: 10, no_answer: 15, failed: 5, keys: "3 20261220" }`.
    func simulate(_ node: Node, reader: NodeReader) -> CampaignFile.Chances? {
        guard let fields = reader.fields(node, "'simulate'", allowed: CallResult.names + ["keys"]) else { return nil }
        var percent: [CallResult: Double] = [:]
        var valid = true
        for result in CallResult.allCases {
            guard let valueNode = fields[result.rawValue], let text = reader.string(valueNode, "'\(result.rawValue)'") else { continue }
            let number = Double(text.value.hasSuffix("%") ? String(text.value.dropLast()) : text.value)
            guard let number, number >= 0, number.isFinite else {
                bag.report(.badWeight(result.rawValue, text.value), at: text.mark)
                valid = false
                continue
            }
            percent[result] = number
        }
        let keys = fields["keys"].flatMap { reader.string($0, "'keys'") }
        if let keys { checkKeys(keys.value, at: keys.mark) }
        let total = percent.values.reduce(0, +)
        if valid, abs(total - 100) > 1e-9 {
            bag.report(.chancesNotHundred(total), at: fields.mark)
            valid = false
        }
        return valid ? CampaignFile.Chances(percent: percent, keys: keys?.value ?? "") : nil
    }

    func checkKeys(_ text: String, at mark: SourceMark) {
        do { _ = try KeyScript.parse(text) } catch { bag.report(.badKeys(error.description), at: mark) }
    }

    /// The do-not-call list: one number a line; blank lines and `#` comments skipped.
    func numbers(path: String) -> Set<String> {
        let name = display(path)
        guard let data = files.contents(atPath: path), let text = String(validating: data, as: UTF8.self) else {
            bag.report(.csvNotUTF8(name), at: SourceMark(file: name, line: 1, column: 1))
            return []
        }
        var numbers = Set<String>()
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = line.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !number.isEmpty, !number.hasPrefix("#") else { continue }
            if CampaignFile.isPhoneNumber(number) { numbers.insert(number) } else {
                bag.report(.notAPhoneNumber(number), at: SourceMark(file: name, line: index + 1, column: 1))
            }
        }
        return numbers
    }

    /// The CSV's rows into targets, each cell checked at its row and column.
    func readTargets(into file: inout CampaignFile) -> Bool {
        let name = display(file.targetsPath)
        let fileMark = SourceMark(file: name, line: 1, column: 1)
        guard let data = files.contents(atPath: file.targetsPath) else {
            bag.report(.fileUnreadable(name), at: fileMark)
            return false
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            bag.report(.csvNotUTF8(name), at: fileMark)
            return false
        }
        let rows: [CSVReader.Row]
        do { rows = try CSVReader.rows(text) } catch {
            bag.report(.csvUnreadable(error.description), at: SourceMark(file: name, line: error.line, column: 1))
            return false
        }
        guard let header = rows.first else {
            bag.report(.emptyFile(.targets), at: fileMark)
            return false
        }
        func mark(_ row: CSVReader.Row, _ index: Int) -> SourceMark {
            SourceMark(file: name, line: row.line, column: row.columns.indices.contains(index) ? row.columns[index] : 1)
        }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        file.columns = columns.indices.map { (columns[$0], mark(header, $0)) }
        file.headerMark = mark(header, 0)
        guard let numberColumn = columns.firstIndex(of: "number") else {
            bag.report(.targetsLackNumberColumn, at: file.headerMark)
            return false
        }
        let schedules = ScheduleParser(reader: NodeReader(file: name, bag: bag))
        for row in rows.dropFirst() {
            guard row.fields.count == columns.count else {
                bag.report(.csvRowWidth(row.fields.count, header: columns.count), at: mark(row, 0))
                continue
            }
            let number = row.fields[numberColumn].trimmingCharacters(in: .whitespaces)
            if !CampaignFile.isPhoneNumber(number) {
                bag.report(.notAPhoneNumber(number), at: mark(row, numberColumn))
            } else if file.doNotCall.contains(number) {
                bag.report(.targetOnDoNotCallList(number), at: mark(row, numberColumn))
            }
            var target = CampaignFile.Target(line: row.line, number: number, timeZone: nil, language: nil, data: [:], answers: nil, keys: nil,
                                             marks: [:])
            for (index, column) in columns.enumerated() where index != numberColumn {
                let value = row.fields[index]
                target.marks[column] = mark(row, index)
                switch column {
                case "timezone" where !value.isEmpty:
                    if schedules.timeZone(Located(value, at: mark(row, index))) != nil { target.timeZone = value }
                case "lang" where !value.isEmpty:
                    target.language = value
                case "_answer":
                    target.answers = answers(value, at: mark(row, index))
                case "_keys":
                    checkKeys(value, at: mark(row, index))
                    target.keys = value
                case _ where column.hasPrefix("_") || column == "timezone" || column == "lang":
                    break
                default:
                    target.data[column] = value
                }
            }
            file.targets.append(target)
        }
        return true
    }

    /// `busy,no_answer,answered`: the results of successive attempts.
    func answers(_ text: String, at mark: SourceMark) -> [CallResult]? {
        var results: [CallResult] = []
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            guard let result = CallResult(rawValue: word) else {
                bag.report(.unknownCallResult(word, results: CallResult.names, suggestion: Suggestion.closest(to: word, in: CallResult.names)), at: mark)
                return nil
            }
            results.append(result)
        }
        return results
    }
}

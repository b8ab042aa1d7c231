import Foundation
import IVRCampaign
import IVRCore
import IVRTools

/// Section 6: the campaign scheduler over 1,000,000 targets, against a
/// baseline that scans every target for the ones due (what a first
/// version would do), side by side; then a simulated campaign of 100,000
/// targets run to its end on the virtual clock, flow and all.
enum CampaignBenchmark {
    static let zones = ["Asia/Shanghai", "Asia/Urumqi", "America/Vancouver"].compactMap(TimeZone.init(identifier:))
    static let daily = Array(repeating: [Schedule.Interval(start: 9 * 60, end: 20 * 60)], count: 7)

    /// The baseline: every pass scans all targets for those due now in an open window.
    struct ScanScheduler {
        var notBefore: [Date]
        var done: [Bool]
        let zoneOf: [Int]
        let schedules: [Schedule]

        mutating func tick(now: Date, capacity: Int) -> [Int] {
            let open = schedules.map { $0.isOpen(at: now) }
            var calls: [Int] = []
            for index in notBefore.indices where calls.count < capacity && !done[index] && open[zoneOf[index]] && notBefore[index] <= now {
                done[index] = true
                calls.append(index)
            }
            return calls
        }
    }

    static func run(targets count: Int = 1_000_000, simulated: Int = 100_000) {
        print("")
        print("6. the campaign scheduler over \(count) targets in 3 time zones, against scanning every target for those due")
        let targets = (0..<count).map { (number: "+86138\(String(format: "%08d", $0))", zone: zones[$0 % zones.count]) }
        let settings = CampaignScheduler.Settings(maxAttempts: 3, retry: [.busy: 600, .noAnswer: 3600, .failed: 1800], concurrency: 1_000,
                                                  rate: nil, window: daily, closed: [])
        // 02:00 UTC: Shanghai and Urumqi open, Vancouver closed.
        let now = Date(timeIntervalSince1970: 1_796_522_400)
        let before = heapInUse()
        var fresh: CampaignScheduler?
        let build = seconds { fresh = CampaignScheduler(settings: settings, targets: targets, doNotCall: [], states: nil) }
        let memory = heapInUse() - before
        _ = fresh
        fresh = nil
        // Mid-campaign: every target waits for a retry an hour on, but one in a thousand that is due now.
        // (Built in place for each, so that the first pass does not copy a shared array.)
        func due(_ index: Int) -> Date {
            index % 1000 == 0 ? now : index % 1000 == 1 ? now.addingTimeInterval(1) : now.addingTimeInterval(3600)
        }
        var scheduler = CampaignScheduler(settings: settings, targets: targets, doNotCall: [],
                                          states: (0..<count).map { .init(attempts: 1, status: .pending(notBefore: due($0)), lastResult: .noAnswer) })
        var scan = ScanScheduler(notBefore: (0..<count).map(due), done: Array(repeating: false, count: count), zoneOf: (0..<count).map { $0 % zones.count },
                                 schedules: zones.map { Schedule(timeZone: $0, weekly: daily, closed: []) })
        var decision: CampaignScheduler.Decision?
        for call in scheduler.tick(now: now).calls { scheduler.finished(call.target, result: .answered, at: now) }
        _ = scan.tick(now: now, capacity: 1_000)
        // The second second's due targets, as every pass but the first finds them.
        let later = now.addingTimeInterval(1)
        let pass = seconds { decision = scheduler.tick(now: later) }
        var scanned: [Int] = []
        let scanPass = seconds { scanned = scan.tick(now: later, capacity: 1_000) }
        print("   building: \(format(build, 2)) s, \(format(Double(memory) / 1_048_576, 1)) MiB (\(format(Double(memory) / Double(count), 1)) bytes a target)")
        print("   one pass mid-campaign (1 target in 1,000 due): \(format(pass * 1000, 3)) ms placing \(decision?.calls.count ?? 0) calls, "
              + "against a scan's \(format(scanPass * 1000, 3)) ms placing \(scanned.count) (\(format(pass / scanPass, 4))x)")
        // Passes that place 1,000 calls each while their results come back, as a campaign runs.
        var passes: [Double] = []
        var fromStart = CampaignScheduler(settings: settings, targets: targets, doNotCall: [], states: nil)
        for round in 0..<21 {
            let time = now.addingTimeInterval(Double(round))
            var placed: CampaignScheduler.Decision?
            passes.append(seconds { placed = fromStart.tick(now: time) })
            for call in placed?.calls ?? [] { fromStart.finished(call.target, result: .answered, at: time) }
        }
        print("   a pass placing 1,000 calls at the start: \(format(passes.sorted()[passes.count / 2] * 1000, 3)) ms (median of 21)")
        // 06:00 UTC: 22:00 in Vancouver.
        var closed = CampaignScheduler(settings: settings, targets: Array(targets.prefix(100_000)).map { ($0.number, zones[2]) }, doNotCall: [])
        var wake: Date?
        let quiet = seconds { wake = closed.tick(now: now.addingTimeInterval(4 * 3600)).wakeAt }
        print("   a pass with the window closed (100,000 targets waiting): \(format(quiet * 1000, 3)) ms, next opening \(wake.map(CallTime.format) ?? "-")")

        simulate(simulated)
    }

    /// The reminder campaign's flow over `count` generated targets, to the end, in memory.
    static func simulate(_ count: Int) {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let compiled = FlowCompiler.compile(path: root.appendingPathComponent("Flows/reminder.yaml").path,
                                            options: CompileOptions(workingDirectory: root.path))
        guard let machine = compiled.machine else {
            print("   the reminder flow does not compile")
            return
        }
        // The campaign as a user writes it: a CSV of `count` targets in three languages.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ivr-bench-campaign-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var csv = "number,name,amount,due_date,lang\n"
        for index in 0..<count {
            csv += "+86139\(String(format: "%08d", index)),客户\(index),\(100 + index % 900).5,2026-11-20,\(["zh-CN", "yue-HK", "en-US"][index % 3])\n"
        }
        let yaml = """
            campaign: bench
            flow: \(root.appendingPathComponent("Flows/reminder.yaml").path)
            targets: targets.csv
            caller_id: "+862012345678"
            timezone: Asia/Shanghai
            window: { mon-sun: "09:00-20:00" }
            max_attempts: 3
            retry: { busy: 10m, no_answer: 1h, failed: 30m }
            concurrency: 200
            simulate: { answered: 60, machine: 15, busy: 10, no_answer: 12, failed: 3, keys: "3 20261220" }
            """
        do {
            try csv.write(to: directory.appendingPathComponent("targets.csv"), atomically: true, encoding: .utf8)
            try yaml.write(to: directory.appendingPathComponent("bench.campaign.yaml"), atomically: true, encoding: .utf8)
        } catch {
            print("   cannot write the campaign: \(error)")
            return
        }
        let bag = DiagnosticBag()
        var loaded: CampaignFile?
        let loading = seconds { loaded = CampaignLoader(workingDirectory: directory.path, bag: bag).load(path: "bench.campaign.yaml") }
        guard let campaign = loaded, !bag.diagnostics.hasErrors else {
            print("   the campaign does not load: \(bag.diagnostics.prefix(3))")
            return
        }
        let targets = campaign.targets
        print("   loading and checking the CSV of \(count) targets: \(format(loading, 2)) s")
        var scheduler = CampaignScheduler(settings: .init(campaign), targets: targets.map { ($0.number, zones[0]) }, doNotCall: [])
        var dialer = SimulatedDialer(campaign: campaign, machine: machine, tables: compiled.tables, seed: 7)
        let start = Date(timeIntervalSince1970: 1_796_518_800)  // 2026-12-01 09:00 in Shanghai
        var clock = start
        var inFlight: [(Date, Int, CallResult)] = []
        var calls = 0, flows = 0
        let elapsed = seconds {
            while true {
                let decision = scheduler.tick(now: clock)
                for call in decision.calls {
                    let placed = dialer.place(targets[call.target], attempt: call.attempt, at: clock, callID: "b-\(call.target)-\(call.attempt)")
                    calls += 1
                    if placed.record != nil { flows += 1 }
                    inFlight.append((clock.addingTimeInterval(placed.seconds), call.target, placed.result))
                }
                inFlight.sort { $0.0 > $1.0 }
                guard let next = [inFlight.last?.0, decision.wakeAt].compactMap({ $0 }).min() else { break }
                clock = max(clock, next)
                while let last = inFlight.last, last.0 <= clock {
                    inFlight.removeLast()
                    scheduler.finished(last.1, result: last.2, at: last.0)
                }
            }
        }
        let counts = scheduler.counts
        let done: String = CampaignScheduler.Outcome.allCases.map { "\($0.rawValue) \(counts.done[$0] ?? 0)" }.joined(separator: ", ")
        let hours: Double = clock.timeIntervalSince(start) / 3600
        let rate: Double = Double(calls) / elapsed
        print("   a simulated campaign of \(count) targets to its end (200 lines, the reminder flow in 3 languages): \(format(elapsed, 1)) s, "
              + "\(calls) calls (\(flows) ran the flow), \(format(rate, 0)) calls/s; virtual time \(format(hours, 1)) h; done \(done)")
    }
}

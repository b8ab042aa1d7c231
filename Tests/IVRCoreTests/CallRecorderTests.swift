import Foundation
import Testing
@testable import IVRCore
import IVRTools

@Suite struct CallRecorderTests {
    static let flow = Fixture.flow("""
      main: { menu: { prompt: main.menu, options: { "1": account }, no_match: main.invalid } }
      account: { ask: { prompt: ask.account, save_as: account, max_digits: 4, sensitive: true, next: check } }
      check:
        branch:
          - if: { var: account, equals: "1234" }
            goto: bye
          - else: main
      bye: { hangup: { say: bye } }
    """)

    func record(_ keys: String, language: String = "zh-CN") throws -> CallRecord {
        var runner = CallRunner(machine: try Fixture.machine(Self.flow), tables: DataTables())
        runner.callID = "call-1"
        runner.caller = "13800138000"
        runner.language = language
        runner.time = Date(timeIntervalSince1970: 1_000_000)
        var saved: [CallRecord] = []
        runner.saveRecord = { saved.append($0) }
        _ = runner.run(script: try KeyScript.parse(keys))
        #expect(saved.count >= 2, "saved at each wait and at the end")
        return try #require(saved.last)
    }

    @Test func aRecordFollowsTheCallOnTheVirtualClock() throws {
        let record = try record("9 1 1234")
        let start = Date(timeIntervalSince1970: 1_000_000)
        #expect(record.id == "call-1" && record.flow == "test" && record.caller == "13800138000")
        #expect(record.outcome == "resolved" && record.steps == 4 && record.language == "zh-CN")
        #expect(record.path.map(\.state) == ["main", "account", "check", "bye"])
        #expect(record.path.map(\.exit) == ["account", "check", "bye", "end"])
        // Keys counted, never kept: 9 and 1 at main, four digits at the sensitive ask.
        #expect(record.path.map(\.keys) == [2, 4, 0, 0])
        #expect(record.path[0].noMatches == 1)
        // 主菜单 (3 characters at 4 a second) 0.75 s, key 9 1 s, 输入有误 and 主菜单 again 1.75 s,
        // key 1 1 s: the ask is entered at 4.5 s. 请输入账号 1.25 s, four keys 4 s: check at 9.75 s.
        #expect(record.path.map { $0.entered.timeIntervalSince(start) } == [0, 4.5, 9.75, 9.75])
        // 再见 0.5 s: the call ends at 10.25 s.
        #expect(record.ended == start.addingTimeInterval(10.25))
        let json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        #expect(!json.contains("1234"), "a sensitive entry is never in a record")
    }

    @Test func aHangupIsAbandonedWhereTheCallerWas() throws {
        let record = try record("1 12 !")
        #expect(record.outcome == "abandoned")
        #expect(record.path.map(\.state) == ["main", "account"])
        #expect(record.path.map(\.exit) == ["account", "end"])
        #expect(record.path.map(\.keys) == [1, 2])
    }

    @Test func languagesReadAtFifteenCharactersASecondOutsideChineseJapaneseKorean() {
        #expect(VirtualClock.charactersPerSecond("zh-CN") == 4 && VirtualClock.charactersPerSecond("yue-HK") == 4)
        #expect(VirtualClock.charactersPerSecond("ja") == 4 && VirtualClock.charactersPerSecond("ko-KR") == 4)
        #expect(VirtualClock.charactersPerSecond("en-US") == 15 && VirtualClock.charactersPerSecond("zu") == 15)
    }
}

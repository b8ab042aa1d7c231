import Foundation
import IVRCampaign
import IVRCore
import Testing

/// `ivr campaign check` from inline files: every problem at its place,
/// the CSV's by row and column.
struct CampaignCheckTests {
    static let flow = """
        flow: bill
        start: greet
        languages: [en-US, zh-CN]
        inputs: [name, amount]
        states:
          greet: { say: greet, next: bye }
          bye: { hangup: resolved }
        """
    static let catalogs = [
        "/c/Prompts/en-US.yaml": "greet: \"Hello {name}, you owe {amount:amount}.\"\n",
        "/c/Prompts/zh-CN.yaml": "greet: \"{name}您好，您欠费{amount:amount}元。\"\n",
    ]
    static let campaign = """
        campaign: dec
        flow: bill.yaml
        targets: bill.csv
        timezone: Asia/Shanghai
        window: { mon-fri: "09:00-20:00", sat: "10:00-18:00" }
        closed: [2027-01-01]
        max_attempts: 3
        retry: { busy: 10m, no_answer: 1h, failed: 30m }
        concurrency: 10
        rate: 30/m
        do_not_call: dnc.txt
        """

    static func check(campaign: String = campaign, csv: String, dnc: String = "+8613900000000\n") -> CampaignCheck {
        var files = catalogs
        files["/c/Flows/bill.yaml"] = flow
        files["/c/Flows/dec.campaign.yaml"] = campaign
        files["/c/Flows/bill.csv"] = csv
        files["/c/Flows/dnc.txt"] = dnc
        return CampaignCheck.run(path: "Flows/dec.campaign.yaml", files: MemoryFiles(files), workingDirectory: "/c")
    }

    @Test func aGoodCampaignLoadsWithItsSettingsAndTargets() throws {
        let check = Self.check(csv: "number,name,amount,lang,timezone\n+8613800138000,李明,256.8,zh-CN,\n+16045550101,Li,3,en-US,America/Vancouver\n")
        #expect(check.diagnostics.map(\.description) == [])
        let campaign = try #require(check.campaign)
        #expect(campaign.name == "dec" && campaign.maxAttempts == 3 && campaign.concurrency == 10)
        #expect(campaign.rate == CampaignFile.Rate(calls: 30, seconds: 60))
        #expect(campaign.retry == [.busy: 600, .noAnswer: 3600, .failed: 1800])
        #expect(campaign.window[0] == [Schedule.Interval(start: 540, end: 1200)] && campaign.window[6].isEmpty)
        #expect(campaign.targets.map(\.number) == ["+8613800138000", "+16045550101"])
        #expect(campaign.targets.map(\.data) == [["name": "李明", "amount": "256.8"], ["name": "Li", "amount": "3"]])
        #expect(campaign.targets.map(\.language) == ["zh-CN", "en-US"])
        #expect(campaign.targets.map(\.timeZone) == [nil, "America/Vancouver"])
        #expect(check.machine?.inputs == ["name", "amount"])
    }

    @Test func settingsMistakesAtTheirPlaces() {
        let check = Self.check(campaign: """
            campaign: dec
            flow: bil.yaml
            targets: bill.csv
            timezone: Asia/Shangai
            window: { mon-fri: "09:00-20:00", sun: "18:00-10:00" }
            retry: { busy: 10m, answered: 1h, no_answer: soon }
            rate: 30 per minute
            concurrency: 0
            do_not_call: dnc.txt
            simulate: { answered: 60, machine: 15 }
            """, csv: "number,name,amount\n+8613800138000,Li,1\n")
        #expect(check.diagnostics.map(\.description) == [
            "Flows/dec.campaign.yaml:2:7: error: no file 'bil.yaml' (the campaign's 'flow') next to the campaign file",
            "Flows/dec.campaign.yaml:4:11: error: unknown time zone 'Asia/Shangai' (did you mean 'Asia/Shanghai'?): use an IANA name such as Asia/Shanghai",
            "Flows/dec.campaign.yaml:5:40: error: the interval '18:00-10:00' ends before it starts: an interval cannot cross midnight, write two (such as 22:00-24:00 and 00:00-02:00)",
            "Flows/dec.campaign.yaml:6:21: error: unknown call result 'answered': the results are busy, no_answer, failed",
            "Flows/dec.campaign.yaml:6:46: error: bad delay 'soon' for the delay after 'no_answer': write a number with s, m, h or d, such as 10m or 1h",
            "Flows/dec.campaign.yaml:7:7: error: '30 per minute' is not a rate: write new calls per second, minute or hour, such as 30/m",
            "Flows/dec.campaign.yaml:8:14: error: 'concurrency' must be from 1 to 10000, not 0",
            "Flows/dec.campaign.yaml:10:11: error: the chances add up to 75, not 100",
        ])
    }

    @Test func targetMistakesByRowAndColumn() {
        let check = Self.check(csv: """
            number,name,lang,timezone,_answer,_keys
            +8613800138000,李明,zh-CN,,answered,3
            12ab,王芳,fr-FR,Mars/Base,"busy,anwsered",1x
            +8613900000000,,en-US,,,
            +8613800138002,x
            """)
        #expect(check.diagnostics.map(\.description) == [
            "Flows/bill.csv:1:1: error: the targets have no 'amount' column, an input of flow 'bill': add it, with each target's value",
            "Flows/bill.csv:3:1: error: '12ab' is not a phone number: write 3 to 15 digits, optionally after a +, such as +8613800138000",
            "Flows/bill.csv:3:9: error: language 'fr-FR' is not declared by this flow; it declares en-US, zh-CN",
            "Flows/bill.csv:3:15: error: unknown time zone 'Mars/Base': use an IANA name such as Asia/Shanghai",
            "Flows/bill.csv:3:25: error: unknown call result 'anwsered' (did you mean 'answered'?): the results are answered, machine, busy, no_answer, failed",
            "Flows/bill.csv:3:41: error: not keys: 'x' is not a key: use 0-9 * # A-D, '.' for a timeout, '!' to hang up",
            "Flows/bill.csv:5:1: error: this row has 2 fields but the header names 6",
            "Flows/bill.csv:4:1: warning: +8613900000000 is on the do-not-call list: it will not be called",
            "Flows/bill.csv:4:16: warning: 'name' is empty here, and the flow reads it: the call would say nothing there",
        ])
        #expect(check.hasErrors)
    }

    @Test func aFlowThatDoesNotCompileAndABadDoNotCallLine() {
        let check = Self.check(campaign: Self.campaign.replacingOccurrences(of: "window: { mon-fri: \"09:00-20:00\", sat: \"10:00-18:00\" }",
                                                                              with: "window: { sat: \"\" }"),
                               csv: "number,name,amount\n", dnc: "# list\n\n+8613900000000\ncall me never\n")
        #expect(check.diagnostics.map(\.description) == [
            "Flows/dec.campaign.yaml:5:9: error: the window never opens: give hours to at least one day, such as mon-fri: \"09:00-20:00\"",
            "Flows/dnc.txt:4:1: error: 'call me never' is not a phone number: write 3 to 15 digits, optionally after a +, such as +8613800138000",
        ])
    }
}

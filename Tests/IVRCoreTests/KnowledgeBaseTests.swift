import Foundation
import Testing
@testable import IVRCore
import IVRTools

@Suite struct KnowledgeBaseTests {
    static let kb = """
    articles:
      - id: loss
        code: "101"
        category: card
        title: { zh-CN: 挂失, en-US: Lost card }
        keywords: [guashi, lost]
        answer: { zh-CN: 请挂失, en-US: Report it }
      - id: fee
        code: "102"
        category: card
        title: { zh-CN: 年费, en-US: Annual fee }
        keywords: [nianfei, fee]
        answer: { zh-CN: 免年费, en-US: No fee }
      - id: hours
        category: service
        title: { zh-CN: 时间, en-US: Hours }
        keywords: [hours, guanmen]
        answer: { zh-CN: 九点, en-US: Nine }
    """
    static let kbPrompts = "kb: { item: \"{title}请按{key}\", after: 之后 }\n"

    static func files(_ flow: String, kb: String = KnowledgeBaseTests.kb) -> [String: String] {
        var extra = ["/t/Flows/flow.kb.yaml": kb]
        extra["/t/Prompts/zh-CN.yaml"] = Fixture.catalogs["zh-CN"]! + "\n" + kbPrompts
        extra["/t/Prompts/en-US.yaml"] = Fixture.catalogs["en-US"]! + "\nkb: { item: \"{title}: {key}\", after: After }\n"
        return extra
    }

    static func flow(_ answer: String) -> String {
        Fixture.flow("""
          main:
            answer:
        \(answer)
              on_failure: { hangup: failed }
        """, header: "knowledge: flow.kb.yaml")
    }

    func diagnostics(_ flow: String, kb: String = KnowledgeBaseTests.kb) -> [String] {
        Fixture.diagnostics(flow, extra: Self.files(flow, kb: kb))
    }

    func start(_ flow: String, popularity: Popularity = Popularity()) throws -> (Interpreter, Output) {
        var interpreter = Interpreter(machine: try Fixture.machine(flow, extra: Self.files(flow)))
        interpreter.popularity = popularity
        let output = interpreter.start(caller: "", called: "", time: Date(timeIntervalSince1970: 0))
        return (interpreter, output)
    }

    @Test func unknownCategoryAndArticle() {
        #expect(diagnostics(Self.flow("      category: cards")) == [
            "Flows/flow.yaml:8:17: error: unknown category 'cards' (did you mean 'card'?) in Flows/flow.kb.yaml",
        ])
        #expect(diagnostics(Self.flow("      article: los")) == [
            "Flows/flow.yaml:8:16: error: unknown article 'los' (did you mean 'loss'?) in Flows/flow.kb.yaml",
        ])
    }

    @Test func articlesNeedEveryLanguageOfTheFlow() {
        let kb = Self.kb.replacingOccurrences(of: "answer: { zh-CN: 免年费, en-US: No fee }", with: "answer: { zh-CN: 免年费 }")
        #expect(diagnostics(Self.flow("      category: card"), kb: kb) == [
            "Flows/flow.kb.yaml:8:9: error: article 'fee' has no en-US answer, and the flow declares en-US",
        ])
        #expect(diagnostics(Self.flow("      category: service"), kb: kb) == [], "only the articles a state can play are checked")
    }

    @Test func duplicateIdsCodesAndBadCodes() {
        let kb = """
        articles:
          - { id: a, code: "1", title: { zh-CN: A, en-US: A }, answer: { zh-CN: A, en-US: A } }
          - { id: a, code: "2", title: { zh-CN: B, en-US: B }, answer: { zh-CN: B, en-US: B } }
          - { id: b, code: "1", title: { zh-CN: B, en-US: B }, answer: { zh-CN: B, en-US: B } }
          - { id: c, code: "1#", title: { zh-CN: C, en-US: C }, answer: { zh-CN: C, en-US: C } }
        """
        #expect(diagnostics(Self.flow("      by_code: true"), kb: kb) == [
            "Flows/flow.kb.yaml:3:11: error: duplicate article id 'a' (first at line 2)",
            "Flows/flow.kb.yaml:4:11: error: article 'b' has the code 1, which article 'a' already has",
            "Flows/flow.kb.yaml:5:20: error: code '1#' of article 'c' is not keypad keys: use 0-9, * and A-D (# finishes the entry)",
        ])
    }

    @Test func answerNeedsAKnowledgeBaseAndItsPrompts() {
        let noKnowledge = Fixture.flow("  main: { answer: { category: card } }")
        #expect(Fixture.diagnostics(noKnowledge) == [
            "Flows/flow.yaml:6:19: error: an answer state needs the flow's knowledge base: add 'knowledge: FILE.kb.yaml' to the flow",
        ])
        let flow = Self.flow("      category: card")
        let withoutPrompts = Fixture.diagnostics(flow, extra: ["/t/Flows/flow.kb.yaml": Self.kb])
        #expect(withoutPrompts == [
            "Flows/flow.yaml:8:7: error: prompt 'kb.item' is missing from the catalogs zh-CN (Prompts/zh-CN.yaml), en-US (Prompts/en-US.yaml)",
            "Flows/flow.yaml:8:7: error: prompt 'kb.after' is missing from the catalogs zh-CN (Prompts/zh-CN.yaml), en-US (Prompts/en-US.yaml)",
        ])
    }

    @Test func categoryMenuOrderedByPopularityThenFileOrder() throws {
        var popularity = Popularity()
        popularity.add("flow.kb.yaml", "fee", hits: 3)
        var (call, output) = try start(Self.flow("      category: card\n      prompt: welcome"), popularity: popularity)
        #expect(output.actions.compactMap { if case .play(let play) = $0 { return play.text } else { return nil } }
                == ["欢迎", "年费请按1", "挂失请按2"])
        output = call.key(.k2)
        #expect(output.lines.prefix(3) == [
            #"{"event":"key","state":"main","key":"2"}"#,
            #"{"event":"answer","state":"main","article":"loss"}"#,
            #"{"event":"play","state":"main","prompt":"kb:loss","language":"zh-CN","text":"请挂失"}"#,
        ])
        #expect(output.actions.contains(.countHit(knowledgeBase: "flow.kb.yaml", article: "loss")))
        output = call.key(.k1)  // the default after menu: 1 repeats the answer, a new hit
        #expect(output.actions.filter { if case .countHit = $0 { return true } else { return false } }.count == 1)
        output = call.key(.k2)  // 2 ends resolved: a resolution for the last article
        #expect(output.steps == [.countResolution(knowledgeBase: "flow.kb.yaml", article: "loss"), .hangup("resolved")])
    }

    @Test func codesAndKeypadSearch() throws {
        var (byCode, _) = try start(Self.flow("      by_code: true\n      prompt: welcome"))
        _ = byCode.key(.k1); _ = byCode.key(.k0); _ = byCode.key(.k9)
        var output = byCode.key(.pound)
        #expect(output.lines.contains(#"{"event":"no_match","state":"main","attempt":1,"input":"109"}"#))
        _ = byCode.key(.k1); _ = byCode.key(.k0); _ = byCode.key(.k2)
        output = byCode.key(.pound)
        #expect(output.lines.contains(#"{"event":"answer","state":"main","article":"fee"}"#))

        var (search, _) = try start(Self.flow("      search: keypad\n      prompt: welcome"))
        _ = search.key(.k4)  // g: guashi and guanmen
        output = search.key(.pound)
        let plays = output.actions.compactMap { if case .play(let play) = $0 { return play.prompt } else { return nil } }
        #expect(plays == ["kb.item", "kb.item"], "several matches are offered without the state's prompt")
        output = search.key(.k2)
        #expect(output.lines.contains(#"{"event":"answer","state":"main","article":"hours"}"#))
    }

    @Test func keypadSpellings() {
        #expect(KnowledgeBase.keypadSpelling("guashi") == "482744")
        #expect(KnowledgeBase.keypadSpelling("Lost card") == "56782273")
        #expect(KnowledgeBase.keypadSpelling("挂失") == nil)
    }
}

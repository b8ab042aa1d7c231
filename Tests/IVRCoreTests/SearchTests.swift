import Foundation
import Testing
@testable import IVRCore
import IVRTools

@Suite struct SearchTests {
    static func base() throws -> KnowledgeBase {
        let bag = DiagnosticBag()
        var sources: [String] = []
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Flows/hotline.kb.yaml").path
        let base = KnowledgeBaseParser.load(path: path, display: "hotline.kb.yaml", bag: bag, sources: &sources)
        #expect(bag.diagnostics.isEmpty)
        return try #require(base)
    }

    @Test func chineseQuestionsFindTheirArticlesByWords() throws {
        let index = SearchIndex(try Self.base())
        #expect(index.search("银行卡丢了要挂失").first?.id == "card-loss")
        #expect(index.search("年费").first?.id == "annual-fee")
        #expect(index.search("挂失").first?.id == "card-loss")
        #expect(index.search("我想提前还房贷").first?.id == "mortgage-prepayment")
        #expect(index.search("掛失").first?.id == "card-loss", "traditional characters (Cantonese) too")
    }

    @Test func aSingleChineseCharacterFindsTheTextsThatHoldIt() throws {
        let results = SearchIndex(try Self.base()).search("挂")
        #expect(results.map(\.id).contains("card-loss"))
        #expect(results.allSatisfy { $0.score > 0 })
    }

    @Test func englishIsCaseFoldedWithPluralsMatched() throws {
        let index = SearchIndex(try Self.base(), language: "en-US")
        #expect(index.search("ANNUAL FEES").first?.id == "annual-fee")
        #expect(index.search("lost cards").first?.id == "card-loss")
        #expect(Tokenizer.stem("batteries") == "battery" && Tokenizer.stem("boxes") == "box" && Tokenizer.stem("address") == "address")
    }

    @Test func languageLimitsTitlesAndAnswersButNotKeywords() throws {
        let base = try Self.base()
        #expect(SearchIndex(base, language: "en-US").search("银行卡").isEmpty, "no keyword and no English text holds it")
        #expect(SearchIndex(base, language: "en-US").search("挂失").first?.id == "card-loss", "keywords are always searched")
        #expect(!SearchIndex(base).search("银行卡").isEmpty)
    }

    @Test func unknownWordsAndEmptyQueriesGiveNothing() throws {
        let index = SearchIndex(try Self.base())
        #expect(index.search("").isEmpty)
        #expect(index.search("zzzz qqqq").isEmpty)
        #expect(index.search("，。！").isEmpty)
    }

    @Test func tiesAreBrokenByPopularity() throws {
        let base = KnowledgeBase(name: "t.kb.yaml", path: "/t", articles: ["a", "b", "c"].map {
            KnowledgeBase.Article(id: $0, code: nil, category: nil, titles: [("en-US", "Same title")], answers: [("en-US", "Same")],
                                  keywords: [], mark: SourceMark(file: "t", line: 1, column: 1))
        })
        let index = SearchIndex(base)
        #expect(index.search("title").map(\.id) == ["a", "b", "c"], "file order without hits")
        var popularity = Popularity()
        popularity.add("t.kb.yaml", "c", hits: 5)
        popularity.add("t.kb.yaml", "b", hits: 2)
        #expect(index.search("title", popularity: popularity).map(\.id) == ["c", "b", "a"])
    }

    @Test func csvReaderKeepsLinesAndQuotes() throws {
        let rows = try CSVReader.rows("\u{FEFF}a,b\n\"x, \"\"y\"\"\",\"two\nlines\"\n\nlast,row\n")
        #expect(rows == [
            CSVReader.Row(line: 1, fields: ["a", "b"], columns: [1, 3]),
            CSVReader.Row(line: 2, fields: ["x, \"y\"", "two\nlines"], columns: [1, 12]),
            CSVReader.Row(line: 5, fields: ["last", "row"], columns: [1, 6]),
        ])
        #expect(throws: CSVReader.Failure(line: 2)) { try CSVReader.rows("a\n\"open\n") }
        // Columns count characters, not bytes, and start again after a line break inside quotes.
        #expect(try CSVReader.rows("名字,号码,x\n\"a\nb\",c,\"\"\n").map(\.columns) == [[1, 4, 7], [1, 4, 6]])
    }

    @Test func importReportsBadRowsByLine() {
        let csv = """
        id,code,category,title.zh-CN,answer.zh-CN,title.en-US,answer.en-US,keywords
        loss,101,card,挂失,请挂失,Lost card,Report it,guashi;lost
        loss,102,card,重复,重复,Dup,Dup,
        fee,1#,card,年费,免年费,Fee,,
        ,103,card,无,无,None,None,
        """
        let result = KnowledgeImport.convert(csv, file: "faq.csv")
        #expect(result.yaml == nil)
        #expect(result.problems.map(\.description) == [
            "faq.csv:3:1: error: duplicate id 'loss' (first on line 2)",
            "faq.csv:4:1: error: code '1#' of 'fee' is not keypad keys: use 0-9, * and A-D",
            "faq.csv:4:1: error: 'fee' has no answer in en-US",
            "faq.csv:5:1: error: the row has no id",
        ])
    }

    @Test func importedFilesLoadAsKnowledgeBases() throws {
        let csv = "id,code,category,title:zh-CN,answer:zh-CN,keywords\nloss,101,card,挂失,\"请挂失: 立即\",guashi|lost\n"
        let result = KnowledgeImport.convert(csv, file: "faq.csv")
        let yaml = try #require(result.yaml)
        let bag = DiagnosticBag()
        let document = try #require(YAMLDocument.parse(text: yaml, file: "faq.kb.yaml", into: bag))
        let base = try #require(KnowledgeBaseParser(reader: NodeReader(file: "faq.kb.yaml", bag: bag)).parse(document, path: "faq.kb.yaml"))
        #expect(bag.diagnostics.isEmpty)
        #expect(base.articles.first?.code == "101")
        #expect(base.articles.first?.answer("zh-CN") == "请挂失: 立即")
        #expect(base.articles.first?.keywords == ["guashi", "lost"])
    }
}

import Foundation
import IVRCore
import IVRStore
import Testing

@Suite struct PopularityStoreTests {
    @Test func countsSurviveReopeningAndFeedPopularity() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).db").path
        do {
            let store = try PopularityStore(path: path)
            try store.recordHit(knowledgeBase: "a.kb.yaml", article: "x")
            try store.recordHit(knowledgeBase: "a.kb.yaml", article: "x")
            try store.record(.countResolution(knowledgeBase: "a.kb.yaml", article: "x"))
            try store.recordHit(knowledgeBase: "b.kb.yaml", article: "x")
        }
        let reopened = try PopularityStore(path: path)  // the migration runs again and changes nothing
        #expect(try reopened.entries(knowledgeBase: "a.kb.yaml") == [PopularityStore.Entry(article: "x", hits: 2, resolutions: 1)])
        let popularity = try reopened.popularity(knowledgeBases: ["a.kb.yaml", "b.kb.yaml"])
        #expect(popularity.hits("a.kb.yaml", "x") == 2)
        #expect(popularity.hits("b.kb.yaml", "x") == 1)
        #expect(popularity.hits("a.kb.yaml", "y") == 0)
    }

    @Test func concurrentConnectionsLoseNoCounts() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).db").path
        _ = try PopularityStore(path: path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = try PopularityStore(path: path)  // a connection of its own, as another process has
                    for _ in 0..<50 { try store.recordHit(knowledgeBase: "k", article: "a") }
                }
            }
            try await group.waitForAll()
        }
        #expect(try PopularityStore(path: path).entries(knowledgeBase: "k").first?.hits == 200)
    }
}

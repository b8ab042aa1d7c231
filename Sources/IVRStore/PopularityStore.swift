import IVRCore

/// Article hits and resolutions per knowledge-base file name and article
/// id (SPEC 5.7). Gateways count into it as calls happen; every count is
/// written when it happens, so a process killed later loses nothing counted.
public protocol PopularityStore: Sendable {
    func countHit(knowledgeBase: String, article: String) async throws(StoreError)
    func countResolution(knowledgeBase: String, article: String) async throws(StoreError)
    /// Hits of every article of these knowledge bases, for `Interpreter.popularity`.
    func popularity(knowledgeBases: [String]) async throws(StoreError) -> Popularity
    /// Every counted article of a knowledge base, most hits first.
    func entries(knowledgeBase: String) async throws(StoreError) -> [PopularityEntry]
}

extension PopularityStore {
    /// Carries out a `countHit` or `countResolution` action; plays are not the store's.
    public func record(_ action: Action) async throws(StoreError) {
        switch action {
        case let .countHit(knowledgeBase, article): try await countHit(knowledgeBase: knowledgeBase, article: article)
        case let .countResolution(knowledgeBase, article): try await countResolution(knowledgeBase: knowledgeBase, article: article)
        case .play: break
        }
    }
}

public struct PopularityEntry: Sendable, Equatable {
    public var article: String
    public var hits: Int
    public var resolutions: Int

    public init(article: String, hits: Int, resolutions: Int) {
        self.article = article
        self.hits = hits
        self.resolutions = resolutions
    }
}

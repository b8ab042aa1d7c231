/// Candidates for "did you mean", lowercased once and grouped by length, so
/// that a query compares only words whose length is within the distance
/// allowed. Built once per candidate set (a catalog's keys, a flow's states)
/// and kept for every query against it.
public final class SuggestionIndex: @unchecked Sendable {
    // Immutable after init, hence the unchecked Sendable.
    private var byLength: [Int: [(order: Int, word: String, characters: [Character])]] = [:]
    public let count: Int

    public init(_ candidates: some Sequence<String>) {
        var count = 0
        for (order, word) in candidates.enumerated() {
            let characters = Array(word.lowercased())
            byLength[characters.count, default: []].append((order, word, characters))
            count += 1
        }
        self.count = count
    }

    /// The closest candidate (the first written among equals), or nil.
    public func closest(to word: String) -> String? {
        let limit = max(1, min(3, word.count / 3 + 1))
        let characters = Array(word.lowercased())
        var best: (distance: Int, order: Int, word: String)?
        for length in max(0, characters.count - limit)...(characters.count + limit) {
            for candidate in byLength[length] ?? [] where candidate.word != word {
                let distance = Suggestion.editDistance(characters, candidate.characters, limit: limit)
                guard distance <= limit else { continue }
                if let current = best, (current.distance, current.order) <= (distance, candidate.order) { continue }
                best = (distance, candidate.order, candidate.word)
            }
        }
        return best?.word
    }
}

/// "did you mean" suggestions by edit distance.
public enum Suggestion {
    /// The closest candidate within a distance that scales with the word's
    /// length, or nil when nothing is close enough to be a likely typo.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let limit = max(1, min(3, word.count / 3 + 1))
        var best: (String, Int)?
        for candidate in candidates where candidate != word {
            let distance = editDistance(word.lowercased(), candidate.lowercased(), limit: limit)
            if distance <= limit, distance < (best?.1 ?? Int.max) {
                best = (candidate, distance)
            }
        }
        return best?.0
    }

    /// " (did you mean 'x'?)" or the empty string.
    public static func hint(for word: String, in candidates: some Sequence<String>) -> String {
        closest(to: word, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
    }

    /// Levenshtein distance with adjacent transpositions counted as one edit;
    /// gives up early (returns limit + 1) once the distance must exceed limit.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        editDistance(Array(a), Array(b), limit: limit)
    }

    static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int {
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous2 = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMin = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMin = min(rowMin, value)
            }
            if rowMin > limit { return limit + 1 }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[b.count]
    }
}

/// Splits text into search terms. Chinese (and other CJK) text has no
/// spaces between words: documents index each character and each pair of
/// neighbouring characters, queries look for the pairs (or the character,
/// when a run is one character long), so 挂失 or 年费 match as words do.
/// Other text is split into words, case-folded, with English plurals
/// reduced (cards → card, batteries → battery, boxes → box).
public enum Tokenizer {
    public static func documentTerms(_ text: String) -> [String] { terms(text, query: false) }
    public static func queryTerms(_ text: String) -> [String] { terms(text, query: true) }

    static func terms(_ text: String, query: Bool) -> [String] {
        var result: [String] = []
        var word = ""
        var run: [Character] = []
        func flushWord() {
            if !word.isEmpty { result.append(stem(word)); word = "" }
        }
        func flushRun() {
            guard !run.isEmpty else { return }
            if !query || run.count == 1 { result.append(contentsOf: run.map { String($0) }) }
            if run.count > 1 {
                for index in 0..<(run.count - 1) { result.append(String(run[index]) + String(run[index + 1])) }
            }
            run.removeAll(keepingCapacity: true)
        }
        for character in text.lowercased() {
            if isCJK(character) {
                flushWord()
                run.append(character)
            } else if character.isLetter || character.isNumber {
                flushRun()
                word.append(character)
            } else {
                flushWord()
                flushRun()
            }
        }
        flushWord()
        flushRun()
        return result
    }

    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F,  // Han
             0x3040...0x30FF,  // kana
             0xAC00...0xD7AF:  // Hangul
            return true
        default:
            return false
        }
    }

    /// English plurals to singular; other words as they are.
    static func stem(_ word: String) -> String {
        guard word.count > 3, word.allSatisfy(\.isASCII) else { return word }
        if word.hasSuffix("ies") { return String(word.dropLast(3)) + "y" }
        if word.hasSuffix("sses") { return String(word.dropLast(2)) }
        for ending in ["xes", "ches", "shes", "zes"] where word.hasSuffix(ending) { return String(word.dropLast(2)) }
        if word.hasSuffix("s"), !word.hasSuffix("ss"), !word.hasSuffix("us"), !word.hasSuffix("is") {
            return String(word.dropLast())
        }
        return word
    }
}

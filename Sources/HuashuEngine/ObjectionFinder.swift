import HuashuScript
import HuashuText

/// Finds the objection handler for what the customer just said, typed by the
/// agent in Chinese (`太贵了`), pinyin (`taigui`) or initials (`jg`).
public struct ObjectionFinder: Sendable {
    public struct Match: Sendable, Equatable {
        public let handlerID: String
        public let title: String
        public let score: Int
    }

    private struct Entry: Sendable {
        let id: String
        let title: String
        /// The title and keys, lower-cased, with their pinyin.
        let words: [(text: String, pinyin: Pinyin)]
    }

    private let entries: [Entry]

    public init(script: Script) {
        entries = script.objections.map { node in
            let words = ([node.title ?? node.id] + node.keys).map { word -> (String, Pinyin) in
                let text = InputNormalisation.foldFullWidth(word).lowercased()
                return (text, Pinyin(text))
            }
            return Entry(id: node.id, title: node.title ?? node.id, words: words)
        }
    }

    /// Handlers that match, best first; ties keep script order.
    public func rank(_ query: String, limit: Int = 5) -> [Match] {
        let folded = InputNormalisation.foldFullWidth(query).lowercased()
        let han = String(folded.filter(\.isHan))
        let latin = String(folded.filter { $0.isASCII && $0.isLetter })
        guard !han.isEmpty || !latin.isEmpty else { return [] }
        let scored = entries.enumerated().compactMap { offset, entry -> (Int, Int, Match)? in
            var score = 0
            if folded.trimmingSpaces == entry.id { score += 100 }
            if !han.isEmpty { score += hanScore(han, entry) }
            if latin.count >= 2 { score += pinyinScore(latin, entry) }
            return score > 0 ? (score, offset, Match(handlerID: entry.id, title: entry.title, score: score)) : nil
        }
        return scored.sorted { ($0.0, -$0.1) > ($1.0, -$1.1) }.prefix(limit).map(\.2)
    }

    /// Whole words found in what was typed count most, longer words more;
    /// shared characters give a weak fallback.
    private func hanScore(_ query: String, _ entry: Entry) -> Int {
        var score = 0
        var shared: Set<Character> = []
        for word in entry.words {
            let hanWord = word.text.filter(\.isHan)
            guard !hanWord.isEmpty else { continue }
            if query.contains(hanWord) {
                score += 10 + 3 * hanWord.count
            } else if hanWord.contains(query) {
                score += 6 + 2 * query.count
            }
            shared.formUnion(hanWord.filter { query.contains($0) })
        }
        return score + shared.count
    }

    private func pinyinScore(_ query: String, _ entry: Entry) -> Int {
        var score = 0
        for word in entry.words {
            let full = word.pinyin.full
            let initials = word.pinyin.initials
            guard !full.isEmpty else { continue }
            if query == full || query == initials {
                score += 12 + full.count
            } else if query.contains(full), full.count >= 3 {
                score += 8 + full.count
            } else if full.hasPrefix(query) || (initials.count >= 2 && initials.hasPrefix(query)) {
                score += 4 + query.count
            }
        }
        return score
    }
}

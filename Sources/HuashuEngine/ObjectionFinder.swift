import HuashuScript
import HuashuText

/// Finds the objection handler for what the customer just said, typed by the
/// agent as the customer said it (`行吧，我再合计合计`), as keywords (`太贵`),
/// in pinyin (`pianyi`, `kaol`), initials (`py`) or a mix (`tai贵`).
///
/// Each handler's title, keys and weighted `cue`s are scored against the words:
/// a cue found whole counts most, more when longer and weightier, less when
/// other handlers share it (IDF-like); a negative cue counts against its
/// handler. Pieces of cues (two characters, or one rare character) and
/// homophones (a typo from the input method) give a weaker fallback.
/// A handler that can remove the customer from future calls (勿扰) is never
/// ranked first unless the words are unmistakably a refusal.
public struct ObjectionFinder: Sendable {
    public struct Match: Sendable, Equatable {
        public let handlerID: String
        public let title: String
        public let score: Int
        /// The handler's words found in what was typed, negative cues included.
        public let cues: [MatchedCue]
        /// Taking this handler can end the call with an outcome that removes the customer (勿扰).
        public let removesCustomer: Bool
        /// For such a handler: the words are unmistakably a refusal, so it may be the first match.
        public let unmistakable: Bool
    }

    /// One of a handler's words (title, key or cue) found in what was typed.
    public struct MatchedCue: Sendable, Equatable {
        public let text: String
        public let weight: Int
        /// Found by its pinyin (typed as pinyin or initials, or a homophone) rather than its characters.
        public let byPinyin: Bool

        /// As the trainer wrote it: `别再打了×4`, `办完了×-5`, `便宜(拼音)`.
        public var label: String { text + (weight == 1 ? "" : "×\(weight)") + (byPinyin ? "(拼音)" : "") }
    }

    /// Words longer than this share their spread with no other handler: the index of stretches stays small.
    static let longestWord = 12
    /// At most this many characters of what was typed are read: a search stays bounded.
    public static let longestQuery = 200
    /// A handler that removes the customer must score at least this, and twice the next, to come first.
    static let refusalScore = 40

    /// A class: a search looks at every word of every handler, and a reference costs one retain, not one per field.
    private final class Word: Sendable {
        let text: String
        let han: [Unicode.Scalar]
        let syllables: [[UInt8]]
        /// A one-character polyphone's other readings (还: huan), typed as pinyin too.
        let otherReadings: [[UInt8]]
        let full: [UInt8]
        /// The trainer's weight divided by how many handlers hold the word.
        let weight: Double
        let written: Int

        init(text: String, han: [Unicode.Scalar], syllables: [[UInt8]], otherReadings: [[UInt8]], full: [UInt8], weight: Double, written: Int) {
            self.text = text
            self.han = han
            self.syllables = syllables
            self.otherReadings = otherReadings
            self.full = full
            self.weight = weight
            self.written = written
        }
    }

    private struct Entry: Sendable {
        let id: String
        let title: String
        let words: [Word]
        let negatives: [Word]
        let removesCustomer: Bool
    }

    private let entries: [Entry]
    /// In how many handlers' words a two-character piece or a character appears.
    private let pieceSpread: [PieceKey: Int]
    /// Each handler's pieces: the two-character runs and the characters (fillers left out) of its words.
    private let pieces: [Set<PieceKey>]

    private struct PieceKey: Hashable, Sendable {
        let first: Unicode.Scalar
        let second: Unicode.Scalar?
    }

    public init(script: Script) {
        let handlers = script.objections
        let removing = Set(handlers.filter { Self.removesCustomer($0, script) }.map(\.id))
        var positives: [[(String, Int)]] = handlers.map { node in
            [(node.title ?? node.id, 1)] + node.keys.map { ($0, 1) } + node.cues.filter { $0.weight > 0 }.map { ($0.text, $0.weight) }
        }
        // The same word written twice (a key and a cue) counts once, with its highest weight.
        positives = positives.map { words in
            var order: [String] = []
            var weights: [String: Int] = [:]
            for (text, weight) in words {
                let folded = InputNormalisation.foldFullWidth(text).lowercased()
                if weights[folded] == nil { order.append(folded) }
                weights[folded] = max(weights[folded] ?? weight, weight)
            }
            return order.map { ($0, weights[$0]!) }
        }
        let hanOf = { (text: String) in Array(text.unicodeScalars.filter { $0.isHan }) }
        let hanSets = positives.map { $0.map { hanOf($0.0) } }
        var pieceSpread: [PieceKey: Int] = [:]
        var pieces: [Set<PieceKey>] = []
        // How many handlers hold each stretch of a word's characters: a word's own spread is then one look-up.
        var holders: [[Unicode.Scalar]: Int] = [:]
        for words in hanSets {
            var own: Set<PieceKey> = []
            var stretches: Set<[Unicode.Scalar]> = []
            for han in words {
                for at in han.indices {
                    if !SpokenFiller.characters.contains(Character(han[at])) { own.insert(PieceKey(first: han[at], second: nil)) }
                    if at + 1 < han.count { own.insert(PieceKey(first: han[at], second: han[at + 1])) }
                    for end in at + 1...min(han.count, at + Self.longestWord) { stretches.insert(Array(han[at..<end])) }
                }
            }
            for piece in own { pieceSpread[piece, default: 0] += 1 }
            for stretch in stretches { holders[stretch, default: 0] += 1 }
            pieces.append(own)
        }
        func word(_ text: String, weight: Int, spread: Int) -> Word {
            let pinyin = Pinyin(text).syllables.map { Array($0.utf8) }
            let han = hanOf(text)
            let others = han.count == 1 && text.count == 1 ? Pinyin.readings(of: Character(han[0])).dropFirst().map { Array($0.utf8) } : []
            return Word(text: text, han: han, syllables: pinyin, otherReadings: others, full: pinyin.flatMap { $0 },
                        weight: Double(weight) / Double(max(spread, 1)), written: weight)
        }
        entries = handlers.enumerated().map { index, node in
            let words = positives[index].map { text, weight in
                let han = hanOf(text)
                // How many handlers hold this word, alone or inside a longer one.
                return word(text, weight: weight, spread: holders[han] ?? 1)
            }
            let negatives = node.cues.filter { $0.weight < 0 }.map {
                word(InputNormalisation.foldFullWidth($0.text).lowercased(), weight: $0.weight, spread: 1)
            }
            return Entry(id: node.id, title: node.title ?? node.id, words: words, negatives: negatives,
                         removesCustomer: removing.contains(node.id))
        }
        self.pieceSpread = pieceSpread
        self.pieces = pieces
    }

    /// True when a path from the handler (not through another handler) ends with an outcome that removes the customer.
    public static func removesCustomer(_ handler: Node, _ script: Script) -> Bool {
        var seen: Set<String> = [handler.id]
        var queue = [handler]
        while let node = queue.popLast() {
            if node.outcome?.kind.removesFromFutureCalls == true { return true }
            for answer in node.answers {
                guard case .node(let id) = answer.target, let next = script.nodes[id], !next.isObjection,
                      seen.insert(id).inserted else { continue }
                queue.append(next)
            }
        }
        return false
    }

    /// Handlers that match, best first; ties keep script order.
    public func rank(_ query: String, limit: Int = 5) -> [Match] {
        let folded = String(InputNormalisation.foldFullWidth(query).lowercased().prefix(Self.longestQuery))
        let heard = Heard(folded)
        guard !heard.han.isEmpty || !heard.latinRuns.isEmpty else { return [] }
        let exactID = folded.trimmingSpaces
        var scored: [(score: Double, offset: Int, cues: [MatchedCue], negative: Bool)] = entries.enumerated().map { offset, entry in
            var result = score(entry, heard, pieces: pieces[offset])
            if exactID == entry.id { result.score += 1000 }
            return (result.score, offset, result.cues, result.negative)
        }
        scored = scored.filter { $0.score >= 1 }.sorted { ($0.score, -$0.offset) > ($1.score, -$1.offset) }
        var matches = scored.enumerated().map { place, item -> Match in
            let entry = entries[item.offset]
            let next = place + 1 < scored.count ? scored[place + 1].score : 0
            let unmistakable = entry.removesCustomer && !item.negative && item.score >= Double(Self.refusalScore) && item.score >= 2 * next
            return Match(handlerID: entry.id, title: entry.title, score: Int(item.score.rounded()), cues: item.cues,
                         removesCustomer: entry.removesCustomer, unmistakable: unmistakable)
        }
        if let first = matches.first, first.removesCustomer, !first.unmistakable, matches.count > 1 {
            matches.swapAt(0, 1)
        }
        return Array(matches.prefix(limit))
    }

    /// What was typed, read every way the search compares it.
    private struct Heard {
        let han: [Unicode.Scalar]
        /// The reading of the whole input, syllable by syllable (Han read in context, other runs as typed).
        let syllables: [[UInt8]]
        /// The reading's letters run together: `tai贵` is `taigui`.
        let spoken: [UInt8]
        /// Runs of Latin letters as typed: pinyin, initials, or both.
        let latinRuns: [[UInt8]]

        init(_ folded: String) {
            han = Array(folded.unicodeScalars.filter { $0.isHan })
            syllables = Pinyin(folded).syllables.map { Array($0.utf8) }
            spoken = syllables.flatMap { $0 }.filter(Self.isLetter)
            var runs: [[UInt8]] = [[]]
            for byte in folded.utf8 {
                if Self.isLetter(byte) { runs[runs.count - 1].append(byte) } else if !runs[runs.count - 1].isEmpty { runs.append([]) }
            }
            latinRuns = runs.filter { !$0.isEmpty }
        }

        static func isLetter(_ byte: UInt8) -> Bool { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) }
    }

    /// Only a Latin run this long or shorter is searched for initials of several words run together.
    static let longestAbbreviation = 8

    private func score(_ entry: Entry, _ heard: Heard, pieces: Set<PieceKey>) -> (score: Double, cues: [MatchedCue], negative: Bool) {
        let han = heard.han
        let typedLatin = !heard.latinRuns.isEmpty
        var covered = [Bool](repeating: false, count: han.count)
        var found: [(word: Word, value: Double, byPinyin: Bool)] = []
        for word in entry.words {
            let length = Double(1 + max(word.han.count, word.syllables.count))
            if !word.han.isEmpty, Self.mark(word.han, in: han, covered: &covered) {
                found.append((word, 10 * word.weight * length, false))
            } else if typedLatin, let coverage = ([heard.spoken] + heard.latinRuns).flatMap({ typed in
                ([word.syllables] + word.otherReadings.map { [$0] }).compactMap { Self.abbreviation(typed, of: $0) }
            })
                        .max(by: { $0.share < $1.share }) {
                found.append((word, 10 * word.weight * (1 + Double(coverage.syllables)) * coverage.share, true))
            } else if typedLatin, word.syllables.count >= 2, Self.find(word.full, in: heard.spoken) {
                // Pinyin of a whole word inside a sentence typed in pinyin or a mix.
                found.append((word, 9 * word.weight * length, true))
            } else if typedLatin, word.syllables.count >= 2, case let initials = word.syllables.compactMap(\.first), heard.latinRuns.contains(where: {
                (4...Self.longestAbbreviation).contains($0.count) && Self.find(initials, in: $0)
            }) {
                // Initials of several words run together: `bjpy` holds 别家 and 便宜.
                found.append((word, 4 * word.weight * length, true))
            } else if typedLatin, word.syllables.count >= 2, let part = heard.latinRuns.lazy.compactMap({ Self.wholeSyllables($0, in: word.syllables) }).first {
                // Whole syllables from inside the word: `lv` of 考虑 (kao lv).
                found.append((word, 6 * word.weight * (1 + Double(part)) * Double(part) / Double(word.syllables.count), true))
            } else if word.syllables.count >= 3, word.han.contains(where: han.contains), Self.find(word.syllables, in: heard.syllables) {
                // A long word typed with a wrong character of the same sound.
                found.append((word, 4 * word.weight * length, true))
            }
        }
        // Of two words where one holds the other (贵 and 太贵), only the one that scored more counts.
        found = found.enumerated().filter { at, item in
            !found.enumerated().contains { other, rival in
                other != at && (Self.find(item.word.han, in: rival.word.han) || Self.find(rival.word.han, in: item.word.han))
                    && (rival.value, rival.word.han.count, -other) > (item.value, item.word.han.count, -at)
            }
        }.map(\.element)
        // Words found in the characters add up; words found by pinyin are mostly the same letters
        // read again, so the best counts whole and the rest a fifth.
        let byPinyin = found.filter(\.byPinyin).map(\.value).sorted(by: >)
        var total = found.filter { !$0.byPinyin }.reduce(0) { $0 + $1.value }
            + (byPinyin.first ?? 0) + byPinyin.dropFirst().reduce(0, +) / 5
        var labels = found.map { MatchedCue(text: $0.word.text, weight: $0.word.written, byPinyin: $0.byPinyin) }
        var negative = false
        for word in entry.negatives where (!word.han.isEmpty && Self.find(word.han, in: han))
            || (typedLatin && word.full.count >= 4 && Self.find(word.full, in: heard.spoken)) {
            total += 10 * Double(word.written) * Double(1 + word.han.count)
            labels.append(MatchedCue(text: word.text, weight: word.written, byPinyin: word.han.isEmpty || !Self.find(word.han, in: han)))
            negative = true
        }
        // Pieces of the handler's words in what is left of the sentence: two characters, then single rare ones.
        var seen: Set<PieceKey> = []
        for at in han.indices where !covered[at] {
            if at + 1 < han.count, !covered[at + 1], case let pair = PieceKey(first: han[at], second: han[at + 1]),
               pieces.contains(pair), seen.insert(pair).inserted {
                total += 4 / Double(pieceSpread[pair] ?? 1)
            }
            let single = PieceKey(first: han[at], second: nil)
            if pieces.contains(single), seen.insert(single).inserted {
                total += 1.5 / Double(pieceSpread[single] ?? 1)
            }
        }
        return (total, labels, negative)
    }

    /// Finds `word` in `text`, marking every place it covers; true when found.
    private static func mark(_ word: [Unicode.Scalar], in text: [Unicode.Scalar], covered: inout [Bool]) -> Bool {
        guard word.count <= text.count else { return false }
        var found = false
        for start in 0...(text.count - word.count) where text[start] == word[0] && text[start..<start + word.count].elementsEqual(word) {
            for at in start..<start + word.count { covered[at] = true }
            found = true
        }
        return found
    }

    private static func find<T: Equatable>(_ word: [T], in text: [T]) -> Bool {
        guard !word.isEmpty, word.count <= text.count else { return false }
        for start in 0...(text.count - word.count) where text[start] == word[0] && text[start..<start + word.count].elementsEqual(word) {
            return true
        }
        return false
    }

    /// How many syllables the typed run is when it spells whole syllables from inside the word, else nil.
    private static func wholeSyllables(_ typed: [UInt8], in syllables: [[UInt8]]) -> Int? {
        for start in syllables.indices.dropFirst() {
            var at = 0
            for end in start..<syllables.count {
                let syllable = syllables[end]
                guard at + syllable.count <= typed.count, typed[at..<at + syllable.count].elementsEqual(syllable) else { break }
                at += syllable.count
                if at == typed.count { return end - start + 1 }
            }
        }
        return nil
    }

    /// What was typed as the start of the word's syllables, each syllable given
    /// whole or by its first letters (`py`, `pianyi`, `piany`, `kaol`, `kaolv`):
    /// how many syllables it reaches, and the share of the word that is.
    private static func abbreviation(_ typed: [UInt8], of syllables: [[UInt8]]) -> (syllables: Int, share: Double)? {
        guard typed.count >= 2, !syllables.isEmpty, syllables.count < 64 else { return nil }
        // Bit n of reach[i]: a reading of typed[..<i] ends after n syllables.
        var reach = [UInt64](repeating: 0, count: typed.count + 1)
        reach[0] = 1
        for at in 0..<typed.count where reach[at] != 0 {
            for next in 0..<syllables.count where reach[at] & (1 << next) != 0 {
                let syllable = syllables[next]
                var length = 0
                while length < syllable.count, at + length < typed.count, typed[at + length] == syllable[length] {
                    length += 1
                    reach[at + length] |= 1 << (next + 1)
                }
            }
        }
        let ends = reach[typed.count] & ~1
        guard ends != 0 else { return nil }
        let best = 63 - ends.leadingZeroBitCount
        // Two initials for a long word say less than the word spelled out.
        let letters = syllables[..<best].reduce(0) { $0 + $1.count }
        let spelled = Double(typed.count) / Double(letters)
        // Half a word typed is far from the whole word: the share reached counts squared.
        let reached = Double(best) / Double(syllables.count)
        return (best, reached * reached * (0.75 + 0.25 * spelled))
    }
}

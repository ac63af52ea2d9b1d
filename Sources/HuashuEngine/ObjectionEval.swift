import HuashuScript

/// A customer's words and the handler they need: one line of an evaluation set.
public struct EvalCase: Sendable, Equatable {
    public let handlerID: String
    public let words: String
    /// Where the case was written: `file:line`.
    public let place: String

    public init(handlerID: String, words: String, place: String) {
        self.handlerID = handlerID
        self.words = words
        self.place = place
    }
}

/// How well the search finds the handler each case needs: what trainers
/// read when tuning keys and cues, and what a test holds.
public struct ObjectionEval: Sendable {
    public struct Miss: Sendable {
        public let testCase: EvalCase
        /// Handlers ranked above the one needed, best first.
        public let above: [ObjectionFinder.Match]
        /// Its place in the ranking (1-based), nil when not among the first five.
        public let place: Int?
    }

    public let total: Int
    public let top1: Int
    public let top3: Int
    public let misses: [Miss]

    public init(_ cases: [EvalCase], finder: ObjectionFinder) {
        var top1 = 0, top3 = 0
        var misses: [Miss] = []
        for testCase in cases {
            let ranked = finder.rank(testCase.words, limit: 5)
            let place = ranked.firstIndex { $0.handlerID == testCase.handlerID }
            if place == 0 { top1 += 1 } else {
                misses.append(Miss(testCase: testCase, above: Array(ranked.prefix(place ?? ranked.count)), place: place.map { $0 + 1 }))
            }
            if let place, place < 3 { top3 += 1 }
        }
        total = cases.count
        self.top1 = top1
        self.top3 = top3
        self.misses = misses
    }

    public static func percent(_ count: Int, of total: Int) -> String {
        guard total > 0 else { return "0.0%" }
        let tenths = (count * 1000 + total / 2) / total
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// `top-1 …`, `top-3 …` and each miss with what ranked above it.
    public var text: String {
        var lines = ["\(total) cases: top-1 \(top1) (\(Self.percent(top1, of: total))), top-3 \(top3) (\(Self.percent(top3, of: total)))"]
        for miss in misses {
            let found = miss.place.map { "ranked \($0)" } ?? "not in the first five"
            let above = miss.above.map { "\($0.handlerID) \($0.score)" }.joined(separator: ", ")
            lines.append("\(miss.testCase.place): \(miss.testCase.words)  needs \(miss.testCase.handlerID), \(found); above: \(above)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Keys and cues that made their handler win cases labelled with another, at least `times` times:
    /// (handler, cue text, how many cases).
    public func misleadingCues(atLeast times: Int) -> [(handlerID: String, text: String, count: Int)] {
        var counts: [String: [String: Int]] = [:]
        for miss in misses {
            guard let winner = miss.above.first else { continue }
            for cue in winner.cues where cue.weight > 0 { counts[winner.handlerID, default: [:]][cue.text, default: 0] += 1 }
        }
        return counts.flatMap { handler, cues in cues.filter { $0.value >= times }.map { (handler, $0.key, $0.value) } }
            .sorted { ($0.handlerID, $0.text) < ($1.handlerID, $1.text) }
    }
}

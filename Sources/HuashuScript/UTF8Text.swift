import HuashuText

/// Validated UTF-8 read by Unicode scalar through byte offsets. The script
/// parser only looks for ASCII syntax and full-width punctuation; building a
/// String for every piece of a line, or breaking it into Characters, would
/// cost most of its time. Offsets handed in and out sit on scalar boundaries.
struct UTF8Text {
    let bytes: UnsafeBufferPointer<UInt8>

    var all: Range<Int> { 0..<bytes.count }

    /// The scalar starting at `offset`.
    func scalar(at offset: Int) -> Unicode.Scalar {
        Unicode.Scalar(UTF8Decoding.value(at: offset, in: bytes)) ?? "\u{FFFD}"
    }

    func offset(after offset: Int) -> Int {
        offset + UTF8Decoding.length(lead: bytes[offset])
    }

    func offset(before offset: Int) -> Int {
        var start = offset - 1
        while bytes[start] & 0xC0 == 0x80 { start -= 1 }
        return start
    }

    /// How many scalars, that is columns, the bytes hold: every byte but a continuation byte starts one.
    func scalarCount(_ range: Range<Int>) -> Int {
        var count = 0
        for offset in range where bytes[offset] & 0xC0 != 0x80 { count += 1 }
        return count
    }

    func firstOffset(in range: Range<Int>, where test: (Unicode.Scalar) -> Bool) -> Int? {
        var offset = range.lowerBound
        while offset < range.upperBound {
            if test(scalar(at: offset)) { return offset }
            offset = self.offset(after: offset)
        }
        return nil
    }

    /// The range's first word: up to its first space, or all of it.
    func word(_ range: Range<Int>) -> Range<Int> {
        range.lowerBound..<(firstOffset(in: range, where: \.isSpace) ?? range.upperBound)
    }

    func droppingLeadingSpaces(_ range: Range<Int>) -> Range<Int> {
        (firstOffset(in: range) { !$0.isSpace } ?? range.upperBound)..<range.upperBound
    }

    func droppingTrailingSpaces(_ range: Range<Int>) -> Range<Int> {
        var end = range.upperBound
        while end > range.lowerBound, case let before = offset(before: end), scalar(at: before).isSpace { end = before }
        return range.lowerBound..<end
    }

    func trimmingSpaces(_ range: Range<Int>) -> Range<Int> {
        droppingTrailingSpaces(droppingLeadingSpaces(range))
    }

    /// The non-empty pieces between separators, found as they are read: no array is built.
    func pieces(of range: Range<Int>, separatedBy isSeparator: @escaping (Unicode.Scalar) -> Bool) -> Pieces {
        Pieces(text: self, rest: range, isSeparator: isSeparator)
    }

    struct Pieces: Sequence, IteratorProtocol {
        let text: UTF8Text
        var rest: Range<Int>
        let isSeparator: (Unicode.Scalar) -> Bool

        mutating func next() -> Range<Int>? {
            var start = rest.lowerBound
            var offset = start
            while offset < rest.upperBound {
                let after = text.offset(after: offset)
                if isSeparator(text.scalar(at: offset)) {
                    if offset > start {
                        rest = after..<rest.upperBound
                        return start..<offset
                    }
                    start = after
                }
                offset = after
            }
            rest = rest.upperBound..<rest.upperBound
            return start < offset ? start..<offset : nil
        }
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    func string(trimming range: Range<Int>) -> String {
        string(trimmingSpaces(range))
    }

    func isASCII(_ range: Range<Int>) -> Bool {
        bytes[range].allSatisfy { $0 < 0x80 }
    }

    func matches(_ range: Range<Int>, _ word: String) -> Bool {
        word.utf8.count == range.count && bytes[range].elementsEqual(word.utf8)
    }

    /// The case of `Name` the bytes spell, found without making a String of them.
    func name<Name: CaseIterable & RawRepresentable<String>>(_ range: Range<Int>, as _: Name.Type) -> Name? {
        Name.allCases.first { matches(range, $0.rawValue) }
    }

    /// The last arrow in the range: the one before an answer's target. A Chinese input method
    /// types `->` as `－＞`, `-＞`, `－>` or `—》`, so a dash (`-`, `－`, `—`) before a head (`>`, `＞`, `》`)
    /// is an arrow, and so are `→` and `⟶`. Scanned by bytes from the end: only a byte that can
    /// end an arrow is looked at twice, and ASCII bytes never occur inside a longer scalar.
    func lastArrow(in range: Range<Int>) -> Range<Int>? {
        var end = range.upperBound
        while end > range.lowerBound {
            if let start = arrowStart(endingAt: end, from: range.lowerBound) { return start..<end }
            end -= 1
        }
        return nil
    }

    private func arrowStart(endingAt end: Int, from lower: Int) -> Int? {
        let head: Int
        switch bytes[end - 1] {
        case UInt8(ascii: ">"):
            head = end - 1
        case 0x92, 0xB6:
            return ends(at: end, lower, [0xE2, 0x86, 0x92]) || ends(at: end, lower, [0xE2, 0x9F, 0xB6]) ? end - 3 : nil
        case 0x9E, 0x8B:
            guard ends(at: end, lower, [0xEF, 0xBC, 0x9E]) || ends(at: end, lower, [0xE3, 0x80, 0x8B]) else { return nil }
            head = end - 3
        default:
            return nil
        }
        if head > lower, bytes[head - 1] == UInt8(ascii: "-") { return head - 1 }
        if ends(at: head, lower, [0xEF, 0xBC, 0x8D]) || ends(at: head, lower, [0xE2, 0x80, 0x94]) { return head - 3 }
        return nil
    }

    private func ends(at end: Int, _ lower: Int, _ scalar: [UInt8]) -> Bool {
        end - scalar.count >= lower && bytes[(end - scalar.count)..<end].elementsEqual(scalar)
    }

    /// Where a head of an arrow stands without its dash (`=>`, `>`, `》`): what a trainer meant as
    /// an arrow but lint cannot take, with the character typed before it when that is not a word.
    func strayArrowHead(in range: Range<Int>) -> Range<Int>? {
        var offset = range.upperBound
        while offset > range.lowerBound {
            offset = self.offset(before: offset)
            let scalar = scalar(at: offset)
            guard scalar == ">" || scalar == "＞" || scalar == "》" else { continue }
            let after = self.offset(after: offset)
            guard offset > range.lowerBound, case let before = self.offset(before: offset),
                  "=＝_~～一–".unicodeScalars.contains(self.scalar(at: before)) else { return offset..<after }
            return before..<after
        }
        return nil
    }
}

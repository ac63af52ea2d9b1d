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

    /// The last `->` (or `→`) in the range: the one before an answer's target.
    /// ASCII bytes never occur inside a longer scalar, so scanning bytes backwards finds the same arrow as scanning scalars.
    func lastArrow(in range: Range<Int>) -> Range<Int>? {
        var offset = range.upperBound
        while offset > range.lowerBound {
            offset -= 1
            if bytes[offset] == 0x92, offset - 2 >= range.lowerBound, bytes[offset - 2] == 0xE2, bytes[offset - 1] == 0x86 {
                return offset - 2..<offset + 1
            }
            if bytes[offset] == UInt8(ascii: ">"), offset > range.lowerBound, bytes[offset - 1] == UInt8(ascii: "-") {
                return offset - 1..<offset + 1
            }
        }
        return nil
    }
}

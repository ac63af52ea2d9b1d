/// Terminal cells a piece of text occupies: Chinese characters take two, so
/// columns, wrapping and the diagnostic marker must count cells, not characters.
public enum DisplayWidth {
    /// Cells taken by one Unicode scalar in a monospaced terminal.
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        cells(scalar.value)
    }

    /// Cells taken by the scalar with this value.
    static func cells(_ v: UInt32) -> Int {
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }
        // Ideographs, CJK punctuation and full-width forms: most of a script, answered before the tables.
        if (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0x3000 && v <= 0x3029) || (v >= 0xFF01 && v <= 0xFF60) { return 2 }
        if isZeroWidth(v) { return 0 }
        return isWide(v) ? 2 : 1
    }

    /// Cells taken by a grapheme cluster: its first scalar decides, marks add nothing.
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.count > 1,
           character.unicodeScalars.contains(where: { $0.properties.isEmojiPresentation }) {
            return 2
        }
        return of(first)
    }

    /// Cells taken by a string.
    public static func of<S: StringProtocol>(_ text: S) -> Int {
        // Its own UTF-8 bytes when it has them (a list of a million rows measures every cell): the same count.
        if let counted = text.utf8.withContiguousStorageIfAvailable({ bytes -> Int? in
            var total = 0, scalars = UTF8Scalars(bytes)
            while let (value, _) = scalars.next() {
                guard standsAlone(value) else { return nil }
                total += cells(value)
            }
            return total
        }), let counted {
            return counted
        }
        var total = 0
        for scalar in text.unicodeScalars {
            // A scalar that may join its neighbours: count by characters instead.
            guard standsAlone(scalar) else { return text.reduce(0) { $0 + of($1) } }
            total += of(scalar)
        }
        return total
    }

    /// True for scalars that always form a character of their own and never join the next one:
    /// ASCII except CR, Latin-1, CJK punctuation, kana, ideographs and full-width forms,
    /// leaving out the combining marks among them.
    static func standsAlone(_ scalar: Unicode.Scalar) -> Bool {
        standsAlone(scalar.value)
    }

    static func standsAlone(_ value: UInt32) -> Bool {
        switch value {
        case 0x0D: return false
        case 0...0x2FF, 0x3000...0x3029, 0x3030...0x3098, 0x309B...0x9FFF, 0xFF00...0xFF9D: return true
        default: return false
        }
    }

    private static func isZeroWidth(_ v: UInt32) -> Bool {
        switch v {
        case 0x0300...0x036F, 0x0483...0x0489, 0x0591...0x05BD, 0x0610...0x061A,
             0x064B...0x065F, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064,
             0xFE00...0xFE0F, 0xFE20...0xFE2F, 0xFEFF, 0xE0100...0xE01EF:
            return true
        default:
            return false
        }
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC,
             0x23F0, 0x23F3, 0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653,
             0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE,
             0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5,
             0x26FA, 0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E,
             0x2753...0x2755, 0x2757, 0x2795...0x2797, 0x27B0, 0x27BF,
             0x2B1B...0x2B1C, 0x2B50, 0x2B55,
             0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60, 0xFFE0...0xFFE6,
             0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}

extension StringProtocol {
    /// Terminal cells this text occupies.
    public var displayWidth: Int { DisplayWidth.of(self) }
}

/// Breaks text into lines no wider than a terminal width, never splitting a character.
public enum TextWrap {
    /// Lines of at most `width` cells; with `following`, lines after the first get that width
    /// (a hanging indent's room). A newline in the text always starts a line.
    public static func lines(_ text: String, width: Int, following: Int? = nil) -> [String] {
        var lines: [String] = []
        forEachLine(text, width: width, following: following) { lines.append(String(decoding: $0, as: UTF8.self)) }
        return lines
    }

    /// The same lines, each given in turn as the text's own UTF-8: drawing a screen copies no line.
    public static func forEachLine(_ text: String, width: Int, following: Int? = nil, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let limits = (first: max(width, 2), rest: max(following ?? width, 2))
        var bytes = text
        bytes.withUTF8 { utf8 in
            // Most script text is ASCII and CJK, where every scalar is a character on its own:
            // walking the bytes then gives the same lines without the cost of finding grapheme clusters.
            if UTF8Scalars(utf8).allStandAlone {
                breaking(UTF8Scalars(utf8), limits, body)
            } else {
                breakingCharacters(text, limits, body)
            }
        }
    }

    private static func breaking(_ scalars: UTF8Scalars, _ limits: (first: Int, rest: Int), _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        let bytes = scalars.bytes
        var (start, used, first) = (0, 0, true)
        var previous = (offset: 0, cells: 0, value: UInt32(0))
        // Just after the line's last space: where a Latin word (`.record`) that does not fit goes down whole.
        var afterSpace = (offset: 0, used: 0)
        var scalars = scalars
        while let (value, offset) = scalars.next() {
            if value == 0x0A {
                body(UnsafeBufferPointer(rebasing: bytes[start..<offset]))
                (start, used, first) = (scalars.offset, 0, false)
                continue
            }
            let cells = DisplayWidth.cells(value)
            if used + cells > (first ? limits.first : limits.rest) {
                let end: Int
                if isLatinWordPart(value) && isLatinWordPart(previous.value) && afterSpace.offset > start {
                    end = afterSpace.offset
                    used -= afterSpace.used
                } else if closesAPhrase(value) && previous.offset > start {
                    // `。` never starts a line: the character before it goes down with it.
                    end = previous.offset
                    used = previous.cells
                } else {
                    end = offset
                    used = 0
                }
                body(UnsafeBufferPointer(rebasing: bytes[start..<end]))
                (start, first) = (end, false)
            }
            used += cells
            previous = (offset, cells, value)
            if value == 0x20 { afterSpace = (scalars.offset, used) }
        }
        body(UnsafeBufferPointer(rebasing: bytes[start...]))
    }

    /// The same walk by grapheme clusters, for text with combining marks, emoji or other joining scalars.
    private static func breakingCharacters(_ text: String, _ limits: (first: Int, rest: Int), _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        func emit(_ line: Substring) {
            var line = line
            line.withUTF8(body)
        }
        var (start, used, first) = (text.startIndex, 0, true)
        var previous = (index: start, cells: 0, value: UInt32(0))
        var afterSpace = (index: start, used: 0)
        var index = start
        while index != text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            let value = character.unicodeScalars.first?.value ?? 0
            if character == "\n" {
                emit(text[start..<index])
                (start, used, first) = (next, 0, false)
            } else {
                let cells = DisplayWidth.of(character)
                if used + cells > (first ? limits.first : limits.rest) {
                    let end: String.Index
                    if isLatinWordPart(value) && isLatinWordPart(previous.value) && afterSpace.index > start {
                        end = afterSpace.index
                        used -= afterSpace.used
                    } else if closesAPhrase(value) && previous.index > start {
                        end = previous.index
                        used = previous.cells
                    } else {
                        end = index
                        used = 0
                    }
                    emit(text[start..<end])
                    (start, first) = (end, false)
                }
                used += cells
                previous = (index, cells, value)
                if character == " " { afterSpace = (next, used) }
            }
            index = next
        }
        emit(text[start...])
    }

    /// A printable ASCII character other than a space: part of a Latin word, a command or a number.
    static func isLatinWordPart(_ value: UInt32) -> Bool { value > 0x20 && value < 0x7F }

    /// Punctuation that ends a phrase and so never starts a line (the rule of 避头点, as print does it).
    static func closesAPhrase(_ value: UInt32) -> Bool {
        switch value {
        case 0x3002, 0xFF0C, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01, 0xFF09, 0x300D, 0x300F, 0x3011, 0x300B, 0x3009, 0x201D, 0x2019,
             0x2026, 0xFF0E, 0x2C, 0x2E, 0x3B, 0x3A, 0x3F, 0x21, 0x29: return true
        default: return false
        }
    }

    /// The text cut to at most `width` cells, `…` marking a cut, never splitting a character:
    /// a cell of a table printed row by row, whose column width is fixed before the rows come.
    public static func clipped(_ text: String, to width: Int) -> String {
        guard text.displayWidth > width else { return text }
        let room = width - DisplayWidth.of("…")
        var kept = "", used = 0
        for character in text {
            let cells = DisplayWidth.of(character)
            if used + cells > room { break }
            kept.append(character)
            used += cells
        }
        return kept + "…"
    }

    /// Pads text with spaces on the right up to a display width.
    public static func padded(_ text: String, to width: Int) -> String {
        let missing = width - text.displayWidth
        return missing > 0 ? text + String(repeating: " ", count: missing) : text
    }
}

/// Valid UTF-8 (a String's own bytes) decoded by hand at byte offsets: for the
/// loops that walk every scalar of a script or a screen, where String's views
/// cost several times more. The script parser and the line wrapper share it.
public enum UTF8Decoding {
    /// How many bytes the scalar with this lead byte takes.
    @inlinable
    public static func length(lead: UInt8) -> Int {
        switch lead {
        case ..<0x80: return 1
        case ..<0xE0: return 2
        case ..<0xF0: return 3
        default: return 4
        }
    }

    /// The value of the scalar starting at `offset`.
    @inlinable
    public static func value(at offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let lead = UInt32(bytes[offset])
        func continuation(_ step: Int) -> UInt32 { UInt32(bytes[offset + step] & 0x3F) }
        switch lead {
        case ..<0x80: return lead
        case ..<0xE0: return (lead & 0x1F) << 6 | continuation(1)
        case ..<0xF0: return (lead & 0x0F) << 12 | continuation(1) << 6 | continuation(2)
        default: return (lead & 0x07) << 18 | continuation(1) << 12 | continuation(2) << 6 | continuation(3)
        }
    }
}

/// The scalars of valid UTF-8 in turn, with their byte offsets.
struct UTF8Scalars {
    let bytes: UnsafeBufferPointer<UInt8>
    private(set) var offset = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// The next scalar's value and the offset it starts at.
    mutating func next() -> (value: UInt32, offset: Int)? {
        guard offset < bytes.count else { return nil }
        let start = offset
        offset += UTF8Decoding.length(lead: bytes[start])
        return (UTF8Decoding.value(at: start, in: bytes), start)
    }

    var allStandAlone: Bool {
        var scalars = self
        while let (value, _) = scalars.next() {
            if !DisplayWidth.standsAlone(value) { return false }
        }
        return true
    }
}

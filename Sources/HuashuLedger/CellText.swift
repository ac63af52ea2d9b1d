import HuashuText

/// Cleaning every cell once, cheaply: a 100,000-row ledger has two million
/// cells, so the common case (nothing to trim, nothing to fold) must not
/// allocate.
enum CellText {
    /// Removes surrounding blanks, including the ideographic space, no-break
    /// space, zero-width characters, a stray BOM and control characters such as
    /// the DOS end-of-file mark Ctrl-Z.
    static func trimmed(_ text: String) -> String {
        if hasNoBlankEnds(text.utf8) { return text }
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, isBlank(scalars[start]) { start = scalars.index(after: start) }
        while start < end {
            let before = scalars.index(before: end)
            guard isBlank(scalars[before]) else { break }
            end = before
        }
        if start == scalars.startIndex && end == scalars.endIndex { return text }
        return String(scalars[start..<end])
    }

    /// The common case decided from the bytes alone: printable ASCII or a
    /// Chinese character (lead byte E4-E9, never a blank) at both ends.
    private static func hasNoBlankEnds(_ utf8: String.UTF8View) -> Bool {
        utf8.withContiguousStorageIfAvailable(hasNoBlankEnds) ?? false
    }

    private static func hasNoBlankEnds(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = bytes.first, let last = bytes.last else { return true }
        let firstIsText = (0x21...0x7E).contains(first) || (0xE4...0xE9).contains(first)
        guard firstIsText else { return false }
        if (0x21...0x7E).contains(last) { return true }
        guard (0x80...0xBF).contains(last), bytes.count >= 3 else { return false }
        return (0xE4...0xE9).contains(bytes[bytes.count - 3])
    }

    /// Trims the cell, drops the `'` that `SpreadsheetCell.inert` put before a
    /// formula-like start (so a corrected rejected-rows file reads back as
    /// written), and unwraps `="0755..."`, the formula trick spreadsheet
    /// exports use to keep leading zeros and long digit strings intact.
    static func cleaned(_ text: String) -> String {
        if text.fromUTF8(isClean) == true { return text }
        var value = trimmed(text)
        if SpreadsheetCell.isNeutralised(value) { value = trimmed(String(value.dropFirst())) }
        let utf8 = value.utf8
        guard utf8.count >= 3, utf8.first == UInt8(ascii: "="), utf8.last == UInt8(ascii: "\"") else { return value }
        let second = utf8.index(after: utf8.startIndex)
        guard utf8[second] == UInt8(ascii: "\"") else { return value }
        let inner = utf8[utf8.index(after: second)..<utf8.index(before: utf8.endIndex)]
        guard !inner.contains(UInt8(ascii: "\"")) else { return value }
        return trimmed(String(decoding: inner, as: UTF8.self))
    }

    /// True when `cleaned` returns the text of these UTF-8 bytes as it is, as most cells: nothing
    /// to trim, and neither the `'` nor the `=` that its slow path looks at.
    static func isClean(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        hasNoBlankEnds(bytes) && bytes.first != UInt8(ascii: "'") && bytes.first != UInt8(ascii: "=")
    }

    /// Full-width folding only when the text can contain full-width forms
    /// (U+FF01-FF5E start with byte EF, the ideographic space and 。 with E3).
    static func folded(_ text: String) -> String {
        let needsFolding = text.utf8.withContiguousStorageIfAvailable { bytes in
            bytes.contains { $0 == 0xEF || $0 == 0xE3 }
        } ?? text.utf8.contains { $0 == 0xEF || $0 == 0xE3 }
        return needsFolding ? InputNormalisation.foldFullWidth(text) : text
    }

    /// The text with every blank removed, for values agents space out for
    /// reading: plates, phone numbers, ID numbers, dates.
    static func withoutBlanks(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isBlank) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !isBlank(scalar) { scalars.append(scalar) }
        return String(scalars)
    }

    /// True when nothing in the text is one that `trimmed`, `folded` or
    /// `withoutBlanks` would change: no control character or space, and none
    /// of the lead bytes of the other blanks (U+0085, U+00A0, U+1680,
    /// U+2000-205F, U+3000, U+FEFF) or of full-width forms. Most cells of a
    /// ledger are plain, so their checks can go straight to the bytes.
    static func isPlain(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 <= 0x20 || $0 == 0x7F || $0 == 0xC2 || ($0 >= 0xE1 && $0 <= 0xE3) || $0 == 0xEF }
        } ?? false
    }

    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x20, 0x7F, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            true
        default:
            false
        }
    }
}

/// How a value from the file is shown inside a message: in backquotes, short,
/// with line ends and control characters made visible.
enum Quoting {
    static func short(_ text: String, limit: Int = 40) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                result += "…"
                break
            }
            switch scalar.value {
            case 0x0A, 0x0D: result += "↵"
            case 0x00..<0x20, 0x7F: result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
            count += 1
        }
        return result
    }

    static func quoted(_ text: String) -> String {
        "`" + short(text) + "`"
    }
}

/// Byte-wise comparisons for the hot paths: `==`, `hasPrefix` and `hasSuffix`
/// on String compare canonical equivalence, which costs a normalisation check
/// on every Chinese cell; Chinese and ASCII text has no alternative spellings
/// to worry about, so comparing UTF-8 bytes gives the same answers.
extension String {
    func utf8Equals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && utf8Matches(other, at: 0)
    }

    func utf8HasPrefix(_ prefix: String) -> Bool {
        utf8.count >= prefix.utf8.count && utf8Matches(prefix, at: 0)
    }

    func utf8HasSuffix(_ suffix: String) -> Bool {
        utf8.count >= suffix.utf8.count && utf8Matches(suffix, at: utf8.count - suffix.utf8.count)
    }

    /// True when `other`'s bytes are this text's from byte `start` on (which the callers keep in
    /// range), compared in place; through the views only for a text that is not contiguous.
    private func utf8Matches(_ other: String, at start: Int) -> Bool {
        let inPlace = fromUTF8 { bytes in
            other.fromUTF8 { otherBytes in
                UnsafeBufferPointer(rebasing: bytes[start..<start + otherBytes.count]).elementsEqual(otherBytes)
            }
        }
        return inPlace ?? utf8.dropFirst(start).starts(with: other.utf8)
    }

    /// What `read` makes of the text's UTF-8 bytes, seen in place: the fast
    /// paths of the checks. Nil when `read` says nil (or the bytes are not contiguous).
    func fromUTF8<T>(_ read: (UnsafeBufferPointer<UInt8>) -> T?) -> T? {
        utf8.withContiguousStorageIfAvailable(read) ?? nil
    }

    /// The text without its first `count` UTF-8 bytes (a whole number of characters).
    func utf8DroppingFirst(_ count: Int) -> String {
        String(decoding: utf8.dropFirst(count), as: UTF8.self)
    }

    func utf8DroppingLast(_ count: Int) -> String {
        String(decoding: utf8.dropLast(count), as: UTF8.self)
    }
}

extension UInt8 {
    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
}

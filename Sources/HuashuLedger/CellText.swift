import HuashuText

/// Cleaning every cell once, cheaply: a 100,000-row ledger has two million
/// cells, so the common case (nothing to trim, nothing to fold) must not
/// allocate.
enum CellText {
    /// Removes surrounding blanks, including the ideographic space, no-break
    /// space, zero-width characters, a stray BOM and control characters such as
    /// the DOS end-of-file mark Ctrl-Z.
    static func trimmed(_ text: String) -> String {
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

    /// Trims the cell and unwraps `="0755..."`, the formula trick spreadsheet
    /// exports use to keep leading zeros and long digit strings intact.
    static func cleaned(_ text: String) -> String {
        let value = trimmed(text)
        let utf8 = value.utf8
        guard utf8.count >= 3, utf8.first == UInt8(ascii: "="), utf8.last == UInt8(ascii: "\"") else { return value }
        let second = utf8.index(after: utf8.startIndex)
        guard utf8[second] == UInt8(ascii: "\"") else { return value }
        let inner = utf8[utf8.index(after: second)..<utf8.index(before: utf8.endIndex)]
        guard !inner.contains(UInt8(ascii: "\"")) else { return value }
        return trimmed(String(decoding: inner, as: UTF8.self))
    }

    /// Full-width folding only when the text can contain full-width forms
    /// (U+FF01-FF5E start with byte EF, the ideographic space and 。 with E3).
    static func folded(_ text: String) -> String {
        for byte in text.utf8 where byte == 0xEF || byte == 0xE3 {
            return InputNormalisation.foldFullWidth(text)
        }
        return text
    }

    /// The text with every blank removed, for values agents space out for
    /// reading: plates, phone numbers, ID numbers, dates.
    static func withoutBlanks(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isBlank) else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !isBlank(scalar) { scalars.append(scalar) }
        return String(scalars)
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

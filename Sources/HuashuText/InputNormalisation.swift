/// What a Chinese input method types is not always ASCII: `１` for 1, `：` for
/// `:`, `。` for a full stop. Commands and numbers are read after folding.
public enum InputNormalisation {
    /// Folds full-width ASCII forms (U+FF01-FF5E) and the ideographic space to ASCII.
    public static func foldFullWidth<S: StringProtocol>(_ text: S) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E:
                scalars.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x3000:
                scalars.append(" ")
            case 0x3002:
                scalars.append(".")
            default:
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// A whole number typed with ASCII or full-width digits, or nil.
    public static func integer<S: StringProtocol>(_ text: S) -> Int? {
        let folded = foldFullWidth(text).trimmingSpaces
        guard !folded.isEmpty, folded.count <= 9, folded.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(folded)
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces, tabs and line ends.
    /// Scans Unicode scalars: no grapheme breaking, so it is cheap on long text.
    public var trimmingSpaces: String {
        let text = Substring(self).unicodeScalars
        guard let first = text.firstIndex(where: { !$0.isSpace }) else { return "" }
        var end = text.endIndex
        while text[text.index(before: end)].isSpace { end = text.index(before: end) }
        return String(Substring(text[first..<end]))
    }
}

extension Unicode.Scalar {
    /// A space, tab, line end or the full-width space: what separates words in a line.
    public var isSpace: Bool {
        switch value {
        case 0x09...0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }
}

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
    public var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}

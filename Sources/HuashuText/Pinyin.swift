import Foundation

/// Agents search objections by typing pinyin (`jiage`) or its initials (`jg`)
/// when switching the input method would cost a second on the phone.
public struct Pinyin: Sendable, Equatable {
    /// Syllables without tones, e.g. ["jia", "ge"]; non-Chinese text is kept lower-cased.
    public let syllables: [String]

    public init(_ text: String) {
        let latin = text.applyingTransform(.mandarinToLatin, reverse: false) ?? text
        let plain = latin.applyingTransform(.stripDiacritics, reverse: false) ?? latin
        syllables = plain.lowercased()
            .split(whereSeparator: { !($0.isLetter || $0.isNumber) })
            .map(String.init)
    }

    /// All syllables run together: "jiage".
    public var full: String { syllables.joined() }

    /// First letters of the syllables: "jg".
    public var initials: String { String(syllables.compactMap(\.first)) }
}

extension Character {
    /// True for a CJK ideograph.
    public var isHan: Bool {
        guard let v = unicodeScalars.first?.value else { return false }
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2FFFD).contains(v)
    }
}

/// Agents search objections by typing pinyin (`pianyi`, `kaolv`) or its
/// initials (`py`) when switching the input method would cost a second on the
/// phone. Readings come from a word-level table (`PinyinTable`, generated from
/// Rime's dictionary and Unihan), so polyphones are read in context: 便宜 is
/// `pian yi`, 银行 `yin hang`, 重新 `chong xin`; ü is written `v` (`kao lv`).
/// No ICU: the table is parsed once, on the first search.
public struct Pinyin: Sendable, Equatable {
    /// Syllables without tones, e.g. ["jia", "ge"]; a run of other letters or digits is one lower-cased syllable.
    public let syllables: [String]

    public init(_ text: String) {
        var syllables: [String] = []
        var other = String.UnicodeScalarView()
        let characters = Array(text.lowercased().unicodeScalars)
        var at = 0
        while at < characters.count {
            let character = characters[at]
            guard character.isHan else {
                if character.properties.isAlphabetic || character.properties.numericType != nil {
                    other.append(character)
                } else if !other.isEmpty {
                    syllables.append(String(other))
                    other = String.UnicodeScalarView()
                }
                at += 1
                continue
            }
            if !other.isEmpty {
                syllables.append(String(other))
                other = String.UnicodeScalarView()
            }
            let (read, length) = PinyinReadings.shared.read(characters, at: at)
            syllables += read
            at += length
        }
        if !other.isEmpty { syllables.append(String(other)) }
        self.syllables = syllables
    }

    /// All syllables run together: "jiage".
    public var full: String { syllables.joined() }

    /// First letters of the syllables: "jg".
    public var initials: String { String(syllables.compactMap(\.first)) }

    /// Every reading of a character, most frequent first (还: hai, huan); empty when unknown.
    public static func readings(of character: Character) -> [String] {
        character.unicodeScalars.count == 1 ? PinyinReadings.shared.readings(of: character.unicodeScalars.first!) : []
    }
}

/// The generated table, parsed into dictionaries once.
final class PinyinReadings: Sendable {
    static let shared = PinyinReadings()

    // Keyed by scalars: every character of the table is one, and they hash far faster than `Character`s.
    private let main: [Unicode.Scalar: String]
    private let others: [Unicode.Scalar: [String]]
    /// Words of the table by their first character, longest first.
    private let words: [Unicode.Scalar: [(characters: [Unicode.Scalar], syllables: [String])]]

    private init() {
        var main: [Unicode.Scalar: String] = [:]
        main.reserveCapacity(16_500)
        for line in PinyinTable.characters.unicodeScalars.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let reading = String(String.UnicodeScalarView(line[..<space]))
            for character in line[line.index(after: space)...] { main[character] = reading }
        }
        var others: [Unicode.Scalar: [String]] = [:]
        for line in PinyinTable.alternatives.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if let character = fields.first?.unicodeScalars.first { others[character] = Array(fields.dropFirst()) }
        }
        var words: [Unicode.Scalar: [(characters: [Unicode.Scalar], syllables: [String])]] = [:]
        for line in PinyinTable.words.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard let word = fields.first, let first = word.unicodeScalars.first else { continue }
            words[first, default: []].append((Array(word.unicodeScalars), Array(fields.dropFirst())))
        }
        self.main = main
        self.others = others
        self.words = words.mapValues { $0.sorted { $0.characters.count > $1.characters.count } }
    }

    /// The reading at `at`: the longest word of the table starting there, else the character's main reading.
    func read(_ characters: [Unicode.Scalar], at: Int) -> (syllables: [String], length: Int) {
        let character = characters[at]
        for word in words[character] ?? [] where word.characters.count <= characters.count - at
            && characters[at..<at + word.characters.count].elementsEqual(word.characters) {
            return (word.syllables, word.characters.count)
        }
        return ([main[character] ?? String(Character(character))], 1)
    }

    func readings(of character: Unicode.Scalar) -> [String] {
        guard let first = main[character] else { return [] }
        return [first] + (others[character] ?? [])
    }
}

extension Character {
    /// True for a CJK ideograph.
    public var isHan: Bool { unicodeScalars.first?.isHan ?? false }
}

extension Unicode.Scalar {
    /// True for a CJK ideograph.
    public var isHan: Bool {
        (0x4E00...0x9FFF).contains(value) || (0x3400...0x4DBF).contains(value) || (0x20000...0x2FFFD).contains(value)
    }
}

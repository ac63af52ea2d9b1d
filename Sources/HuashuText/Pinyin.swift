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
        var other = ""
        let characters = Array(text.lowercased())
        var at = 0
        while at < characters.count {
            let character = characters[at]
            guard character.isHan else {
                if character.isLetter || character.isNumber {
                    other.append(character)
                } else if !other.isEmpty {
                    syllables.append(other)
                    other = ""
                }
                at += 1
                continue
            }
            if !other.isEmpty {
                syllables.append(other)
                other = ""
            }
            let (read, length) = PinyinReadings.shared.read(characters, at: at)
            syllables += read
            at += length
        }
        if !other.isEmpty { syllables.append(other) }
        self.syllables = syllables
    }

    /// All syllables run together: "jiage".
    public var full: String { syllables.joined() }

    /// First letters of the syllables: "jg".
    public var initials: String { String(syllables.compactMap(\.first)) }

    /// Every reading of a character, most frequent first (还: hai, huan); empty when unknown.
    public static func readings(of character: Character) -> [String] {
        PinyinReadings.shared.readings(of: character)
    }
}

/// The generated table, parsed into dictionaries once.
final class PinyinReadings: Sendable {
    static let shared = PinyinReadings()

    private let main: [Character: String]
    private let others: [Character: [String]]
    /// Words of the table by their first character, longest first.
    private let words: [Character: [(characters: [Character], syllables: [String])]]

    private init() {
        var main: [Character: String] = [:]
        for line in PinyinTable.characters.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let reading = String(line[..<space])
            for character in line[line.index(after: space)...] { main[character] = reading }
        }
        var others: [Character: [String]] = [:]
        for line in PinyinTable.alternatives.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            if let character = fields.first?.first { others[character] = Array(fields.dropFirst()) }
        }
        var words: [Character: [(characters: [Character], syllables: [String])]] = [:]
        for line in PinyinTable.words.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard let word = fields.first, let first = word.first else { continue }
            words[first, default: []].append((Array(word), Array(fields.dropFirst())))
        }
        self.main = main
        self.others = others
        self.words = words.mapValues { $0.sorted { $0.characters.count > $1.characters.count } }
    }

    /// The reading at `at`: the longest word of the table starting there, else the character's main reading.
    func read(_ characters: [Character], at: Int) -> (syllables: [String], length: Int) {
        let character = characters[at]
        for word in words[character] ?? [] where word.characters.count <= characters.count - at
            && characters[at..<at + word.characters.count].elementsEqual(word.characters) {
            return (word.syllables, word.characters.count)
        }
        return ([main[character] ?? String(character)], 1)
    }

    func readings(of character: Character) -> [String] {
        guard let first = main[character] else { return [] }
        return [first] + (others[character] ?? [])
    }
}

extension Character {
    /// True for a CJK ideograph.
    public var isHan: Bool {
        guard let v = unicodeScalars.first?.value else { return false }
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x20000...0x2FFFD).contains(v)
    }
}

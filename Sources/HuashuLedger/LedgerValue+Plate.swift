extension LedgerValue {
    private static let provinces: Set<Character> = Set("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼")
    private static let plateSuffixes: Set<Character> = Set("学警挂领港澳试超使")
    private static let plateRule = "a province character such as 粤, a letter, then 5 letters or digits, or 6 for a new-energy vehicle: 粤B12345, 粤BD12345"

    /// The plate is how a customer is found again (in this file, in the store,
    /// at the insurer), so it is kept in one spelling: upper-case, half-width,
    /// without the spaces and the dot (粤B·12345) people write for reading.
    public static func plate(_ text: String) throws(LedgerValueError) -> String {
        let original = CellText.trimmed(text)
        guard !original.isEmpty else { throw LedgerValueError("the plate is empty") }
        var plate = ""
        for character in CellText.folded(original).uppercased() {
            switch character {
            case "·", "•", "・", "‧", "-", ".", "﹒", "_": continue
            default:
                if !character.unicodeScalars.allSatisfy(CellText.isBlank) { plate.append(character) }
            }
        }
        guard isPlate(Array(plate)) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a valid plate (\(plateRule))")
        }
        return plate
    }

    private static func isPlate(_ characters: [Character]) -> Bool {
        let isSerial: (Character) -> Bool = { $0.isASCII && ($0.isASCIIDigit || ("A"..."Z").contains($0)) }
        if characters.first == "使" {
            // Embassy plates: 使 and six digits.
            return characters.count == 7 && characters.dropFirst().allSatisfy(\.isASCIIDigit)
        }
        guard characters.count >= 7, let first = characters.first, provinces.contains(first),
              ("A"..."Z").contains(characters[1]), characters[1].isASCII else { return false }
        let rest = characters.dropFirst(2)
        if rest.allSatisfy(isSerial) {
            return rest.count == 5 || rest.count == 6
        }
        // Learner, police, trailer, consulate, Hong Kong/Macau and test plates: four characters and a suffix.
        guard rest.count == 5, let last = rest.last, plateSuffixes.contains(last) else { return false }
        return rest.dropLast().allSatisfy(isSerial)
    }
}

extension LedgerValue {
    private static let provinces: Set<Unicode.Scalar> = Set("京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼".unicodeScalars)
    private static let plateSuffixes: Set<Unicode.Scalar> = Set("学警挂领港澳试超".unicodeScalars)
    private static let plateRule = "a province character such as 粤, a letter, then 5 letters or digits, or 6 for a new-energy vehicle: 粤B12345, 粤BD12345"

    /// The plate is how a customer is found again (in this file, in the store,
    /// at the insurer), so it is kept in one spelling: upper-case, half-width,
    /// without the spaces and the dot (粤B·12345) people write for reading.
    public static func plate(_ text: String) throws(LedgerValueError) -> String {
        if isPlainPlate(text) { return text }
        let original = CellText.trimmed(text)
        guard !original.isEmpty else { throw LedgerValueError("the plate is empty") }
        let folded = CellText.folded(original)
        var plate: [Unicode.Scalar] = []
        plate.reserveCapacity(8)
        var changed = false
        for scalar in folded.unicodeScalars {
            switch scalar {
            case "·", "•", "・", "‧", "-", ".", "﹒", "_":
                changed = true
            case "a"..."z":
                plate.append(Unicode.Scalar(scalar.value - 32) ?? scalar)
                changed = true
            default:
                if CellText.isBlank(scalar) { changed = true } else { plate.append(scalar) }
            }
        }
        guard isPlate(plate) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a valid plate (\(plateRule))")
        }
        guard changed else { return folded }
        var result = ""
        result.unicodeScalars.append(contentsOf: plate)
        return result
    }

    /// `粤B12345` or `粤BD12345` exactly as `plate` would return it: a
    /// province, a capital letter and 5 or 6 capitals or digits, nothing else.
    private static func isPlainPlate(_ text: String) -> Bool {
        text.fromUTF8 { bytes in
            guard bytes.count == 9 || bytes.count == 10, bytes[0] & 0xF0 == 0xE0,
                  let province = Unicode.Scalar(UInt32(bytes[0] & 0x0F) << 12 | UInt32(bytes[1] & 0x3F) << 6 | UInt32(bytes[2] & 0x3F)),
                  provinces.contains(province), (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[3]) else { return false }
            return bytes[4...].allSatisfy { $0.isASCIIDigit || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }
        } ?? false
    }

    private static func isPlate(_ scalars: [Unicode.Scalar]) -> Bool {
        let isLetter: (Unicode.Scalar) -> Bool = { ("A"..."Z").contains($0) }
        let isSerial: (Unicode.Scalar) -> Bool = { isLetter($0) || ("0"..."9").contains($0) }
        if scalars.first == "使" {
            // Embassy plates: 使 and six digits.
            return scalars.count == 7 && scalars.dropFirst().allSatisfy { ("0"..."9").contains($0) }
        }
        guard scalars.count >= 7, provinces.contains(scalars[0]), isLetter(scalars[1]) else { return false }
        let rest = scalars.dropFirst(2)
        if rest.allSatisfy(isSerial) {
            return rest.count == 5 || rest.count == 6
        }
        // Learner, police, trailer, consulate, Hong Kong/Macau and test plates: four characters and a suffix.
        guard rest.count == 5, let last = rest.last, plateSuffixes.contains(last) else { return false }
        return rest.dropLast().allSatisfy(isSerial)
    }
}

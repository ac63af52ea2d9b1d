extension LedgerValue {
    private static let phoneRule = "11-digit mobile starting with 1, or a landline with area code such as 020-12345678"

    /// Agents dial what the ledger says, so a number must be diallable: a
    /// mainland mobile (11 digits, second digit 3-9, an optional +86 in front)
    /// becomes its 11 digits; a landline keeps its area code, as "020-12345678".
    public static func phone(_ text: String) throws(LedgerValueError) -> String {
        let original = CellText.trimmed(text)
        let value = CellText.folded(original)
        guard !value.isEmpty else { throw LedgerValueError("the phone number is empty") }
        if looksLikeScientificNotation(value) {
            throw LedgerValueError("\(Quoting.quoted(original)) is a number Excel shortened to scientific notation, which loses digits; format the column as Text in Excel, retype the numbers and export again")
        }
        let pieces = value.split(whereSeparator: { "/,;、|".contains($0) }).filter { !CellText.trimmed(String($0)).isEmpty }
        if pieces.count > 1 {
            throw LedgerValueError("\(Quoting.quoted(original)) holds more than one phone number; keep one here and move the others to 备注")
        }

        var digits = ""
        var plus = false
        for character in value {
            if character.isASCIIDigit {
                digits.append(character)
            } else if character == "+" && digits.isEmpty && !plus {
                plus = true
            } else if !(" -()（）—".contains(character) || character.unicodeScalars.allSatisfy(CellText.isBlank)) {
                throw LedgerValueError("\(Quoting.quoted(original)) is not a valid phone number (\(phoneRule))")
            }
        }
        if digits.count == 13 && digits.hasPrefix("86") {
            digits.removeFirst(2)
        } else if digits.count == 15 && digits.hasPrefix("0086") && !plus {
            digits.removeFirst(4)
        } else if plus {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a mainland China number (\(phoneRule))")
        }

        let bytes = Array(digits.utf8)
        if bytes.count == 11, bytes[0] == UInt8(ascii: "1"), (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[1]) {
            return digits
        }
        if bytes.first == UInt8(ascii: "0") {
            // Area codes are 010 and 020-029 (three digits) or four digits everywhere else.
            let areaLength = digits.hasPrefix("010") || digits.hasPrefix("02") ? 3 : 4
            let local = bytes.dropFirst(areaLength)
            if bytes.count > areaLength, (7...8).contains(local.count), let lead = local.first,
               lead >= UInt8(ascii: "2") {
                return String(decoding: bytes.prefix(areaLength), as: UTF8.self) + "-" + String(decoding: local, as: UTF8.self)
            }
        }
        throw LedgerValueError("\(Quoting.quoted(original)) is not a valid phone number (\(phoneRule))")
    }

    /// `1.38123E+10`: what Excel writes for a long number in a "General" cell.
    static func looksLikeScientificNotation(_ value: String) -> Bool {
        let upper = value.uppercased()
        guard let e = upper.firstIndex(of: "E") else { return false }
        let mantissa = upper[..<e]
        var exponent = upper[upper.index(after: e)...]
        if exponent.first == "+" { exponent = exponent.dropFirst() }
        return !mantissa.isEmpty && !exponent.isEmpty
            && mantissa.allSatisfy({ $0.isASCIIDigit || $0 == "." })
            && exponent.allSatisfy(\.isASCIIDigit)
            && mantissa.first?.isASCIIDigit == true
    }
}

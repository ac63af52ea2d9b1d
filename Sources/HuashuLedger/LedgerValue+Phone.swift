extension LedgerValue {
    private static let phoneRule = "11-digit mobile starting with 1, or a landline with area code such as 020-12345678"

    /// Agents dial what the ledger says, so a number must be diallable: a
    /// mainland mobile (11 digits, second digit 3-9, an optional +86 in front)
    /// becomes its 11 digits; a landline keeps its area code, as "020-12345678".
    public static func phone(_ text: String) throws(LedgerValueError) -> String {
        let isPlainMobile = text.fromUTF8 { bytes in
            bytes.count == 11 && bytes[0] == UInt8(ascii: "1") && (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(bytes[1])
                && bytes.allSatisfy(\.isASCIIDigit)
        } ?? false
        if isPlainMobile { return text }
        let original = CellText.trimmed(text)
        let value = CellText.folded(original)
        guard !value.isEmpty else { throw LedgerValueError("the phone number is empty") }
        if looksLikeScientificNotation(value) {
            throw LedgerValueError("\(Quoting.quoted(original)) is a number Excel shortened to scientific notation, which loses digits; format the column as Text in Excel, retype the numbers and export again")
        }
        func invalid() -> LedgerValueError {
            LedgerValueError("\(Quoting.quoted(original)) is not a valid phone number (\(phoneRule))")
        }

        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        var plus = false
        var numbers = 0  // runs of digits split by /, ; or 、: more than one number in the cell
        var inNumber = false
        for scalar in value.unicodeScalars {
            switch scalar {
            case "0"..."9":
                digits.append(UInt8(scalar.value))
                if !inNumber { numbers += 1; inNumber = true }
            case "+" where digits.isEmpty && !plus:
                plus = true
            case "/", ",", ";", "、", "|":
                inNumber = false
            case "-", "(", ")", "—":
                continue
            default:
                guard CellText.isBlank(scalar) else { throw invalid() }
            }
        }
        if numbers > 1 {
            throw LedgerValueError("\(Quoting.quoted(original)) holds more than one phone number; keep one here and move the others to 备注")
        }
        if digits.count == 13 && digits.starts(with: [0x38, 0x36]) {  // 86
            digits.removeFirst(2)
        } else if digits.count == 15 && digits.starts(with: [0x30, 0x30, 0x38, 0x36]) && !plus {  // 0086
            digits.removeFirst(4)
        } else if plus {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a mainland China number (\(phoneRule))")
        }

        if digits.count == 11, digits[0] == UInt8(ascii: "1"), (UInt8(ascii: "3")...UInt8(ascii: "9")).contains(digits[1]) {
            return String(decoding: digits, as: UTF8.self)
        }
        if digits.count >= 2, digits[0] == UInt8(ascii: "0") {
            // Area codes are 010 and 020-029 (three digits), or 0 and three digits starting 3-9.
            let areaLength: Int
            switch digits[1] {
            case UInt8(ascii: "1") where digits.count > 2 && digits[2] == UInt8(ascii: "0"): areaLength = 3
            case UInt8(ascii: "2"): areaLength = 3
            case UInt8(ascii: "3")...UInt8(ascii: "9"): areaLength = 4
            default: throw invalid()
            }
            let local = digits.dropFirst(areaLength)
            if (7...8).contains(local.count), local.first != UInt8(ascii: "0") {
                return String(decoding: digits.prefix(areaLength), as: UTF8.self) + "-" + String(decoding: local, as: UTF8.self)
            }
        }
        throw invalid()
    }

    /// A phone cell that holds no number to dial: a word instead of a number
    /// (无, 暂无, 不详), all zeros, fewer than 7 digits, or a mobile number cut
    /// short. Such a vehicle is imported without a phone and marked 缺少有效电话;
    /// anything else that is not a number is a mistake worth a person's look.
    public static func isPlaceholderPhone(_ text: String) -> Bool {
        // A cell of plain digits (most of them) is judged from its bytes as they are.
        if let placeholder = text.fromUTF8({ bytes in bytes.allSatisfy(\.isASCIIDigit) ? isPlaceholder(digits: bytes) : nil }) {
            return placeholder
        }
        let value = CellText.folded(CellText.trimmed(text))
        guard !looksLikeScientificNotation(value) else { return false }
        return isPlaceholder(digits: value.utf8.filter(\.isASCIIDigit))
    }

    /// All zeros, fewer than 7 digits, or a mobile number cut short.
    private static func isPlaceholder(digits: some Collection<UInt8>) -> Bool {
        if digits.allSatisfy({ $0 == UInt8(ascii: "0") }) { return true }
        return digits.count < 7 || (digits.first == UInt8(ascii: "1") && digits.count < 11)
    }

    /// `1.38123E+10`: what Excel writes for a long number in a "General" cell.
    static func looksLikeScientificNotation(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let e = bytes.firstIndex(where: { $0 == UInt8(ascii: "E") || $0 == UInt8(ascii: "e") }) else { return false }
        let mantissa = bytes[..<e]
        var exponent = bytes[(e + 1)...]
        if exponent.first == UInt8(ascii: "+") { exponent = exponent.dropFirst() }
        return mantissa.first?.isASCIIDigit == true && !exponent.isEmpty
            && mantissa.allSatisfy({ $0.isASCIIDigit || $0 == UInt8(ascii: ".") })
            && exponent.allSatisfy(\.isASCIIDigit)
    }
}

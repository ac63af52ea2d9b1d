import HuashuCalendar

extension LedgerValue {
    private static let idRule = "18 characters, the last a digit or X; or 15 digits for an old card"
    private static let idWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let idCheckCharacters = Array("10X98765432".utf8)
    private static let creditCodeCharacters = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
    private static let creditCodeWeights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// The number is needed at the close to issue the policy, so a mistyped one
    /// must be caught now: the GB 11643 check digit catches any single wrong
    /// digit. A company policyholder's 统一社会信用代码 (GB 32100, with its own
    /// check character) is accepted too, since the same column holds it.
    /// Returns the number upper-cased (`x` becomes `X`).
    public static func idNumber(_ text: String) throws(LedgerValueError) -> String {
        try identity(text).number
    }

    /// Whose number it is: only a person's ID carries a sex digit.
    enum IdentityHolder { case person, company }

    static func identity(_ text: String) throws(LedgerValueError) -> (number: String, holder: IdentityHolder) {
        if isPlainPersonalID(text) { return (text, .person) }
        let original = CellText.trimmed(text)
        let value = CellText.withoutBlanks(CellText.folded(original)).uppercased()
        guard !value.isEmpty else { throw LedgerValueError("the ID number is empty") }
        if looksLikeScientificNotation(value) {
            throw LedgerValueError("\(Quoting.quoted(original)) is a number Excel shortened to scientific notation, which loses digits; format the column as Text in Excel, retype the numbers and export again")
        }
        let bytes = Array(value.utf8)
        let isDigit: (UInt8) -> Bool = { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }

        if bytes.count == 15, bytes.allSatisfy(isDigit) {
            try checkBirthDate(bytes[6..<12], century: 19, original: original)
            return (value, .person)
        }
        guard bytes.count == 18 else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a valid ID number (\(idRule)); it has \(value.count) characters")
        }
        if bytes.prefix(17).allSatisfy(isDigit), let last = bytes.last, isDigit(last) || last == UInt8(ascii: "X") {
            do {
                try checkBirthDate(bytes[6..<14], century: nil, original: original)
            } catch {
                // No birth date inside: a company's all-digit credit code rather than a mistyped person's ID.
                if isCreditCode(bytes) { return (value, .company) }
                throw error
            }
            let expected = checkCharacter(bytes.prefix(17))
            guard expected == last else {
                throw LedgerValueError("\(Quoting.quoted(original)) is not a valid ID number: the last character should be \(Character(Unicode.Scalar(expected))) for the 17 digits before it, so one of them is probably mistyped")
            }
            return (value, .person)
        }
        if isCreditCode(bytes) {
            return (value, .company)
        }
        if let expected = creditCodeCheckCharacter(bytes) {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a valid 统一社会信用代码 (a company's unified social credit code): the last character should be \(Character(Unicode.Scalar(expected))) for the 17 before it, so one of them is probably mistyped")
        }
        throw LedgerValueError("\(Quoting.quoted(original)) is not a valid ID number (\(idRule))")
    }

    /// An 18-character personal ID exactly as `identity` would return it, with
    /// a real birth date and the right check digit; anything else goes the long way.
    private static func isPlainPersonalID(_ text: String) -> Bool {
        text.fromUTF8 { bytes in
            guard bytes.count == 18, bytes.prefix(17).allSatisfy(\.isASCIIDigit), let last = bytes.last,
                  last.isASCIIDigit || last == UInt8(ascii: "X") else { return false }
            return birthDate(bytes[6..<14], century: nil) != nil && checkCharacter(bytes.prefix(17)) == last
        } ?? false
    }

    /// The GB 11643 check character for a personal ID's first 17 digits.
    private static func checkCharacter(_ digits: some Collection<UInt8>) -> UInt8 {
        var sum = 0
        for (byte, weight) in zip(digits, idWeights) { sum += Int(byte - UInt8(ascii: "0")) * weight }
        return idCheckCharacters[sum % 11]
    }

    /// The birth date an ID's digits give (`yyyyMMdd`, or `yyMMdd` of an old card with its
    /// `century`), when it is a real day from 1900 to 2099.
    private static func birthDate(_ digits: some Collection<UInt8>, century: Int?) -> LedgerDate? {
        let value = digits.reduce(0) { $0 * 10 + Int($1) - 0x30 }
        let year = (century ?? 0) * (digits.count == 6 ? 100 : 0) + value / 10_000
        guard (1900...2099).contains(year) else { return nil }
        return LedgerDate(year: year, month: value / 100 % 100, day: value % 100)
    }

    /// 先生 or 女士 from the sex digit of a person's checked ID number (the 17th
    /// of 18, the last of 15: odd for men), used when the ledger has no 性别 or 称呼.
    static func honorific(fromPersonalID id: String) -> String? {
        let bytes = id.utf8
        let index: Int
        switch bytes.count {
        case 18: index = 16
        case 15: index = 14
        default: return nil
        }
        let digit = Int(bytes[bytes.index(bytes.startIndex, offsetBy: index)]) - 48
        guard (0...9).contains(digit) else { return nil }
        return digit % 2 == 1 ? "先生" : "女士"
    }

    private static func checkBirthDate(_ digits: ArraySlice<UInt8>, century: Int?, original: String) throws(LedgerValueError) {
        guard birthDate(digits, century: century) == nil else { return }
        let shown = (century.map(String.init) ?? "") + String(decoding: digits, as: UTF8.self)
        throw LedgerValueError("\(Quoting.quoted(original)) is not a valid ID number: \(shown) is not a birth date")
    }

    private static func isCreditCode(_ bytes: [UInt8]) -> Bool {
        guard let expected = creditCodeCheckCharacter(bytes) else { return false }
        return bytes.last == expected
    }

    /// The GB 32100 check character for 18 characters shaped like a credit code (letters
    /// among them, all from the code's alphabet); nil for anything else.
    private static func creditCodeCheckCharacter(_ bytes: [UInt8]) -> UInt8? {
        guard bytes.count == 18, let last = bytes.last, creditCodeCharacters.contains(last) else { return nil }
        var sum = 0
        for (byte, weight) in zip(bytes.prefix(17), creditCodeWeights) {
            guard let value = creditCodeCharacters.firstIndex(of: byte) else { return nil }
            sum += value * weight
        }
        return creditCodeCharacters[(31 - sum % 31) % 31]
    }

    /// How the ledger marks a company's vehicle.
    public static let companyHolder = "单位"

    /// 投保人类型: 个人 (a person) or 单位 (a company, 企业, 公司, 机关 ...).
    public static func holderType(_ text: String) throws(LedgerValueError) -> String {
        let value = CellText.withoutBlanks(CellText.folded(CellText.trimmed(text)))
        if ["个人", "私人", "自然人", "person", "individual"].contains(value.lowercased()) { return "个人" }
        if ["单位", "企业", "公司", "机关", "团体", "法人", "company", "organization"].contains(value.lowercased()) { return companyHolder }
        throw LedgerValueError("\(Quoting.quoted(text)) is not a policyholder type (个人 or 单位)")
    }
}

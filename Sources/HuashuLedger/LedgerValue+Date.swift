extension LedgerValue {
    /// Expiry dates outside these years are typing or export mistakes (a
    /// serial number read as a year, 1026 for 2026), not real policies.
    public static let plausibleYears = 1990...2099

    private static let dateFormats = "write it as 2026/11/22, 2026-11-22, 2026.11.22 or 2026年11月22日"

    /// Reads the date forms Excel and WPS write on Chinese systems, an Excel
    /// serial number from a cell formatted as "General", and yyyymmdd.
    public static func date(_ text: String) throws(LedgerValueError) -> LedgerDate {
        let original = CellText.trimmed(text)
        var value = CellText.folded(original)
        if let colon = value.firstIndex(of: ":"),
           let cut = value[..<colon].lastIndex(where: { $0 == " " || $0 == "T" }) {
            value = String(value[..<cut])  // a time of day after the date carries nothing for a policy
        }
        value = CellText.withoutBlanks(value)
        guard !value.isEmpty else { throw LedgerValueError("the date is empty") }

        if let number = excelNumber(value) {
            return try serialOrCompact(number, original: original)
        }

        var unified = ""
        for character in value {
            switch character {
            case "年", "月", "/", "-", ".": unified.append("-")
            case "日", "号": continue
            default: unified.append(character)
            }
        }
        if value.contains("年") != value.contains("月") || value.last == "年" || value.last == "月" {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a date (\(dateFormats))")
        }
        let parts = unified.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy(\.isASCIIDigit) }) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a date (\(dateFormats))")
        }
        guard parts[0].count == 4, parts[1].count <= 2, parts[2].count <= 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]) else {
            if parts[2].count == 4 {
                throw LedgerValueError("\(Quoting.quoted(original)) puts the year last; day and month would be guesswork (\(dateFormats))")
            }
            throw LedgerValueError("\(Quoting.quoted(original)) is not a date (\(dateFormats))")
        }
        return try checked(year: year, month: month, day: day, original: original)
    }

    /// A bare number: digits with an optional fraction (Excel writes a time of
    /// day as the fraction of a serial).
    private static func excelNumber(_ value: String) -> (whole: Substring, fraction: Substring?)? {
        let pieces = value.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = pieces.first, !whole.isEmpty, whole.allSatisfy(\.isASCIIDigit) else { return nil }
        if pieces.count == 2 {
            let fraction = pieces[1]
            guard !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit), !fraction.contains(".") else { return nil }
            return (whole, fraction)
        }
        return (whole, nil)
    }

    private static func serialOrCompact(_ number: (whole: Substring, fraction: Substring?), original: String) throws(LedgerValueError) -> LedgerDate {
        let whole = number.whole
        if whole.count == 8, number.fraction == nil, let year = Int(whole.prefix(4)), let month = Int(whole.dropFirst(4).prefix(2)), let day = Int(whole.suffix(2)) {
            return try checked(year: year, month: month, day: day, original: original)
        }
        let low = LedgerDate(year: plausibleYears.lowerBound, month: 1, day: 1)?.excelSerial ?? 0
        let high = LedgerDate(year: plausibleYears.upperBound, month: 12, day: 31)?.excelSerial ?? 0
        guard whole.count <= 7, let serial = Int(whole), serial >= low, serial <= high,
              let date = LedgerDate(excelSerial: serial) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a date; as an Excel serial number it would have to be between \(low) (\(plausibleYears.lowerBound)-01-01) and \(high) (\(plausibleYears.upperBound)-12-31) (\(dateFormats))")
        }
        return date
    }

    private static func checked(year: Int, month: Int, day: Int, original: String) throws(LedgerValueError) -> LedgerDate {
        guard plausibleYears.contains(year) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is outside the years \(plausibleYears.lowerBound)-\(plausibleYears.upperBound); check the year")
        }
        guard (1...12).contains(month) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a valid date (there is no month \(month))")
        }
        guard let date = LedgerDate(year: year, month: month, day: day) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a valid date (\(year)-\(month < 10 ? "0" : "")\(month) has \(LedgerDate.daysIn(month: month, year: year)) days)")
        }
        return date
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 48 && $0 <= 57 } ?? false }
}

import HuashuCalendar

extension LedgerValue {
    /// Expiry dates outside these years are typing or export mistakes (a
    /// serial number read as a year, 1026 for 2026), not real policies.
    public static let plausibleYears = 1990...2099

    private static let dateFormats = "write it as 2026/11/22, 2026-11-22, 2026.11.22 or 2026年11月22日"

    /// Reads the date forms Excel and WPS write on Chinese systems, an Excel
    /// serial number from a cell formatted as "General", and yyyymmdd.
    public static func date(_ text: String) throws(LedgerValueError) -> LedgerDate {
        if let date = plainDate(text) { return date }
        let original = CellText.trimmed(text)
        var value = CellText.folded(original)
        let utf8 = value.utf8
        if let colon = utf8.firstIndex(of: UInt8(ascii: ":")),
           let cut = utf8[..<colon].lastIndex(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "T") }) {
            value = String(value[..<cut])  // a time of day after the date carries nothing for a policy
        }
        let bytes = Array(CellText.withoutBlanks(value).utf8)
        guard !bytes.isEmpty else { throw LedgerValueError("the date is empty") }
        func notADate() -> LedgerValueError {
            LedgerValueError("\(Quoting.quoted(original)) is not a date (\(dateFormats))")
        }

        if let number = excelNumber(bytes) {
            return try serialOrCompact(number, original: original)
        }

        // Digit groups between separators; 年 and 月 separate like `/`, 日 and 号 are dropped.
        var values = [0, 0, 0]
        var lengths = [0, 0, 0]
        var group = 0
        var sawYear = false
        var sawMonth = false
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b.isASCIIDigit {
                guard group < 3, lengths[group] < 4 else { throw notADate() }
                values[group] = values[group] * 10 + Int(b - 0x30)
                lengths[group] += 1
                i += 1
                continue
            }
            if b == UInt8(ascii: "/") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") {
                group += 1
                i += 1
                continue
            }
            guard i + 3 <= bytes.count else { throw notADate() }
            switch (bytes[i], bytes[i + 1], bytes[i + 2]) {
            case (0xE5, 0xB9, 0xB4): group += 1; sawYear = true  // 年
            case (0xE6, 0x9C, 0x88): group += 1; sawMonth = true  // 月
            case (0xE6, 0x97, 0xA5), (0xE5, 0x8F, 0xB7): break  // 日, 号
            default: throw notADate()
            }
            i += 3
        }
        guard sawYear == sawMonth, group == 2, !lengths.contains(0) else {
            throw notADate()
        }
        if lengths[0] == 2, lengths[1] <= 2, lengths[2] <= 2, !sawYear {
            // `25-3-8`: a two-digit year first, unless the last group could be the year too.
            guard lengths[2] == 1 || values[0] > 31 else {
                let (a, b, c) = (values[0], values[1], values[2])
                throw LedgerValueError("\(Quoting.quoted(original)) could be 20\(twoDigits(a))-\(twoDigits(b))-\(twoDigits(c)) or a day and month before the year 20\(twoDigits(c)); the order cannot be known (\(dateFormats))")
            }
            return try checked(year: 2000 + values[0], month: values[1], day: values[2], original: original)
        }
        guard lengths[0] == 4, lengths[1] <= 2, lengths[2] <= 2 else {
            if lengths[2] == 4 {
                throw LedgerValueError("\(Quoting.quoted(original)) puts the year last; day and month would be guesswork (\(dateFormats))")
            }
            throw notADate()
        }
        return try checked(year: values[0], month: values[1], day: values[2], original: original)
    }

    /// The usual `2026/11/22` or `2026-11-22` (one separator, `/`, `-` or
    /// `.`), read straight from the bytes when it is a plausible real day;
    /// nil for anything else, which `date` reads or refuses with a reason.
    private static func plainDate(_ text: String) -> LedgerDate? {
        text.fromUTF8 { bytes -> LedgerDate? in
            guard (8...10).contains(bytes.count) else { return nil }
            let separator = bytes[4]
            guard separator == UInt8(ascii: "/") || separator == UInt8(ascii: "-") || separator == UInt8(ascii: ".") else { return nil }
            var values = (year: 0, month: 0, day: 0)
            var part = 0
            var digits = 0
            for byte in bytes {
                if byte == separator {
                    guard part < 2, digits > 0, part > 0 || digits == 4 else { return nil }
                    part += 1
                    digits = 0
                    continue
                }
                guard byte.isASCIIDigit, digits < (part == 0 ? 4 : 2) else { return nil }
                let digit = Int(byte - 0x30)
                switch part {
                case 0: values.year = values.year * 10 + digit
                case 1: values.month = values.month * 10 + digit
                default: values.day = values.day * 10 + digit
                }
                digits += 1
            }
            guard part == 2, digits > 0, plausibleYears.contains(values.year) else { return nil }
            return LedgerDate(year: values.year, month: values.month, day: values.day)
        }
    }

    /// A bare number: digits with an optional fraction (Excel writes a time of
    /// day as the fraction of a serial).
    private static func excelNumber(_ bytes: [UInt8]) -> (whole: ArraySlice<UInt8>, hasFraction: Bool)? {
        guard let first = bytes.first, first.isASCIIDigit else { return nil }
        guard let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else {
            return bytes.allSatisfy(\.isASCIIDigit) ? (bytes[...], false) : nil
        }
        let whole = bytes[..<dot]
        let fraction = bytes[(dot + 1)...]
        guard whole.allSatisfy(\.isASCIIDigit), !fraction.isEmpty, fraction.allSatisfy(\.isASCIIDigit) else { return nil }
        return (whole, true)
    }

    /// The value of a short run of ASCII digits.
    private static func number<C: Collection<UInt8>>(_ digits: C) -> Int {
        digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    private static func serialOrCompact(_ number: (whole: ArraySlice<UInt8>, hasFraction: Bool), original: String) throws(LedgerValueError) -> LedgerDate {
        let whole = number.whole
        if whole.count == 8, !number.hasFraction {
            return try checked(year: self.number(whole.prefix(4)), month: self.number(whole.dropFirst(4).prefix(2)),
                               day: self.number(whole.suffix(2)), original: original)
        }
        let low = LedgerDate(year: plausibleYears.lowerBound, month: 1, day: 1)?.excelSerial ?? 0
        let high = LedgerDate(year: plausibleYears.upperBound, month: 12, day: 31)?.excelSerial ?? 0
        let serial = whole.count <= 7 ? self.number(whole) : -1
        guard serial >= low, serial <= high, let date = LedgerDate(excelSerial: serial) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a date; as an Excel serial number it would have to be between \(low) (\(plausibleYears.lowerBound)-01-01) and \(high) (\(plausibleYears.upperBound)-12-31) (\(dateFormats))")
        }
        return date
    }

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : String(value)
    }

    /// A policy's expiry far from today is a typing or export mistake more
    /// often than a real date: more than a year past, or more than two years
    /// ahead (a policy runs one year). The reason, or nil when plausible.
    public static func implausibleExpiry(_ date: LedgerDate, today: LedgerDate) -> String? {
        let days = today.days(until: date)
        if days < -365 { return "\(date) is more than a year before today (\(today)); check the year" }
        if days > 730 { return "\(date) is more than two years after today (\(today)); check the year" }
        return nil
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

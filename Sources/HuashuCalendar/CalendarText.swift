import HuashuText

/// A calendar month, as reports cover them.
public struct CalendarMonth: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(year: Int, month: Int) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        self.year = year
        self.month = month
    }

    public init(containing day: LedgerDate) {
        year = day.year
        month = day.month
    }

    public var firstDay: LedgerDate { LedgerDate(year: year, month: month, day: 1) ?? LedgerDate(daysSince1970: 0) }

    public var next: CalendarMonth {
        CalendarMonth(containing: firstDay.adding(days: LedgerDate.daysIn(month: month, year: year)))
    }

    /// `yyyy-MM`.
    public var description: String { String(firstDay.description.prefix(7)) }

    public static func < (a: CalendarMonth, b: CalendarMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }
}

/// The one reader of days and months typed on the command line or stored as
/// text: `2026-11-22`, `2026/11/22`, `2026.11.22`, full-width digits, and
/// months as `2026-11`. Ledger cells have their own, more forgiving reader
/// (Excel serials, two-digit years) in HuashuLedger.
public enum CalendarText {
    public static func day(_ text: String) -> LedgerDate? {
        if let day = text.utf8.withContiguousStorageIfAvailable(written) ?? nil { return day }
        let parts = numbers(text)
        guard parts.count == 3, parts[0].digits == 4, parts[1].digits <= 2, parts[2].digits <= 2 else { return nil }
        return LedgerDate(year: parts[0].value, month: parts[1].value, day: parts[2].value)
    }

    public static func month(_ text: String) -> CalendarMonth? {
        let parts = numbers(text)
        guard parts.count == 2, parts[0].digits == 4, parts[1].digits <= 2 else { return nil }
        return CalendarMonth(year: parts[0].value, month: parts[1].value)
    }

    /// `yyyy-MM-dd` as huashu writes it, read from its bytes (a follow-up's due day on each row of a million-row list):
    /// what the general reading below gives for it; nil for any other text, which that reading takes.
    private static func written(_ bytes: UnsafeBufferPointer<UInt8>) -> LedgerDate? {
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        var value = 0
        for index in [0, 1, 2, 3, 5, 6, 8, 9] {
            let digit = Int(bytes[index]) - Int(UInt8(ascii: "0"))
            guard (0...9).contains(digit) else { return nil }
            value = value * 10 + digit
        }
        return LedgerDate(year: value / 10_000, month: value / 100 % 100, day: value % 100)
    }

    /// The numbers between `-`, `/` or `.`; empty when anything else is there.
    private static func numbers(_ text: String) -> [(value: Int, digits: Int)] {
        let fields = InputNormalisation.foldFullWidth(text).trimmingSpaces
            .split(omittingEmptySubsequences: false, whereSeparator: { $0 == "-" || $0 == "/" || $0 == "." })
        var result: [(Int, Int)] = []
        for field in fields {
            guard (1...4).contains(field.count), field.allSatisfy(\.isASCIIDigit), let value = Int(field) else { return [] }
            result.append((value, field.count))
        }
        return result
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

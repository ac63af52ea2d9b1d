/// A calendar day without a time zone: expiry dates are days on a policy, and
/// the renewal timeline counts whole days before them. Foundation's `Date`
/// would bring a time and a zone that can shift a day at midnight.
public struct LedgerDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil for a day that does not exist (2026-02-30) or a year outside 1-9999,
    /// so a `LedgerDate` in hand is always a real day.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              day >= 1, day <= LedgerDate.daysIn(month: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The day a count of days after 1970-01-01 falls on (negative for earlier days).
    public init(daysSince1970 days: Int) {
        // Howard Hinnant's civil_from_days, valid for the whole proleptic Gregorian calendar.
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    /// Days after 1970-01-01; differences of it are the "days before expiry".
    public var daysSince1970: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int) -> LedgerDate {
        LedgerDate(daysSince1970: daysSince1970 + count)
    }

    /// Whole days from this day to `other`: positive when `other` is later.
    public func days(until other: LedgerDate) -> Int {
        other.daysSince1970 - daysSince1970
    }

    /// Excel stores dates as day counts and a CSV export of a cell formatted as
    /// "General" writes that count. Excel believes 1900 was a leap year, so serial
    /// 60 is a 1900-02-29 that never existed (nil) and later serials are one day
    /// off from a plain count starting 1899-12-31.
    public init?(excelSerial serial: Int) {
        guard serial >= 1, serial <= 2_958_465, serial != 60 else { return nil }
        let epoch = serial < 60 ? -25_568 : -25_569  // 1899-12-31 and 1899-12-30
        self.init(daysSince1970: epoch + serial)
    }

    /// The serial Excel would show for this day; nil before 1900-01-01.
    public var excelSerial: Int? {
        let days = daysSince1970
        guard days >= -25_567 else { return nil }
        return days < -25_508 ? days + 25_568 : days + 25_569
    }

    /// `yyyy-MM-dd`, written digit by digit: every imported customer has one or two.
    public var description: String {
        guard (0...9999).contains(year) else { return paddedDescription }
        return String(unsafeUninitializedCapacity: 10) { out in
            func put(_ value: Int, at end: Int, digits: Int) {
                var rest = value
                for index in stride(from: end, to: end - digits, by: -1) {
                    out[index] = UInt8(0x30 + rest % 10)
                    rest /= 10
                }
            }
            put(year, at: 3, digits: 4)
            out[4] = UInt8(ascii: "-")
            put(month, at: 6, digits: 2)
            out[7] = UInt8(ascii: "-")
            put(day, at: 9, digits: 2)
            return 10
        }
    }

    /// Years outside 0-9999 (only reached by counting days) as plain numbers.
    private var paddedDescription: String {
        let y = String(year)
        let m = month < 10 ? "0\(month)" : "\(month)"
        let d = day < 10 ? "0\(day)" : "\(day)"
        return "\(String(repeating: "0", count: max(0, 4 - y.count)))\(y)-\(m)-\(d)"
    }

    /// 0 for Monday through 6 for Sunday: a Chinese week starts on Monday (周一). 1970-01-01 was a Thursday.
    public var weekday: Int { ((daysSince1970 + 3) % 7 + 7) % 7 }

    /// The last day of this day's month.
    public var monthEnd: LedgerDate {
        LedgerDate(year: year, month: month, day: LedgerDate.daysIn(month: month, year: year)) ?? self
    }

    public static func < (a: LedgerDate, b: LedgerDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// `{"year":2026,"month":12,"day":6}`, as a call's context has stored its day since callbacks were booked.
extension LedgerDate: Codable {
    private enum CodingKeys: String, CodingKey { case year, month, day }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let day = LedgerDate(year: try container.decode(Int.self, forKey: .year), month: try container.decode(Int.self, forKey: .month),
                                   day: try container.decode(Int.self, forKey: .day)) else {
            throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath, debugDescription: "no such day"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(year, forKey: .year)
        try container.encode(month, forKey: .month)
        try container.encode(day, forKey: .day)
    }
}

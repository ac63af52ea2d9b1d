/// A calendar day as the callback rules count it: the caller's local day, no
/// time zone. Only what the rules need: weekdays, month ends, days ahead.
public struct CallbackDay: Sendable, Hashable, Comparable, Codable {
    public let year: Int
    public let month: Int
    public let day: Int

    /// Nil for a day that does not exist (2 月 30 日).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= CallbackDay.length(ofMonth: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// 0 for Monday through 6 for Sunday: a Chinese week starts on Monday (周一).
    public var weekday: Int {
        // Sakamoto's method gives 0 for Sunday.
        let offsets = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4]
        let y = month < 3 ? year - 1 : year
        let sunday0 = (y + y / 4 - y / 100 + y / 400 + offsets[month - 1] + day) % 7
        return (sunday0 + 6) % 7
    }

    /// `周一` … `周日`.
    public var weekdayName: String { "周" + CallbackDay.weekdayNames[weekday] }

    static let weekdayNames = ["一", "二", "三", "四", "五", "六", "日"]

    /// The day `count` days later; counting is by months, as a callback is never years away.
    public func adding(days count: Int) -> CallbackDay {
        var (y, m, d) = (year, month, day + count)
        while d > CallbackDay.length(ofMonth: m, year: y) {
            d -= CallbackDay.length(ofMonth: m, year: y)
            (y, m) = m == 12 ? (y + 1, 1) : (y, m + 1)
        }
        while d < 1 {
            (y, m) = m == 1 ? (y - 1, 12) : (y, m - 1)
            d += CallbackDay.length(ofMonth: m, year: y)
        }
        return CallbackDay(year: y, month: m, day: d) ?? self
    }

    /// Whole days from this day to `other` (positive when later); meant for days within a year or two.
    public func days(until other: CallbackDay) -> Int {
        func ordinal(_ day: CallbackDay) -> Int {
            var total = day.day
            for month in 1..<day.month { total += CallbackDay.length(ofMonth: month, year: day.year) }
            return total
        }
        var count = ordinal(other) - ordinal(self)
        var year = self.year
        while year < other.year {
            count += CallbackDay.length(ofYear: year)
            year += 1
        }
        while year > other.year {
            year -= 1
            count -= CallbackDay.length(ofYear: year)
        }
        return count
    }

    /// The last day of this day's month.
    public var monthEnd: CallbackDay {
        CallbackDay(year: year, month: month, day: CallbackDay.length(ofMonth: month, year: year)) ?? self
    }

    /// `12月6日(周日)`.
    public var chinese: String { "\(month)月\(day)日(\(weekdayName))" }

    public static func < (a: CallbackDay, b: CallbackDay) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    static func length(ofMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return length(ofYear: year) == 366 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func length(ofYear year: Int) -> Int {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 366 : 365
    }
}

/// The moment a callback is asked for: the local day and minute of the call.
public struct CallbackClock: Sendable, Equatable {
    public let today: CallbackDay
    /// Minutes after local midnight.
    public let minute: Int

    public init(today: CallbackDay, minute: Int) {
        self.today = today
        self.minute = minute
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time in the agent's time zone, from the C library's `localtime_r`
/// and `mktime`: Foundation's `Calendar` would load ICU's calendar data,
/// megabytes of memory, for a program that only needs days and minutes.
public struct LocalTime: Sendable, Equatable {
    public let day: LedgerDate
    public let hour: Int
    public let minute: Int
    public let second: Int

    public init(_ date: Date) {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&time, &parts)
        day = LedgerDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
            ?? LedgerDate(daysSince1970: Int(time) / 86_400)
        hour = Int(parts.tm_hour)
        minute = Int(parts.tm_min)
        second = Int(parts.tm_sec)
    }

    /// The moment a local day reaches `hour:minute` (midnight by default); the C
    /// library resolves summer time, as it does for `localtime_r`.
    public static func date(_ day: LedgerDate, hour: Int = 0, minute: Int = 0) -> Date {
        var parts = tm()
        parts.tm_year = Int32(day.year - 1900)
        parts.tm_mon = Int32(day.month - 1)
        parts.tm_mday = Int32(day.day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_isdst = -1
        return Date(timeIntervalSince1970: TimeInterval(mktime(&parts)))
    }

    /// `yyyy-MM-dd HH:mm`.
    public var minuteText: String { day.description + " " + Self.twoDigits(hour) + ":" + Self.twoDigits(minute) }

    /// `yyyy-MM-dd HH:mm:ss`.
    public var secondText: String { minuteText + ":" + Self.twoDigits(second) }

    static func twoDigits(_ value: Int) -> String { value < 10 ? "0" + String(value) : String(value) }
}

/// Calendar days in the agent's time zone.
public enum LocalDay {
    public static func day(_ date: Date) -> LedgerDate {
        LocalTime(date).day
    }

    /// Minutes after local midnight.
    public static func minute(_ date: Date) -> Int {
        let now = LocalTime(date)
        return now.hour * 60 + now.minute
    }

    public static func string(_ date: Date) -> String {
        day(date).description
    }

    /// Whole days from `from`'s calendar day to the day written `yyyy-MM-dd`.
    public static func daysBetween(_ from: Date, _ to: String) -> Int? {
        CalendarText.day(to).map { day(from).days(until: $0) }
    }
}

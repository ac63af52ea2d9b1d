import Foundation
import HuashuCalendar
import HuashuRenewal

/// The agent's clock as the callback rules read it.
extension LocalDay {
    /// The day as the renewal rules count it.
    static func callbackDay(_ date: Date) -> CallbackDay {
        let today = day(date)
        return CallbackDay(year: today.year, month: today.month, day: today.day)!
    }

    /// Minutes after local midnight.
    static func minute(_ date: Date) -> Int {
        let now = LocalTime(date)
        return now.hour * 60 + now.minute
    }
}

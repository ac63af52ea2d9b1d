import Foundation
import HuashuCalendar
import Testing

/// Every day and month typed on the command line is read by one reader.
@Suite struct CalendarTextTests {
    @Test(arguments: [
        ("2026-11-22", "2026-11-22"), ("2026/1/5", "2026-01-05"), ("2026.12.31", "2026-12-31"),
        ("２０２６－１１－２２", "2026-11-22"), (" 2024-02-29 ", "2024-02-29"),
    ])
    func daysAreRead(text: String, day: String) {
        #expect(CalendarText.day(text)?.description == day)
    }

    @Test(arguments: ["2026-13-01", "2026-02-29", "2026-11", "26-11-22", "2026-11-22-1", "2026--22", "二〇二六-11-22", "", "2026-011-22"])
    func nonDaysAreRefused(text: String) {
        #expect(CalendarText.day(text) == nil)
    }

    @Test(arguments: [("2026-11", "2026-11"), ("2026/3", "2026-03"), ("２０２６．１２", "2026-12")])
    func monthsAreRead(text: String, month: String) {
        #expect(CalendarText.month(text)?.description == month)
    }

    @Test(arguments: ["2026-13", "2026-0", "2026-11-22", "11-2026", "2026"])
    func nonMonthsAreRefused(text: String) {
        #expect(CalendarText.month(text) == nil)
    }

    @Test func aMonthKnowsItsFirstDayAndTheNext() throws {
        let december = try #require(CalendarMonth(year: 2026, month: 12))
        #expect(december.firstDay.description == "2026-12-01")
        #expect(december.next.description == "2027-01")
        #expect(try #require(CalendarMonth(year: 2024, month: 2)).next.firstDay.description == "2024-03-01")
    }

    @Test func localTimeRoundTripsThroughTheCLibrary() throws {
        let day = try #require(LedgerDate(year: 2026, month: 12, day: 6))
        let moment = LocalTime.date(day, hour: 16, minute: 30)
        let back = LocalTime(moment)
        #expect(back.day == day && back.hour == 16 && back.minute == 30)
        #expect(back.minuteText == "2026-12-06 16:30")
        #expect(LocalTime(LocalTime.date(day)).secondText == "2026-12-06 00:00:00")
        #expect(LocalDay.daysBetween(moment, "2026-12-09") == 3)
    }
}

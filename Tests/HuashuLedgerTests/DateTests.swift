import HuashuCalendar
import Testing
import HuashuLedger

/// Expiry dates drive the whole renewal timeline, and Excel writes them in
/// whatever form the cell happened to be formatted with.
@Suite("Dates")
struct DateTests {
    @Test(arguments: [
        "2026/11/22", "2026-11-22", "2026.11.22", "2026年11月22日",
        "2026/11/22 0:00:00", "2026-11-22 00:00", "2026-11-22T08:30:00", "2026年11月22日 0:00",
        "46348", "46348.5", "20261122",
        "２０２６／１１／２２", " 2026 / 11 / 22 ", "2026年11月22号", "\u{3000}2026-11-22\u{3000}",
    ])
    func everyFormAgentsMeetGivesTheSameDay(text: String) throws {
        #expect(try LedgerValue.date(text).description == "2026-11-22")
    }

    @Test func singleDigitMonthsAndDaysAreFine() throws {
        #expect(try LedgerValue.date("2026/1/5") == LedgerDate(year: 2026, month: 1, day: 5))
        #expect(try LedgerValue.date("2026-1-05").description == "2026-01-05")
        #expect(try LedgerValue.date("2026年1月5日").description == "2026-01-05")
    }

    @Test func excelSerialNumbersFollowExcelsCalendarBug() {
        #expect(LedgerDate(excelSerial: 1)?.description == "1900-01-01")
        #expect(LedgerDate(excelSerial: 59)?.description == "1900-02-28")
        #expect(LedgerDate(excelSerial: 60) == nil)  // Excel's 1900-02-29 never existed
        #expect(LedgerDate(excelSerial: 61)?.description == "1900-03-01")
        #expect(LedgerDate(excelSerial: 45658)?.description == "2025-01-01")
        #expect(LedgerDate(excelSerial: 46348)?.description == "2026-11-22")
        #expect(LedgerDate(excelSerial: 0) == nil)
        #expect(LedgerDate(year: 2026, month: 11, day: 22)?.excelSerial == 46348)
        #expect(LedgerDate(year: 1900, month: 2, day: 28)?.excelSerial == 59)
        #expect(LedgerDate(year: 1900, month: 3, day: 1)?.excelSerial == 61)
    }

    @Test func aSerialOutsideThePlausibleYearsIsAProblem() {
        #expect(throws: LedgerValueError.self) { try LedgerValue.date("61") }
        #expect(throws: LedgerValueError.self) { try LedgerValue.date("4860") }
        #expect(throws: LedgerValueError.self) { try LedgerValue.date("99999") }
    }

    @Test(arguments: [
        ("2026-02-30", "`2026-02-30` is not a valid date (2026-02 has 28 days)"),
        ("2026-13-01", "`2026-13-01` is not a valid date (there is no month 13)"),
        ("2026/11/31", "`2026/11/31` is not a valid date (2026-11 has 30 days)"),
        ("1026-11-22", "`1026-11-22` is outside the years 1990-2099; check the year"),
        ("22/11/2026", "`22/11/2026` puts the year last; day and month would be guesswork (write it as 2026/11/22, 2026-11-22, 2026.11.22 or 2026年11月22日)"),
        ("08/03/25", "`08/03/25` could be 2008-03-25 or a day and month before the year 2025; the order cannot be known (write it as 2026/11/22, 2026-11-22, 2026.11.22 or 2026年11月22日)"),
        ("12-11-26", "`12-11-26` could be 2012-11-26 or a day and month before the year 2026; the order cannot be known (write it as 2026/11/22, 2026-11-22, 2026.11.22 or 2026年11月22日)"),
        ("下个月", "`下个月` is not a date (write it as 2026/11/22, 2026-11-22, 2026.11.22 or 2026年11月22日)"),
        ("2026年11月", "`2026年11月` is not a date (write it as 2026/11/22, 2026-11-22, 2026.11.22 or 2026年11月22日)"),
    ])
    func invalidDatesSayWhatIsWrong(text: String, message: String) {
        #expect(throws: LedgerValueError(message)) { try LedgerValue.date(text) }
    }

    @Test func aTwoDigitYearFirstIsReadWhenNothingElseFits() throws {
        #expect(try LedgerValue.date("25-3-8").description == "2025-03-08")
        #expect(try LedgerValue.date("26.12.5").description == "2026-12-05")
        #expect(try LedgerValue.date("27/1/5").description == "2027-01-05")
        #expect(try LedgerValue.date("45/11/22").description == "2045-11-22", "45 cannot be a day")
        #expect(throws: LedgerValueError.self) { try LedgerValue.date("25-2-30") }
    }

    @Test func anExpiryFarFromTodayIsImplausible() throws {
        let today = try #require(LedgerDate(year: 2026, month: 12, day: 6))
        #expect(LedgerValue.implausibleExpiry(try LedgerValue.date("2025-12-06"), today: today) == nil)
        #expect(LedgerValue.implausibleExpiry(try LedgerValue.date("2025-12-05"), today: today)
            == "2025-12-05 is more than a year before today (2026-12-06); check the year")
        #expect(LedgerValue.implausibleExpiry(try LedgerValue.date("2028-12-05"), today: today) == nil)
        #expect(LedgerValue.implausibleExpiry(try LedgerValue.date("2028-12-06"), today: today)
            == "2028-12-06 is more than two years after today (2026-12-06); check the year")
    }

    @Test func leapYearsAreRespected() throws {
        #expect(try LedgerValue.date("2028-02-29").description == "2028-02-29")
        #expect(throws: LedgerValueError.self) { try LedgerValue.date("2027-02-29") }
        #expect(LedgerDate(year: 2000, month: 2, day: 29) != nil)
        #expect(LedgerDate(year: 2100, month: 2, day: 29) == nil)
    }

    @Test func dayArithmeticCountsDaysBeforeExpiry() throws {
        let expiry = try #require(LedgerDate(year: 2026, month: 11, day: 22))
        let today = try #require(LedgerDate(year: 2026, month: 8, day: 24))
        #expect(today.days(until: expiry) == 90)
        #expect(expiry.adding(days: -90) == today)
        #expect(expiry.adding(days: 40).description == "2027-01-01")
        #expect(LedgerDate(daysSince1970: 0).description == "1970-01-01")
        #expect(try #require(LedgerDate(year: 2000, month: 3, day: 1)).daysSince1970 == 11_017)
        #expect(LedgerDate(daysSince1970: -1).description == "1969-12-31")
        #expect(today < expiry)
    }

    @Test func everyDayRoundTripsThroughItsDayCount() {
        var date = LedgerDate(daysSince1970: -30_000)
        var broken: [String] = []
        for _ in 0..<80_000 {
            let next = date.adding(days: 1)
            if !(next > date) || LedgerDate(year: next.year, month: next.month, day: next.day) != next {
                broken.append(next.description)
            }
            date = next
        }
        #expect(broken == [])
        #expect(date == LedgerDate(daysSince1970: 50_000))
    }

    @Test func aBadDateInAFileIsHeldWithTheColumnNameAndTheVehicleKept() throws {
        let parse = try Fixture.read([
            "客户姓名,车牌号,商业险到期,交强险到期日",
            "张三,粤B12345,2026-02-30,2026/11/22",
            "李四,粤B12346,46348,2026年1月5日",
        ])
        #expect(parse.problems == [])
        #expect(parse.records.flatMap(\.held).map(\.description) == [
            "row 2, column 商业险到期: `2026-02-30` is not a valid date (2026-02 has 28 days)",
        ])
        #expect(parse.records.map(\.row) == [2, 3])
        #expect(parse.records[0].commercialExpiry == nil && parse.records[0].compulsoryExpiry?.description == "2026-11-22")
        #expect(parse.records[1].commercialExpiry?.description == "2026-11-22")
        #expect(parse.records[1].compulsoryExpiry?.description == "2026-01-05")
    }
}

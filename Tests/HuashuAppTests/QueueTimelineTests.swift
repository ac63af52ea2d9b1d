import HuashuApp
import HuashuLedger
import HuashuRenewal
import Testing

/// The renewal timeline (DOMAIN.md) as pure rules: given the days left before
/// the policy expires and the days since the customer was last called, is a
/// call due today, why, and how late is it? No database, no clock.
@Suite("Queue: the renewal timeline")
struct QueueTimelineTests {
    /// What the dealer's plan says `daysToExpiry` days before expiry, `lastCall` days after the last call (nil: never called).
    func dealer(_ daysToExpiry: Int, lastCall: Int?) -> String? {
        RenewalTimeline.due(daysToExpiry: daysToExpiry, daysSinceLastContact: lastCall, plan: .dealer)?.description
    }

    func insurer(_ daysToExpiry: Int, lastCall: Int?) -> String? {
        RenewalTimeline.due(daysToExpiry: daysToExpiry, daysSinceLastContact: lastCall, plan: .insurer)?.description
    }

    /// The days (before expiry) on which an agent who makes every call the
    /// plan asks for, the day it asks, calls a customer never called before.
    func season(_ plan: RenewalPlan, from start: Int = 120, to end: Int = -8) -> [String] {
        var calls: [String] = []
        var lastCall: Int?
        for day in stride(from: start, through: end, by: -1) {
            let since = lastCall.map { $0 - day }
            if let touch = RenewalTimeline.due(daysToExpiry: day, daysSinceLastContact: since, plan: plan) {
                calls.append("\(day): \(touch)")
                lastCall = day
            }
        }
        return calls
    }

    @Test func theDealersSeasonCallByCall() {
        #expect(season(.dealer) == [
            "90: 首次联系(90-60天)",
            "75: 90-60天 每15天跟进",
            "60: 60-30天 每7天跟进",
            "53: 60-30天 每7天跟进",
            "46: 60-30天 每7天跟进",
            "39: 60-30天 每7天跟进",
            "32: 60-30天 每7天跟进",
            "29: 最后30天 每3天跟进",
            "26: 最后30天 每3天跟进",
            "23: 最后30天 每3天跟进",
            "20: 最后30天 每3天跟进",
            "17: 最后30天 每3天跟进",
            "14: 最后30天 每3天跟进",
            "11: 最后30天 每3天跟进",
            "8: 最后30天 每3天跟进",
            "7: 到期前7天提醒",
            "4: 最后30天 每3天跟进",
            "1: 到期前1天最后提醒",
            "-2: 脱保跟进",
            "-5: 脱保跟进",
            "-8: 脱保跟进",
        ])
    }

    @Test func theInsurersSeasonCallByCall() {
        #expect(season(.insurer) == [
            "60: 首次联系 · 续保提醒(到期前60天)",
            "55: 续保提醒(到期前55天)",
            "45: 续保洽谈(到期前45天)",
            "40: 续保洽谈(到期前40天)",
            "30: 续保确认(到期前30天)",
            "25: 续保确认(到期前25天)",
            "15: 续保攻坚(到期前15天)",
            "10: 续保攻坚(到期前10天)",
            "7: 续保坚持(到期前7天)",
            "3: 续保坚持(到期前3天)",
            "0: 失效提醒(到期当天)",
            "-3: 脱保跟进",
            "-6: 脱保跟进",
        ])
    }

    @Test func nobodyIsCalledBeforeThePlanStarts() {
        #expect(dealer(91, lastCall: nil) == nil)
        #expect(dealer(200, lastCall: 100) == nil)
        #expect(insurer(61, lastCall: nil) == nil)
        #expect(insurer(85, lastCall: nil) == nil, "the insurer's plan starts at 60 days")
    }

    @Test func aCustomerNeverCalledIsCalledAtOnceWhateverTheWindow() {
        #expect(dealer(90, lastCall: nil) == "首次联系(90-60天)")
        #expect(dealer(75, lastCall: nil) == "首次联系(90-60天)", "imported late: due at once, not flagged overdue")
        #expect(dealer(45, lastCall: nil) == "首次联系(60-30天)")
        #expect(dealer(12, lastCall: nil) == "首次联系(最后30天)")
        #expect(dealer(7, lastCall: nil) == "首次联系 · 到期前7天提醒")
        #expect(dealer(-40, lastCall: nil) == "首次联系 · 脱保跟进")
        #expect(insurer(50, lastCall: nil) == "首次联系 · 续保提醒(到期前55天)")
    }

    @Test func from90To60DaysEvery15Days() {
        #expect(dealer(75, lastCall: 14) == nil)
        #expect(dealer(75, lastCall: 15) == "90-60天 每15天跟进")
        #expect(dealer(73, lastCall: 17) == "90-60天 每15天跟进 逾期2天")
        #expect(dealer(80, lastCall: 30) == "90-60天 每15天跟进 逾期10天", "called before the season: due from day 90")
    }

    @Test func from60To30DaysEvery7Days() {
        #expect(dealer(50, lastCall: 6) == nil)
        #expect(dealer(50, lastCall: 7) == "60-30天 每7天跟进")
        #expect(dealer(47, lastCall: 10) == "60-30天 每7天跟进 逾期3天")
        // Called 70 days before expiry: not due at 61 (15-day window), due at 60 (7-day window, 10 days on).
        #expect(dealer(61, lastCall: 9) == nil)
        #expect(dealer(60, lastCall: 10) == "60-30天 每7天跟进")
        #expect(dealer(58, lastCall: 12) == "60-30天 每7天跟进 逾期2天")
    }

    @Test func inTheLast30DaysNeverMoreThan3DaysApart() {
        #expect(dealer(20, lastCall: 2) == nil)
        #expect(dealer(20, lastCall: 3) == "最后30天 每3天跟进")
        #expect(dealer(20, lastCall: 5) == "最后30天 每3天跟进 逾期2天")
        #expect(dealer(0, lastCall: 3) == "最后30天 每3天跟进 逾期1天", "the expiry day itself, and the 1-day reminder was missed")
        #expect(dealer(0, lastCall: 1) == nil, "called at the 1-day reminder")
        // Called 35 days before: the 7-day rule waits until day 30, where 3 days are enough.
        #expect(dealer(31, lastCall: 4) == nil)
        #expect(dealer(30, lastCall: 5) == "最后30天 每3天跟进")
    }

    @Test func remindersAt7DaysAnd1DayEvenRightAfterACall() {
        #expect(dealer(7, lastCall: 1) == "到期前7天提醒")
        #expect(dealer(1, lastCall: 1) == "到期前1天最后提醒")
        #expect(dealer(6, lastCall: 3) == "最后30天 每3天跟进 逾期1天", "the 7-day reminder was missed yesterday")
    }

    @Test func aCallTodayMeansNothingMoreIsDueToday() {
        #expect(dealer(7, lastCall: 0) == nil)
        #expect(dealer(-10, lastCall: 0) == nil)
        #expect(insurer(60, lastCall: 0) == nil)
    }

    @Test func aLapsedCustomerIsFollowedEvery3DaysUntilInsuredSomewhere() {
        #expect(dealer(-1, lastCall: 2) == nil)
        #expect(dealer(-2, lastCall: 3) == "脱保跟进")
        #expect(dealer(-40, lastCall: 10) == "脱保跟进 逾期7天")
        #expect(dealer(-400, lastCall: 300) == "脱保跟进 逾期297天", "until a call records where they insured")
        #expect(insurer(-1, lastCall: 3) == "脱保跟进 逾期1天", "the 失效提醒 on the expiry day was missed")
        #expect(insurer(-3, lastCall: 3) == "脱保跟进")
    }

    @Test func theInsurersTouchpointsAreDueOnTheirDayAndStayDueUntilCalled() {
        #expect(insurer(56, lastCall: 4) == nil)
        #expect(insurer(55, lastCall: 5) == "续保提醒(到期前55天)")
        #expect(insurer(52, lastCall: 8) == "续保提醒(到期前55天) 逾期3天")
        #expect(insurer(38, lastCall: 22) == "续保洽谈(到期前40天) 逾期17天", "called at 60, then 55, 45 and 40 were missed")
        #expect(insurer(44, lastCall: 1) == nil, "called a day late for 45: the next touchpoint is 40")
        #expect(insurer(28, lastCall: 5) == "续保确认(到期前30天) 逾期2天")
        #expect(insurer(15, lastCall: 10) == "续保攻坚(到期前15天)")
        #expect(insurer(3, lastCall: 4) == "续保坚持(到期前3天)")
        #expect(insurer(0, lastCall: 3) == "失效提醒(到期当天)")
        #expect(insurer(2, lastCall: 1) == nil, "between 3 and 0 nothing is due")
    }

    @Test func datesAreCalendarDaysAcrossMonthsAndLeapYears() throws {
        let expiry = try LedgerValue.date("2028-03-01")
        let today = try LedgerValue.date("2028-02-23")  // 2028 is a leap year: 7 days
        #expect(RenewalTimeline.due(expiry: expiry, lastContact: try LedgerValue.date("2028-02-22"), today: today, plan: .dealer)?
            .description == "到期前7天提醒")
        #expect(RenewalTimeline.due(expiry: expiry, lastContact: try LedgerValue.date("2028-02-23"), today: today, plan: .dealer) == nil)
    }

    @Test func thePlanComesFromTheOptionElseTheEnvironmentElseTheDealer() throws {
        #expect(try RenewalPlan.chosen(nil, environment: [:]) == .dealer)
        #expect(try RenewalPlan.chosen(nil, environment: ["HUASHU_PLAN": "insurer"]) == .insurer)
        #expect(try RenewalPlan.chosen("Dealer", environment: ["HUASHU_PLAN": "insurer"]) == .dealer)
        #expect(throws: UserError.self) { try RenewalPlan.chosen(nil, environment: ["HUASHU_PLAN": "4s"]) }
    }
}

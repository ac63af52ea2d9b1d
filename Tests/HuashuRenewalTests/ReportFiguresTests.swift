import HuashuRenewal
import Testing

/// The report's figures over plain values, without a database.
@Suite("Report figures")
struct RenewalReportFiguresTests {
    @Test func ratiosAndBreakdowns() {
        #expect(ReportFigures.ratio(2, 7) == 2.0 / 7.0)
        #expect(ReportFigures.ratio(3, 0) == nil, "nothing to divide by")
        #expect(ReportFigures.counted(["平安", "人保", "平安", "太平洋", "人保", "平安"])
                == [LabelCount(label: "平安", count: 3), LabelCount(label: "人保", count: 2), LabelCount(label: "太平洋", count: 1)])
        #expect(ReportFigures.counted(["b", "a"]) == [LabelCount(label: "a", count: 1), LabelCount(label: "b", count: 1)], "ties by label")
        #expect(ReportFigures.counted([]).isEmpty)
        #expect(ReportFigures.onTimeRate(onTime: 1, late: 1, missed: 2) == 0.25)
        #expect(ReportFigures.onTimeRate(onTime: 0, late: 0, missed: 0) == nil, "only follow-ups not yet due")
    }

    @Test func uncontrolledAndLapsed() {
        let cases: [(final: Bool, recent: Bool, overdue: Bool, uncontrolled: Bool)] = [
            (false, false, false, true), (false, true, false, false), (false, true, true, true), (false, false, true, true),
            (true, false, false, false), (true, false, true, false),
        ]
        for c in cases {
            #expect(ReportFigures.isUncontrolled(hasFinalOutcome: c.final, calledRecently: c.recent, followUpOverdue: c.overdue) == c.uncontrolled,
                    "\(c)")
        }
        #expect(ReportFigures.isLapsed(expiry: "2024-03-05", today: "2024-03-20", won: false))
        #expect(!ReportFigures.isLapsed(expiry: "2024-03-05", today: "2024-03-20", won: true))
        #expect(!ReportFigures.isLapsed(expiry: "2024-03-20", today: "2024-03-20", won: false), "expiring today has not lapsed")
    }

    @Test func payFollowsTheBandOfTheAchievement() {
        #expect(AgentPay(won: 9, target: 10).band == .ninety)
        #expect(AgentPay(won: 9, target: 10).pay == 9 * 35)
        #expect(AgentPay(won: 12, target: 10).pay == 12 * 50)
        #expect(AgentPay(won: 5, target: 10).pay == 0)
        #expect(AgentPay(won: 3, target: nil).pay == nil)
        #expect(AgentPay(won: 3, target: 0).achievement == nil, "a target of 0 divides nothing")
    }

    @Test func wilsonIntervalsStayInsideZeroAndOne() {
        for total in 1...30 {
            for won in 0...total {
                let interval = WinRate(won: won, total: total).interval!
                let rate = Double(won) / Double(total)
                #expect(interval.low >= 0 && interval.high <= 1 && interval.low <= rate && rate <= interval.high, "\(won)/\(total)")
            }
        }
        #expect(WinRate(won: 0, total: 0).interval == nil)
    }
}

import HuashuCalendar
import Foundation
@testable import HuashuApp
import HuashuLedger
import HuashuRenewal
import HuashuStore
import Testing

/// A time zone in which the local clock now reads `hour` o'clock, and that
/// moment as the callback reader sees it: calls at a known hour of the day,
/// whatever hour the tests run at, through the real clock.
struct LocalHour {
    let zone: String
    let clock: CallbackClock

    init(_ hour: Int) {
        let now = Date().timeIntervalSince1970
        let offset = hour - Int(now / 3600) % 24
        // POSIX counts the offset west of Greenwich: local = UTC + offset is written with the opposite sign.
        zone = "HSU" + (offset > 0 ? "-" : "+") + String(abs(offset))
        let local = Int(now) + offset * 3600
        let day = LedgerDate(daysSince1970: local / 86_400)
        clock = CallbackClock(today: LedgerDate(year: day.year, month: day.month, day: day.day)!, minute: local % 86_400 / 60)
    }

    /// What the callback reader makes of these words now, for a policy ending in 20 days.
    func reading(_ words: String) throws -> CallbackReading {
        try CallbackTimeParser.read(words, now: clock, daysToExpiry: 20).get()
    }

    func due(_ time: CallbackTime) -> String {
        let day = clock.today.adding(days: time.daysAhead)
        return LedgerDate(year: day.year, month: day.month, day: day.day)!.description + " " + time.clock
    }
}

@Suite("Callbacks in the customer's words, through a terminal and a pipe", .serialized)
struct CallbackCallTests {
    @Test func todayAfterFourBookedThroughTheScriptsCallbackStep() throws {
        let fixture = try Fixture()
        let hour = LocalHour(10)
        let terminal = try PseudoTerminal([Fixture.binary, "call", "粤B12345"], environment: fixture.environment.merging(["TZ": hour.zone]) { $1 })
        var agent = Agent(terminal: terminal)
        agent.terminal.waitFor("是我")
        agent.choose("是我", thenSee: "是，我在开")
        agent.choose("是，我在开", thenSee: "现在不方便")
        agent.choose("现在不方便", thenSee: "回访时间>")
        let reading = try hour.reading("今天四点以后")
        let shown = reading.time.chinese(from: hour.clock.today)
        #expect(shown.hasSuffix(" 16:00 以后"))
        agent.type("今天四点以后", thenSee: "约回访: " + shown)
        agent.terminal.waitFor("确认回访(回车/y)>")
        agent.type("", thenSee: "已约回访: " + shown)
        agent.choose("约好了", thenSee: "通话结果: 约回访")
        agent.terminal.waitFor("那我" + shown + "再打给您")
        #expect(agent.terminal.waitForExit() == 0)

        #expect(try fixture.store.openFollowUps().map(\.due) == [hour.due(reading.time)])
        #expect(try fixture.store.call(1)?.outcome == "callback")
        let environment = ["TZ": hour.zone]
        let replay = try fixture.piped(["replay", "1"], input: "", environment: environment)
        #expect(replay.output.contains("约回访 " + shown))
        // At ten the callback waits at the bottom of the list; the whole day's list shows it at its time.
        let queue = try fixture.piped(["queue"], input: "", environment: environment).output
        #expect(queue.contains("预约回访 16:00 (未到时间)"))
        // The last row, above the count.
        #expect(queue.split(separator: "\n").dropLast().last?.contains("张伟") == true)
        let day = try fixture.piped(["queue", "--date", String(hour.due(reading.time).prefix(10))], input: "", environment: environment).output
        #expect(day.split(separator: "\n")[2].contains("张伟") && day.contains("预约回访 16:00"))
    }

    @Test func sundayAfternoonThroughEndAndTheClosedQuestionThroughAPipe() throws {
        let fixture = try Fixture()
        let hour = LocalHour(15)
        let sunday = try hour.reading("周日下午")
        let input = ["1", "1", ".callback 今天两点", ".callback 随便什么时候", ".end callback 周日下午", "2"].joined(separator: "\n") + "\n"
        let result = try fixture.piped(["call", "粤B12345"], input: input, environment: ["TZ": hour.zone])
        #expect(result.status == 0)
        let today = hour.clock.today
        #expect(result.output.contains("不能约这个时间: " + CallbackTime(daysAhead: 0, minute: 14 * 60).chinese(from: today) + " 已经过去了"))
        #expect(result.output.contains("不能约这个时间: 看不懂「随便什么时候」"))
        #expect(result.output.contains("约回访: " + sunday.time.chinese(from: today)))
        #expect(result.output.contains("封闭式提问: 您看" + sunday.choices[0].chinese(from: today) + "还是" + sunday.choices[1].chinese(from: today) + "?\n"
                                       + " 1) " + sunday.choices[0].chinese(from: today) + "\n 2) " + sunday.choices[1].chinese(from: today) + "\n"),
                "each choice on a line of its own, never wider than a narrow terminal: \(result.output)")
        #expect(result.output.contains("已约回访: " + sunday.choices[1].chinese(from: today)))
        #expect(result.output.contains("通话结果: 约回访"))
        #expect(try fixture.store.openFollowUps().map(\.due) == [hour.due(sunday.choices[1])])
        #expect(try fixture.store.call(1)?.outcome == "callback")
    }

    @Test func aTimeAfterThePolicyEndsIsRefusedAndNothingIsBooked() throws {
        let fixture = try Fixture()
        let hour = LocalHour(10)
        let result = try fixture.piped(["call", "粤B12345"], input: ".callback 下个月30号\n.callback 明天\nn\n.quit\n", environment: ["TZ": hour.zone])
        #expect(result.output.contains("回访要约在到期之前"))
        #expect(result.output.contains("回访没有预约。"))
        #expect(try fixture.store.openFollowUps().isEmpty)
        #expect(try fixture.store.steps(of: 1).allSatisfy { $0.inputKind != "callback" })
    }
}

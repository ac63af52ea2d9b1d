import HuashuCalendar
import Foundation
@testable import HuashuApp
import HuashuEngine
import HuashuLedger
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuText
import Testing

/// A fixed ledger and call history on a fixed day, Tuesday 2026-09-01: one
/// customer for each reason to be on the list, and one for each reason to be
/// left out. Its own database, so the fixture's customers (whose expiry dates
/// follow the real clock) never get in.
struct QueueLedger {
    static let today = "2026-09-01"

    let folder: URL
    let database: String
    let store: Store

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-queue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        database = folder.appendingPathComponent("queue.sqlite").path
        store = try Store(path: database)
        func customer(_ plate: String, _ name: String, _ grade: String?, expiresIn days: Int?, agent: String,
                      doNotCall: Bool = false, training: Bool = false) throws -> Customer {
            Customer(plate: plate, name: name, phone: "13800000000", commercialExpiry: try days.map(Self.day), grade: grade,
                     agent: agent, doNotCall: doNotCall, training: training)
        }
        _ = try store.upsert([
            // On the list:
            customer("粤B10001", "陈一", "A", expiresIn: 20, agent: "小李"),   // booked a callback for 10:00 today
            customer("粤B10002", "林二", "D", expiresIn: 45, agent: "小王"),   // "thinking" follow-up two days overdue
            customer("粤B10003", "黄三", "A", expiresIn: 90, agent: "小李"),   // never called, 90 days: first contact
            customer("粤B10004", "周四", "B", expiresIn: 75, agent: "小王"),   // no answer 15 days ago
            customer("粤B10005", "吴五", "C", expiresIn: 50, agent: "小李"),   // thinking 9 days ago: the 7-day rule is 2 days late
            customer("粤B10006", "郑六", "A", expiresIn: 7, agent: "小李"),    // refused 3 days ago: the 7-day reminder
            customer("粤B10007", "王七", "B", expiresIn: 1, agent: "小王"),    // committed 2 days ago: the 1-day reminder
            customer("粤B10008", "冯八", "C", expiresIn: -10, agent: "小李"),  // lapsed 10 days ago, no answer 5 days ago
            customer("粤B10009", "陈九", "D", expiresIn: 20, agent: "小李"),   // refused 3 days ago: D, so last
            customer("粤B10010", "褚十", nil, expiresIn: 25, agent: "小王"),   // no grade, never called
            // Left out:
            customer("粤B10011", "卫十一", "A", expiresIn: 20, agent: "小李", doNotCall: true),
            customer("粤B10012", "蒋十二", "A", expiresIn: 20, agent: "小李"),  // won 5 days ago
            customer("粤B10013", "沈十三", "B", expiresIn: 20, agent: "小李"),  // lost on price 2 days ago
            customer("粤B10014", "韩十四", "B", expiresIn: 20, agent: "小李"),  // lost: vehicle sold
            customer("粤B10015", "杨十五", "C", expiresIn: -5, agent: "小李"),  // wrong number
            customer("粤B10016", "朱十六", "A", expiresIn: 20, agent: "小李"),  // called this morning
            customer("粤B10017", "秦十七", "A", expiresIn: 120, agent: "小李"), // too early
            customer("粤B10018", "尤十八", "B", expiresIn: 30, agent: "小李"),  // callback booked for the day after tomorrow
            // Back on the list: won last season, and the ledger now has this season's expiry.
            customer("粤B10019", "许十九", "A", expiresIn: 80, agent: "小王"),
            customer("粤B10020", "何二十", "A", expiresIn: nil, agent: "小李"), // no expiry date: no timeline
            customer("粤B10021", "演练", "A", expiresIn: 20, agent: "小李", training: true), // a rehearsal's made-up customer
        ])
        try call(1, daysAgo: 3, .callback, followUp: FollowUpPlan(kind: .callback, due: "2026-09-01 10:00"))
        try call(2, daysAgo: 4, .thinking, followUp: FollowUpPlan(kind: .thinking, due: "2026-08-30 15:00"))
        try call(4, daysAgo: 15, .noAnswer)
        try call(5, daysAgo: 9, .thinking)
        try call(6, daysAgo: 3, .refused)
        try call(7, daysAgo: 2, .committed)
        try call(8, daysAgo: 5, .noAnswer)
        try call(9, daysAgo: 3, .refused)
        try call(12, daysAgo: 5, .won)
        try call(13, daysAgo: 2, .lost, reason: .price)
        try call(14, daysAgo: 10, .lost, reason: .sold)
        try call(15, daysAgo: 4, .wrongNumber)
        try call(16, daysAgo: 0, .noAnswer)
        try call(18, daysAgo: 1, .callback, followUp: FollowUpPlan(kind: .callback, due: "2026-09-03 09:00"))
        try call(19, daysAgo: 295, .won)
    }

    static func day(_ offset: Int) throws -> String {
        try LedgerValue.date(today).adding(days: offset).description
    }

    /// Logs a finished call `daysAgo` days before today at noon, the way a live call would.
    func call(_ customer: Int64, daysAgo: Int, _ outcome: OutcomeKind, reason: LossReason? = nil, followUp: FollowUpPlan? = nil) throws {
        try call(customer, daysAgo: daysAgo, outcome: outcome, reason: reason, followUp: followUp)
    }

    /// Logs a call `daysAgo` days before today at `hour`; without an outcome it is left unfinished.
    func call(_ customer: Int64, daysAgo: Int, outcome: OutcomeKind?, reason: LossReason? = nil, hour: Int = 12,
              followUp: FollowUpPlan? = nil) throws {
        let day = try LedgerValue.date(Self.day(-daysAgo))
        let at = try #require(Calendar.current.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour)))
        let log = try store.beginCall(customerID: customer, agent: "小李", scriptVersion: "test",
                                      context: CallContext(customer: CustomerFacts(), agent: "小李", dealer: "鹏程丰田"),
                                      training: false, at: at)
        var state = CallState(node: "wrap_up")
        state.outcome = outcome.map { Outcome($0, lossReason: reason) }
        try log.record(input: nil,
                       step: CallStep(state: state, events: outcome.map { [.ended(Outcome($0, lossReason: reason), lostTo: nil)] } ?? []),
                       stage: "wrap_up", shown: "", at: at, followUps: followUp.map { [$0] } ?? [])
    }

    /// The plate a `list` line starts with.
    static func plate(_ line: String) -> String {
        String(line.prefix { $0 != ":" })
    }

    /// The list as `plate: reason [逾期N天] | last call`.
    func list(_ plan: RenewalPlan, agent: String? = nil) throws -> [String] {
        let entries = try RenewalQueue.build(store: store, today: try #require(LocalNoon.date(Self.today)), plan: plan, agent: agent)
        return entries.map { entry in
            "\(entry.customer.plate): \(entry.reason)" + (entry.overdue ? " " + entry.overdueText : "") + " | \(entry.lastCall ?? "-")"
        }
    }

    /// Runs the built `huashu` on this database, with extra environment variables.
    func huashu(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try Fixture.run(Fixture.binary, arguments + ["--db", database],
                        environment: ["LANG": "C.UTF-8", "HOME": folder.path, "PATH": "/usr/bin:/bin"].merging(extra) { $1 })
    }
}

enum LocalNoon {
    static func date(_ day: String) -> Date? {
        guard let d = try? LedgerValue.date(day) else { return nil }
        return Calendar.current.date(from: DateComponents(year: d.year, month: d.month, day: d.day, hour: 12))
    }
}

@Suite("Queue: the day's call list")
struct QueueListTests {
    @Test func theDealersListIsUrgencyFirstThenGradeWithinTheSameUrgency() throws {
        let ledger = try QueueLedger()
        #expect(try ledger.list(.dealer) == [
            // Booked follow-ups whose time has come, earliest first, whatever the grade; at noon, 10:00 is two hours late.
            "粤B10002: 考虑中跟进 2026-08-30 15:00 逾期2天 | 考虑中 2026-08-28",
            "粤B10001: 预约回访 10:00 逾期2小时 | 约回访 2026-08-29",
            // Within 7 days of expiry or lapsed, by grade: a grade-C lapse comes before any grade A with months left.
            "粤B10006: 到期前7天提醒 | 拒绝 2026-08-29",
            "粤B10007: 到期前1天最后提醒 | 已承诺未付款 2026-08-30",
            "粤B10008: 脱保跟进 逾期2天 | 未接通 2026-08-27",
            // 8 to 30 days: no grade, then D (likely lost).
            "粤B10010: 首次联系(最后30天) | -",
            "粤B10009: 最后30天 每3天跟进 | 拒绝 2026-08-29",
            // 31 to 60 days.
            "粤B10005: 60-30天 每7天跟进 逾期2天 | 考虑中 2026-08-23",
            // Further: grade A, nearest the expiry first, then B.
            "粤B10019: 90-60天 每15天跟进 逾期10天 | 成交 2025-11-10",
            "粤B10003: 首次联系(90-60天) | -",
            "粤B10004: 90-60天 每15天跟进 | 未接通 2026-08-17",
        ])
    }

    @Test func theInsurersListOnTheSameDay() throws {
        let ledger = try QueueLedger()
        #expect(try ledger.list(.insurer) == [
            "粤B10002: 考虑中跟进 2026-08-30 15:00 逾期2天 | 考虑中 2026-08-28",
            "粤B10001: 预约回访 10:00 逾期2小时 | 约回访 2026-08-29",
            "粤B10006: 续保坚持(到期前7天) | 拒绝 2026-08-29",
            // 粤B10019, 粤B10003 (80 and 90 days) and 粤B10004 (75) are before the insurer's first touchpoint at 60;
            // 粤B10007 (1 day, called at 3) and 粤B10009 (20 days, called at 23) have no touchpoint since their last call.
            "粤B10008: 脱保跟进 逾期2天 | 未接通 2026-08-27",
            "粤B10010: 首次联系 · 续保确认(到期前25天) | -",
            "粤B10005: 续保提醒(到期前55天) 逾期5天 | 考虑中 2026-08-23",
        ])
    }

    @Test func leftOutDoNotCallWonLostSoldWrongNumberCalledTodayTooEarlyWaitingForACallbackNoExpiryRehearsal() throws {
        let ledger = try QueueLedger()
        let listed = Set(try ledger.list(.dealer).map(QueueLedger.plate))
        for plate in ["粤B10011", "粤B10012", "粤B10013", "粤B10014", "粤B10015", "粤B10016", "粤B10017", "粤B10018", "粤B10020", "粤B10021"] {
            #expect(!listed.contains(plate), "\(plate) must be left out")
        }
    }

    @Test func aCallbackBookedForALaterDayWaitsForItsDay() throws {
        let ledger = try QueueLedger()
        let entries = try RenewalQueue.build(store: ledger.store, today: try #require(LocalNoon.date("2026-09-03")), plan: .dealer, agent: nil)
        // Nobody called 林二 or 陈一 since: their follow-ups are still open, now further overdue, and still first.
        #expect(entries.prefix(3).map { "\($0.customer.plate): \($0.reason)" + ($0.overdue ? " " + $0.overdueText : "") } == [
            "粤B10002: 考虑中跟进 2026-08-30 15:00 逾期4天",
            "粤B10001: 预约回访 2026-09-01 10:00 逾期2天",
            "粤B10018: 预约回访 09:00 逾期3小时",
        ])
        #expect(entries[2].why == .followUp(kind: "callback", due: "2026-09-03 09:00"))
    }

    @Test func aFollowUpWhoseDueTimeCannotBeReadIsShownNotDropped() throws {
        let customer = Customer(id: 7, plate: "粤B77777", name: "周七", commercialExpiry: "2027-06-01", grade: "B")
        let entries = RuleOrder.entries([customer], followUps: [7: (kind: "callback", due: "明天上午")],
                                        today: try LedgerValue.date("2026-09-03"), plan: .dealer)
        #expect(entries.map(\.reason) == ["预约回访 明天上午"])
    }

    @Test func anAgentSeesOnlyTheCustomersTheLedgerGivesThem() throws {
        let ledger = try QueueLedger()
        #expect(try ledger.list(.dealer, agent: "小李").map(QueueLedger.plate)
            == ["粤B10001", "粤B10006", "粤B10008", "粤B10009", "粤B10005", "粤B10003"])
        #expect(try ledger.list(.dealer, agent: "小王").map(QueueLedger.plate)
            == ["粤B10002", "粤B10007", "粤B10010", "粤B10019", "粤B10004"])
        #expect(try ledger.list(.dealer, agent: "小张").isEmpty)
    }

    @Test func theCommandPrintsAlignedColumnsWithTheReasonAndTheLastCall() throws {
        let ledger = try QueueLedger()
        let result = try ledger.huashu(["queue", "--date", QueueLedger.today])
        #expect(result.status == 0)
        #expect(result.output == """
            2026-09-01 要联系的客户(经销商计划):
                客户        车牌      等级      到期      为什么今天打                 逾期      上次通话
             1  林二 #2     粤B10002  D 易流失  剩45天    考虑中跟进 2026-08-30 15:00  逾期2天   考虑中 2026-08-28
             2  陈一 #1     粤B10001  A         剩20天    预约回访 10:00                         约回访 2026-08-29
             3  郑六 #6     粤B10006  A         剩7天     到期前7天提醒                          拒绝 2026-08-29
             4  王七 #7     粤B10007  B         剩1天     到期前1天最后提醒                      已承诺未付款 2026-08-30
             5  冯八 #8     粤B10008  C         脱保10天  脱保跟进                     逾期2天   未接通 2026-08-27
             6  褚十 #10    粤B10010  -         剩25天    首次联系(最后30天)                     未联系过
             7  陈九 #9     粤B10009  D 易流失  剩20天    最后30天 每3天跟进                     拒绝 2026-08-29
             8  吴五 #5     粤B10005  C         剩50天    60-30天 每7天跟进            逾期2天   考虑中 2026-08-23
             9  许十九 #19  粤B10019  A         剩80天    90-60天 每15天跟进           逾期10天  成交 2025-11-10
            10  黄三 #3     粤B10003  A         剩90天    首次联系(90-60天)                      未联系过
            11  周四 #4     粤B10004  B         剩75天    90-60天 每15天跟进                     未接通 2026-08-17
            共 11 位客户。

            """)
        // Every column starts at the same screen column on every row, a Chinese character counting two.
        let lines = result.output.split(separator: "\n").dropFirst().dropLast().map(String.init)
        func column(_ line: String, _ text: String) -> Int? { line.range(of: text).map { line[..<$0.lowerBound].displayWidth } }
        let entries = try RenewalQueue.build(store: ledger.store, today: try #require(LocalNoon.date(QueueLedger.today)), plan: .dealer, agent: nil)
        for (line, entry) in zip(lines.dropFirst(), entries) {
            #expect(column(line, entry.customer.plate) == column(lines[0], "车牌"), "\(line)")
            #expect(column(line, entry.reason) == column(lines[0], "为什么今天打"), "\(line)")
            #expect(column(line, entry.lastCall ?? "未联系过") == column(lines[0], "上次通话"), "\(line)")
        }
    }

    /// A name too long for its column is cut, and every row still lines up under the header.
    @Test func aLongNameIsCutAndTheColumnsStillLineUp() throws {
        let ledger = try QueueLedger()
        _ = try ledger.store.upsert([Customer(plate: "粤B10099", name: "深圳市鹏程汽车租赁有限公司车队", phone: "13800000099",
                                              commercialExpiry: try QueueLedger.day(20), grade: "A")])
        let result = try ledger.huashu(["queue", "--date", QueueLedger.today])
        let lines = result.output.split(separator: "\n").map(String.init)
        let row = try #require(lines.first { $0.contains("粤B10099") })
        #expect(row.contains("深圳市鹏程… #"), "\(row)")
        func column(_ line: String, _ text: String) -> Int? { line.range(of: text).map { line[..<$0.lowerBound].displayWidth } }
        #expect(column(row, "粤B10099") == column(lines[1], "车牌"))
        #expect(column(row, "首次联系") == column(lines[1], "为什么今天打"))
        #expect(lines.last == "共 12 位客户。")
    }

    /// A list longer than one page is streamed at each column's limit, its memory one page: every row, the last
    /// as much as the first, still lines up under the header, and the count comes last.
    @Test func aListLongerThanAPageStreamsAndStillLinesUp() throws {
        let ledger = try QueueLedger()
        let more = QueueReport.Layout.page + 37
        _ = try ledger.store.upsert(try (0..<more).map { n in
            Customer(plate: "粤C\(String(format: "%05d", n))", name: n % 3 == 0 ? "欧阳\(n)" : "Li \(n)", phone: "1380000\(String(format: "%04d", n))",
                     commercialExpiry: try QueueLedger.day(1 + n % 89), grade: ["A", "B", "C", "D"][n % 4])
        })
        let result = try ledger.huashu(["queue", "--date", QueueLedger.today])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.last == "共 \(more + 11) 位客户。")
        func column(_ line: String, _ text: String) -> Int? { line.range(of: text).map { line[..<$0.lowerBound].displayWidth } }
        let rows = lines.dropFirst(2).dropLast()
        #expect(rows.count == more + 11)
        for row in rows {
            let plate = try #require(row.split(separator: " ").first { $0.hasPrefix("粤") }.map(String.init))
            #expect(column(row, plate) == column(lines[1], "车牌"), "\(row)")
        }
    }

    @Test func thePlanComesFromTheOptionOrTheEnvironment() throws {
        let ledger = try QueueLedger()
        let byOption = try ledger.huashu(["queue", "--date", QueueLedger.today, "--plan", "insurer"])
        let byEnvironment = try ledger.huashu(["queue", "--date", QueueLedger.today], environment: ["HUASHU_PLAN": "insurer"])
        #expect(byOption.output.hasPrefix("2026-09-01 要联系的客户(保险公司计划):\n") && byOption.output.hasSuffix("\n共 6 位客户。\n"))
        #expect(byEnvironment.output == byOption.output)
        #expect(byOption.output.contains("续保提醒(到期前55天)"))
        let optionWins = try ledger.huashu(["queue", "--date", QueueLedger.today, "--plan", "dealer"], environment: ["HUASHU_PLAN": "insurer"])
        #expect(optionWins.output.hasPrefix("2026-09-01 要联系的客户(经销商计划):\n") && optionWins.output.hasSuffix("\n共 11 位客户。\n"))
    }

    @Test func anAgentFilterAndAnEmptyDay() throws {
        let ledger = try QueueLedger()
        let mine = try ledger.huashu(["queue", "--date", QueueLedger.today, "--agent", "小王"])
        #expect(mine.output.hasPrefix("2026-09-01 要联系的客户(经销商计划 · 专员 小王):\n") && mine.output.hasSuffix("\n共 5 位客户。\n"))
        let nobody = try ledger.huashu(["queue", "--date", "2026-01-01", "--agent", "小王"])
        #expect(nobody.status == 0)
        #expect(nobody.output == "2026-01-01 没有需要联系的客户(经销商计划 · 专员 小王)。\n")
    }

    @Test func aBadDateOrPlanIsAClearError() throws {
        let ledger = try QueueLedger()
        let date = try ledger.huashu(["queue", "--date", "2026-13-45"])
        #expect(date.status == 1)
        #expect(date.output == "huashu: --date `2026-13-45` is not a day; write it as YYYY-MM-DD, e.g. 2026-11-22\n")
        let plan = try ledger.huashu(["queue"], environment: ["HUASHU_PLAN": "4s"])
        #expect(plan.status == 1)
        #expect(plan.output.hasPrefix("huashu: $HUASHU_PLAN is `4s`; the plans are dealer"))
    }

    @Test func callNextTakesTheTopOfTodaysQueue() throws {
        // The fixture's ledger follows the real clock: 张伟 (A, 20 days), 王芳 (B, 45 days), 李强 (do-not-call).
        let fixture = try Fixture()
        let today = LocalDay.string(Date())
        _ = try fixture.store.upsert([Customer(plate: "粤B22222", name: "赵敏", commercialExpiry: LocalDay.string(Date().addingTimeInterval(26 * 86_400)), grade: "D")])
        #expect(try fixture.piped(["queue"], input: "").output.split(separator: "\n")[2].contains("张伟 #1"))

        // A callback booked for this morning puts 赵敏 (grade D) above everyone.
        let log = try fixture.store.beginCall(customerID: 4, agent: "小李", scriptVersion: "test",
                                              context: CallContext(customer: CustomerFacts(), agent: "小李", dealer: "店"),
                                              training: false, at: Date().addingTimeInterval(-86_400))
        var state = CallState(node: "wrap_up")
        state.outcome = Outcome(.callback)
        try log.record(input: nil, step: CallStep(state: state, events: [.ended(Outcome(.callback), lostTo: nil)]), stage: "wrap_up",
                       shown: "", at: Date().addingTimeInterval(-86_400), followUps: [FollowUpPlan(kind: .callback, due: "\(today) 00:00")])
        #expect(try fixture.piped(["queue"], input: "").output.split(separator: "\n")[2].contains("赵敏 #4"))
        #expect(try fixture.piped(["call", "--next"], input: ".quit\n").status == 0)
        #expect(try fixture.store.calls(ofCustomer: 4).count == 2, "the call went to 赵敏")

        // Called today, 赵敏 is off today's list; the next is 张伟.
        #expect(try fixture.piped(["call", "--next"], input: ".quit\n").status == 0)
        #expect(try fixture.store.calls(ofCustomer: 1).count == 1)
    }

    @Test func callNextTakesTheAgentsOwnCustomersFirstAndNeverAColleagues() throws {
        let fixture = try Fixture()
        let inDays = { (days: Int) in LocalDay.string(Date().addingTimeInterval(Double(days) * 86_400)) }
        // 小王's grade-A customer tops the queue; 小李's own is grade C; 张伟 and 王芳 belong to nobody.
        _ = try fixture.store.upsert([
            Customer(plate: "粤B30001", name: "钱一", commercialExpiry: inDays(10), grade: "A", agent: "小王"),
            Customer(plate: "粤B30002", name: "孙二", commercialExpiry: inDays(50), grade: "C", agent: "小李"),
        ])
        #expect(try fixture.piped(["call", "--next"], input: ".quit\n").output.contains("孙二"), "小李's own customer first")
        #expect(try fixture.piped(["call", "--next"], input: ".quit\n").output.contains("张伟"), "then the unassigned, by the queue's order")
        #expect(try fixture.store.calls(ofCustomer: 4).isEmpty, "小王's customer is left to 小王")
        let wang = try fixture.piped(["call", "--next", "--agent", "小王"], input: ".quit\n")
        #expect(wang.output.contains("钱一"))
    }
}

@Suite("Queue: exact callback times and wrong numbers")
struct QueueCallbackTimeTests {
    static let customers = [
        Customer(id: 1, plate: "粤B20001", name: "甲", commercialExpiry: "2026-12-20", grade: "C"),
        Customer(id: 2, plate: "粤B20002", name: "乙", commercialExpiry: "2027-02-20", grade: "A"),
        Customer(id: 3, plate: "粤B20003", name: "丙", commercialExpiry: "2026-12-08", grade: "B"),
    ]

    static func plates(at minute: Int) throws -> [String] {
        RuleOrder.entries(customers, followUps: [1: (kind: "callback", due: "2026-12-06 16:00")],
                          today: try LedgerValue.date("2026-12-06"), minute: minute, plan: .dealer)
            .map { "\($0.customer.plate) \($0.reason)" + ($0.overdue ? " " + $0.overdueText : "") }
    }

    @Test func aCallbackDueAtFourIsAtTheTopFromFourNotFromTheMorning() throws {
        #expect(try Self.plates(at: 10 * 60) == ["粤B20003 首次联系(最后30天)", "粤B20002 首次联系(90-60天)", "粤B20001 预约回访 16:00 (未到时间)"])
        #expect(try Self.plates(at: 16 * 60) == ["粤B20001 预约回访 16:00", "粤B20003 首次联系(最后30天)", "粤B20002 首次联系(90-60天)"])
        #expect(try Self.plates(at: 18 * 60 + 5).first == "粤B20001 预约回访 16:00 逾期2小时")
        #expect(try Self.plates(at: RenewalQueueRule.wholeDay).first == "粤B20001 预约回访 16:00")
    }

    @Test func aWrongNumberLeavesTheQueueForTheCorrectionListUntilANewNumberIsImported() throws {
        let ledger = try QueueLedger()
        try ledger.call(10, daysAgo: 3, .wrongNumber)
        #expect(try ledger.store.customer(id: 10)?.phoneInvalid == true)
        #expect(try !ledger.list(.dealer).map(QueueLedger.plate).contains("粤B10010"))
        let corrections = try ledger.huashu(["queue", "--corrections"])
        #expect(corrections.status == 0)
        #expect(corrections.output.contains("粤B10010"))
        #expect(corrections.output.contains("138****0000"))
        #expect(corrections.output.contains("褚十 #10"))

        // The same number again changes nothing; a different one puts the customer back.
        var same = try #require(try ledger.store.customer(id: 10))
        same.id = nil
        same.phoneInvalid = false  // as a ledger row comes
        _ = try ledger.store.upsert([same])
        #expect(try ledger.store.customer(id: 10)?.phoneInvalid == true)
        same.phone = "13911112222"
        _ = try ledger.store.upsert([same])
        #expect(try ledger.store.customer(id: 10)?.phoneInvalid == false)
        #expect(try ledger.list(.dealer).map(QueueLedger.plate).contains("粤B10010"))
        let none = try ledger.huashu(["queue", "--corrections"])
        #expect(!none.output.contains("粤B10010"))
        #expect(none.output.hasPrefix("1 位客户的电话号码错误"), "粤B10015, found wrong before, is still on it")
    }
}

/// The rule's list from data in hand, without SQL: each customer's standing sorted by its key,
/// then the customer's id. The reference the store's streamed order is checked against.
enum RuleOrder {
    static func entries(_ customers: [Customer], calls: [Int64: (last: (at: String, outcome: String?, loss: String?), ended: (at: String, outcome: String)?)] = [:],
                        followUps: [Int64: (kind: String, due: String)] = [:], today: LedgerDate,
                        minute: Int = RenewalQueueRule.wholeDay, plan: RenewalPlan) -> [QueueEntry] {
        customers.compactMap { customer -> QueueEntry? in
            let id = customer.id ?? 0
            let call = calls[id], followUp = followUps[id]
            let candidate = QueueCandidate(customer, lastCallAt: call?.last.at, lastOutcome: call?.last.outcome, lastLossReason: call?.last.loss,
                                           lastEndedAt: call?.ended?.at, lastEndedOutcome: call?.ended?.outcome,
                                           followUpKind: followUp?.kind, followUpDue: followUp?.due)
            return RenewalQueueRule.standing(candidate, today: today, minute: minute, plan: plan).map { QueueEntry(customer: customer, standing: $0) }
        }
        .sorted { ($0.standing.key, $0.customer.id ?? 0) < ($1.standing.key, $1.customer.id ?? 0) }
    }
}

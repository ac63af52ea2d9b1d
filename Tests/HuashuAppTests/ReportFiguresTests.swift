import HuashuCalendar
import Foundation
@testable import HuashuApp
import HuashuEngine
import HuashuRenewal
import HuashuScript
import HuashuStore
import Testing

/// Calls logged the way `huashu call` logs them (engine step, then the store
/// commits it with its follow-ups), at times the test chooses.
enum LoggedCalls {
    static let script: Script = {
        do { return try ScriptFiles.load([Fixture.repository.appendingPathComponent("Dialogues").path]) } catch { fatalError("\(error)") }
    }()

    /// A local time in the test's calendar.
    static func at(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0, _ second: Int = 0) -> Date {
        Calendar.current.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
    }

    /// The answers from the greeting to the quote screen, then the premium typed in.
    static let toQuote: [CallInput] = [.answer("greet>confirm_car"), .answer("confirm_car>call_purpose"),
                                       .answer("call_purpose>recap"), .answer("recap>quote"), .quote("4860")]

    static func end(_ kind: OutcomeKind, _ reason: LossReason? = nil, to lostTo: String? = nil) -> CallInput {
        .end(Outcome(kind, lossReason: reason), lostTo: lostTo)
    }

    /// Logs a call: its first screen at `start`, then each input at its offset in seconds.
    /// A refused input is logged too (as the live call does); `refusals` says how many are expected.
    @discardableResult
    static func make(_ store: Store, customer plate: String, agent: String, start: Date, _ inputs: [(TimeInterval, CallInput)],
                     training: Bool = false, refusals: Int = 0) throws -> Int64 {
        let customer = try #require(try store.findCustomers(plate).first)
        let context = CallContext(customer: CustomerFacts(customer, today: start), agent: agent, dealer: "鹏程丰田")
        let engine = CallEngine(script: script, context: context)
        let first = engine.start()
        let log = try store.beginCall(customerID: customer.id!, agent: agent, scriptVersion: script.version, context: context,
                                      training: training, at: start)
        let recorder = CallRecorder(engine: engine, log: log, startedAt: start)
        _ = try recorder.record(nil, first, at: start)
        var state = first.state
        var refused = 0
        for (offset, input) in inputs {
            let (step, _) = try recorder.take(input, from: state, at: start.addingTimeInterval(offset))
            if step.events.contains(where: { if case .refused = $0 { return true } else { return false } }) {
                refused += 1
            } else {
                state = step.state
            }
        }
        #expect(refused == refusals, "call to \(plate) at \(start): \(refused) inputs refused")
        return log.callID
    }

    /// Inputs 20 seconds apart.
    static func spaced(_ inputs: [CallInput], every seconds: TimeInterval = 20) -> [(TimeInterval, CallInput)] {
        inputs.enumerated().map { (Double($0.offset + 1) * seconds, $0.element) }
    }
}

/// A month of renewal work with every outcome the report counts, built
/// through the engine and the store. March 2024; the report is run on the
/// 20th at noon.
struct ReportMonthFixture {
    let fixture: Fixture
    let targets: String
    static let today = LoggedCalls.at(2024, 3, 20, 12)
    /// Lengths of the month's ended live calls, by agent, as logged.
    var lengths: [String: [TimeInterval]] = [:]

    init() throws {
        fixture = try Fixture()
        let store = fixture.store
        targets = fixture.folder.appendingPathComponent("targets.txt").path
        try "# 月度目标(单)\n小李=2\n小王 = 4\n小张=10\n小孙=0\n".write(toFile: targets, atomically: true, encoding: .utf8)
        _ = try store.upsert([
            Customer(plate: "粤B00001", name: "张一", phone: "13800000001", commercialExpiry: "2024-03-10", agent: "小李", vehicleUse: "家庭自用"),
            Customer(plate: "粤B00002", name: "王二", phone: "13800000002", commercialExpiry: "2024-03-15", agent: "小李", vehicleUse: "家庭自用"),
            Customer(plate: "粤B00003", name: "赵三", phone: "13800000003", commercialExpiry: "2024-03-25", agent: "小王", vehicleUse: "营业"),
            Customer(plate: "粤B00004", name: "钱四", phone: "13800000004", commercialExpiry: "2024-03-28"),
            Customer(plate: "粤B00005", name: "孙五", phone: "13800000005", commercialExpiry: "2024-03-05", agent: "小李"),
            Customer(plate: "粤B00006", name: "周六", phone: "13800000006", commercialExpiry: "2024-04-10", agent: "小李"),
            Customer(plate: "粤B00007", name: "吴七", phone: "13800000007", commercialExpiry: "2024-03-30", agent: "小李"),
            Customer(plate: "粤B00008", name: "郑八", phone: "13800000008", commercialExpiry: "2024-03-31", agent: "小王"),
            Customer(plate: "粤B00009", name: "冯九", phone: "13800000009", commercialExpiry: "2024-04-20", agent: "小王"),
        ])
        let toQuote = LoggedCalls.toQuote
        func call(_ plate: String, _ agent: String, _ start: Date, _ inputs: [CallInput], training: Bool = false, month: Bool = true) throws {
            let id = try LoggedCalls.make(store, customer: plate, agent: agent, start: start, LoggedCalls.spaced(inputs), training: training)
            let record = try #require(try store.call(id))
            if month, !training, let ended = record.endedAt {
                lengths[agent, default: []].append(Timestamp.date(ended)!.timeIntervalSince(start))
            }
        }
        // February: won, before the month (counts for the customer's result only).
        try call("粤B00001", "小李", LoggedCalls.at(2024, 2, 20, 10), toQuote + [.objection("price"), .answer("price>return"), LoggedCalls.end(.won)], month: false)
        // Lost on price to 平安, after a price objection.
        try call("粤B00002", "小李", LoggedCalls.at(2024, 3, 5, 10), toQuote + [.objection("price"), .answer("price>price_value"), LoggedCalls.end(.lost, .price, to: "平安")])
        // Thinking: think, then the price handler entered by the customer's answer; the follow-up is never made.
        try call("粤B00003", "小王", LoggedCalls.at(2024, 3, 10, 10), toQuote + [.objection("think"), .answer("think>price"), .answer("price>return"), LoggedCalls.end(.thinking)])
        // A callback for tomorrow morning, made late (on the 15th), then won there.
        try call("粤B00006", "小李", LoggedCalls.at(2024, 3, 12, 10), [.answer("greet>confirm_car"), .answer("confirm_car>call_purpose"),
                                                        .answer("call_purpose>book_callback"), .callback(CallbackTime(daysAhead: 1, minute: 600)),
                                                        .answer("book_callback>end_callback")])
        try call("粤B00006", "小李", LoggedCalls.at(2024, 3, 15, 10), toQuote + [.objection("price"), .answer("price>return"), .answer("quote>close_confirm"), LoggedCalls.end(.won)])
        // Committed, paid the next morning before the payment follow-up was due.
        try call("粤B00007", "小李", LoggedCalls.at(2024, 3, 18, 10), toQuote + [LoggedCalls.end(.committed)])
        try call("粤B00007", "小李", LoggedCalls.at(2024, 3, 19, 9, 30), toQuote + [.objection("not_due"), .answer("not_due>close_confirm"), LoggedCalls.end(.won)])
        // A rehearsal on a real customer, won: never counts.
        try call("粤B00004", "小王", LoggedCalls.at(2024, 3, 18, 15), toQuote + [.objection("price"), LoggedCalls.end(.won)], training: true)
        try call("粤B00004", "小王", LoggedCalls.at(2024, 3, 19, 9), [.answer("greet>end_no_answer")])
        // Cut off inside a nested objection, this morning, by an agent with no target.
        try call("粤B00008", "小赵", LoggedCalls.at(2024, 3, 20, 8), toQuote + [.objection("price"), .objection("think"), .answer("think>return")])
        // Thinking; its follow-up is due after the report's day.
        try call("粤B00009", "小王", LoggedCalls.at(2024, 3, 20, 9), toQuote + [LoggedCalls.end(.thinking)])

    }

    func options(month: String? = "2024-03", agent: String? = nil, format: MonthlyReportCommand.Format = .table,
                 targets: String? = nil) -> MonthlyReportCommand.Options {
        MonthlyReportCommand.Options(database: .file(fixture.database), dialogues: [Fixture.repository.appendingPathComponent("Dialogues").path],
                                     month: month, agent: agent, format: format, targets: targets ?? self.targets, today: Self.today)
    }

    func report(month: String? = "2024-03", agent: String? = nil) throws -> MonthlyReport {
        try MonthlyReportCommand.build(options(month: month, agent: agent))
    }
}

@Suite("huashu report: the month's figures")
struct ReportFiguresTests {
    @Test func renewalRateAndTheCustomersStillOpen() throws {
        let r = try ReportMonthFixture().report()
        #expect(r.due.map(\.plate) == ["粤B00005", "粤B00001", "粤B00002", "粤B00003", "粤B00004", "粤B00007", "粤B00008"],
                "due in March, by expiry; April's customers are not")
        #expect(r.won == 2)
        #expect(r.renewalRate == 2.0 / 7.0)
        #expect(ReportCell.percentText(r.renewalRate) == "28.6%")
        #expect(r.open == 4, "赵三 thinking, 钱四 no answer, 孙五 never called, 郑八 cut off")
        #expect(r.byUse.map(\.use) == ["未注明", "家庭自用", "营业"])
        #expect(r.byUse.map(\.due) == [4, 2, 1])
        #expect(r.byUse.map(\.won) == [1, 1, 0])
        let results = Dictionary(uniqueKeysWithValues: r.due.map { ($0.plate, MonthlyReport.resultText($0)) })
        #expect(results == ["粤B00005": "未跟进", "粤B00001": "成交", "粤B00002": "战败", "粤B00003": "考虑中",
                            "粤B00004": "未接通", "粤B00007": "成交", "粤B00008": "跟进中"])
        #expect(r.due.first { $0.plate == "粤B00004" }?.calls == 1, "the rehearsal is not a follow-up")
        #expect(r.due.first { $0.plate == "粤B00004" }?.agent == "小王", "no ledger agent: the agent of the latest live call")
    }

    @Test func outcomesByDisposition() throws {
        let r = try ReportMonthFixture().report()
        #expect(r.totalCalls == 9)
        let counts = Dictionary(uniqueKeysWithValues: r.outcomes.map { ($0.label, $0.count) })
        #expect(counts == ["成交": 2, "考虑中": 2, "战败": 1, "约回访": 1, "已承诺未付款": 1, "未接通": 1, "未完成": 1])
        #expect(r.outcomes.prefix(2).map(\.count) == [2, 2], "largest first")
    }

    @Test func lossAnalysisByReasonAndInsurer() throws {
        let r = try ReportMonthFixture().report()
        #expect(r.lost == 1)
        #expect(r.lossByReason == [MonthlyReport.Count(label: "价格", count: 1)])
        #expect(r.lossByInsurer == [MonthlyReport.Count(label: "平安", count: 1)])
    }

    @Test func uncontrolledAndLapsedCustomers() throws {
        let r = try ReportMonthFixture().report()
        #expect(r.uncontrolled.map(\.plate) == ["粤B00005", "粤B00003"])
        #expect(r.uncontrolled.map(r.uncontrolledReason) == ["从未联系", "10天未联系、回访逾期"])
        #expect(r.lapsed.map(\.plate) == ["粤B00005", "粤B00002"], "expiry before the 20th and not won")
        let text = ReportTable.text(r.document)
        #expect(text.contains(MonthlyReport.uncontrolledDefinition), "the definition is printed under the figure")
        #expect(text.contains(MonthlyReport.lapsedDefinition))
    }

    @Test func perAgentCallsLengthReachWonTargetAndPay() throws {
        let month = try ReportMonthFixture()
        let r = try month.report()
        #expect(r.agents.map(\.agent) == ["小孙", "小李", "小张", "小王", "小赵"].sorted())
        let byName = Dictionary(uniqueKeysWithValues: r.agents.map { ($0.agent, $0) })
        let li = try #require(byName["小李"])
        #expect([li.calls, li.reached, li.won, li.target] == [5, 3, 2, 2] as [Int?])
        let liLengths = try #require(month.lengths["小李"])
        #expect(abs(try #require(li.averageSeconds) - liLengths.reduce(0, +) / Double(liLengths.count)) < 0.01)
        #expect(li.achievement == 1.0)
        #expect(li.band == .full)
        #expect(li.pay == 100)
        let wang = try #require(byName["小王"])
        #expect([wang.calls, wang.reached, wang.won, wang.target] == [3, 2, 0, 4] as [Int?], "no answer does not count as reached")
        #expect(wang.achievement == 0)
        #expect(wang.band == .below)
        #expect(wang.pay == 0)
        let zhao = try #require(byName["小赵"])
        #expect([zhao.calls, zhao.reached, zhao.won] == [1, 0, 0] as [Int])
        #expect(zhao.averageSeconds == nil, "a call without an end has no length")
        #expect(zhao.target == nil)
        #expect(zhao.achievement == nil)
        #expect(zhao.band == nil)
        let zhang = try #require(byName["小张"])
        #expect([zhang.calls, zhang.won, zhang.target] == [0, 0, 10] as [Int?])
        #expect(zhang.achievement == 0)
        let sun = try #require(byName["小孙"])
        #expect(sun.target == 0)
        #expect(sun.achievement == nil, "a target of 0 divides nothing")
        let text = ReportTable.text(r.document)
        let zhaoLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("  小赵") })
        #expect(zhaoLine.split(separator: " ").map(String.init) == ["小赵", "1", "—", "0", "0", "—", "—", "—", "—", "—"])
        let liLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("  小李") })
        #expect(liLine.split(separator: " ").map(String.init)
                == ["小李", "5", CallView.clock(li.averageSeconds!), "3", "2", "2", "100.0%", "≥100%", "50", "100"])
    }

    @Test func payBandsAtTheirEdges() {
        let cases: [(Double, PayBand, Int)] = [(1.5, .full, 50), (1.0, .full, 50), (0.999, .ninety, 35), (0.9, .ninety, 35),
                                               (0.85, .eighty, 30), (0.8, .eighty, 30), (0.7, .sixty, 20), (0.6, .sixty, 20),
                                               (0.59, .below, 0), (0, .below, 0)]
        for (achievement, band, rate) in cases {
            #expect(PayBand(achievement: achievement) == band, "\(achievement)")
            #expect(band.perPolicy == rate)
        }
        let line = MonthlyReport.AgentLine(agent: "a", calls: 10, averageSeconds: nil, reached: 9, won: 9, target: 10)
        #expect(line.band == .ninety)
        #expect(line.pay == 9 * 35)
    }

    @Test func followUpDisciplineOnTimeLateMissedPending() throws {
        let r = try ReportMonthFixture().report()
        #expect(r.followUps == FollowUpDisciplineRow(agent: nil, onTime: 1, late: 1, missed: 1, pending: 1))
        #expect(r.followUpsByAgent == [
            FollowUpDisciplineRow(agent: "小李", onTime: 1, late: 1, missed: 0, pending: 0),
            FollowUpDisciplineRow(agent: "小王", onTime: 0, late: 0, missed: 1, pending: 1),
        ])
    }

    @Test func objectionsRaisedAndRebuttalWinRatesWithWilsonIntervals() throws {
        let r = try ReportMonthFixture().report()
        #expect(r.objections.map(\.handler) == ["price", "think", "not_due"])
        #expect(r.objections.map(\.title) == ["价格高", "还要考虑", "尚未到期"])
        #expect(r.objections.map(\.raised) == [4, 2, 1], "price: searched in three calls, entered by an answer in one")
        #expect(r.objections.map(\.calls.total) == [4, 2, 1])
        #expect(r.objections.map(\.calls.won) == [1, 0, 1])
        #expect(r.rebuttals.map(\.answer) == ["not_due>close_confirm", "price>return", "price>price_value", "think>price"])
        #expect(r.rebuttals.map(\.calls.total) == [1, 2, 1, 1], "the cut-off call has no result yet and does not count")
        #expect(r.rebuttals.map(\.calls.won) == [1, 1, 0, 0])
        #expect(r.rebuttals.map(\.answerText) == ["那就先定下来", "那行，你接着说", "就是觉得多", "费用"])
        let half = try #require(r.rebuttals[1].calls.interval)
        #expect(abs(half.low - 0.0945) < 0.0005 && abs(half.high - 0.9055) < 0.0005, "Wilson 95% for 1 of 2")
        let one = try #require(r.rebuttals[0].calls.interval)
        #expect(abs(one.low - 0.2065) < 0.0005 && one.high == 1, "Wilson 95% for 1 of 1")
        #expect(WinRate(won: 0, total: 0).interval == nil)
        #expect(MonthlyReport.interval(r.rebuttals[1].calls) == "9%-91%")
    }

    @Test func anAgentFilterKeepsTheirCustomersAndCalls() throws {
        let r = try ReportMonthFixture().report(agent: "小李")
        #expect(r.due.map(\.plate) == ["粤B00005", "粤B00001", "粤B00002", "粤B00007"])
        #expect(r.won == 2)
        #expect(ReportCell.percentText(r.renewalRate) == "50.0%")
        #expect(r.totalCalls == 5)
        #expect(r.agents.map(\.agent) == ["小李"])
        #expect(r.followUps == FollowUpDisciplineRow(agent: nil, onTime: 1, late: 1, missed: 0, pending: 0))
        #expect(r.objections.map(\.handler) == ["price", "not_due"])
    }

    @Test func aMonthWithNoCallsAndNobodyDue() throws {
        let month = try ReportMonthFixture()
        let r = try month.report(month: "2024-06")
        #expect(r.due.isEmpty)
        #expect(r.renewalRate == nil)
        #expect(r.totalCalls == 0)
        #expect(r.outcomes.isEmpty)
        #expect(r.uncontrolled.isEmpty && r.lapsed.isEmpty)
        #expect(r.agents.map(\.calls) == [0, 0, 0, 0], "agents with a target are listed with nothing done")
        #expect(r.objections.isEmpty && r.rebuttals.isEmpty)
        let text = ReportTable.text(r.document)
        #expect(text.contains("本月到期 0 人, 已续保(成交) 0 人, 续保率 —"))
        #expect(text.contains("本月没有通话。"))
        #expect(text.contains("本月没有到期的回访。"))
        let html = try ReportPage.html(r.document)
        #expect(html.contains("本月没有通话。"))
        #expect(!html.contains("nan") && !html.contains("inf"))
        let csv = try ReportSheet.csv(r.document)
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let rows = CSVText.parse(String(decoding: csv, as: UTF8.self))
        #expect(rows.prefix(2) == [["客户", "车牌", "专员", "到期日", "跟进次数", "最后跟进", "结果", "战败原因", "去向"], [""]],
                "the record sheet's header alone, then the lists")
        for empty in ["没有需要更正的电话号码。", "本月通话中没有记下新线索。", "本月没有成交或已承诺的通话。", "本月没有战败的通话。"] {
            #expect(rows.contains([empty]), "\(empty)")
        }
    }

    @Test func trainingCallsNeverCount() throws {
        let month = try ReportMonthFixture()
        let before = try month.report()
        // Another rehearsal, won, on a due customer who is still open.
        try LoggedCalls.make(month.fixture.store, customer: "粤B00003", agent: "小王", start: LoggedCalls.at(2024, 3, 19, 16),
                             LoggedCalls.spaced(LoggedCalls.toQuote + [.objection("think"), .answer("think>return"), LoggedCalls.end(.won)]),
                             training: true)
        let after = try month.report()
        #expect(after.won == before.won)
        #expect(after.totalCalls == before.totalCalls)
        #expect(after.agents == before.agents)
        #expect(after.objections == before.objections)
        #expect(after.rebuttals == before.rebuttals)
        #expect(after.due.first { $0.plate == "粤B00003" }?.outcome == "thinking")
    }

    @Test func targetsFileErrorsNameTheLine() throws {
        let month = try ReportMonthFixture()
        let bad = month.fixture.folder.appendingPathComponent("bad.txt").path
        try "小李=2\n小王: 4\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(throws: UserError.self) { try MonthlyReportCommand.build(month.options(targets: bad)) }
        do { _ = try MonthlyReportCommand.build(month.options(targets: bad)) } catch {
            #expect(error.description.contains("bad.txt:2: expected `agent=number`"))
        }
        do { _ = try MonthlyReportCommand.build(month.options(month: "2024-13")) } catch {
            #expect(error.description.contains("is not a month; write it as YYYY-MM"))
        }
    }

    @Test func theTableShowsEveryFigure() throws {
        let text = ReportTable.text(try ReportMonthFixture().report().document)
        for expected in ["续保月报 2024年3月 · 统计日 2024-03-20", "本月到期 7 人, 已续保(成交) 2 人, 续保率 28.6%; 尚无最终结果 4 人",
                         "二、通话结果(本月通话 9 通)", "三、战败原因分析(本月到期客户中战败 1 人)", "四、失控客户 2 人", "五、脱保客户 2 人",
                         "七、回访纪律(本月到期的回访 4 个)", "价格高 [price]", "那行，你接着说 [price>return]"] {
            #expect(text.contains(expected), "\(expected)")
        }
    }
}

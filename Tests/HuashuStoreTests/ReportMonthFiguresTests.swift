import Foundation
import GRDB
import HuashuCalendar
import HuashuEngine
import HuashuScript
@testable import HuashuStore
import Testing

/// The month figures kept by triggers (`ReportMonthFigures`, v7-report) against the calls and report rows they
/// come from: over random calls (ended, taken back, rehearsals, around the month's edges), every figure read from
/// the kept rows is the figure read from the calls, for all agents and one, as logged and after the backfill;
/// and `verify` names a report row or a month figure edited by hand.
@Suite("The report's month figures")
struct ReportMonthFiguresTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-month-\(UUID().uuidString)")

    /// March 2024 in this process's time zone, as the report computes its window.
    static func window(agent: String? = nil, handlers: [String]) -> ReportWindow {
        let march = LedgerDate(year: 2024, month: 3, day: 1)!, april = LedgerDate(year: 2024, month: 4, day: 1)!
        var window = HandlerUsesTests.window(agent: agent, handlers: handlers)
        window.startUTC = Timestamp.string(LocalTime.date(march))
        window.endUTC = Timestamp.string(LocalTime.date(april))
        return window
    }

    func loggedStore(seed: UInt64, knowsScript: Bool) throws -> Store {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder.appendingPathComponent("db-\(seed).sqlite").path)
        _ = try store.upsert((1...7).map { Customer(plate: "粤B1000\($0)", name: "客户\($0)") })
        var random = HandlerUsesTests.Random(seed: seed)
        for i in 0..<140 {
            let start = LocalTime.date(LedgerDate(year: 2024, month: 2, day: 28)!).addingTimeInterval(Double(i) * 5.3 * 3600)
            try HandlerUsesTests.logRandomCall(store, &random, customer: Int64(1 + i % 7), at: start, knowsScript: knowsScript)
        }
        return store
    }

    struct Figures: Equatable {
        var outcomes: [String]
        var agents: [AgentActivityRow]
        var objections: [ObjectionRow]
        var searched: [Bool]
        var rebuttals: [RebuttalRow]
    }

    static func figures(_ db: Database, _ w: ReportWindow, handlers: [String], kept: Bool) throws -> Figures {
        let entered = try ReportSQL.enteredHandlers(db, w, handlers: handlers, kept: kept)
        return Figures(outcomes: try ReportSQL.outcomes(db, w, kept: kept).map { "\($0.outcome ?? "-") \($0.count)" },
                       agents: try ReportSQL.agents(db, w, kept: kept), objections: entered.map(\.row), searched: entered.map(\.searched),
                       rebuttals: try ReportSQL.rebuttals(db, w, handlers: handlers, kept: kept))
    }

    /// Every figure read from the kept rows and from the calls, side by side.
    func expectSameFigures(_ store: Store, _ context: String) throws {
        for handlers in [[], ["price"], ["think", "cheaper", "not_due", "price"], ["close", "quote", "greet"]] {
            for agent in [nil, "小王", "无人"] {
                let w = Self.window(agent: agent, handlers: handlers)
                let (covered, kept, calls) = try store.read { db in
                    (try ReportMonthFigures.covers(db, w), try Self.figures(db, w, handlers: handlers, kept: true),
                     try Self.figures(db, w, handlers: handlers, kept: false))
                }
                #expect(covered, "\(context)")
                #expect(kept == calls, "\(context) \(handlers) \(agent ?? "")")
                if agent == nil {
                    #expect(!kept.outcomes.isEmpty && !kept.objections.isEmpty && !kept.agents.isEmpty, "not a test of nothing")
                }
            }
        }
    }

    @Test(arguments: [false, true])
    func theKeptFiguresAreTheCallsFigures(knowsScript: Bool) throws {
        let store = try loggedStore(seed: knowsScript ? 71 : 17, knowsScript: knowsScript)
        try expectSameFigures(store, "as logged")
        #expect(try store.verifyChains().problems == [])
        // The migration's backfill over the same calls and rows gives the same rows.
        try store.write { db in
            try db.execute(sql: "DELETE FROM report_month_outcomes; DELETE FROM report_month_customers; DELETE FROM report_month_handlers")
            try db.execute(sql: ReportMonthFigures.backfill)
        }
        try expectSameFigures(store, "backfilled")
        #expect(try store.verifyChains().problems == [])
    }

    /// A month whose kept rows do not hold its calls (written in another time zone, or edited) is counted from the calls.
    @Test func aMonthTheKeptRowsDoNotCoverIsCountedFromTheCalls() throws {
        let store = try loggedStore(seed: 5, knowsScript: true)
        let w = Self.window(handlers: ["price"])
        let before = try store.reportData(w)
        try store.write { db in try db.execute(sql: "UPDATE report_month_outcomes SET calls = calls + 1 WHERE outcome = 'won'") }
        #expect(try store.read { db in try ReportMonthFigures.covers(db, w) } == false)
        #expect(try store.reportData(w) == before)
        let problems = try store.verifyChains().problems.map(\.description)
        #expect(!problems.isEmpty && problems.allSatisfy { $0.contains("report_month_outcomes") && $0.contains("outcome 'won'") }, "\(problems)")
    }

    @Test func verifyNamesEachCallWhoseReportRowsWereEditedAddedOrRemoved() throws {
        let store = try loggedStore(seed: 9, knowsScript: true)
        let (edited, removed, stranger) = try store.read { db in
            (try Int64.fetchOne(db, sql: "SELECT call_id FROM call_handler_uses WHERE rebuttal = 0 AND searched > 0 ORDER BY call_id LIMIT 1")!,
             // A rebuttal at a handler its call also entered by an answer: the call's rows still show the handler.
             try Int64.fetchOne(db, sql: """
                SELECT r.call_id FROM call_handler_uses r JOIN call_handler_uses e
                  ON e.rebuttal = 0 AND e.call_id = r.call_id AND e.handler = r.handler AND e.answered > 0
                WHERE r.rebuttal = 1 ORDER BY r.call_id DESC LIMIT 1
                """)!,
             try Int64.fetchOne(db, sql: "SELECT min(id) FROM calls WHERE training = 0 AND id NOT IN (SELECT call_id FROM call_handler_uses)")!)
        }
        try store.write { db in
            try db.execute(sql: "UPDATE call_handler_uses SET searched = searched + 1 WHERE rebuttal = 0 AND call_id = ? AND searched > 0",
                           arguments: [edited])
            try db.execute(sql: """
                DELETE FROM call_handler_uses WHERE rebuttal = 1 AND call_id = ?1 AND answer = (
                  SELECT r.answer FROM call_handler_uses r JOIN call_handler_uses e
                    ON e.rebuttal = 0 AND e.call_id = r.call_id AND e.handler = r.handler AND e.answered > 0
                  WHERE r.rebuttal = 1 AND r.call_id = ?1 ORDER BY r.answer LIMIT 1)
                """, arguments: [removed])
            try db.execute(sql: """
                INSERT INTO call_handler_uses (rebuttal, started_at, call_id, handler, answer, agent, outcome, searched, answered)
                SELECT 1, started_at, id, 'price', 'price>close', agent, outcome, 0, 0 FROM calls WHERE id = ?
                """, arguments: [stranger])
        }
        let problems = try store.verifyChains().problems
        #expect(Set(problems.compactMap(\.callID)) == [edited, removed, stranger], "\(problems)")
        #expect(problems.allSatisfy { $0.callID == nil || $0.message.contains("call_handler_uses") })
        // The month figures follow the rows (their triggers), so only the rows are named, each once.
        #expect(problems.filter { $0.callID == nil }.isEmpty, "\(problems)")
        // One call asked for: only its problem.
        #expect(try store.verifyChains(call: edited).problems.map(\.callID) == [edited])
    }

    /// The triggers add each call's seconds in turn and the rebuilding sums them at once: over a large sum the two may
    /// part by more than a millisecond, so the length is compared within a part in a billion of its size as well.
    @Test func theMonthsSecondsAreComparedRelativeToTheirSize() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder.appendingPathComponent("long.sqlite").path)
        _ = try store.upsert([Customer(plate: "粤B10001", name: "客户")])
        let start = LocalTime.date(LedgerDate(year: 2024, month: 3, day: 2)!)
        let writer = try store.beginCall(customerID: 1, agent: "小李", scriptVersion: "v",
                                         context: CallContext(customer: CustomerFacts(), agent: "小李", dealer: "店"), training: false, at: start)
        var ended = CallState(node: "greet")
        ended.outcome = Outcome(.thinking)
        try writer.record(input: nil, step: CallStep(state: CallState(node: "greet"), events: [.entered(node: "greet", stage: "s")]),
                          stage: "s", shown: "说", at: start, followUps: [])
        // Some 400 million seconds, as a month of a large insurer's calls adds up.
        try writer.record(input: .end(Outcome(.thinking), lostTo: nil), step: CallStep(state: ended, events: [.ended(Outcome(.thinking), lostTo: nil)]),
                          stage: "s", shown: "说", at: start.addingTimeInterval(4e8), followUps: [])
        let monthProblems = { try store.verifyChains().problems.filter { $0.callID == nil }.map(\.description) }
        #expect(try monthProblems().isEmpty)
        try store.write { db in try db.execute(sql: "UPDATE report_month_outcomes SET seconds = seconds + 0.2 WHERE outcome = 'thinking'") }
        #expect(try monthProblems().isEmpty, "a rounding's size of 4e8 s is not a change")
        try store.write { db in try db.execute(sql: "UPDATE report_month_outcomes SET seconds = seconds + 2 WHERE outcome = 'thinking'") }
        #expect(try monthProblems().count == 1)
    }
}

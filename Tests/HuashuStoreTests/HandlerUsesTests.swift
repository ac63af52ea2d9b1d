import Foundation
import GRDB
import HuashuEngine
import HuashuScript
import HuashuCalendar
@testable import HuashuStore
import Testing

/// The report's objection and rebuttal rows (`call_handler_uses`, v6-report) against the steps they come from:
/// over calls of every kind of step, the figures read from the rows are the figures the report read from the
/// steps before v6, whether the writer knew the script's handlers or not, and after the migration's backfill.
@Suite("The report's rows of each call")
struct HandlerUsesTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-uses-\(UUID().uuidString)")
    static let nodes = ["greet", "quote", "price", "think", "cheaper", "close", "not_due"]
    static let scriptHandlers: Set<String> = ["price", "think", "cheaper", "not_due"]

    /// The objection and rebuttal figures as the report computed them from the steps before v6-report.
    static func fromSteps(_ db: Database, _ w: ReportWindow, handlers: [String]) throws -> (objections: [ObjectionRow], rebuttals: [RebuttalRow]) {
        let arguments = ReportSQL.handlerArguments(w, handlers)
        let objections = try Row.fetchAll(db, sql: """
            WITH \(ReportSQL.monthCalls)
            SELECT s.node, count(*) AS raised, count(DISTINCT s.call_id) AS calls,
                   count(DISTINCT CASE WHEN m.outcome = 'won' THEN s.call_id END) AS won_calls, max(s.input_kind = 'objection') AS searched
            FROM m JOIN call_steps s ON s.call_id = m.id
            WHERE s.input_kind IN ('objection', 'answer') AND s.entered IS NOT NULL AND s.returned_to IS NULL
              AND (s.input_kind = 'objection' OR s.node IN (SELECT value FROM json_each(:handlers)))
            GROUP BY s.node
            """, arguments: arguments).map { ReportRow.entered($0).row }
        let rebuttals = try Row.fetchAll(db, sql: """
            WITH \(ReportSQL.monthCalls),
            used AS (
                SELECT DISTINCT s.call_id, s.answer_id, m.outcome FROM m JOIN call_steps s ON s.call_id = m.id
                WHERE m.outcome IS NOT NULL AND s.input_kind = 'answer' AND s.answered IS NOT NULL
                  AND substr(s.answer_id, 1, instr(s.answer_id, '>') - 1) IN (SELECT value FROM json_each(:handlers))
            )
            SELECT substr(answer_id, 1, instr(answer_id, '>') - 1) AS handler, answer_id, count(*) AS calls, sum(outcome = 'won') AS won
            FROM used GROUP BY answer_id
            """, arguments: arguments).map(ReportRow.rebuttal)
        return (objections.sorted { ($0.raised, $1.handler) > ($1.raised, $0.handler) },
                rebuttals.sorted { ($0.handler, $1.calls, $0.answer) < ($1.handler, $0.calls, $1.answer) })
    }

    static func window(agent: String? = nil, handlers: [String]) -> ReportWindow {
        ReportWindow(firstDay: "2024-03-01", endDay: "2024-04-01", startUTC: "2024-03-01T00:00:00.000Z", endUTC: "2024-04-01T00:00:00.000Z",
                     today: "2024-03-25", nowLocal: "2024-03-25 12:00", quietBeforeUTC: "2024-03-22T12:00:00.000Z",
                     agent: agent, handlerIDs: handlers)
    }

    /// A call of random steps: answers onward and back, searches (some refused), refused answers, steps back,
    /// notes, endings and endings taken back.
    static func logRandomCall(_ store: Store, _ random: inout Random, customer: Int64, at start: Date, knowsScript: Bool) throws {
        let writer = try store.beginCall(customerID: customer, agent: random.pick(["小李", "小王"]), scriptVersion: "v",
                                         context: CallContext(customer: CustomerFacts(), agent: "小李", dealer: "店"),
                                         training: random.below(10) == 0, at: start)
        if knowsScript { writer.handlers = scriptHandlers }
        var state = CallState(node: "greet")
        var time = start
        func record(_ input: CallInput?, _ events: [CallEvent]) throws {
            time = time.addingTimeInterval(30)
            try writer.record(input: input, step: CallStep(state: state, events: events), stage: "s", shown: "说", at: time, followUps: [])
        }
        try record(nil, [.entered(node: "greet", stage: "s")])
        for _ in 0..<(3 + random.below(12)) {
            let here = state.node
            let target = random.pick(nodes)
            switch random.below(9) {
            case 0, 1:
                state.node = target
                try record(.answer("\(here)>\(target)"), [.answered(answer: "\(here)>\(target)"), .entered(node: target, stage: "s")])
            case 2:
                state.node = target
                try record(.answer("\(here)>return"), [.answered(answer: "\(here)>return"), .returned(to: target, from: here),
                                                       .entered(node: target, stage: "s")])
            case 3:
                let handler = random.pick(Array(scriptHandlers).sorted())
                state.node = handler
                try record(.objection(handler), [.objectionRaised(handler: handler, from: here), .entered(node: handler, stage: "objection")])
            case 4: try record(.objection("price"), [.refused(reason: "不行")])
            case 5: try record(.answer("\(here)>\(target)"), [.refused(reason: "这一步没有这个选项。")])
            case 6:
                state.node = target
                try record(.back, [.steppedBack(to: target), .entered(node: target, stage: "s")])
            case 7: try record(.note("客户在开车"), [.noteTaken("客户在开车")])
            default:
                if let ended = state.outcome {
                    state.outcome = nil
                    try record(.back, [.reopened(ended), .steppedBack(to: here), .entered(node: here, stage: "s")])
                } else {
                    let outcome = random.pick([Outcome(.won), Outcome(.lost, lossReason: .price), Outcome(.thinking)])
                    state.outcome = outcome
                    try record(.end(outcome, lostTo: nil), [.ended(outcome, lostTo: nil)])
                }
            }
        }
    }

    @Test(arguments: [false, true])
    func theRowsGiveTheFiguresTheStepsGive(knowsScript: Bool) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        _ = try store.upsert((1...6).map { Customer(plate: "粤B0000\($0)", name: "客户\($0)") })
        var random = Random(seed: knowsScript ? 18 : 6)
        for i in 0..<120 {
            // Around the month's edges too: the last of February and the first of April are not in March.
            let start = Timestamp.date("2024-02-28T20:00:00.000Z")!.addingTimeInterval(Double(i) * 6.1 * 3600)
            try Self.logRandomCall(store, &random, customer: Int64(1 + i % 6), at: start, knowsScript: knowsScript)
        }
        let lists: [[String]] = knowsScript ? [[], ["price"], ["think", "cheaper", "not_due", "price"]]
                                            : [[], ["price"], ["think", "cheaper", "not_due", "price"], ["close", "quote", "greet"]]
        func compare(_ context: String) throws {
            for handlers in lists {
                for agent in [nil, "小王"] {
                    let window = Self.window(agent: agent, handlers: handlers)
                    let data = try store.reportData(window)
                    // The report adds the handlers raised by search that the list lacks, as `ReportData.gather` does.
                    let searched = data.objections.map(\.handler).filter { !handlers.contains($0) }
                    let steps = try store.read { db in try Self.fromSteps(db, window, handlers: handlers + searched) }
                    #expect(data.objections == steps.objections, "\(context) \(handlers) \(agent ?? "")")
                    #expect(data.rebuttals == steps.rebuttals, "\(context) \(handlers) \(agent ?? "")")
                    #expect(!data.objections.isEmpty, "not a test of nothing")
                }
            }
        }
        try compare("as logged")
        // The migration's backfill, over the same steps, keeps every node that could count.
        try store.write { db in
            try db.execute(sql: "DELETE FROM call_handler_uses")
            try db.execute(sql: HandlerUses.backfill)
        }
        try compare("backfilled")
    }

    /// A small seeded generator: the same calls on every run.
    struct Random {
        var state: UInt64
        init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }
        mutating func below(_ n: Int) -> Int {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return Int(state % UInt64(n))
        }
        mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    }
}

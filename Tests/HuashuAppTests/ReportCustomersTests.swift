import Foundation
import GRDB
import HuashuRenewal
@testable import HuashuStore
import Testing

/// `report_customers` is what its definition finds after random writes (calls begun live or rehearsed, some with times
/// as edited by hand; outcomes and quotes changed; follow-ups booked, done, re-dated or moved to another customer,
/// deleted), the backfill gives the same rows, and the due list read from it is the list the calls themselves give (the
/// query from before v8, below), in the test process's time zone; `verify` names a row changed by hand.
@Suite("Report customers: kept equal to the calls and follow-ups")
struct ReportCustomersTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-report-customers-\(UUID().uuidString)")

    static func recomputed(_ db: Database) throws -> [[String?]] {
        try QueueFactsTests.rows(db, "SELECT * FROM (\(ReportCustomers.select(whose: "TRUE"))) ORDER BY customer_id")
    }

    static func kept(_ db: Database) throws -> [[String?]] {
        try QueueFactsTests.rows(db, "SELECT \(ReportCustomers.columns.joined(separator: ", ")) FROM report_customers ORDER BY customer_id")
    }

    /// The due list as v7 read it: each due customer's calls counted, sorted and looked up.
    static func dueFromCalls(_ db: Database, _ w: ReportWindow) throws -> [DueCustomerRow] {
        try Row.fetchAll(db, sql: """
            WITH policy AS (
                SELECT id, commercial_expiry AS expiry, '商业险' AS kind FROM customers
                WHERE commercial_expiry >= :first AND commercial_expiry < :end AND training = 0
                UNION ALL
                SELECT id, compulsory_expiry, '交强险' FROM customers
                WHERE compulsory_expiry >= :first AND compulsory_expiry < :end AND training = 0 AND compulsory_expiry IS NOT commercial_expiry
            ), due AS (
                SELECT u.id, u.name, u.plate, u.vehicle_use, p.expiry, p.kind, u.agent, u.phone_invalid,
                       (SELECT count(*) FROM calls c WHERE c.customer_id = u.id AND c.training = 0) AS calls,
                       (SELECT c.id FROM calls c WHERE c.customer_id = u.id AND c.training = 0 ORDER BY c.started_at DESC, c.id DESC LIMIT 1) AS latest,
                       (SELECT c.id FROM calls c WHERE c.customer_id = u.id AND c.training = 0 AND c.outcome IS NOT NULL
                          AND date(c.started_at, 'localtime') >= date(p.expiry, :seasonStart)
                        ORDER BY c.outcome IN (SELECT value FROM json_each(:finalOutcomes)) DESC, c.started_at DESC, c.id DESC LIMIT 1) AS result
                FROM policy p JOIN customers u ON u.id = p.id
            )
            SELECT due.id, due.name, due.plate, due.vehicle_use, due.expiry, due.kind, COALESCE(NULLIF(due.agent, ''), l.agent) AS responsible,
                   due.calls, l.started_at AS last_call, r.outcome, r.loss_reason, r.lost_to, r.quote,
                   EXISTS (SELECT 1 FROM follow_ups f LEFT JOIN calls c ON c.id = f.call_id
                           WHERE f.customer_id = due.id AND f.done_at IS NULL AND f.due_at < :now AND COALESCE(c.training, 0) = 0) AS overdue,
                   COALESCE(l.started_at >= :quiet, 0) AS recent, due.phone_invalid
            FROM due LEFT JOIN calls l ON l.id = due.latest LEFT JOIN calls r ON r.id = due.result
            WHERE :agent IS NULL OR COALESCE(NULLIF(due.agent, ''), l.agent) = :agent
            ORDER BY due.expiry, due.id, due.kind DESC
            """, arguments: ["first": w.firstDay, "end": w.endDay, "now": w.nowLocal, "quiet": w.quietBeforeUTC, "agent": w.agent,
                             "seasonStart": RenewalSeason.sqliteModifier, "finalOutcomes": RenewalSeason.finalOutcomesJSON]).map(ReportRow.due)
    }

    static let windows = [nil, "a"].map { agent in
        ReportWindow(firstDay: "2026-03-01", endDay: "2026-04-01", startUTC: "2026-03-01T00:00:00.000Z", endUTC: "2026-04-01T00:00:00.000Z",
                     today: "2026-03-15", nowLocal: "2026-03-15 10:00", quietBeforeUTC: "2026-03-12T00:00:00.000Z", agent: agent, handlerIDs: [])
    }

    @Test(arguments: [1, 2, 3, 4])
    func theRowsAndTheDueListFollowEveryWrite(seed: UInt64) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        var dice = QueueOrderTests.Dice(state: seed)
        _ = try store.upsert((1...12).map { i in
            Customer(plate: "粤B1000\(i)", name: "客户\(i)", commercialExpiry: "2026-03-\(10 + i)",
                     compulsoryExpiry: i % 3 == 0 ? "2026-03-0\(i % 9 + 1)" : "2026-03-\(10 + i)", agent: i % 4 == 0 ? nil : (i % 2 == 0 ? "a" : "b"))
        })
        let outcomes: [String?] = [nil, "won", "lost", "thinking", "callback", "no_answer", "do_not_call", "wrong_number"]
        func stamp() -> String {
            // Mostly as huashu writes them; now and then as edited by hand, a time that sorts apart from when it fell.
            let day = "202\(5 + dice.next(2))-\(["01", "06", "09", "10", "12", "02", "03"][dice.next(7)])-1\(dice.next(10))"
            return dice.next(12) == 0 ? "\(day) 0\(dice.next(10)):00" : "\(day)T\(10 + dice.next(14)):00:00.000Z"
        }
        func due() -> String { "2026-03-1\(dice.next(10)) 1\(dice.next(8)):00" }
        func customer() -> Int { 1 + dice.next(12) }
        let some = { (table: String) in "(SELECT id FROM \(table) ORDER BY id LIMIT 1 OFFSET \(dice.next(1000)) % max(1, (SELECT count(*) FROM \(table))))" }
        let writes: [(Database) throws -> Void] = [
            { db in try db.execute(sql: "INSERT INTO calls (customer_id, agent, started_at, script_version, training, context, outcome, quote) VALUES (?, ?, ?, 'v', ?, '{}', ?, ?)",
                                   arguments: [customer(), dice.pick(["a", "b"]), stamp(), dice.next(6) == 0, dice.pick(outcomes), dice.pick(["4860", nil])]) },
            { db in try db.execute(sql: "UPDATE calls SET outcome = ?, loss_reason = ?, lost_to = ? WHERE id = \(some("calls"))",
                                   arguments: [dice.pick(outcomes), dice.pick(["price", nil]), dice.pick(["平安", nil])]) },
            { db in try db.execute(sql: "UPDATE calls SET quote = ?, facts = 'x' WHERE id = \(some("calls"))", arguments: [dice.pick(["5120", nil])]) },
            { db in try db.execute(sql: "INSERT INTO follow_ups (customer_id, call_id, kind, due_at) VALUES (?, \(some("calls")), 'callback', ?)",
                                   arguments: [customer(), due()]) },
            { db in try db.execute(sql: "UPDATE follow_ups SET done_at = ? WHERE id = \(some("follow_ups"))", arguments: [stamp()]) },
            { db in try db.execute(sql: "UPDATE follow_ups SET due_at = ?, customer_id = ? WHERE id = \(some("follow_ups"))", arguments: [due(), customer()]) },
            { db in try db.execute(sql: "DELETE FROM follow_ups WHERE id = \(some("follow_ups"))") },
        ]
        for round in 0..<300 {
            try store.write { db in try dice.pick(writes)(db) }
            if round % 25 == 0 || round == 299 {
                let (kept, recomputed) = try store.read { db in (try Self.kept(db), try Self.recomputed(db)) }
                #expect(kept == recomputed, "after write \(round)")
                for window in Self.windows {
                    let (read, asked) = try store.read { db in (try ReportSQL.due(db, window), try Self.dueFromCalls(db, window)) }
                    #expect(read == asked, "after write \(round), agent \(window.agent ?? "all")")
                }
            }
        }
        // The backfill of a database from before v8 gives the same rows.
        let (before, after) = try store.write { db in
            let before = try Self.kept(db)
            try db.execute(sql: "DELETE FROM report_customers")
            try db.execute(sql: ReportCustomers.backfill)
            return (before, try Self.kept(db))
        }
        #expect(!before.isEmpty && after == before)
    }

    /// `verify` rebuilds every customer's row and names each one changed or removed by hand; an untouched log passes.
    @Test func verifyNamesACustomerWhoseRowWasChangedByHand() throws {
        let month = try ReportMonthFixture()
        let untouched = try month.fixture.piped(["verify"], input: "")
        #expect(untouched.status == 0, "\(untouched.output)")
        #expect(!untouched.output.contains("report_customers"))
        _ = try month.fixture.sqlite("""
            UPDATE report_customers SET calls = calls + 1 WHERE customer_id = (SELECT id FROM customers WHERE plate = '粤B00001');
            DELETE FROM report_customers WHERE customer_id = (SELECT id FROM customers WHERE plate = '粤B00002');
            UPDATE report_customers SET final_outcome = 'won' WHERE customer_id = (SELECT id FROM customers WHERE plate = '粤B00003');
            """)
        let id = { (plate: String) in try month.fixture.sqlite("SELECT id FROM customers WHERE plate = '\(plate)'") }
        let tampered = try month.fixture.piped(["verify"], input: "")
        #expect(tampered.status == 1, "\(tampered.output)")
        for (plate, name) in [("粤B00001", "张一"), ("粤B00002", "王二"), ("粤B00003", "赵三")] {
            #expect(tampered.output.contains("the report's row for customer #\(try id(plate)) \(name) (\(plate)) (report_customers) differs"),
                    "\(tampered.output)")
        }
        #expect(!tampered.output.contains("钱四"), "only the customers changed")
    }
}

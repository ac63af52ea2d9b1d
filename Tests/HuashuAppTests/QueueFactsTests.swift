import Foundation
import GRDB
@testable import HuashuStore
import Testing

/// `queue_facts` is what the lookups it replaces would find, after any write: calls begun, ended, taken back,
/// rehearsed (a call's row as begun never changes and is never deleted: the log's own triggers refuse it); follow-ups booked, done, moved, re-dated, deleted; rows edited by hand; and
/// after the backfill of a database from before v7.
@Suite("Queue facts: kept equal to the calls and follow-ups")
struct QueueFactsTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-queue-facts-\(UUID().uuidString)")

    /// The facts as the lookups find them now, for every customer that has any, as rows of text.
    static func recomputed(_ db: Database) throws -> [[String?]] {
        try rows(db, "SELECT * FROM (\(QueueFacts.select(whose: "TRUE"))) WHERE last_at IS NOT NULL OR follow_up_due IS NOT NULL ORDER BY id")
    }

    static func kept(_ db: Database) throws -> [[String?]] {
        try rows(db, "SELECT \(QueueFacts.columns()) FROM queue_facts WHERE last_at IS NOT NULL OR follow_up_due IS NOT NULL ORDER BY customer_id")
    }

    static func rows(_ db: Database, _ sql: String) throws -> [[String?]] {
        try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map { $0.isNull ? nil : $0.description } }
    }

    @Test(arguments: [1, 2, 3, 4])
    func theFactsFollowEveryWrite(seed: UInt64) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        _ = try store.upsert((1...12).map { Customer(plate: "粤B1000\($0)", name: "客户\($0)") })
        var dice = QueueOrderTests.Dice(state: seed)
        let outcomes: [String?] = [nil, "won", "lost", "thinking", "callback", "no_answer", "do_not_call", "wrong_number"]
        let kinds = ["callback", "thinking", "payment"]
        func stamp() -> String {
            "2026-0\((1 + dice.next(9)))-1\(dice.next(10))T0\(dice.next(10)):00:00.000Z"
        }
        func due() -> String { "2026-09-1\(dice.next(10)) 1\(dice.next(8)):00" }
        func customer() -> Int { (1 + dice.next(12)) }
        let writes: [(Database) throws -> Void] = [
            { db in try db.execute(sql: "INSERT INTO calls (customer_id, agent, started_at, script_version, training, context, outcome) VALUES (?, 'a', ?, 'v', ?, '{}', ?)",
                                   arguments: [customer(), stamp(), dice.next(6) == 0, dice.pick(outcomes)]) },
            { db in try db.execute(sql: "UPDATE calls SET outcome = ?, loss_reason = ? WHERE id = (SELECT id FROM calls ORDER BY id LIMIT 1 OFFSET \(dice.next(1000)) % max(1, (SELECT count(*) FROM calls)))",
                                   arguments: [dice.pick(outcomes), dice.pick(["price", nil])]) },
            { db in try db.execute(sql: "UPDATE calls SET facts = 'x', ended_at = ? WHERE id = (SELECT id FROM calls ORDER BY id LIMIT 1 OFFSET \(dice.next(1000)) % max(1, (SELECT count(*) FROM calls)))", arguments: [stamp()]) },
            { db in try db.execute(sql: "INSERT INTO follow_ups (customer_id, kind, due_at) VALUES (?, ?, ?)",
                                   arguments: [customer(), dice.pick(kinds), dice.pick([due(), due(), "明天上午"])]) },
            { db in try db.execute(sql: "UPDATE follow_ups SET done_at = ? WHERE id = (SELECT id FROM follow_ups ORDER BY id LIMIT 1 OFFSET \(dice.next(1000)) % max(1, (SELECT count(*) FROM follow_ups)))", arguments: [stamp()]) },
            { db in try db.execute(sql: "UPDATE follow_ups SET done_at = ? WHERE customer_id = ? AND done_at IS NULL", arguments: [stamp(), customer()]) },
            { db in try db.execute(sql: "UPDATE follow_ups SET due_at = ?, customer_id = ? WHERE id = (SELECT id FROM follow_ups ORDER BY id LIMIT 1 OFFSET \(dice.next(1000)) % max(1, (SELECT count(*) FROM follow_ups)))",
                                   arguments: [due(), customer()]) },
            { db in try db.execute(sql: "INSERT OR IGNORE INTO follow_ups (customer_id, kind, due_at) VALUES (?, 'callback', ?)", arguments: [customer(), due()]) },
            { db in try db.execute(sql: "DELETE FROM follow_ups WHERE id = (SELECT id FROM follow_ups ORDER BY id LIMIT 1 OFFSET \(dice.next(1000)) % max(1, (SELECT count(*) FROM follow_ups)))") },
            { db in try db.execute(sql: "UPDATE customers SET agent = ? WHERE id = ?", arguments: [dice.pick(["小李", " 小李 ", "小王", "", "  ", nil]), customer()]) },
        ]
        for round in 0..<300 {
            try store.write { db in try dice.pick(writes)(db) }
            if round % 25 == 0 || round == 299 {
                let (kept, recomputed) = try store.read { db in (try Self.kept(db), try Self.recomputed(db)) }
                #expect(kept == recomputed, "after write \(round)")
            }
        }
        // The backfill of a database from before v7 gives the same rows.
        let (before, after) = try store.write { db in
            let before = try Self.kept(db)
            try db.execute(sql: "DELETE FROM queue_facts")
            try db.execute(sql: QueueFacts.backfill())
            return (before, try Self.kept(db))
        }
        #expect(!before.isEmpty && after == before)
    }

    /// A call's step that changes nothing the list reads (its facts text, the ending column alone) leaves the row as it was.
    @Test func aStepThatChangesNothingTheListReadsLeavesTheRowAlone() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        _ = try store.upsert([Customer(plate: "粤B12345", name: "张伟")])
        let marked = try store.write { db -> String? in
            try db.execute(sql: "INSERT INTO calls (customer_id, agent, started_at, script_version, context) VALUES (1, 'a', '2026-09-01T02:00:00.000Z', 'v', '{}')")
            try db.execute(sql: "UPDATE queue_facts SET last_loss_reason = 'mark' WHERE customer_id = 1")
            try db.execute(sql: "UPDATE calls SET facts = 'x', ended_at = NULL WHERE id = 1")
            return try String.fetchOne(db, sql: "SELECT last_loss_reason FROM queue_facts WHERE customer_id = 1")
        }
        #expect(marked == "mark")
        let (kept, recomputed, ended) = try store.write { db in
            try db.execute(sql: "UPDATE calls SET outcome = 'thinking' WHERE id = 1")
            return (try Self.kept(db), try Self.recomputed(db), try String.fetchOne(db, sql: "SELECT ended_outcome FROM queue_facts WHERE customer_id = 1"))
        }
        #expect(kept == recomputed && ended == "thinking")
    }

    /// A database written at v7 (facts kept without the agent) gets each row's agent from the ledger at v8, and its
    /// triggers keep it from then on.
    @Test func aVersion7DatabaseGetsTheAgentBesideItsFacts() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("v7.sqlite").path
        let v7 = try DatabaseQueue(path: path)
        try Store.migrator.migrate(v7, upTo: "v7-report: month figures keyed by the local month's first moment")
        try v7.write { db in
            for (index, agent) in ["小李", " 小王 ", "", nil, "小李"].enumerated() {
                try db.execute(sql: "INSERT INTO customers (plate, name, agent) VALUES (?, ?, ?)", arguments: ["粤B1000\(index)", "客户\(index)", agent])
                try db.execute(sql: "INSERT INTO follow_ups (customer_id, kind, due_at) VALUES (?, 'callback', '2026-09-0\(index + 1) 10:00')",
                               arguments: [index + 1])
            }
            #expect(try !db.columns(in: "queue_facts").contains { $0.name == "agent" })
        }
        try v7.close()
        let store = try Store(path: path)
        let (kept, recomputed) = try store.read { db in (try Self.kept(db), try Self.recomputed(db)) }
        #expect(kept.count == 5 && kept == recomputed)
        #expect(kept.map { $0[1] } == ["\"小李\"", "\"小王\"", nil, nil, "\"小李\""])
        try store.write { db in try db.execute(sql: "UPDATE customers SET agent = '小张' WHERE id = 4") }
        #expect(try store.read { db in try Self.kept(db) == Self.recomputed(db) })
    }
}

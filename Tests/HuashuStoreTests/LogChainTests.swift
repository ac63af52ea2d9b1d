import Foundation
import GRDB
import HuashuEngine
import HuashuScript
@testable import HuashuStore
import Testing

@Suite("The chain through the call log")
struct LogChainTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-chain-\(UUID().uuidString)")

    func path() throws -> String {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent("db.sqlite").path
    }

    static func logCall(_ store: Store, customer: Int64, note: String) throws {
        let context = CallContext(customer: CustomerFacts(), agent: "小李", dealer: "店")
        let log = try store.beginCall(customerID: customer, agent: "小李", scriptVersion: "v", context: context, training: false, at: Date())
        var state = CallState(node: "greet")
        try log.record(input: nil, step: CallStep(state: state, events: [.entered(node: "greet", stage: "identity")]),
                       stage: "identity", shown: "您好", at: Date(), followUps: [])
        try log.record(input: .note(note), step: CallStep(state: state, events: [.noteTaken(note)]),
                       stage: "identity", shown: "您好", at: Date(), followUps: [])
        state.outcome = Outcome(.lost, lossReason: .price)
        state.lostTo = "平安"
        try log.record(input: .end(Outcome(.lost, lossReason: .price), lostTo: "平安"),
                       step: CallStep(state: state, events: [.ended(Outcome(.lost, lossReason: .price), lostTo: "平安")]),
                       stage: "identity", shown: "再见", at: Date(), followUps: [])
    }

    /// A note holding a NUL (possible through an older version or a pipe) is hashed as stored, byte for byte.
    @Test func aNULInANoteIsNoFalseAlarm() throws {
        let store = try Store(path: try path())
        _ = try store.upsert([Customer(plate: "粤B12345", name: "张伟")])
        try Self.logCall(store, customer: 1, note: "下周\u{0}再打")
        let report = try store.verifyChains()
        #expect(report.problems == [])
        #expect(report.steps == 3)
        #expect(try store.call(1)?.outcome == "lost")
    }

    /// A database written before the chain (schema v2) opens, migrates, verifies and keeps logging.
    @Test func anOlderDatabaseMigratesAndVerifies() throws {
        let path = try path()
        let queue = try DatabaseQueue(path: path)
        var older = DatabaseMigrator()
        older.registerMigration("v1: customers, calls, steps, follow-ups") { db in try db.execute(sql: Schema.version1) }
        older.registerMigration("v2: rehearsal customers") { db in
            try db.execute(sql: "ALTER TABLE customers ADD COLUMN training INTEGER NOT NULL DEFAULT 0")
        }
        try older.migrate(queue)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO customers (plate, name) VALUES ('粤B12345', '张伟')")
            let hasher = SHA256()
            var won = CallState(node: "n")
            won.outcome = Outcome(.won)
            for call in Int64(1)...2 {
                try db.execute(sql: """
                    INSERT INTO calls (customer_id, agent, started_at, script_version, context, outcome) VALUES (1, '小李', '2026-11-02T10:00:00.000Z', 'v', '{}', 'won')
                    """)
                var previous = ""
                for seq in 1...3 {
                    var row = StepRecord(callID: call, seq: seq, at: "2026-11-02T10:00:0\(seq).000Z", inputKind: seq == 1 ? "start" : "note",
                                         input: nil, answerID: nil, handlerID: nil, note: seq == 2 ? "老的备注" : nil, stage: "s",
                                         node: "n", shown: "您好", events: "[]",
                                         state: LogJSON.text(seq == 3 ? won : CallState(node: "n")),
                                         prevHash: previous, hash: "")
                    row.hash = try #require(row.hash(with: hasher))
                    try db.execute(sql: """
                        INSERT INTO call_steps (call_id, seq, at, input_kind, note, stage, node, shown, events, state, prev_hash, hash)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                        arguments: [row.callID, row.seq, row.at, row.inputKind, row.note, row.stage, row.node, row.shown, row.events,
                                    row.state, row.prevHash, row.hash])
                    previous = row.hash
                }
                try db.execute(sql: "UPDATE calls SET ended_at = '2026-11-02T10:00:03.000Z' WHERE id = ?", arguments: [call])
            }
        }
        try queue.close()

        let store = try Store(path: path)
        let migrated = try store.verifyChains()
        #expect(migrated.problems == [], "\(migrated.problems)")
        #expect((migrated.calls, migrated.steps) == (2, 6))
        try Self.logCall(store, customer: 1, note: "迁移后的新通话")
        let after = try store.verifyChains()
        #expect(after.problems == [])
        #expect((after.calls, after.steps) == (3, 9))
        #expect(try store.call(3)?.outcome == "lost")
    }
}

@Suite("Database errors in words")
struct StoreErrorTests {
    @Test func aFullDiskSaysSoWithThePath() {
        let error = StoreError(describing: DatabaseError(resultCode: .SQLITE_FULL, message: "database or disk is full"), path: "/data/huashu.sqlite")
        #expect(error.description == "the disk holding the database /data/huashu.sqlite is full: nothing more could be written; free some space and try again")
        #expect(!error.isBusy)
    }

    @Test func aBusyDatabaseIsMarkedSoACallCanWaitOn() {
        let error = StoreError(describing: DatabaseError(resultCode: .SQLITE_BUSY, message: "database is locked"), path: "/data/huashu.sqlite")
        #expect(error.isBusy)
        #expect(error.description.contains("/data/huashu.sqlite is busy"))
    }
}

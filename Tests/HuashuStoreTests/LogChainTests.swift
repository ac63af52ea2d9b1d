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
                    // As huashu logged a step then: JSON, the state on every row, hashes in hex over the previous one.
                    let at = "2026-11-02T10:00:0\(seq).000Z", kind = seq == 1 ? "start" : "note", note = seq == 2 ? "老的备注" : nil
                    let events = seq == 1 ? #"[{"entered":{"node":"n","stage":"s"}}]"# : seq == 2 ? #"[{"noteTaken":{"_0":"老的备注"}}]"# : "[]"
                    let state = String(decoding: try JSONEncoder().encode(seq == 3 ? won : CallState(node: "n")), as: UTF8.self)
                    let hash = try #require(hasher.hex(fields: [String(call), String(seq), at, kind, "", "", "", note ?? "", "s", "n", "您好",
                                                                events, state, previous]))
                    try db.execute(sql: """
                        INSERT INTO call_steps (call_id, seq, at, input_kind, note, stage, node, shown, events, state, prev_hash, hash)
                        VALUES (?, ?, ?, ?, ?, 's', 'n', '您好', ?, ?, ?, ?)
                        """, arguments: [call, seq, at, kind, note, events, state, previous, hash])
                    previous = hash
                }
                try db.execute(sql: "UPDATE calls SET ended_at = '2026-11-02T10:00:03.000Z' WHERE id = ?", arguments: [call])
            }
        }
        try queue.close()

        let store = try Store(path: path)
        let migrated = try store.verifyChains()
        #expect(migrated.problems == [], "\(migrated.problems)")
        #expect((migrated.calls, migrated.steps) == (2, 6))
        let old = try store.steps(of: 1)
        #expect(old.map(\.columns.entered) == ["n", nil, nil], "v5 fills the typed columns of older rows from their events")
        #expect(old.map(\.hash.count) == [64, 64, 64], "older rows keep the hex they were hashed with")
        let seal = try store.seal()
        try Self.logCall(store, customer: 1, note: "迁移后的新通话")
        let after = try store.verifyChains(seal: seal)
        #expect(after.problems == [])
        #expect(after.sealHeld, "a seal taken over older rows holds once newer rows follow them")
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

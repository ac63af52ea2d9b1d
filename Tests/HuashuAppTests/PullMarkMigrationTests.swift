import Foundation
import GRDB
@testable import HuashuStore
import Testing

/// Before v8 the done-elsewhere pull asked again from 10,000 below its mark (for changes committed late); a desk
/// upgraded from then keeps that overlap under its transaction mark, and no other mark moves.
@Suite("Pull marks kept from before v8")
struct PullMarkMigrationTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-pull-marks-\(UUID().uuidString)")

    @Test(arguments: [(25_000, 15_000), (4_000, 0), (0, 0)])
    func theDoneElsewhereMarkKeepsItsOverlap(kept: Int64, resumed: Int64) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("v7.sqlite").path
        let old = try DatabaseQueue(path: path)
        try Store.migrator.migrate(old, upTo: "v8-report: each customer's call count, latest call, results and first open follow-up kept for the due list")
        try old.write { db in
            try db.execute(sql: "INSERT INTO central_pull_marks (name, seq) VALUES ('follow_ups_done_elsewhere', ?), ('ledger', 25000), ('follow_ups', 25000)",
                           arguments: [kept])
        }
        try old.close()
        let store = try Store(path: path)
        #expect(try store.pullMark("follow_ups_done_elsewhere") == ChangeMark(xid: 0, seq: resumed))
        #expect(try store.pullMark("ledger") == ChangeMark(xid: 0, seq: 25_000))
        #expect(try store.pullMark("follow_ups") == ChangeMark(xid: 0, seq: 25_000))
    }
}

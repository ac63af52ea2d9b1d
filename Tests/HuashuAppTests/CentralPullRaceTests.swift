import Foundation
@testable import HuashuApp
import HuashuCentral
import Testing

/// Central numbers its changes from one sequence, but transactions commit out of that order. Here two real
/// connections make it happen: one holds a change open (uncommitted) while another, numbered after it (or, with
/// `transactionFirst`, begun after it but numbered before), commits; a desk pulls in between; then the first
/// commits, and the desk's next pull must bring it. Every stream a desk pulls by a mark is tried: the ledger,
/// follow-ups booked for its agent, its own follow-ups done elsewhere, and the supervisors' lifts of a 勿扰.
@Suite("the pull race: a change committed after a later-numbered one still reaches the desk")
struct CentralPullRaceTests {
    let team = CentralPullTests()

    /// Runs `early` and `late` on two connections so that they commit out of their order on central: with
    /// `transactionFirst` false, `early` takes the lower number and stays open while `late` commits; with it true,
    /// the open transaction began first (the lower transaction id) but `late`, numbered before, stays open while it
    /// commits. `between` runs while one is still open; then it commits.
    func outOfOrder(_ cluster: ThrowawayCluster, transactionFirst: Bool, early: String, late: String, between: () throws -> Void) throws {
        let held = try cluster.connect(), other = try cluster.connect()
        try held.execute("BEGIN")
        if transactionFirst {
            // `other` has the older transaction; `held`'s change, made now, is numbered below `other`'s.
            try other.execute("BEGIN")
            _ = try other.execute("SELECT pg_current_xact_id()")
            try held.execute(early)
            try other.execute(late)
            try other.execute("COMMIT")
        } else {
            try held.execute(early)
            try other.execute(late)
        }
        try between()
        try held.execute("COMMIT")
    }

    @Test(arguments: [false, true])
    func aLedgerChangeCommittedLateReachesTheDesk(transactionFirst: Bool) throws {
        let (cluster, a, b, file) = try team.team()
        let deskB = team.desk(cluster, "desk-b", agent: "小王")
        #expect(try a.piped(["import", file], input: "", environment: team.desk(cluster, "desk-a", agent: "小李")).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        // 小王's 周八 and the unassigned 郑十 change; desk b pulls while one of the two is uncommitted.
        try outOfOrder(cluster, transactionFirst: transactionFirst,
                       early: "UPDATE ledger SET notes = '上午不方便' WHERE plate = '粤E12345'",
                       late: "UPDATE ledger SET notes = '周三下午方便' WHERE plate = '粤E33333'") { () throws in
            #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        }
        #expect(try cluster.value("SELECT count(DISTINCT seq) FROM ledger WHERE plate IN ('粤E12345', '粤E33333')") == "2")
        let after = try b.piped(["sync"], input: "", environment: deskB)
        #expect(after.status == 0, "\(after.output)")
        #expect(try b.sqlite("SELECT plate, notes FROM customers WHERE plate IN ('粤E12345', '粤E33333') ORDER BY plate")
                == "粤E12345|上午不方便\n粤E33333|周三下午方便")
        // And nothing twice: a sync after brings nothing.
        #expect(try b.piped(["sync"], input: "", environment: deskB).output.contains("nothing new from the team ledger"))
        // The import's own mark (the whole ledger) follows the same rule.
        #expect(try cluster.value("SELECT count(*) FROM ledger WHERE notes IS NOT NULL") == "2")
    }

    @Test(arguments: [false, true])
    func followUpsDoneLateReachBothDesks(transactionFirst: Bool) throws {
        let (cluster, a, b, file) = try team.team()
        let deskA = team.desk(cluster, "desk-a", agent: "小李"), deskB = team.desk(cluster, "desk-b", agent: "小王")
        #expect(try a.piped(["import", file], input: "", environment: deskA).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        // Desk a books two callbacks for 小王's 周八; desk b pulls them.
        _ = try a.sqlite("""
            INSERT INTO follow_ups (customer_id, call_id, kind, due_at)
            SELECT id, NULL, 'callback', '\(CentralPullTests.inDays(1)) 10:00' FROM customers WHERE plate = '粤E12345';
            INSERT INTO follow_ups (customer_id, call_id, kind, due_at)
            SELECT id, NULL, 'callback', '\(CentralPullTests.inDays(2)) 10:00' FROM customers WHERE plate = '粤E12345';
            """)
        #expect(try a.piped(["sync"], input: "", environment: deskA).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).output.contains("2 follow-ups from other desks"))
        // Both are marked done on central by desk b's calls (as the server's function does), out of order; both
        // desks pull while one is open. (Desk a pulls alone: its push would wait for the open row, as it should.)
        var said = ""
        try outOfOrder(cluster, transactionFirst: transactionFirst,
                       early: "UPDATE follow_ups SET done_at = '2026-12-01T10:00:00.000+08:00', done_on = 'desk-b' WHERE desk = 'desk-a' AND id = 1",
                       late: "UPDATE follow_ups SET done_at = '2026-12-01T11:00:00.000+08:00', done_on = 'desk-b' WHERE desk = 'desk-a' AND id = 2") {
            _ = try CentralPull(store: a.store, central: try cluster.connect(), desk: "desk-a").pull(.desk(agent: "小李"))
            said += try b.piped(["sync"], input: "", environment: deskB).output
        }
        let lateA = try a.piped(["sync"], input: "", environment: deskA)
        said += try b.piped(["sync"], input: "", environment: deskB).output
        #expect(lateA.status == 0, "\(lateA.output)")
        #expect(try a.sqlite("SELECT id, done_at FROM follow_ups ORDER BY id")
                == "1|2026-12-01T10:00:00.000+08:00\n2|2026-12-01T11:00:00.000+08:00", "desk a's own, done by desk b's calls")
        #expect(try b.sqlite("SELECT origin, done_at FROM follow_ups ORDER BY origin")
                == "desk-a#1|2026-12-01T10:00:00.000+08:00\ndesk-a#2|2026-12-01T11:00:00.000+08:00", "desk b's copies")
        // Desk b said the done-marks as done-marks, not as new bookings.
        #expect(said.contains("follow-up of other desks now done") || said.contains("follow-ups of other desks now done"), "\(said)")
        #expect(!said.contains("follow-up from other desks") && !said.contains("follow-ups from other desks"), "\(said)")
    }

    @Test(arguments: [false, true])
    func aLiftCommittedLateReachesTheDesk(transactionFirst: Bool) throws {
        let cluster = try ThrowawayCluster()
        let b = try Fixture()
        #expect(try b.piped(["central", "init", cluster.url], input: "").status == 0)
        _ = try b.sqlite("UPDATE customers SET do_not_call = 1 WHERE plate IN ('粤B12345', '粤B67890')")
        #expect(try b.piped(["sync"], input: "", environment: cluster.desk("desk-b")).status == 0)
        try outOfOrder(cluster, transactionFirst: transactionFirst,
                       early: "SELECT huashu_lift_do_not_call('粤B12345', '王主管', '客户来电')",
                       late: "SELECT huashu_lift_do_not_call('粤B67890', '王主管', '号码已核实')") { () throws in
            #expect(try b.piped(["sync"], input: "", environment: cluster.desk("desk-b")).status == 0)
        }
        let synced = try b.piped(["sync"], input: "", environment: cluster.desk("desk-b"))
        #expect(synced.status == 0, "\(synced.output)")
        #expect(try b.sqlite("SELECT plate, do_not_call FROM customers WHERE plate IN ('粤B12345', '粤B67890') ORDER BY plate")
                == "粤B12345|0\n粤B67890|0")
        #expect(try b.sqlite("SELECT count(*) FROM audit WHERE action = 'do_not_call_lifted'") == "2", "each lift applied once")
    }

    /// The snapshot's xmin covers the whole server: a transaction left open in another database must not stop the
    /// pulls. Changes committed after it still reach a desk (said once), the import's whole-ledger pull sees them
    /// before it sends (so it does not overwrite them), and once it ends the mark moves over them.
    @Test func aTransactionOpenInAnotherDatabaseHoldsNoChangeBack() throws {
        let (cluster, a, b, file) = try team.team()
        let deskA = team.desk(cluster, "desk-a", agent: "小李"), deskB = team.desk(cluster, "desk-b", agent: "小王")
        #expect(try a.piped(["import", file], input: "", environment: deskA).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        _ = try cluster.value("CREATE DATABASE other")
        let other = try CentralConnection(url: cluster.url.replacingOccurrences(of: "/postgres?", with: "/other?"))
        try other.execute("BEGIN")
        try other.execute("CREATE TEMP TABLE batch (n int)")
        try other.execute("INSERT INTO batch VALUES (1)")
        _ = try cluster.value("UPDATE ledger SET notes = '上午不方便' WHERE plate = '粤E12345'")
        let held = try b.piped(["sync"], input: "", environment: deskB)
        #expect(held.status == 0, "\(held.output)")
        #expect(try b.sqlite("SELECT notes FROM customers WHERE plate = '粤E12345'") == "上午不方便")
        #expect(held.output.contains("note: a transaction open on central since "), "\(held.output)")
        #expect(held.output.contains("holds back the pull mark; changes still arrive"), "\(held.output)")
        let markHeld = try b.sqlite("SELECT xid FROM central_pull_marks WHERE name = 'ledger'")
        // Desk a imports 周八's new premium: its pull took the note first, so the row it sends keeps it.
        let changed = try team.ledger(a, "changed.csv", """
            客户姓名,车牌号,联系电话,商业险到期日,交强险到期日,上年承保公司,上年保费,专员
            周八,粤E12345,13611112222,\(CentralPullTests.inDays(30)),,平安,4680,小王

            """)
        let imported = try a.piped(["import", changed], input: "", environment: deskA)
        #expect(imported.status == 0, "\(imported.output)")
        #expect(try cluster.value("SELECT notes || '|' || commercial_premium FROM ledger WHERE plate = '粤E12345'") == "上午不方便|4680")
        try other.execute("COMMIT")
        let after = try b.piped(["sync"], input: "", environment: deskB)
        #expect(after.status == 0, "\(after.output)")
        #expect(!after.output.contains("note:"), "\(after.output)")
        #expect(try b.sqlite("SELECT notes || '|' || commercial_premium FROM customers WHERE plate = '粤E12345'") == "上午不方便|4680")
        let mark = try b.sqlite("SELECT xid FROM central_pull_marks WHERE name = 'ledger'")
        #expect(mark == (try cluster.value("SELECT xid::text FROM ledger WHERE plate = '粤E12345'")), "the mark moved over the settled change")
        #expect(mark != markHeld)
        #expect(try b.piped(["sync"], input: "", environment: deskB).output.contains("nothing new from the team ledger"))
    }

    /// After central is restored from a dump its transaction counter is below the desks' marks: a desk says so and
    /// takes each stream again from the start.
    @Test func aMarkAboveCentralsCounterPullsAgainFromTheStart() throws {
        let (cluster, a, b, file) = try team.team()
        let deskB = team.desk(cluster, "desk-b", agent: "小王")
        #expect(try a.piped(["import", file], input: "", environment: team.desk(cluster, "desk-a", agent: "小李")).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        _ = try b.sqlite("UPDATE central_pull_marks SET xid = 9000000000 WHERE name IN ('ledger', 'follow_ups')")
        _ = try cluster.value("UPDATE ledger SET notes = '周三下午方便' WHERE plate = '粤E33333'")
        let synced = try b.piped(["sync"], input: "", environment: deskB)
        #expect(synced.status == 0, "\(synced.output)")
        #expect(synced.output.contains("note: central's transaction counter is behind this desk's mark (restored from a dump?); pulling again from the start"),
                "\(synced.output)")
        #expect(try b.sqlite("SELECT notes FROM customers WHERE plate = '粤E33333'") == "周三下午方便")
        #expect(try b.sqlite("SELECT count(*) FROM central_pull_marks WHERE xid >= 9000000000") == "0")
        let again = try b.piped(["sync"], input: "", environment: deskB)
        #expect(!again.output.contains("note:"), "\(again.output)")
        #expect(again.output.contains("nothing new from the team ledger"), "\(again.output)")
    }
}

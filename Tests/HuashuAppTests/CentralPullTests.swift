import Foundation
import HuashuCalendar
import HuashuCentral
@testable import HuashuApp
import Testing

/// The team's ledger on a real server: an import on one desk goes into central, each
/// desk pulls its agent's customers and the follow-ups others booked for them, and a
/// desk cut off from central keeps working.
@Suite("the team ledger: import into central, pull to desks")
struct CentralPullTests {
    static func inDays(_ days: Int) -> String { LocalDay.string(Date().addingTimeInterval(Double(days) * 86_400)) }

    func desk(_ cluster: ThrowawayCluster, _ name: String, agent: String) -> [String: String] {
        ["HUASHU_CENTRAL": cluster.url, "HUASHU_DESK": name, "HUASHU_AGENT": agent]
    }

    func ledger(_ fixture: Fixture, _ name: String, _ rows: String) throws -> String {
        let path = fixture.folder.appendingPathComponent(name).path
        try Data(rows.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Desk a (小李's supervisor) imports the team's ledger; desk b is 小王's.
    func team() throws -> (cluster: ThrowawayCluster, a: Fixture, b: Fixture, file: String) {
        let cluster = try ThrowawayCluster()
        let a = try Fixture(), b = try Fixture()
        #expect(try a.piped(["central", "init", cluster.url], input: "").status == 0)
        let file = try ledger(a, "team.csv", """
            客户姓名,车牌号,联系电话,商业险到期日,交强险到期日,上年承保公司,上年保费,专员
            周八,粤E12345,13611112222,\(Self.inDays(30)),,平安,4420,小王
            周八,粤E12345,13611112222,,\(Self.inDays(40)),人保,950,小王
            吴九,粤E22222,13622223333,\(Self.inDays(12)),,太平洋,3100,小李
            郑十,粤E33333,13633334444,\(Self.inDays(25)),,人保,2800,

            """)
        return (cluster, a, b, file)
    }

    /// A new desk file is made (and migrated) while the ledger is read; the team's pull and the import use that one store.
    @Test func aDesksFirstImportIntoANewFileGoesIntoCentral() throws {
        let (cluster, a, _, file) = try team()
        let fresh = a.folder.appendingPathComponent("new-desk.sqlite").path
        let imported = try a.piped(["import", file, "--db", fresh], input: "", environment: desk(cluster, "desk-a", agent: "小李"))
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("3 new, 1 updated"), "\(imported.output)")
        #expect(try cluster.value("SELECT count(*) FROM ledger") == "3")
        #expect(try Fixture.run("/usr/bin/sqlite3", [fresh, "SELECT group_concat(plate, ' ') FROM (SELECT plate FROM customers ORDER BY id)"],
                                environment: a.environment).output == "粤E12345 粤E22222 粤E33333\n")
    }

    @Test func anImportGoesIntoCentralAndEachDeskPullsItsAgentsCustomers() throws {
        let (cluster, a, b, file) = try team()
        let imported = try a.piped(["import", file], input: "", environment: desk(cluster, "desk-a", agent: "小李"))
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("sent to the team ledger on \(cluster.url)"), "\(imported.output)")
        // The fixture's own three customers went up with the import: they are desk a's ledger too.
        #expect(try cluster.value("SELECT count(*) FROM ledger") == "6")
        #expect(try cluster.value("""
            SELECT concat_ws('|', agent, commercial_insurer, commercial_premium, compulsory_insurer, compulsory_premium) FROM ledger WHERE plate = '粤E12345'
            """) == "小王|平安|4420|人保|950", "each policy's insurer and premium arrive on central")

        let synced = try b.piped(["sync"], input: "", environment: desk(cluster, "desk-b", agent: "小王"))
        #expect(synced.status == 0, "\(synced.output)")
        #expect(synced.output.contains("2 new customers"), "小王's customer and the unassigned one: \(synced.output)")
        #expect(try b.sqlite("SELECT plate FROM customers WHERE plate LIKE '粤E%' ORDER BY plate") == "粤E12345\n粤E33333",
                "not 小李's customer")
        #expect(try b.sqlite("SELECT agent, compulsory_insurer, compulsory_premium FROM customers WHERE plate = '粤E12345'")
                == "小王|人保|950")

        // A second export changes a premium and reassigns 吴九 to 小王: both reach desk b at its next sync.
        let later = try ledger(a, "later.csv", """
            客户姓名,车牌号,商业险到期日,交强险到期日,上年承保公司,上年保费,专员
            周八,粤E12345,,\(Self.inDays(40)),人保,980,小王
            吴九,粤E22222,\(Self.inDays(12)),,太平洋,3100,小王

            """)
        #expect(try a.piped(["import", later], input: "", environment: desk(cluster, "desk-a", agent: "小李")).status == 0)
        let again = try b.piped(["sync"], input: "", environment: desk(cluster, "desk-b", agent: "小王"))
        #expect(again.output.contains("1 new customer, 1 changed pulled"), "\(again.output)")
        #expect(try b.sqlite("SELECT compulsory_premium FROM customers WHERE plate = '粤E12345'") == "980")
        #expect(try b.sqlite("SELECT field, old, new, file FROM customer_changes WHERE field = 'compulsory_premium'") == "compulsory_premium|950|980|central")
        // A supervisor's change on central itself reaches the desk too, and a desk pulls only what changed.
        _ = try cluster.connect().execute("UPDATE ledger SET notes = '周三下午方便' WHERE plate = '粤E33333'")
        let third = try b.piped(["sync"], input: "", environment: desk(cluster, "desk-b", agent: "小王"))
        #expect(third.output.contains("1 changed pulled"), "\(third.output)")
        #expect(try b.sqlite("SELECT notes FROM customers WHERE plate = '粤E33333'") == "周三下午方便")
        let quiet = try b.piped(["sync"], input: "", environment: desk(cluster, "desk-b", agent: "小王"))
        #expect(quiet.output.contains("nothing new from the team ledger"), "\(quiet.output)")
    }

    @Test func aConflictIsHeldForReviewOnTheDeskAndOnCentral() throws {
        let (cluster, a, b, file) = try team()
        #expect(try a.piped(["import", file], input: "", environment: desk(cluster, "desk-a", agent: "小李")).status == 0)
        // Desk b imports an export that names 周八 differently: the team's name stays, the other is held for review.
        let other = try ledger(b, "other.csv", """
            客户姓名,车牌号,联系电话,商业险到期日,专员
            周小八,粤E12345,13611112222,\(Self.inDays(30)),小王

            """)
        let result = try b.piped(["import", other], input: "", environment: desk(cluster, "desk-b", agent: "小王"))
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("1 conflict held for review"), "reconciled with the team's row, pulled first: \(result.output)")
        #expect(try cluster.value("SELECT name FROM ledger WHERE plate = '粤E12345'") == "周八")
        #expect(try cluster.value("SELECT concat_ws('|', desk, plate, kind, field, given) FROM ledger_review") == "desk-b|粤E12345|conflict|name|周小八")
        #expect(try b.piped(["review", "list"], input: "").output.contains("周小八"))
    }

    @Test func aFollowUpBookedOnOneDeskReachesTheAgentsDeskAndIsNotPushedBack() throws {
        let (cluster, a, b, file) = try team()
        #expect(try a.piped(["import", file], input: "", environment: desk(cluster, "desk-a", agent: "小李")).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: desk(cluster, "desk-b", agent: "小王")).status == 0)
        // Desk a books a callback for 小王's customer 周八, and one for its own 吴九; then pushes.
        _ = try a.sqlite("""
            INSERT INTO follow_ups (customer_id, call_id, kind, due_at)
            SELECT id, NULL, 'callback', '\(Self.inDays(0))' FROM customers WHERE plate IN ('粤E12345', '粤E22222')
            """)
        let pushed = try a.piped(["sync"], input: "", environment: desk(cluster, "desk-a", agent: "小李"))
        #expect(pushed.status == 0, "\(pushed.output)")
        let synced = try b.piped(["sync"], input: "", environment: desk(cluster, "desk-b", agent: "小王"))
        #expect(synced.output.contains("1 follow-up from other desks"), "\(synced.output)")
        #expect(try b.sqlite("""
            SELECT c.plate, f.kind, f.origin FROM follow_ups f JOIN customers c ON c.id = f.customer_id
            """) == "粤E12345|callback|desk-a#1")
        let queue = try b.piped(["queue", "--agent", "小王"], input: "")
        #expect(queue.output.contains("粤E12345"), "\(queue.output)")
        // Desk b's push leaves desk a's follow-up as desk a's; a sync again books nothing twice.
        #expect(try b.piped(["sync"], input: "", environment: desk(cluster, "desk-b", agent: "小王")).status == 0)
        #expect(try cluster.value("SELECT count(*) FROM follow_ups") == "2")
        #expect(try b.sqlite("SELECT count(*) FROM follow_ups") == "1")
        // Desk a's callback done: desk b hears it at its next sync.
        _ = try a.sqlite("UPDATE follow_ups SET done_at = '\(Self.inDays(1))T15:10' WHERE id = 1")
        #expect(try a.piped(["sync"], input: "", environment: desk(cluster, "desk-a", agent: "小李")).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: desk(cluster, "desk-b", agent: "小王")).status == 0)
        #expect(try b.sqlite("SELECT done_at IS NOT NULL FROM follow_ups") == "1")
    }

    @Test func offlineNothingBreaksAndTheNextSyncCatchesUp() throws {
        let (cluster, a, b, file) = try team()
        #expect(try a.piped(["import", file], input: "", environment: desk(cluster, "desk-a", agent: "小李")).status == 0)
        try cluster.stop()
        // An import on a desk of a team needs central: said, exit 1, nothing imported.
        let refused = try b.piped(["import", file], input: "", environment: desk(cluster, "desk-b", agent: "小王"))
        #expect(refused.status == 1)
        #expect(refused.output.contains("this desk imports into the team's central store, which cannot be reached"), "\(refused.output)")
        #expect(refused.output.contains("nothing was imported"))
        #expect(try b.sqlite("SELECT count(*) FROM customers WHERE plate LIKE '粤E%'") == "0")
        // `call --next` says once that the ledger was not pulled, and calls from the desk's own queue.
        _ = try b.sqlite("UPDATE customers SET agent = '小王' WHERE plate = '粤B12345'")
        let next = try b.piped(["call", "--next"], input: ".end thinking\n", environment: desk(cluster, "desk-b", agent: "小王"))
        #expect(next.status == 0, "\(next.output)")
        #expect(next.output.contains("note: the team ledger was not pulled"), "\(next.output)")
        let sync = try b.piped(["sync"], input: "", environment: desk(cluster, "desk-b", agent: "小王"))
        #expect(sync.status == 1 && sync.output.contains("cannot connect to the central store"), "\(sync.output)")
        try cluster.start()
        let caught = try b.piped(["sync"], input: "", environment: desk(cluster, "desk-b", agent: "小王"))
        #expect(caught.status == 0 && caught.output.contains("2 new customers"), "\(caught.output)")
        #expect(try cluster.value("SELECT count(*) FROM calls WHERE desk = 'desk-b'") == "1")
    }

    @Test func callNextMeetsAnUnreachableCentralOnceForThePullAndTheLease() throws {
        let b = try Fixture()
        _ = try b.sqlite("UPDATE customers SET agent = '小王' WHERE plate = '粤B12345'")
        // TEST-NET-1 routes nowhere: every connection would wait out its timeout, or fail, and be said.
        let unreachable = ["HUASHU_CENTRAL": "postgresql://huashu@192.0.2.1/huashu?connect_timeout=2", "HUASHU_DESK": "desk-b",
                           "HUASHU_AGENT": "小王"]
        // A background push that failed before (or the call's own live push, failing fast on a refused
        // connection) left word of the outage: this command said it already, so it is not said again.
        let outage = CentralBackgroundPush.outageFile(b.database)
        try "new\nconnection refused\n".write(toFile: outage, atomically: true, encoding: .utf8)
        let next = try b.piped(["call", "--next"], input: ".end thinking\n", environment: unreachable)
        #expect(next.status == 0, "\(next.output)")
        #expect(next.output.components(separatedBy: "cannot connect to the central store").count == 2, "\(next.output)")
        #expect(next.output.contains("note: the team ledger was not pulled"), "\(next.output)")
        #expect(!next.output.contains("中心库暂时连不上"), "\(next.output)")
        #expect(try String(contentsOfFile: outage, encoding: .utf8).hasPrefix("said\n"), "the outage counts as said")
        #expect(try b.sqlite("SELECT count(*) FROM calls WHERE outcome = 'thinking'") == "1")
        // A named customer asks central once too, for the lease alone, and says so in the agent's words.
        let named = try b.piped(["call", "粤B12345"], input: ".end thinking\n", environment: unreachable)
        #expect(named.status == 0, "\(named.output)")
        #expect(named.output.components(separatedBy: "只打分给你(小王)的客户").count == 2, "\(named.output)")
    }

    @Test func aCustomerChangedOnADeskIsPushedAloneNotEveryCustomerAgain() throws {
        let (cluster, a, _, _) = try team()
        let env = desk(cluster, "desk-a", agent: "小李")
        #expect(try a.piped(["sync"], input: "", environment: env).status == 0)
        #expect(try a.piped(["sync"], input: "", environment: env).output.contains(": 0 customers,"))
        _ = try a.sqlite("UPDATE customers SET phone_invalid = 1 WHERE plate = '粤B67890'")
        let pushed = try a.piped(["sync"], input: "", environment: env)
        #expect(pushed.output.contains(": 1 customers,"), "\(pushed.output)")
        #expect(try cluster.value("SELECT phone_invalid FROM customers WHERE desk = 'desk-a' AND plate = '粤B67890'") == "1")
        #expect(try a.sqlite("SELECT count(*) FROM central_customers_changed") == "0")
    }
}

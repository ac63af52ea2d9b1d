import Foundation
import HuashuCalendar
import HuashuCentral
import HuashuRenewal
import HuashuStore
import Testing

/// What a team trips on with two or more desks on one central store: a follow-up honoured on another
/// desk, an import after the desk's own syncs, a dry run, a customer reassigned twice between pulls,
/// and `call --next` past rows the rule refuses and customers other desks hold.
@Suite("team desks: follow-ups across desks, imports, dry runs, reassignments, call --next")
struct CentralTeamDeskTests {
    let team = CentralPullTests()

    func inDays(_ days: Int) -> String { CentralPullTests.inDays(days) }

    @Test func aFollowUpBookedOnOneDeskAndHonouredOnAnotherIsDoneOnBothAndNoLongerOverdue() throws {
        let (cluster, a, b, file) = try team.team()
        let deskA = team.desk(cluster, "desk-a", agent: "小李"), deskB = team.desk(cluster, "desk-b", agent: "小王")
        #expect(try a.piped(["import", file], input: "", environment: deskA).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        // Desk a booked callbacks yesterday: one for 小王's 周八, one for its own 吴九.
        _ = try a.sqlite("""
            INSERT INTO follow_ups (customer_id, call_id, kind, due_at)
            SELECT id, NULL, 'callback', '\(inDays(-1)) 10:00' FROM customers WHERE plate IN ('粤E12345', '粤E22222') ORDER BY plate
            """)
        #expect(try a.piped(["sync"], input: "", environment: deskA).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).output.contains("1 follow-up from other desks"))
        #expect(try a.piped(["queue"], input: "").output.contains("逾期1天"), "overdue on desk a before the call")

        // Marked done on desk b before any call of b's to 周八 reached central: central refuses it, so desk b keeps it
        // to send again and says so; it goes once a call is there.
        _ = try b.sqlite("UPDATE follow_ups SET done_at = '\(inDays(0))T09:00:00.000+08:00' WHERE origin = 'desk-a#1'")
        let early = try b.piped(["sync"], input: "", environment: deskB)
        #expect(early.output.contains("1 follow-up booked on other desks could not be marked done there"), "\(early.output)")
        #expect(early.output.contains("sent again after this desk's next call to the customer"), "\(early.output)")
        #expect(try b.sqlite("SELECT count(*) FROM central_follow_ups_done") == "1", "kept to send again")
        #expect(try cluster.value("SELECT done_at IS NULL FROM follow_ups WHERE desk = 'desk-a' AND id = 1") == "t")
        // Not sent (nor said) again at every sync: a sync with no new call, and one after a call to another customer,
        // leave it waiting.
        let quiet = try b.piped(["sync"], input: "", environment: deskB)
        #expect(quiet.status == 0 && !quiet.output.contains("could not be marked done"), "\(quiet.output)")
        #expect(try b.piped(["call", "粤E33333"], input: ".end thinking\n", environment: deskB).status == 0)
        let otherCall = try b.piped(["sync"], input: "", environment: deskB)
        #expect(otherCall.status == 0 && !otherCall.output.contains("could not be marked done"), "\(otherCall.output)")
        #expect(!otherCall.output.contains("marked done there"), "\(otherCall.output)")
        #expect(try b.sqlite("SELECT count(*) FROM central_follow_ups_done") == "1", "still waiting for a call to 周八")

        // 小王 calls 周八 from desk b: that call honours the callback desk a booked.
        let call = try b.piped(["call", "粤E12345"], input: ".end thinking\n", environment: deskB)
        #expect(call.status == 0, "\(call.output)")
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        #expect(try cluster.value("SELECT concat_ws('|', done_at IS NOT NULL, done_on) FROM follow_ups WHERE desk = 'desk-a' AND id = 1")
                == "t|desk-b", "the booking desk's row on central is done, by desk b")
        #expect(try cluster.value("SELECT done_at IS NULL FROM follow_ups WHERE desk = 'desk-a' AND id = 2") == "t", "吴九's is still open")
        #expect(try b.sqlite("SELECT count(*) FROM central_follow_ups_done") == "0", "told once")

        // Desk a learns it at its next sync, with the time it was done.
        let synced = try a.piped(["sync"], input: "", environment: deskA)
        #expect(synced.output.contains("1 of this desk's follow-up done by a call on another desk"), "\(synced.output)")
        #expect(try a.sqlite("SELECT id, done_at IS NOT NULL FROM follow_ups ORDER BY id") == "1|1\n2|0")
        #expect(try a.sqlite("SELECT done_at FROM follow_ups WHERE id = 1")
                == (try cluster.value("SELECT done_at FROM follow_ups WHERE desk = 'desk-a' AND id = 1")))
        let queue = try a.piped(["queue"], input: "").output
        #expect(!queue.split(separator: "\n").contains { $0.contains("粤E12345") && $0.contains("逾期") }, "\(queue)")
        // Central's team view counts it done too: one follow-up open, 吴九's.
        #expect(try cluster.value("SELECT count(*) FROM team.follow_ups WHERE done_at IS NULL AND desk = 'desk-a'") == "1")

        // A desk that never called the customer cannot close another desk's follow-up.
        let marked = try cluster.connect().markFollowUpsDone([(origin: "desk-a#2", at: "2026-01-01T00:00:00.000Z")], desk: "desk-b")
        #expect(marked.marked == 0 && marked.settled.isEmpty)
        #expect(try cluster.value("SELECT done_at IS NULL FROM follow_ups WHERE desk = 'desk-a' AND id = 2") == "t")

        // (A mark that commits after a later-numbered one: CentralPullRaceTests.)
        let again = try a.piped(["sync"], input: "", environment: deskA)
        #expect(!again.output.contains("done by a call on another desk"), "applied once: \(again.output)")
    }

    /// The server's check on marking another desk's follow-up done, under real agent logins (`central grant`): only
    /// the login that pushes the desk may name it, and only once that desk has pushed a call to the customer.
    @Test func underAgentLoginsOnlyTheDesksOwnLoginWithACallToTheCustomerMarksAFollowUpDone() throws {
        let (cluster, a, b, file) = try team.team()
        for (login, desk) in [("agenta", "desk-a"), ("agentb", "desk-b"), ("agentc", "desk-c")] {
            #expect(try a.piped(["central", "grant", login, "--role", "agent", "--desk", desk, "--central", cluster.url], input: "").status == 0)
        }
        func desk(_ login: String, _ name: String, agent: String) -> [String: String] {
            ["HUASHU_CENTRAL": cluster.url(as: login), "HUASHU_DESK": name, "HUASHU_AGENT": agent]
        }
        let deskA = desk("agenta", "desk-a", agent: "小李"), deskB = desk("agentb", "desk-b", agent: "小王")
        #expect(try a.piped(["import", file], input: "", environment: deskA).status == 0)
        _ = try a.sqlite("""
            INSERT INTO follow_ups (customer_id, call_id, kind, due_at)
            SELECT id, NULL, 'callback', '\(inDays(-1)) 10:00' FROM customers WHERE plate = '粤E12345'
            """)
        #expect(try a.piped(["sync"], input: "", environment: deskA).status == 0)
        let pulled = try b.piped(["sync"], input: "", environment: deskB)
        #expect(pulled.output.contains("1 follow-up from other desks"), "the pull runs under an agent's login: \(pulled.output)")
        let done = [(origin: "desk-a#1", at: "2026-12-01T10:00:00.000+08:00")]
        let open = "SELECT done_at IS NULL FROM follow_ups WHERE desk = 'desk-a' AND id = 1"

        // Desk b's own login, before any call of desk b to 周八 reached central: refused (nothing settled, nothing marked).
        let agentB = try CentralConnection(url: cluster.url(as: "agentb"))
        let early = try agentB.markFollowUpsDone(done, desk: "desk-b")
        #expect(early.settled.isEmpty && early.marked == 0)
        #expect(try cluster.value(open) == "t")
        // Another agent's login naming desk b: refused in words; naming its own desk, which never called 周八: not marked.
        let agentC = try CentralConnection(url: cluster.url(as: "agentc"))
        let named = try #require(throws: CentralError.self) { try agentC.markFollowUpsDone(done, desk: "desk-b") }
        #expect(named.description.contains("desk desk-b is not pushed by agentc"), "\(named.description)")
        let own = try agentC.markFollowUpsDone(done, desk: "desk-c")
        #expect(own.settled.isEmpty && own.marked == 0)
        // Nor by hand: an agent cannot update another desk's follow-up directly.
        _ = try? agentC.execute("UPDATE follow_ups SET done_at = 'x', done_on = 'desk-c' WHERE desk = 'desk-a'")
        #expect(try cluster.value(open) == "t")

        // 小王 calls 周八 from desk b and syncs under agentb (the push after the call may have marked it already): marked, by desk b.
        #expect(try b.piped(["call", "粤E12345"], input: ".end thinking\n", environment: deskB).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        #expect(try b.sqlite("SELECT count(*) FROM central_follow_ups_done") == "0", "central confirmed it")
        #expect(try cluster.value("SELECT concat_ws('|', done_at IS NOT NULL, done_on) FROM follow_ups WHERE desk = 'desk-a' AND id = 1") == "t|desk-b")
        // Desk c's login still cannot name desk b, now that desk b has the call.
        #expect(throws: CentralError.self) { try agentC.markFollowUpsDone(done, desk: "desk-b") }
        // Desk a learns it under its own login.
        let learnt = try a.piped(["sync"], input: "", environment: deskA)
        #expect(learnt.output.contains("1 of this desk's follow-up done by a call on another desk"), "\(learnt.output)")
    }

    @Test func anImportOnADeskReconcilesWithOtherAgentsChangesItsSyncsPassedOver() throws {
        let (cluster, a, b, file) = try team.team()
        let deskB = team.desk(cluster, "desk-b", agent: "小王")
        #expect(try a.piped(["import", file], input: "", environment: team.desk(cluster, "desk-a", agent: "小李")).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        // A change on central for 小李's 吴九, then one for 小王's 周八; desk b syncs again: its pull (小王's rows) passes over 吴九's.
        _ = try cluster.connect().execute("UPDATE ledger SET phone = '13699998888', notes = '只在晚上接电话' WHERE plate = '粤E22222'")
        _ = try cluster.connect().execute("UPDATE ledger SET notes = '周三下午方便' WHERE plate = '粤E12345'")
        #expect(try b.piped(["sync"], input: "", environment: deskB).output.contains("1 changed pulled"))
        #expect(try b.sqlite("SELECT count(*) FROM customers WHERE plate = '粤E22222'") == "0")

        // Desk b imports an export with 吴九's old phone and no notes: reconciled with the team's row, not new.
        let export = try team.ledger(b, "b.csv", """
            客户姓名,车牌号,联系电话,商业险到期日,专员
            吴九,粤E22222,13622223333,\(inDays(12)),小李

            """)
        let imported = try b.piped(["import", export], input: "", environment: deskB)
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("0 new"), "\(imported.output)")
        #expect(imported.output.contains("1 conflict held for review"), "\(imported.output)")
        #expect(try cluster.value("SELECT concat_ws('|', phone, notes) FROM ledger WHERE plate = '粤E22222'") == "13699998888|只在晚上接电话",
                "the change made on central stands")
        #expect(try b.sqlite("SELECT notes FROM customers WHERE plate = '粤E22222'") == "只在晚上接电话")
        #expect(try cluster.value("SELECT concat_ws('|', desk, field, given) FROM ledger_review") == "desk-b|phone|13622223333")
    }

    @Test func aDryRunOnATeamDeskListsWhatTheImportWouldChangeAgainstCentralAndSendsNothing() throws {
        let (cluster, a, b, file) = try team.team()
        let deskB = team.desk(cluster, "desk-b", agent: "小王")
        #expect(try a.piped(["import", file], input: "", environment: team.desk(cluster, "desk-a", agent: "小李")).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        let export = try team.ledger(b, "b.csv", """
            客户姓名,车牌号,联系电话,商业险到期日,上年承保公司,上年保费,专员
            吴九,粤E22222,13622223333,\(inDays(12)),太平洋,3300,小李
            孙十一,粤E44444,13644445555,\(inDays(20)),平安,2600,小王

            """)
        // A call logged on desk b (steps, audit): the dry run's copy leaves those behind and the desk's file untouched.
        #expect(try b.piped(["call", "粤B12345"], input: ".end thinking\n").status == 0)
        func fileBytes() throws -> String {
            try Fixture.run("/bin/sh", ["-c", "cat \"$0\" \"$0-wal\" 2>/dev/null | md5sum", b.database], environment: [:]).output
        }
        let bytesBefore = try fileBytes()
        let before = try b.sqlite("SELECT count(*), group_concat(plate) FROM customers")
        let ledgerBefore = try cluster.value("SELECT string_agg(concat_ws('|', plate, seq, commercial_premium), ',' ORDER BY plate) FROM ledger")
        let dry = try b.piped(["import", "--dry-run", export], input: "", environment: deskB)
        #expect(dry.status == 0, "\(dry.output)")
        // 吴九 is 小李's: desk b does not hold the row, but the team does, so it is an update, not new.
        #expect(dry.output.contains("粤E22222") && dry.output.contains("3100 → 3300"), "\(dry.output)")
        #expect(dry.output.contains("would import 2 customers") && dry.output.contains("1 new, 1 updated"), "\(dry.output)")
        #expect(dry.output.contains("compared with the team ledger on \(cluster.url); nothing was sent"), "\(dry.output)")
        #expect(try b.sqlite("SELECT count(*), group_concat(plate) FROM customers") == before, "the desk's file is as it was")
        #expect(try fileBytes() == bytesBefore, "byte for byte")
        // The copy a dry run works on: every table and row but the log's steps, audit and the figures kept from them.
        let scratch = b.folder.appendingPathComponent("scratch.sqlite").path
        #expect(try Store.copyIfOutdated(b.database, to: scratch, always: true))
        #expect(try fileBytes() == bytesBefore)
        let counts = "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM calls), (SELECT count(*) FROM call_steps), "
            + "(SELECT count(*) FROM audit), (SELECT count(*) FROM grdb_migrations), (SELECT count(*) FROM sqlite_master)"
        let desk = try b.sqlite(counts).split(separator: "|"), copy = try Fixture.run("/usr/bin/sqlite3", [scratch, counts], environment: [:])
            .output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
        #expect(desk.count == 6 && copy.count == 6 && Int(desk[2]) ?? 0 > 0, "\(desk) \(copy)")
        #expect(copy[0] == desk[0] && copy[1] == desk[1] && copy[4] == desk[4] && copy[5] == desk[5], "\(desk) \(copy)")
        #expect(copy[2] == "0" && copy[3] == "0", "\(copy)")
        _ = try Store(path: scratch)
        #expect(try cluster.value("SELECT string_agg(concat_ws('|', plate, seq, commercial_premium), ',' ORDER BY plate) FROM ledger") == ledgerBefore)
        #expect(try cluster.value("SELECT count(*) FROM ledger_review") == "0")

        // Offline: said, exit 1, nothing listed against the desk's own file alone.
        try cluster.stop()
        let offline = try b.piped(["import", "--dry-run", export], input: "", environment: deskB)
        #expect(offline.status == 1)
        #expect(offline.output.contains("cannot be reached") && offline.output.contains("the dry run was not compared with the team ledger"),
                "\(offline.output)")
        #expect(!offline.output.contains("would import"), "\(offline.output)")
        #expect(try b.sqlite("SELECT count(*), group_concat(plate) FROM customers") == before)
    }

    @Test func aCustomerReassignedTwiceBetweenTwoPullsLeavesTheFirstAgentsDesk() throws {
        let (cluster, a, b, file) = try team.team()
        let deskB = team.desk(cluster, "desk-b", agent: "小王")
        #expect(try a.piped(["import", file], input: "", environment: team.desk(cluster, "desk-a", agent: "小李")).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        #expect(try b.sqlite("SELECT agent FROM customers WHERE plate = '粤E12345'") == "小王")
        // 周八: 小王 → 小赵 → 小钱 between two of desk b's pulls; the unassigned 郑十: given to 小王, then → nobody → 小钱.
        let central = try cluster.connect()
        _ = try central.execute("UPDATE ledger SET agent = '小赵' WHERE plate = '粤E12345'")
        _ = try central.execute("UPDATE ledger SET agent = '小钱' WHERE plate = '粤E12345'")
        _ = try central.execute("UPDATE ledger SET agent = '小王' WHERE plate = '粤E33333'")
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        _ = try central.execute("UPDATE ledger SET agent = NULL WHERE plate = '粤E33333'")
        _ = try central.execute("UPDATE ledger SET agent = '小钱' WHERE plate = '粤E33333'")
        #expect(try b.piped(["sync"], input: "", environment: deskB).status == 0)
        #expect(try b.sqlite("SELECT plate, agent FROM customers WHERE plate LIKE '粤E%' ORDER BY plate") == "粤E12345|小钱\n粤E33333|小钱")
        let queue = try b.piped(["queue", "--agent", "小王"], input: "").output
        #expect(!queue.contains("粤E12345") && !queue.contains("粤E33333"), "\(queue)")
        #expect(try cluster.value("SELECT count(*) FROM ledger_reassignments WHERE from_agent = '小王'") == "2")
    }

    @Test func aNewDesksFirstSyncMakesItsFileAndPullsItsAgentsCustomers() throws {
        let (cluster, a, b, file) = try team.team()
        #expect(try a.piped(["import", file], input: "", environment: team.desk(cluster, "desk-a", agent: "小李")).status == 0)
        // (小王's two, the unassigned one, and the three desk a's own file held, unassigned.)
        let fresh = b.folder.appendingPathComponent("desk-c.sqlite").path
        let unreachable = ["HUASHU_CENTRAL": "postgresql://huashu@/postgres?host=/nonexistent", "HUASHU_DESK": "desk-c", "HUASHU_AGENT": "小王"]
        let offline = try b.piped(["sync", "--db", fresh], input: "", environment: unreachable)
        #expect(offline.status == 1 && offline.output.contains("cannot connect to the central store"), "\(offline.output)")
        #expect(!FileManager.default.fileExists(atPath: fresh), "no file for a desk that could not sync")
        let synced = try b.piped(["sync", "--db", fresh], input: "", environment: team.desk(cluster, "desk-c", agent: "小王"))
        #expect(synced.status == 0, "\(synced.output)")
        #expect(synced.output.hasPrefix("a new desk: \(fresh) created\n") && synced.output.contains("5 new customers"), "\(synced.output)")
        let queue = try b.piped(["queue", "--db", fresh, "--agent", "小王"], input: "")
        #expect(queue.status == 0 && queue.output.contains("粤E12345"), "\(queue.output)")
    }

    /// Expiry days a hand edit can leave that SQLite's `date()` takes as written (no 31st in the month) but the rule cannot read:
    /// long lapsed, so the SQL places them among the most urgent (and, graded A, first).
    static func handEditedExpiries(_ count: Int) -> [String] {
        let year = LocalDay.day(Date()).year - 1
        let days = ["02-30", "04-31", "06-31", "09-31", "11-31", "02-31"]
        return (0..<count).map { "\(year)-\(days[$0 % days.count])" }
    }

    /// Customers of `agent` with these plates and expiries; the hand-edited ones graded A, so the SQL puts them first.
    func addCustomers(_ fixture: Fixture, prefix: String, _ expiries: [String], grade: String, agent: String) throws {
        _ = try fixture.sqlite(expiries.enumerated().map { index, expiry in
            "INSERT INTO customers (plate, name, phone, commercial_expiry, grade, agent) VALUES "
                + "('\(prefix)\(10_000 + index)', '客户\(index)', '139\(prefix == "粤H" ? "1" : "2")000\(String(format: "%04d", index))', "
                + "'\(expiry)', '\(grade)', '\(agent)');"
        }.joined())
    }

    @Test func callNextAsksPastRowsTheRuleRefusesUntilItHasEnough() throws {
        let fixture = try Fixture()
        try addCustomers(fixture, prefix: "粤H", Self.handEditedExpiries(12), grade: "A", agent: "小李")
        try addCustomers(fixture, prefix: "粤K", (0..<4).map { inDays(5 + $0) }, grade: "B", agent: "小李")
        // The list asked for 3 has 3, past the 12 rows SQLite placed first and the rule refused.
        var listed: [String] = []
        try fixture.store.queue(today: LocalDay.day(Date()), minute: LocalDay.minute(Date()), plan: .dealer, owner: .agent("小李"),
                                limit: 3) { customer, _ in listed.append(customer.plate) }
        #expect(listed == ["粤K10000", "粤K10001", "粤K10002"])
        var all: [String] = []
        try fixture.store.queue(today: LocalDay.day(Date()), minute: LocalDay.minute(Date()), plan: .dealer, owner: .agent("小李"),
                                limit: 20) { customer, _ in all.append(customer.plate) }
        #expect(all == ["粤K10000", "粤K10001", "粤K10002", "粤K10003"], "as many as there are")

        // `call --next` calls 小李's own customer, not the unassigned one after, nor nobody.
        let next = try fixture.piped(["call", "--next"], input: ".end thinking\n")
        #expect(next.status == 0, "\(next.output)")
        #expect(try fixture.sqlite("SELECT c.plate FROM calls k JOIN customers c ON c.id = k.customer_id") == "粤K10000")
    }

    @Test func callNextOnATeamDeskTakesAFreeCustomerPastHandEditedRowsAndTenHeldElsewhere() throws {
        let cluster = try ThrowawayCluster()
        let b = try Fixture()
        #expect(try b.piped(["central", "init", cluster.url], input: "").status == 0)
        _ = try b.sqlite("UPDATE customers SET agent = '小王'")
        try addCustomers(b, prefix: "粤H", Self.handEditedExpiries(12), grade: "A", agent: "小李")
        try addCustomers(b, prefix: "粤K", (0..<11).map { inDays(3 + $0) }, grade: "B", agent: "小李")
        let env = team.desk(cluster, "desk-b", agent: "小李")
        // Desk a holds all eleven: said in words, exit 1, no call.
        _ = try cluster.connect().execute("""
            INSERT INTO leases (customer_key, desk, agent, until)
            SELECT '粤K' || (10000 + n), 'desk-a', '小赵', now() + interval '30 minutes' FROM generate_series(0, 10) n
            """)
        let held = try b.piped(["call", "--next"], input: ".end thinking\n", environment: env)
        #expect(held.status == 1, "\(held.output)")
        #expect(held.output.contains("all 11 customers of today's queue for you are being called on other desks"), "\(held.output)")
        #expect(try b.sqlite("SELECT count(*) FROM calls") == "0")

        // The eleventh's call ends: desk b takes it, past the rows the rule refuses and the ten desk a still holds.
        _ = try cluster.connect().execute("DELETE FROM leases WHERE customer_key = '粤K10010'")
        let next = try b.piped(["call", "--next"], input: ".end thinking\n", environment: env)
        #expect(next.status == 0, "\(next.output)")
        #expect(next.output.components(separatedBy: "at desk desk-a since").count == 11, "each held one said: \(next.output)")
        #expect(try b.sqlite("SELECT c.plate FROM calls k JOIN customers c ON c.id = k.customer_id") == "粤K10010")
    }
}

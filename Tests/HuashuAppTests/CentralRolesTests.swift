import Foundation
import HuashuCentral
import Testing

/// Roles on the central store, tried the way someone with psql would: each
/// login connects and attempts what its role must not do.
@Suite("the central store: roles")
struct CentralRolesTests {
    /// A desk's calls, one rehearsal among them, each with two steps, a follow-up and an audit row.
    func logCalls(_ fixture: Fixture) throws {
        _ = try fixture.sqlite("""
            INSERT INTO calls (customer_id, agent, started_at, ended_at, outcome, script_version, training, context) VALUES
              (1, '小李', '2026-12-01T10:00:00+08:00', '2026-12-01T10:05:00+08:00', 'lost', 'v1', 0, '{}'),
              (2, '小李', '2026-12-01T11:00:00+08:00', '2026-12-01T11:05:00+08:00', 'won', 'v1', 1, '{}');
            INSERT INTO call_steps (call_id, seq, at, input_kind, input, stage, node, shown, events, state, prev_hash, hash, link)
              SELECT c.id, n.i, '2026-12-01T10:01:00+08:00', 'answer', '太贵了', 'opening', 'n' || n.i, '您好', '[]', '{}', 'p', 'h', 'l'
              FROM calls c, (SELECT 1 AS i UNION ALL SELECT 2) n ORDER BY c.id, n.i;
            INSERT INTO follow_ups (customer_id, call_id, kind, due_at) SELECT customer_id, id, 'callback', '2026-12-03' FROM calls;
            INSERT INTO audit (at, agent, action, customer_id, call_id, detail) VALUES ('2026-12-01T10:06:00+08:00', '小李', 'note', 1, NULL, 'x');
            """)
    }

    func address(_ cluster: ThrowawayCluster, as login: String) -> String {
        "postgresql://\(login)@/postgres?host=\(cluster.folder)"
    }

    /// The server's refusal of a statement, or nil when it ran.
    func refusal(_ cluster: ThrowawayCluster, as login: String, _ sql: String) throws -> String? {
        let connection = try CentralConnection(url: address(cluster, as: login))
        do {
            _ = try connection.execute(sql, what: "a hand-typed statement")
            return nil
        } catch {
            return error.description
        }
    }

    func count(_ cluster: ThrowawayCluster, as login: String, _ sql: String) throws -> String? {
        try CentralConnection(url: address(cluster, as: login)).execute(sql).first?.first ?? nil
    }

    @Test func eachRoleIsRefusedWhatItMayNotDoEvenInHandTypedSQL() throws {
        let cluster = try ThrowawayCluster()
        let seven = try Fixture(), eight = try Fixture()
        try logCalls(seven)
        try logCalls(eight)
        #expect(try seven.piped(["central", "init", cluster.url], input: "").status == 0)
        for (login, role, desk) in [("agent7", "agent", "desk-7"), ("agent8", "agent", "desk-8"), ("boss", "supervisor", nil), ("coach", "trainer", nil)] {
            let granted = try seven.piped(["central", "grant", login, "--role", role, "--central", cluster.url] + (desk.map { ["--desk", $0] } ?? []), input: "")
            #expect(granted.status == 0, "\(granted.output)")
            #expect(granted.output.contains("\(login) is a"), "\(granted.output)")
        }
        #expect(try seven.piped(["sync", "--central", address(cluster, as: "agent7"), "--desk", "desk-7"], input: "").status == 0)
        #expect(try eight.piped(["sync", "--central", address(cluster, as: "agent8"), "--desk", "desk-8"], input: "").status == 0)

        // An agent pushing a desk handed to another login is told whose it is.
        let another = try Fixture()
        try logCalls(another)
        let taken = try another.piped(["sync", "--central", address(cluster, as: "agent7"), "--desk", "desk-8"], input: "")
        #expect(taken.status == 1)
        #expect(taken.output.contains("desk desk-8 is pushed by agent8"), "\(taken.output)")

        // Agents: their own desk's rows only, and never a change to the log.
        #expect(try count(cluster, as: "agent7", "SELECT count(*) FROM call_steps") == "4", "desk-7's steps, not desk-8's")
        #expect(try count(cluster, as: "agent7", "SELECT count(DISTINCT desk) FROM calls") == "1")
        for statement in ["UPDATE call_steps SET shown = '客户已续保'", "DELETE FROM call_steps WHERE seq = 2", "DELETE FROM calls",
                          "UPDATE calls SET outcome = 'won' WHERE outcome = 'lost'", "TRUNCATE call_steps", "DELETE FROM audit",
                          "UPDATE follow_ups SET due_at = '2027-01-01'",
                          "INSERT INTO call_steps (desk, id, call_id, seq, at, input_kind, stage, node, shown, events, state, prev_hash, hash, link) "
                            + "VALUES ('desk-8', 99, 1, 3, 'x', 'answer', 's', 'n', 'x', '[]', '{}', 'p', 'h', 'l')",
                          "UPDATE desks SET owner = 'agent7' WHERE name = 'desk-8'"] {
            #expect(try refusal(cluster, as: "agent7", statement) != nil, "agent7: \(statement)")
        }
        #expect(try count(cluster, as: "boss", "SELECT count(*) FROM call_steps WHERE shown = '您好'") == "8", "nothing above changed a step")

        // Supervisors read every desk and change nothing.
        #expect(try count(cluster, as: "boss", "SELECT count(DISTINCT desk) FROM calls") == "2")
        #expect(try count(cluster, as: "boss", "SELECT count(*) FROM audit") == "2")
        for statement in ["UPDATE calls SET outcome = 'won'", "DELETE FROM follow_ups", "INSERT INTO desks (name) VALUES ('desk-9')",
                          "UPDATE call_steps SET note = 'x'"] {
            #expect(try refusal(cluster, as: "boss", statement) != nil, "boss: \(statement)")
        }

        // Trainers read rehearsals and their steps, nothing else.
        #expect(try count(cluster, as: "coach", "SELECT count(*) FROM calls") == "2", "one rehearsal per desk")
        #expect(try count(cluster, as: "coach", "SELECT count(*) FROM calls WHERE training = 0") == "0")
        #expect(try count(cluster, as: "coach", "SELECT count(*) FROM call_steps") == "4")
        #expect(try refusal(cluster, as: "coach", "SELECT count(*) FROM audit") != nil)
        #expect(try refusal(cluster, as: "coach", "DELETE FROM call_steps") != nil)

        // Not even the tables' owner rewrites the log.
        let owner = try #require(try refusal(cluster, as: "huashu", "UPDATE call_steps SET shown = '客户已续保'"))
        #expect(owner.contains("call_steps is append-only"), "\(owner)")
        #expect(try refusal(cluster, as: "huashu", "UPDATE calls SET outcome = 'won' WHERE outcome = 'lost'")?.contains("never changes") == true)

        // A step's desk is checked once per statement, not by a key on each row: a desk central does not know is
        // refused even among known ones, and a desk with steps can neither go nor be renamed.
        let step = "(desk, id, call_id, seq, at, input_kind, stage, node, shown, events, hash, link) VALUES "
        for values in ["('desk-0', 1, 1, 1, 'x', 'answer', 's', 'n', 'x', '[]', 'h', 'l')",
                       "('desk-7', 90, 1, 90, 'x', 'answer', 's', 'n', 'x', '[]', 'h', 'l'), ('desk-0', 2, 1, 2, 'x', 'answer', 's', 'n', 'x', '[]', 'h', 'l')"] {
            let unknown = try #require(try refusal(cluster, as: "huashu", "INSERT INTO call_steps " + step + values))
            #expect(unknown.contains("call_steps of desk desk-0 refused: the central store knows no such desk"), "\(unknown)")
        }
        #expect(try refusal(cluster, as: "huashu", "DELETE FROM desks WHERE name = 'desk-7'") != nil)
        #expect(try refusal(cluster, as: "huashu", "UPDATE desks SET name = 'desk-70' WHERE name = 'desk-7'") != nil)
        #expect(try count(cluster, as: "boss", "SELECT count(*) FROM call_steps") == "8", "no step went in or lost its desk")
    }

    @Test func aBadLoginOrRoleIsSaidInWordsAndGrantExplainsItself() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        let badRole = try fixture.piped(["central", "grant", "agent7", "--role", "boss", "--central", cluster.url], input: "")
        #expect(badRole.status == 1)
        #expect(badRole.output.contains("--role is agent, supervisor, trainer; got `boss`"), "\(badRole.output)")
        let badName = try fixture.piped(["central", "grant", "Robert'); DROP TABLE calls;--", "--role", "agent", "--central", cluster.url], input: "")
        #expect(badName.status == 1)
        #expect(badName.output.contains("a login name is lower-case letters"), "\(badName.output)")
        #expect(try cluster.value("SELECT count(*) FROM calls") == "0", "the table is still there")
        let deskForSupervisor = try fixture.piped(["central", "grant", "boss", "--role", "supervisor", "--desk", "desk-1", "--central", cluster.url], input: "")
        #expect(deskForSupervisor.status == 1)
        #expect(deskForSupervisor.output.contains("--desk goes with --role agent"))
        let help = try fixture.piped(["central", "grant", "--help"], input: "")
        #expect(help.status == 0 && help.output.contains("USAGE: huashu central grant"))
    }
}

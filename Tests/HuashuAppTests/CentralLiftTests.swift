import Foundation
import HuashuCentral
import Testing

/// A 勿扰 lifted by a supervisor on central: audited there, refused to an
/// agent, and taken off every desk at its next sync.
@Suite("the team floor: lifting a 勿扰 on central", .serialized)
struct CentralLiftTests {
    @Test func aSupervisorLiftsItOnCentralAnAgentMayNotAndDesksPullTheLiftOnSync() throws {
        let cluster = try ThrowawayCluster()
        let a = try Fixture(), b = try Fixture()
        #expect(try a.piped(["central", "init", cluster.url], input: "").status == 0)
        for (name, role) in [("boss", "supervisor"), ("agent7", "agent")] {
            #expect(try a.piped(["central", "grant", name, "--role", role, "--central", cluster.url], input: "").status == 0)
        }
        // Desk a hears 勿扰 from 张伟; desk b learns it at its sync.
        #expect(try a.piped(["call", "粤B12345"], input: ".end do_not_call\ny\n", environment: cluster.desk("desk-a")).status == 0)
        #expect(try a.piped(["sync"], input: "", environment: cluster.desk("desk-a")).status == 0)
        #expect(try b.piped(["sync"], input: "", environment: cluster.desk("desk-b")).output.contains("1 customer marked from other desks' refusals"))
        #expect(try b.sqlite("SELECT do_not_call FROM customers WHERE plate = '粤B12345'") == "1")

        // An agent may not lift it, through huashu or by hand.
        let byAgent = try a.piped(["lift-do-not-call", "粤B12345", "--by", "小李", "--reason", "客户改主意", "--db", cluster.url(as: "agent7")], input: "")
        #expect(byAgent.status == 1)
        #expect(byAgent.output.contains("only a supervisor lifts a 勿扰; agent7 is not one"), "\(byAgent.output)")
        let agent = try CentralConnection(url: cluster.url(as: "agent7"))
        for statement in ["DELETE FROM refusals", "INSERT INTO refusal_lifts (customer_key, lifted_by, login, reason) VALUES ('粤B12345', 'x', 'agent7', 'y')"] {
            #expect(throws: CentralError.self, "agent7: \(statement)") { try agent.execute(statement) }
        }
        #expect(try cluster.value("SELECT count(*) FROM refusals WHERE kind = 'do_not_call'") == "1", "the refusal still stands")
        #expect(try cluster.value("SELECT do_not_call FROM ledger WHERE plate = '粤B12345'") == "1", "the team's ledger carries the mark")

        // Nor without a name or a reason.
        let unsaid = try a.piped(["lift-do-not-call", "粤B12345", "--by", "王主管", "--reason", " ", "--db", cluster.url(as: "boss")], input: "")
        #expect(unsaid.status == 1 && unsaid.output.contains("say why it is lifted"), "\(unsaid.output)")

        // A supervisor lifts it: the refusal goes, the lift is kept with who, when and why.
        let lifted = try a.piped(["lift-do-not-call", "粤B12345", "--by", "王主管", "--reason", "客户来电要求续保提醒", "--db", cluster.url(as: "boss")], input: "")
        #expect(lifted.status == 0, "\(lifted.output)")
        #expect(lifted.output.contains("粤B12345 may be called again: the refusal every desk honoured is gone"), "\(lifted.output)")
        #expect(lifted.output.contains("as lift #1: by 王主管, because 客户来电要求续保提醒"), "\(lifted.output)")
        #expect(try cluster.value("SELECT count(*) FROM refusals") == "0")
        #expect(try cluster.value("SELECT do_not_call FROM ledger WHERE plate = '粤B12345'") == "0", "or the next pull of the row would mark it again")
        #expect(try cluster.value("SELECT customer_key || ' ' || lifted_by || ' ' || login || ' ' || reason || ' ' || (at > now() - interval '1 minute') FROM refusal_lifts")
                == "粤B12345 王主管 boss 客户来电要求续保提醒 true")
        #expect(throws: CentralError.self, "the lift is kept as logged") { try cluster.connect().execute("DELETE FROM refusal_lifts") }

        // Each desk takes its own mark off at its next sync, audited, and calls the customer again.
        for (fixture, name) in [(b, "desk-b"), (a, "desk-a")] {
            let synced = try fixture.piped(["sync"], input: "", environment: cluster.desk(name))
            #expect(synced.status == 0 && synced.output.contains("1 customer's 勿扰 lifted by a supervisor on central"), "\(name): \(synced.output)")
            #expect(try fixture.sqlite("SELECT do_not_call FROM customers WHERE plate = '粤B12345'") == "0", "\(name)")
            #expect(try fixture.sqlite("SELECT agent || ' ' || detail FROM audit WHERE action = 'do_not_call_lifted'")
                    .hasPrefix("王主管 客户来电要求续保提醒 [lifted on central, #1 at "), "\(name)")
        }
        let called = try b.piped(["call", "粤B12345"], input: ".quit\n", environment: cluster.desk("desk-b"))
        #expect(called.status == 0, "\(called.output)")

        // A lift is applied once: a 勿扰 heard again afterwards stands, on every desk.
        #expect(try b.piped(["resume"], input: ".end do_not_call\ny\n", environment: cluster.desk("desk-b")).status == 0)
        let again = try b.piped(["sync"], input: "", environment: cluster.desk("desk-b"))
        #expect(!again.output.contains("lifted"), "\(again.output)")
        #expect(try b.sqlite("SELECT do_not_call FROM customers WHERE plate = '粤B12345'") == "1")
        #expect(try a.piped(["sync"], input: "", environment: cluster.desk("desk-a")).output.contains("1 customer marked from other desks' refusals"))
    }

    /// The lift is later than a 勿扰 a desk heard while offline and pushed only after it: that refusal does not
    /// come back, on central or on any desk; a 勿扰 heard after the lift does.
    @Test func aRefusalHeardBeforeTheLiftButPushedAfterItDoesNotBringItBack() throws {
        let cluster = try ThrowawayCluster()
        let a = try Fixture(), c = try Fixture()
        #expect(try a.piped(["central", "init", cluster.url], input: "").status == 0)
        #expect(try a.piped(["central", "grant", "boss", "--role", "supervisor", "--central", cluster.url], input: "").status == 0)
        #expect(try a.piped(["call", "粤B12345"], input: ".end do_not_call\ny\n", environment: cluster.desk("desk-a")).status == 0)
        #expect(try a.piped(["sync"], input: "", environment: cluster.desk("desk-a")).status == 0)
        // Desk c hears the same 勿扰 with no central store in reach, and pushes it only after the lift.
        #expect(try c.piped(["call", "粤B12345"], input: ".end do_not_call\ny\n").status == 0)
        let lifted = try a.piped(["lift-do-not-call", "粤B12345", "--by", "王主管", "--reason", "客户来电要求续保提醒", "--db", cluster.url(as: "boss")], input: "")
        #expect(lifted.status == 0, "\(lifted.output)")
        let late = try c.piped(["sync"], input: "", environment: cluster.desk("desk-c"))
        #expect(late.status == 0 && late.output.contains("1 customer's 勿扰 lifted by a supervisor on central"), "\(late.output)")
        #expect(try cluster.value("SELECT count(*) FROM refusals") == "0", "the older refusal does not stand again")
        #expect(try cluster.value("SELECT count(*) FROM calls WHERE outcome = 'do_not_call'") == "2", "its call is logged as it was")
        #expect(try c.sqlite("SELECT do_not_call FROM customers WHERE plate = '粤B12345'") == "0")
        let synced = try a.piped(["sync"], input: "", environment: cluster.desk("desk-a"))
        #expect(synced.output.contains("1 customer's 勿扰 lifted by a supervisor on central"), "\(synced.output)")
        #expect(try a.sqlite("SELECT do_not_call FROM customers WHERE plate = '粤B12345'") == "0")

        // Heard again after the lift, it stands, on the desk that heard it and on the others.
        #expect(try c.piped(["call", "粤B12345"], input: ".end do_not_call\ny\n", environment: cluster.desk("desk-c")).status == 0)
        #expect(try c.piped(["sync"], input: "", environment: cluster.desk("desk-c")).status == 0)
        #expect(try cluster.value("SELECT count(*) FROM refusals WHERE kind = 'do_not_call'") == "1")
        #expect(try c.sqlite("SELECT do_not_call FROM customers WHERE plate = '粤B12345'") == "1")
        #expect(try a.piped(["sync"], input: "", environment: cluster.desk("desk-a")).output.contains("1 customer marked from other desks' refusals"))
    }
}

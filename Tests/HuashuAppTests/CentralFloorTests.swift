import Foundation
import HuashuApp
import HuashuCalendar
import HuashuCentral
import HuashuRenewal
import HuashuStore
import Testing

/// Several desks on one central store: a customer is called by one desk at a
/// time, and a refusal heard on one desk is honoured on the others.
@Suite("the team floor: leases and refusals across desks")
struct CentralFloorTests {
    func desk(_ fixture: Fixture, _ cluster: ThrowawayCluster, _ name: String) -> [String: String] {
        ["HUASHU_CENTRAL": cluster.url, "HUASHU_DESK": name]
    }

    func open(_ cluster: ThrowawayCluster) throws -> (Fixture, Fixture) {
        let a = try Fixture(), b = try Fixture()
        #expect(try a.piped(["central", "init", cluster.url], input: "").status == 0)
        return (a, b)
    }

    @Test func aCustomerOnACallOnOneDeskIsRefusedOnAnotherUntilTheCallEnds() throws {
        let cluster = try ThrowawayCluster()
        let (a, b) = try open(cluster)
        let onA = try PseudoTerminal([Fixture.binary, "call", "粤B12345"], environment: a.environment.merging(desk(a, cluster, "desk-a")) { $1 })
        onA.waitFor("是我")
        let second = try b.piped(["call", "粤B12345"], input: ".quit\n", environment: desk(b, cluster, "desk-b"))
        #expect(second.status == 1)
        #expect(second.output.contains("粤B12345 is being called by 小李 at desk desk-a since "), "\(second.output)")
        #expect(second.output.contains("; pick another customer\n"))
        #expect(try b.store.calls(ofCustomer: 1).isEmpty, "desk b opened no call")
        // `call --next` passes over the customer desk a holds and takes the next one of the queue.
        _ = try b.sqlite("UPDATE customers SET commercial_expiry = (SELECT commercial_expiry FROM customers WHERE plate = '粤B12345') WHERE plate = '粤B67890'")
        let next = try b.piped(["call", "--next"], input: ".end thinking\n", environment: desk(b, cluster, "desk-b"))
        #expect(next.status == 0, "\(next.output)")
        #expect(next.output.contains("粤B12345 is being called by 小李 at desk desk-a") && next.output.contains("taking the next customer"), "\(next.output)")
        #expect(try b.sqlite("SELECT c.plate FROM calls k JOIN customers c ON c.id = k.customer_id ORDER BY k.id DESC LIMIT 1") == "粤B67890")

        let other = try b.piped(["call", "粤B67890"], input: ".quit\n", environment: desk(b, cluster, "desk-b"))
        #expect(other.status == 0, "another customer is free: \(other.output)")

        onA.type(".end thinking\r")
        #expect(onA.waitForExit() == 0)
        #expect(try cluster.value("SELECT count(*) FROM leases WHERE customer_key = '粤B12345'") == "0", "the lease ended with the call")
        #expect(try cluster.value("SELECT desk FROM leases WHERE customer_key = '粤B67890'") == "desk-b", "a call left to resume keeps its lease")
        let after = try b.piped(["call", "粤B12345"], input: ".quit\n", environment: desk(b, cluster, "desk-b"))
        #expect(after.status == 0, "\(after.output)")
    }

    @Test func aLeaseOfADeskThatDiedLapsesAndResumeRenewsItsOwn() throws {
        let cluster = try ThrowawayCluster()
        let (a, b) = try open(cluster)
        // Desk a died in a call: its lease ran out a minute ago.
        _ = try cluster.connect().execute("""
            INSERT INTO leases (customer_key, desk, agent, since, until) VALUES ('粤B12345', 'desk-a', '小王', now() - interval '31 minutes', now() - interval '1 minute')
            """)
        let taken = try b.piped(["call", "粤B12345"], input: "1\n.quit\n", environment: desk(b, cluster, "desk-b"))
        #expect(taken.status == 0, "\(taken.output)")
        // The call was left open (.quit leaves it resumable): desk b keeps the lease, and resuming renews it.
        let refused = try a.piped(["call", "粤B12345"], input: ".quit\n", environment: desk(a, cluster, "desk-a"))
        #expect(refused.status == 1 && refused.output.contains("at desk desk-b"), "\(refused.output)")
        let resumed = try b.piped(["resume"], input: ".end thinking\n", environment: desk(b, cluster, "desk-b"))
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(try cluster.value("SELECT count(*) FROM leases") == "0", "the lease ended with the call")
    }

    @Test func aRefusalOnOneDeskIsHonouredOnAnotherBeforeTheFirstScreenAndAfterASyncWhenOffline() throws {
        let cluster = try ThrowawayCluster()
        let (a, b) = try open(cluster)
        let c = try Fixture()
        // Desk a hears 勿扰 from 张伟 and a wrong number for 王芳, and pushes its calls.
        #expect(try a.piped(["call", "粤B12345"], input: ".end do_not_call\ny\n", environment: desk(a, cluster, "desk-a")).status == 0)
        #expect(try a.piped(["call", "粤B67890"], input: ".end wrong_number\n", environment: desk(a, cluster, "desk-a")).status == 0)
        #expect(try a.piped(["sync"], input: "", environment: desk(a, cluster, "desk-a")).status == 0)

        // Online: desk b is refused before the first screen, and keeps the mark.
        let refused = try b.piped(["call", "粤B12345"], input: ".quit\n", environment: desk(b, cluster, "desk-b"))
        #expect(refused.status == 1)
        #expect(refused.output.contains("asked not to be called (勿扰), as desk desk-a recorded"), "\(refused.output)")
        #expect(try b.sqlite("SELECT do_not_call FROM customers WHERE plate = '粤B12345'") == "1")
        let wrong = try b.piped(["call", "粤B67890"], input: ".quit\n", environment: desk(b, cluster, "desk-b"))
        #expect(wrong.status == 1 && wrong.output.contains("was a wrong number on desk desk-a"), "\(wrong.output)")
        #expect(try b.sqlite("SELECT phone_invalid FROM customers WHERE plate = '粤B67890'") == "1")

        // Offline: desk c cannot ask, so it calls only its agent's own customers and says so.
        try cluster.stop()
        _ = try c.sqlite("UPDATE customers SET agent = '小李' WHERE plate = '粤B12345'")
        let unassigned = try c.piped(["call", "粤B67890"], input: ".quit\n", environment: desk(c, cluster, "desk-c"))
        #expect(unassigned.status == 1)
        #expect(unassigned.output.contains("offline, this desk calls only customers assigned to 小李, and 粤B67890 is assigned to nobody"),
                "\(unassigned.output)")
        let own = try c.piped(["call", "粤B12345"], input: ".quit\n", environment: desk(c, cluster, "desk-c"))
        #expect(own.status == 0 && own.output.contains("中心库暂时连不上"), "\(own.output)")
        // Within one sync of the server's return, desk c honours both refusals.
        try cluster.start()
        let synced = try c.piped(["sync"], input: "", environment: desk(c, cluster, "desk-c"))
        #expect(synced.status == 0 && synced.output.contains("2 customers marked from other desks' refusals"), "\(synced.output)")
        #expect(try c.sqlite("SELECT plate FROM customers WHERE do_not_call = 1 OR phone_invalid = 1 ORDER BY plate") == "粤A11111\n粤B12345\n粤B67890")
    }

    @Test func aWrongNumberNoLongerRefusesOnceTheDeskHasANewPhone() throws {
        let cluster = try ThrowawayCluster()
        let (a, b) = try open(cluster)
        #expect(try a.piped(["call", "粤B67890"], input: ".end wrong_number\n", environment: desk(a, cluster, "desk-a")).status == 0)
        #expect(try a.piped(["sync"], input: "", environment: desk(a, cluster, "desk-a")).status == 0)
        _ = try b.sqlite("UPDATE customers SET phone = '13600002222' WHERE plate = '粤B67890'")
        let called = try b.piped(["call", "粤B67890"], input: ".quit\n", environment: desk(b, cluster, "desk-b"))
        #expect(called.status == 0, "a new number is called: \(called.output)")
    }

    /// `call --next` past a queue whose top is held on other desks or refused there: it asks the queue again in growing
    /// pages (10, then 40, then 160), passes each of those customers once, in the queue's order, and takes the first
    /// free one, the 61st.
    @Test func callNextPagesPastSixtyCustomersHeldOrRefusedElsewhere() throws {
        let cluster = try ThrowawayCluster()
        let (_, b) = try open(cluster)
        let inDays = { (days: Int) in LocalDay.string(Date().addingTimeInterval(Double(days) * 86_400)) }
        _ = try b.store.upsert((1...70).map { i in
            Customer(plate: "粤D" + String(format: "%05d", i), name: "客户\(i)", phone: "1390000" + String(format: "%04d", i),
                     commercialExpiry: inDays(3 + (i * 37) % 70), grade: ["A", "B", "C", nil][i % 4], agent: i % 5 == 0 ? " 小李" : "小李")
        })
        let queue = try RenewalQueue.build(store: b.store, today: Date(), plan: .dealer, agent: "小李").map(\.customer.plate)
        #expect(queue.count == 70)
        let refused = [queue[4], queue[30]], held = queue.prefix(60).filter { !refused.contains($0) }
        let central = try cluster.connect()
        for plate in held {
            _ = try central.execute("INSERT INTO leases (customer_key, desk, agent, until) VALUES ('\(plate)', 'desk-a', '小王', now() + interval '20 minutes')")
        }
        for plate in refused {
            _ = try central.execute("INSERT INTO refusals (customer_key, kind, desk, call_id) VALUES ('\(plate)', 'do_not_call', 'desk-a', 1)")
        }
        let next = try b.piped(["call", "--next"], input: ".end thinking\n", environment: desk(b, cluster, "desk-b"))
        #expect(next.status == 0, "\(next.output)")
        #expect(try b.sqlite("SELECT c.plate FROM calls k JOIN customers c ON c.id = k.customer_id") == queue[60])
        // Each passed customer is said once, in the queue's order: none asked twice, none skipped.
        let passed = next.output.split(separator: "\n").filter { $0.hasSuffix("; taking the next customer") }
        #expect(passed.count == 60, "\(next.output)")
        for (line, plate) in zip(passed, queue.prefix(60)) {
            #expect(line.contains(plate), "\(line) should name \(plate)")
            #expect(line.contains(refused.contains(plate) ? "asked not to be called (勿扰), as desk desk-a recorded" : "is being called by 小王 at desk desk-a"))
        }
        #expect(try b.sqlite("SELECT count(*) FROM customers WHERE do_not_call = 1 AND plate LIKE '粤D%'") == "2", "the refusals are kept here")
    }
}

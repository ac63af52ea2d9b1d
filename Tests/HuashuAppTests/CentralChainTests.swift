import Foundation
import HuashuCentral
import Testing

/// Tamper evidence beyond the desk: central records each pushed call's chain
/// head as it arrives, and `verify` on a desk compares its log with it, so a
/// log re-chained by hand (every hash recomputed) is caught.
@Suite("the team floor: chain heads on central", .serialized)
struct CentralChainTests {
    @Test func aDeskReChainedByHandIsCaughtAndNamedWhileAnUntouchedOnePassesAndAnOfflineOneSaysItCouldNotCompare() throws {
        let cluster = try ThrowawayCluster()
        let a = try LogTamperTests.twoCalls(), b = try LogTamperTests.twoCalls()
        #expect(try a.piped(["central", "init", cluster.url], input: "").status == 0)
        for (fixture, name) in [(a, "desk-a"), (b, "desk-b")] {
            #expect(try fixture.piped(["sync"], input: "", environment: cluster.desk(name)).status == 0)
        }
        #expect(try cluster.value("SELECT string_agg(desk || ':' || call_id || '@' || seq, ' ' ORDER BY desk, call_id) FROM chain_heads")
                == "desk-a:1@5 desk-a:2@3 desk-b:1@5 desk-b:2@3", "each pushed call's newest step, per desk")
        let before = try a.piped(["verify"], input: "", environment: cluster.desk("desk-a"))
        #expect(before.status == 0, "\(before.output)")
        #expect(before.output.contains("call log intact: 2 calls, 8 steps; matches the central store \(cluster.url) at the chain heads of 2 pushed calls (desk desk-a)"),
                "\(before.output)")

        // Desk a's agent changes a note and recomputes every hash and link: its own chain holds again.
        _ = try a.sqlite("DROP TRIGGER call_steps_no_update; UPDATE call_steps SET note = '客户说已在别家续保' WHERE id = 4;")
        try LogTamperTests.rechain(a)
        #expect(try a.piped(["verify"], input: "").status == 0, "without central, a re-chained log passes its own walk")
        // A sync after the rewrite sends nothing over what central recorded.
        #expect(try a.piped(["sync"], input: "", environment: cluster.desk("desk-a")).status == 0)
        let caught = try a.piped(["verify"], input: "", environment: cluster.desk("desk-a"))
        #expect(caught.status == 1, "\(caught.output)")
        #expect(caught.output.contains("call #1 step 5: central \(cluster.url): not the step pushed to central (recorded there "), "\(caught.output)")
        #expect(caught.output.contains("the call's log was rewritten on this desk after it was pushed"), "\(caught.output)")
        #expect(caught.output.contains("call #2 step 3: central \(cluster.url): its link differs from the one pushed to central"),
                "the next call's own hashes agree, but its link runs through the rewritten call: \(caught.output)")
        #expect(caught.output.contains("2 problem(s) in 2 calls, 8 steps: the log was altered"), "\(caught.output)")
        let one = try a.piped(["verify", "2"], input: "", environment: cluster.desk("desk-a"))
        #expect(one.status == 1 && !one.output.contains("call #1 step 5"), "only the call asked for: \(one.output)")

        // Hiding the desk from central does not make the rewrite pass: a renamed or deleted desk name is said, not cleared.
        _ = try a.sqlite("UPDATE central_desk SET name = 'desk-z'")
        let renamed = try a.piped(["verify"], input: "", environment: cluster.desk("desk-z"))
        #expect(renamed.status == 2, "\(renamed.output)")
        #expect(renamed.output.contains("central holds no chain heads for desk desk-z, though this desk pushed its steps up to #"), "\(renamed.output)")
        _ = try a.sqlite("DELETE FROM central_desk")
        let nameless = try a.piped(["verify"], input: "", environment: cluster.desk("desk-a"))
        #expect(nameless.status == 2, "\(nameless.output)")
        #expect(nameless.output.contains("this desk's name on central is missing, though its steps up to #"), "\(nameless.output)")

        // The untouched desk passes; central itself, holding what was pushed, is intact.
        #expect(try b.piped(["verify"], input: "", environment: cluster.desk("desk-b")).status == 0)
        let onCentral = try a.piped(["verify", "--db", cluster.url], input: "")
        #expect(onCentral.status == 0, "\(onCentral.output)")

        // Offline: the desk says it could not compare, and what it did check.
        try cluster.stop()
        let offline = try b.piped(["verify"], input: "", environment: cluster.desk("desk-b"))
        #expect(offline.status == 2, "\(offline.output)")
        #expect(offline.output.contains("this desk's call log is intact by its own chain: 2 calls, 8 steps"), "\(offline.output)")
        #expect(offline.output.contains("NOT compared with the central store: cannot connect to the central store"), "\(offline.output)")
    }

    @Test func noRoleRewritesARecordedChainHeadAndCentralsVerifyChecksStepsAgainstThem() throws {
        let cluster = try ThrowawayCluster()
        let a = try LogTamperTests.twoCalls()
        #expect(try a.piped(["central", "init", cluster.url], input: "").status == 0)
        #expect(try a.piped(["central", "grant", "agent7", "--role", "agent", "--desk", "desk-a", "--central", cluster.url], input: "").status == 0)
        let agent = cluster.url(as: "agent7")
        #expect(try a.piped(["sync", "--central", agent, "--desk", "desk-a"], input: "").status == 0)
        let asAgent = try CentralConnection(url: agent), asOwner = try cluster.connect()
        #expect(try asAgent.execute("SELECT count(*) FROM chain_heads").first?.first == "2", "an agent reads its own desk's heads")
        for statement in ["UPDATE chain_heads SET hash = 'x'", "DELETE FROM chain_heads",
                          "INSERT INTO chain_heads (desk, call_id, seq, step_id, hash, link) VALUES ('desk-a', 9, 1, 99, 'x', 'y')"] {
            #expect(throws: CentralError.self, "agent7: \(statement)") { try asAgent.execute(statement) }
        }
        for statement in ["UPDATE chain_heads SET hash = 'x'", "UPDATE chain_heads SET seq = seq - 1", "DELETE FROM chain_heads", "TRUNCATE chain_heads"] {
            #expect(throws: CentralError.self, "even the owner: \(statement)") { try asOwner.execute(statement) }
        }
        #expect(try cluster.value("SELECT string_agg(call_id || '@' || seq, ' ' ORDER BY call_id) FROM chain_heads") == "1@5 2@3")

        // A step changed on central with its rules turned off by hand no longer matches the head recorded on arrival.
        try asOwner.executeScript("""
            ALTER TABLE call_steps DISABLE TRIGGER USER; UPDATE call_steps SET hash = md5(hash) WHERE call_id = 2 AND seq = 3;
            ALTER TABLE call_steps ENABLE TRIGGER USER;
            """, what: "tampering on central")
        let central = try a.piped(["verify", "--db", cluster.url], input: "")
        #expect(central.status == 1)
        #expect(central.output.contains("desk desk-a: call #2 step 3: not the step whose chain head the central store recorded when it arrived"),
                "\(central.output)")
    }
}

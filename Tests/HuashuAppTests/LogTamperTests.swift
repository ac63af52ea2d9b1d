import Foundation
@testable import HuashuStore
import Testing

/// The ways to alter the call log with the sqlite3 shell, each one found by
/// `huashu verify` (or, for a log rewritten with every hash recomputed, by
/// `verify --seal` with a seal taken before).
@Suite("verify finds every kind of tampering", .serialized)
struct LogTamperTests {
    /// Two ended calls: #1 lost (steps #1…#5, a note at step 4), #2 thinking (steps #6…#8).
    static func twoCalls() throws -> Fixture {
        let fixture = try Fixture()
        #expect(try fixture.piped(["call", "粤B12345"], input: "1\n1\n.note 客户说下周再联系\n.end lost price 平安\n").status == 0)
        #expect(try fixture.piped(["call", "粤B67890"], input: "1\n.end thinking\n").status == 0)
        #expect(try fixture.sqlite("SELECT count(*) FROM call_steps") == "8")
        #expect(try verify(fixture).status == 0)
        return fixture
    }

    static func verify(_ fixture: Fixture, _ extra: String...) throws -> (status: Int32, output: String) {
        try fixture.piped(["verify"] + extra, input: "")
    }

    static func seal(_ fixture: Fixture) throws -> String {
        try fixture.piped(["seal"], input: "").output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Recomputes every step's hash and link after an edit, as someone who read the source would.
    static func rechain(_ fixture: Fixture) throws {
        let hasher = SHA256()
        var sql = "DROP TRIGGER IF EXISTS call_steps_no_update;"
        var previousLink: [UInt8] = []
        var lastHash: [Int64: [UInt8]] = [:]
        let calls = try Int64.init(fixture.sqlite("SELECT max(id) FROM calls")) ?? 0
        var steps: [StepRecord] = []
        for call in 1...calls { steps += try fixture.store.steps(of: call) }
        for var step in steps.sorted(by: { $0.id! < $1.id! }) {
            step.hash = try #require(hasher.digest(fields: step.hashedValues, after: lastHash[step.callID] ?? []))
            var row: [ArraySlice<UInt8>]?
            if step.seq == 1, let call = try fixture.store.call(step.callID) {
                row = [String(call.id), String(call.customerID), call.agent, call.startedAt, call.scriptVersion, call.training ? "1" : "0",
                       call.context].map { ArraySlice($0.utf8) }
            }
            let link = try #require(LogChain.link(hasher, id: step.id!, previous: previousLink[...], hash: step.hash[...], call: row))
            sql += "UPDATE call_steps SET hash = x'\(SHA256.hex(step.hash))', link = x'\(SHA256.hex(link))' WHERE id = \(step.id!);"
            lastHash[step.callID] = step.hash
            previousLink = link
        }
        _ = try fixture.sqlite(sql + LogChain.triggers[0].sql + ";")
    }

    @Test func editingAStepsText() throws {
        let fixture = try Self.twoCalls()
        _ = try fixture.sqlite("DROP TRIGGER call_steps_no_update; UPDATE call_steps SET note = '改过了' WHERE id = 4;")
        let result = try Self.verify(fixture)
        #expect(result.status == 1)
        #expect(result.output.contains("call #1 step 4: its content was changed after it was logged"))
        #expect(result.output.contains("call_steps_no_update was removed"))
    }

    @Test func deletingACallsLastStep() throws {
        let fixture = try Self.twoCalls()
        _ = try fixture.sqlite("DROP TRIGGER call_steps_no_delete; DELETE FROM call_steps WHERE id = 5;")
        let result = try Self.verify(fixture)
        #expect(result.status == 1)
        #expect(result.output.contains("call #2 step 1: steps #5…#5 of the log are missing (deleted)"))
        #expect(result.output.contains("call #1: its row says outcome = 'lost', but its log says NULL"))
    }

    @Test func deletingTheNewestStep() throws {
        let fixture = try Self.twoCalls()
        _ = try fixture.sqlite("DROP TRIGGER call_steps_no_delete; DELETE FROM call_steps WHERE id = 8;")
        let result = try Self.verify(fixture)
        #expect(result.status == 1)
        #expect(result.output.contains("the newest steps #8…#8 of the log are missing (deleted)"))
    }

    @Test func deletingTheNewestStepAndCoveringEveryTrackIsFoundByTheSeal() throws {
        let fixture = try Self.twoCalls()
        let seal = try Self.seal(fixture)
        let fixed = LogChain.triggers.first { $0.name == "calls_fixed" }!.sql
        _ = try fixture.sqlite("""
            DROP TRIGGER call_steps_no_delete; DROP TRIGGER calls_fixed; DELETE FROM call_steps WHERE id = 8;
            UPDATE sqlite_sequence SET seq = 7 WHERE name = 'call_steps';
            UPDATE calls SET outcome = NULL, ended_at = NULL WHERE id = 2;
            \(LogChain.triggers[1].sql); \(fixed);
            """)
        #expect(try Self.verify(fixture).status == 0, "without a seal, a tail removed with every track covered cannot be seen")
        let sealed = try Self.verify(fixture, "--seal", seal)
        #expect(sealed.status == 1)
        #expect(sealed.output.contains("the log ends at step #7, before the seal \(seal)"))
    }

    @Test func deletingAWholeCallAndTheNextCallNeverReusesItsID() throws {
        let fixture = try Self.twoCalls()
        _ = try fixture.sqlite("""
            DROP TRIGGER call_steps_no_delete; DROP TRIGGER calls_no_delete;
            DELETE FROM call_steps WHERE call_id = 2; DELETE FROM follow_ups WHERE call_id = 2; DELETE FROM calls WHERE id = 2;
            \(LogChain.triggers[1].sql); \(LogChain.triggers[2].sql);
            """)
        #expect(try fixture.piped(["call", "粤B67890"], input: "1\n.end thinking\n").status == 0)
        #expect(try fixture.sqlite("SELECT group_concat(id) FROM calls") == "1,3", "the deleted call's id is not given again")
        let result = try Self.verify(fixture)
        #expect(result.status == 1)
        #expect(result.output.contains("calls #2…#2 are missing (deleted)"))
        #expect(result.output.contains("call #3 step 1: steps #6…#8 of the log are missing (deleted)"))
    }

    @Test func editingAStepAndRecomputingEveryHashIsFoundByTheSeal() throws {
        let fixture = try Self.twoCalls()
        let seal = try Self.seal(fixture)
        #expect(try Self.verify(fixture, "--seal", seal).output.contains("passes through the seal"))
        _ = try fixture.sqlite("DROP TRIGGER call_steps_no_update; UPDATE call_steps SET note = '客户说已在别家续保' WHERE id = 4;")
        try Self.rechain(fixture)
        #expect(try Self.verify(fixture).status == 0, "a rewritten log is consistent in itself: only a seal kept outside can tell")
        let sealed = try Self.verify(fixture, "--seal", seal)
        #expect(sealed.status == 1)
        #expect(sealed.output.contains("does not pass through the seal \(seal)"))
    }

    /// A report reads the step's typed columns: one changed, even with every hash recomputed over it, disagrees with the events.
    @Test func changingAStepsTypedColumn() throws {
        let fixture = try Self.twoCalls()
        _ = try fixture.sqlite("DROP TRIGGER call_steps_no_update; UPDATE call_steps SET outcome = 'won' WHERE id = 5;")
        let edited = try Self.verify(fixture)
        #expect(edited.status == 1)
        #expect(edited.output.contains("call #1 step 5: its content was changed after it was logged"))
        #expect(edited.output.contains("call #1 step 5: its typed columns do not say what its events say"))
        try Self.rechain(fixture)
        let rechained = try Self.verify(fixture)
        #expect(rechained.status == 1, "found without a seal: the columns are checked against the events")
        #expect(rechained.output.contains("call #1 step 5: its typed columns do not say what its events say"))
    }

    @Test func changingACallsOutcomeInItsRow() throws {
        let fixture = try Self.twoCalls()
        // The row's ending follows the log (facts recorded after the goodbye, an ending taken back), so the
        // trigger guards only the row as begun; verify compares the ending with the log.
        let refused = try Fixture.run("/usr/bin/sqlite3", [fixture.database, "UPDATE calls SET agent = '小王' WHERE id = 1"],
                                      environment: fixture.environment)
        #expect(refused.status != 0, "a call's row as begun is fixed")
        _ = try fixture.sqlite("UPDATE calls SET outcome = 'won', loss_reason = NULL, lost_to = NULL WHERE id = 1; DROP TRIGGER calls_fixed;")
        let result = try Self.verify(fixture)
        #expect(result.status == 1)
        #expect(result.output.contains("call #1: its row says outcome = 'won', but its log says 'lost'"))
        #expect(result.output.contains("call #1: its row says lost_to = NULL, but its log says '平安'"))
        #expect(result.output.contains("calls_fixed was removed"))
    }

    @Test func givingAnUnfinishedCallAnOutcome() throws {
        let fixture = try Self.twoCalls()
        _ = try fixture.piped(["call", "粤B12345"], input: "1\n.quit\n")
        _ = try fixture.sqlite("UPDATE calls SET outcome = 'won', ended_at = '2026-12-01T10:00:00.000Z' WHERE id = 3;")
        let result = try Self.verify(fixture)
        #expect(result.status == 1)
        #expect(result.output.contains("call #3: its row says outcome = 'won', but its log says NULL"))
    }

    @Test func droppingTheAppendOnlyRules() throws {
        let fixture = try Self.twoCalls()
        _ = try fixture.sqlite("DROP TRIGGER call_steps_no_delete; DROP TRIGGER calls_no_delete;")
        let result = try Self.verify(fixture)
        #expect(result.status == 1)
        #expect(result.output.contains("the append-only rule call_steps_no_delete was removed"))
        #expect(result.output.contains("the append-only rule calls_no_delete was removed"))
    }

    @Test func editingACallsRowAsBegun() throws {
        let fixture = try Self.twoCalls()
        _ = try fixture.sqlite("DROP TRIGGER calls_fixed; UPDATE calls SET agent = '小王' WHERE id = 2;")
        let result = try Self.verify(fixture)
        #expect(result.output.contains("call #2 step 1: its link in the log does not hold"))
    }

    @Test func aBadSealIsAClearError() throws {
        let fixture = try Self.twoCalls()
        let result = try Self.verify(fixture, "--seal", "not-a-seal")
        #expect(result.status == 1)
        #expect(result.output.contains("--seal wants the code `huashu seal` printed"))
        let out = fixture.folder.appendingPathComponent("seal.txt").path
        let written = try fixture.piped(["seal", "--out", out], input: "")
        #expect(written.status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == written.output.split(separator: "\n")[0] + "\n")
        #expect(try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int == 0o600)
    }
}

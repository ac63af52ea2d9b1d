import Foundation
@testable import HuashuCentral
import HuashuStore
import Testing

/// `huashu central init` and `huashu sync` against a real PostgreSQL server of the test's own.
@Suite("the central store: init and sync")
struct CentralSyncTests {
    /// Logs `calls` ended calls of `steps` steps each on the desk, an audit row and a follow-up per call,
    /// straight into its SQLite file (the append-only rules allow inserts).
    func logCalls(_ fixture: Fixture, calls: Int, steps: Int, ended: Bool = true) throws {
        let ending = ended ? "'2026-12-01T10:05:00+08:00', 'won'" : "NULL, NULL"
        _ = try fixture.sqlite("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(calls))
            INSERT INTO calls (customer_id, agent, started_at, ended_at, outcome, script_version, training, context)
              SELECT 1 + i % 2, '小李', '2026-12-01T10:00:00+08:00', \(ending), 'v1', 0, '{}' FROM n;
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(steps))
            INSERT INTO call_steps (call_id, seq, at, input_kind, input, stage, node, shown, events, state, prev_hash, hash, link)
              SELECT c.id, n.i, '2026-12-01T10:01:00+08:00', 'answer', '太贵了', 'opening', 'n' || n.i, '您好', '[]', '{}', 'p', 'h', 'l'
              FROM calls c, n WHERE NOT EXISTS (SELECT 1 FROM call_steps s WHERE s.call_id = c.id) ORDER BY c.id, n.i;
            INSERT INTO follow_ups (customer_id, call_id, kind, due_at)
              SELECT customer_id, id, 'callback', '2026-12-03' FROM calls WHERE id NOT IN (SELECT call_id FROM follow_ups);
            INSERT INTO audit (at, agent, action, customer_id, call_id, detail) VALUES ('2026-12-01T10:06:00+08:00', '小李', 'note', 1, NULL, 'x');
            """)
    }

    func sync(_ fixture: Fixture, _ cluster: ThrowawayCluster, desk: String = "desk-a", _ extra: [String] = [],
              environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try fixture.piped(["sync", "--central", cluster.url, "--desk", desk] + extra, input: "", environment: environment)
    }

    /// Every pushed table's ids on the desk, and on the central store for `desk`.
    func localIDs(_ fixture: Fixture, _ table: PushedTable) throws -> [Int64] {
        try fixture.sqlite("SELECT id FROM \(table.rawValue) ORDER BY id").split(separator: "\n").compactMap { Int64($0) }
    }

    func centralIDs(_ cluster: ThrowawayCluster, _ table: PushedTable, desk: String = "desk-a") throws -> [Int64] {
        try cluster.ids("SELECT id FROM \(table.rawValue) WHERE desk = '\(desk)' ORDER BY id")
    }

    func expectLevel(_ fixture: Fixture, _ cluster: ThrowawayCluster, desk: String = "desk-a", _ comment: Comment? = nil) throws {
        for table in PushedTable.allCases {
            let local = try localIDs(fixture, table), central = try centralIDs(cluster, table, desk: desk)
            #expect(local == central, "\(table.rawValue): no gap, no duplicate \(comment.map { "(\($0))" } ?? "")")
            #expect(!local.isEmpty)
        }
    }

    @Test func initTwiceIsFineAndANewerSchemaIsRefused() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        let first = try fixture.piped(["central", "init", cluster.url], input: "")
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("central schema now at version \(CentralSchema.version)"))
        #expect(first.output.contains("export HUASHU_CENTRAL='\(cluster.url)'"))
        let second = try fixture.piped(["central", "init", cluster.url], input: "")
        #expect(second.status == 0)
        #expect(second.output.contains("already has huashu's central schema"))
        #expect(try cluster.value("SELECT count(*) FROM schema_migrations") == String(CentralSchema.version))

        // A store another build set up, its migration 7 another one than this build's: said, not upgraded wrongly.
        try cluster.connect().execute("UPDATE schema_migrations SET name = 'a branch build''s seventh' WHERE version = 7")
        for command in [["central", "init", cluster.url], ["sync", "--central", cluster.url]] {
            let refused = try fixture.piped(command, input: "")
            #expect(refused.status == 1)
            #expect(refused.output.contains("has migration 7 \"a branch build's seventh\" where this huashu has \"\(CentralSchema.migrations[6].name)\""),
                    "\(refused.output)")
        }
        try cluster.connect().execute("UPDATE schema_migrations SET name = $1 WHERE version = 7", [CentralSchema.migrations[6].name])

        try cluster.connect().execute("INSERT INTO schema_migrations (version, name) VALUES (99, 'from the future')")
        for command in [["central", "init", cluster.url], ["sync", "--central", cluster.url]] {
            let refused = try fixture.piped(command, input: "")
            #expect(refused.status == 1)
            #expect(refused.output.contains("has schema version 99, newer than this huashu knows (\(CentralSchema.version))"), "\(refused.output)")
        }
    }

    @Test func aSyncBeforeInitSaysSo() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        let result = try sync(fixture, cluster)
        #expect(result.status == 1)
        #expect(result.output == "huashu: \(cluster.url) has no huashu schema yet; set it up with `huashu central init URL`\n")
    }

    @Test func aDesksLogGoesUpOnceAndEndingsFollow() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        try logCalls(fixture, calls: 3, steps: 4)
        try logCalls(fixture, calls: 1, steps: 2, ended: false)

        let first = try sync(fixture, cluster)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output == "desk desk-a synced to \(cluster.url): 3 customers, 4 calls, 14 call steps, 4 follow-ups, 2 audit rows sent; "
            + "3 imported customers sent to the team ledger; nothing new from the team ledger\n")
        try expectLevel(fixture, cluster)
        #expect(try cluster.value("SELECT count(*) FROM calls WHERE outcome IS NULL") == "1")
        #expect(try cluster.value("SELECT input FROM call_steps WHERE desk = 'desk-a' AND id = 1") == "太贵了")

        // Nothing new: the open call and the open follow-ups are offered again, and nothing changes.
        let second = try sync(fixture, cluster)
        #expect(second.status == 0)
        #expect(second.output.contains(": 0 customers, 0 calls, 0 call steps, 0 follow-ups, 0 audit rows sent"), "\(second.output)")
        try expectLevel(fixture, cluster, "second sync")

        // The open call ends and a follow-up is done: only those columns follow, once.
        _ = try fixture.sqlite("UPDATE calls SET ended_at = '2026-12-01T11:00:00+08:00', outcome = 'lost' WHERE id = 4;"
            + "UPDATE follow_ups SET done_at = '2026-12-02' WHERE id = 1")
        let third = try sync(fixture, cluster)
        #expect(third.output.contains(": 0 customers, 1 calls, 0 call steps, 1 follow-ups, 0 audit rows sent"), "\(third.output)")
        #expect(try cluster.value("SELECT outcome FROM calls WHERE desk = 'desk-a' AND id = 4") == "lost")
        #expect(try cluster.value("SELECT done_at FROM follow_ups WHERE desk = 'desk-a' AND id = 1") == "2026-12-02")
        let marks = try fixture.sqlite("SELECT pushed_table, last_id FROM central_push_marks ORDER BY pushed_table")
        #expect(marks == "audit|2\ncall_steps|14\ncalls|4\ncustomers|3\nfollow_ups|1", "the marks: \(marks)")
        try expectLevel(fixture, cluster, "after the endings")
    }

    @Test func aSyncKilledMidPushLeavesNoDuplicateAndNoGap() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        try logCalls(fixture, calls: 20, steps: 30)
        for killAt in [1, 97, 350] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Fixture.binary)
            process.arguments = ["sync", "--central", cluster.url, "--desk", "desk-a", "--batch", "1"]
            process.environment = fixture.environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            var pushed = 0
            while process.isRunning && pushed < killAt {
                pushed = Int(try cluster.value("SELECT count(*) FROM call_steps") ?? "0") ?? 0
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(pushed < 600, "killed mid-push at \(killAt)")
            try logCalls(fixture, calls: 1, steps: 5)
        }
        let rerun = try sync(fixture, cluster, ["--batch", "7"])
        #expect(rerun.status == 0, "\(rerun.output)")
        #expect(rerun.output.contains("call steps: "), "progress on a long push: \(rerun.output)")
        try expectLevel(fixture, cluster, "after SIGKILLs")
        #expect(try cluster.value("SELECT count(*) FROM call_steps") == "615")
    }

    /// A push of many batches reads the next while the server takes the current one: the mark still stops
    /// before the first call that may change, whichever batch it falls in, and every row arrives once.
    @Test func aPushOfManyBatchesKeepsItsMarkBeforeTheFirstOpenCall() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        try logCalls(fixture, calls: 4, steps: 3)
        try logCalls(fixture, calls: 1, steps: 3, ended: false)
        try logCalls(fixture, calls: 6, steps: 3)
        let first = try sync(fixture, cluster, ["--batch", "3"])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("calls: 11 of 11 pushed") && first.output.contains("call steps: 33 of 33 pushed"), "\(first.output)")
        try expectLevel(fixture, cluster)
        #expect(try fixture.sqlite("SELECT last_id FROM central_push_marks WHERE pushed_table = 'calls'") == "4", "before call 5, still open")
        #expect(try fixture.sqlite("SELECT last_id FROM central_push_marks WHERE pushed_table = 'call_steps'") == "33")

        _ = try fixture.sqlite("UPDATE calls SET ended_at = '2026-12-01T11:00:00+08:00', outcome = 'lost' WHERE id = 5")
        let second = try sync(fixture, cluster, ["--batch", "2"])
        #expect(second.output.contains(": 0 customers, 1 calls, 0 call steps"), "only call 5 changed: \(second.output)")
        #expect(try cluster.value("SELECT outcome FROM calls WHERE desk = 'desk-a' AND id = 5") == "lost")
        #expect(try fixture.sqlite("SELECT last_id FROM central_push_marks WHERE pushed_table = 'calls'") == "11")
        try expectLevel(fixture, cluster, "after the open call ended")
    }

    @Test func aStoppedServerChangesNothingOnTheDeskAndSyncCatchesUpAfter() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        try logCalls(fixture, calls: 2, steps: 3)
        #expect(try sync(fixture, cluster).status == 0)
        try cluster.stop()
        try logCalls(fixture, calls: 2, steps: 3)
        let before = try fixture.sqlite(".dump")
        let offline = try sync(fixture, cluster)
        #expect(offline.status == 1)
        #expect(offline.output.hasPrefix("huashu: cannot connect to the central store \(cluster.url): connection to server on socket"), "\(offline.output)")
        #expect(offline.output.split(separator: "\n").count == 1, "one line: \(offline.output)")
        #expect(try fixture.sqlite(".dump") == before, "the desk's database is as it was")
        try cluster.start()
        #expect(try sync(fixture, cluster).status == 0)
        try expectLevel(fixture, cluster, "after the restart")
    }

    @Test func passwordsComeFromPgpassAndAreNeverShown() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster(password: "s3cret-pw")
        let pgpass = fixture.folder.appendingPathComponent(".pgpass").path
        func withPassword(_ password: String) throws {
            try "*:*:*:huashu:\(password)\n".write(toFile: pgpass, atomically: true, encoding: .utf8)
            chmod(pgpass, 0o600)
        }
        try withPassword("wrong-pw")
        let wrong = try fixture.piped(["central", "init", cluster.url], input: "")
        #expect(wrong.status == 1)
        #expect(wrong.output.contains("cannot connect to the central store \(cluster.url):"))
        #expect(wrong.output.contains("password authentication failed for user \"huashu\""), "\(wrong.output)")
        #expect(!wrong.output.contains("wrong-pw"))

        let inURL = "postgresql://huashu:s3cret-pw@/postgres?host=\(cluster.folder)"
        let refused = try fixture.piped(["central", "init", inURL], input: "")
        #expect(refused.status == 1)
        #expect(refused.output.contains("address carries a password; take it out and put it in ~/.pgpass"))
        #expect(!refused.output.contains("s3cret-pw"), "the password is never printed")
        let keyValue = try fixture.piped(["sync", "--central", "host=\(cluster.folder) user=huashu password=s3cret-pw"], input: "")
        #expect(keyValue.status == 1 && keyValue.output.contains("carries a password") && !keyValue.output.contains("s3cret-pw"))

        try withPassword("s3cret-pw")
        let right = try fixture.piped(["central", "init", cluster.url], input: "")
        #expect(right.status == 0, "\(right.output)")
        try logCalls(fixture, calls: 1, steps: 2)
        let synced = try sync(fixture, cluster)
        #expect(synced.status == 0 && !synced.output.contains("s3cret-pw"), "\(synced.output)")
    }

    @Test func anUnreachableSocketOrABadAddressIsSaidInOneLine() throws {
        let fixture = try Fixture()
        let nowhere = "postgresql://huashu@/postgres?host=/tmp/huashu-no-server-here"
        let result = try fixture.piped(["sync", "--central", nowhere], input: "")
        #expect(result.status == 1)
        #expect(result.output == "huashu: cannot connect to the central store \(nowhere): connection to server on socket "
            + "\"/tmp/huashu-no-server-here/.s.PGSQL.5432\" failed: No such file or directory\n", "\(result.output)")
        let garbled = try fixture.piped(["central", "init", "postgresql://huashu@/postgres?bogus_option=1"], input: "")
        #expect(garbled.status == 1)
        #expect(garbled.output.contains("is not a PostgreSQL connection string"), "\(garbled.output)")
        let none = try fixture.piped(["sync"], input: "")
        #expect(none.status == 1 && none.output.contains("no central store named"), "\(none.output)")
    }

    @Test func twoDesksKeepTheirRowsApart() throws {
        let (a, b) = (try Fixture(), try Fixture())
        let cluster = try ThrowawayCluster()
        #expect(try a.piped(["central", "init", cluster.url], input: "").status == 0)
        try logCalls(a, calls: 3, steps: 2)
        try logCalls(b, calls: 2, steps: 5)
        #expect(try sync(a, cluster, desk: "desk-a").status == 0)
        #expect(try sync(b, cluster, desk: "desk-b").status == 0)
        try expectLevel(a, cluster, desk: "desk-a")
        try expectLevel(b, cluster, desk: "desk-b")
        #expect(try cluster.value("SELECT string_agg(name, ',' ORDER BY name) FROM desks") == "desk-a,desk-b")
        // A desk keeps the name of its first sync.
        let renamed = try sync(a, cluster, desk: "desk-c")
        #expect(renamed.status == 1)
        #expect(renamed.output.contains("already syncs as desk `desk-a`"), "\(renamed.output)")
    }

    @Test func aCentralStoreRestoredFromAnOlderBackupGetsWhatItLostAgain() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        try logCalls(fixture, calls: 3, steps: 4)
        #expect(try sync(fixture, cluster).status == 0)
        let backup = fixture.folder.appendingPathComponent("central.sql").path
        let bin = "/usr/lib/postgresql/15/bin/"
        let dump = try Fixture.run(bin + "pg_dump", ["-h", cluster.folder, "-U", "huashu", "-d", "postgres", "-f", backup], environment: [:])
        #expect(dump.status == 0, "\(dump.output)")

        try logCalls(fixture, calls: 2, steps: 3)
        #expect(try sync(fixture, cluster).status == 0)
        #expect(try cluster.value("SELECT count(*) FROM calls") == "5")

        // The server is restored from the backup taken before the second push.
        let psql = ["-h", cluster.folder, "-U", "huashu", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-q"]
        #expect(try Fixture.run(bin + "psql", psql + ["-c", "DROP SCHEMA team CASCADE; DROP SCHEMA public CASCADE; CREATE SCHEMA public"],
                                environment: [:]).status == 0)
        let restore = try Fixture.run(bin + "psql", psql + ["-f", backup], environment: [:])
        #expect(restore.status == 0, "\(restore.output)")
        #expect(try cluster.value("SELECT count(*) FROM calls") == "3")

        let again = try sync(fixture, cluster)
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.contains("the central store has this desk's calls only up to #3, not #5 as pushed (restored from an older backup?)"),
                "\(again.output)")
        #expect(again.output.contains(": 0 customers, 2 calls, 6 call steps, 2 follow-ups, 1 audit rows sent"), "\(again.output)")
        try expectLevel(fixture, cluster, "after the restore")
        #expect(try cluster.ids("SELECT number FROM call_numbers ORDER BY number") == [1, 2, 3, 4, 5])
        let quiet = try sync(fixture, cluster)
        #expect(!quiet.output.contains("restored"), "said only when behind: \(quiet.output)")
    }

    @Test func textWithTabsNewlinesBackslashesAndNullMarkersArrivesAsWritten() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        let detail = "a\tb\nc\\d\\N e\r f 客户说\"不要\""
        try fixture.store.audit(agent: "小李\t", action: "note", customerID: nil, callID: nil, detail: detail, at: Date())
        try fixture.store.audit(agent: "小李", action: "note", customerID: nil, callID: nil, detail: nil, at: Date())
        #expect(try sync(fixture, cluster).status == 0)
        let rows = try cluster.connect().execute("SELECT agent, detail FROM audit ORDER BY id")
        #expect(rows.map { $0[0] } == ["小李\t", "小李"])
        #expect(rows.map { $0[1] } == [detail, nil])
    }
}

extension CentralSyncTests {
    /// A cell PostgreSQL would refuse (a NUL, GBK bytes, a cut sequence), written by hand into the desk's SQLite,
    /// goes up repaired as a String read it (cut at the NUL, broken bytes as U+FFFD) and never stops the push.
    @Test func textWithNulOrBrokenUTF8GoesUpRepairedAndTheSyncAfterStillWorks() throws {
        let fixture = try Fixture()
        let cluster = try ThrowawayCluster()
        #expect(try fixture.piped(["central", "init", cluster.url], input: "").status == 0)
        try logCalls(fixture, calls: 1, steps: 3)
        _ = try fixture.sqlite("""
            INSERT INTO call_steps (call_id, seq, at, input_kind, input, stage, node, shown, events, state, prev_hash, hash, link)
              SELECT 1, 3 + n, '2026-12-01T10:02:00+08:00', 'answer', input, 'opening', 'm', '您好', '[]', '{}', 'p', 'h', 'l'
              FROM (SELECT 1 AS n, CAST(X'D5C5C8FD' AS TEXT) AS input UNION ALL SELECT 2, CAST(X'E5A4AA' || X'E8B4' AS TEXT)
                    UNION ALL SELECT 3, CAST(X'E5A4AA' || X'00' || X'E8B4B5' AS TEXT));
            INSERT INTO audit (at, agent, action, customer_id, call_id, detail)
              VALUES ('2026-12-01T10:07:00+08:00', CAST(X'C0' || X'41' AS TEXT), 'note', 1, NULL, CAST(X'00' || X'41' AS TEXT));
            """)
        let first = try sync(fixture, cluster)
        #expect(first.status == 0, "\(first.output)")
        let steps = try cluster.connect().execute("SELECT input FROM call_steps WHERE desk = 'desk-a' AND seq > 3 ORDER BY seq")
        #expect(steps.map { $0[0] } == ["\u{FFFD}\u{FFFD}\u{FFFD}\u{FFFD}", "太\u{FFFD}", "太"])
        let audit = try cluster.connect().execute("SELECT agent, detail FROM audit WHERE desk = 'desk-a' ORDER BY id")
        #expect(audit.last.map { [$0[0], $0[1]] } == ["\u{FFFD}A", ""])
        try logCalls(fixture, calls: 1, steps: 2)
        let second = try sync(fixture, cluster)
        #expect(second.status == 0, "\(second.output)")
        try expectLevel(fixture, cluster, "after a repaired push")
    }
}

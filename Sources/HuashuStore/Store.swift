import CSQLiteTuning
import Foundation
import GRDB
import HuashuEngine

/// The SQLite file every agent's process writes: customers, calls, the
/// append-only call log and follow-ups. WAL and a busy timeout let several
/// agents share one file; every step is committed before the next screen.
public final class Store: Sendable {
    public let path: String
    let pool: DatabasePool

    /// The newest schema this build knows; a file with a newer one is refused.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: customers, calls, steps, follow-ups") { db in
            try db.execute(sql: Schema.version1)
        }
        migrator.registerMigration("v2: rehearsal customers") { db in
            try db.execute(sql: "ALTER TABLE customers ADD COLUMN training INTEGER NOT NULL DEFAULT 0")
        }
        // A call opened by phone, ID or name, and the follow-ups a new call closes, found through an
        // index instead of a scan of every customer or every open follow-up.
        migrator.registerMigration("v2-scale: lookup indexes") { db in
            try db.execute(sql: """
                CREATE INDEX customers_by_phone ON customers(phone);
                CREATE INDEX customers_by_id_number ON customers(id_number);
                CREATE INDEX customers_by_name ON customers(name);
                CREATE INDEX follow_ups_open_by_customer ON follow_ups(customer_id) WHERE done_at IS NULL;
                """)
        }
        migrator.registerMigration("v3-log: one chain through every step, ids never reused, call rows fixed") { db in
            try Schema.chainEveryStep(db)
        }
        migrator.registerMigration("v3-trainer: abandoned rehearsals") { db in
            try db.execute(sql: "ALTER TABLE calls ADD COLUMN abandoned_at TEXT")
        }
        migrator.registerMigration("v3-calls: phone_invalid and leads on customers, facts on calls") { db in
            try db.execute(sql: """
                ALTER TABLE customers ADD COLUMN phone_invalid INTEGER NOT NULL DEFAULT 0;
                UPDATE customers SET phone_invalid = 1 WHERE (
                  SELECT outcome FROM calls WHERE customer_id = customers.id AND outcome IS NOT NULL AND training = 0
                  ORDER BY started_at DESC, id DESC LIMIT 1) = 'wrong_number';
                ALTER TABLE calls ADD COLUMN facts TEXT;
                ALTER TABLE customers ADD COLUMN lead_from_call INTEGER;
                """)
        }
        migrator.registerMigration("v3-ledger: company contact columns, change history, review list") { db in
            try db.execute(sql: Schema.ledgerReview)
        }
        migrator.registerMigration("v4-central: push marks") { db in
            try db.execute(sql: Schema.pushMarks)
        }
        // The monthly report's outcome and agent figures read the month's calls from the index alone:
        // through `calls_by_start`, each call was a page read of its row, in random order.
        migrator.registerMigration("v5-scale: the month's calls read from one index") { db in
            try db.execute(sql: """
                DROP INDEX calls_by_start;
                CREATE INDEX calls_by_start ON calls(started_at, training, agent, outcome, customer_id, ended_at);
                """)
        }
        migrator.registerMigration("v5-ledger: insurer and premium per policy") { db in
            // A stored vehicle with one policy's date has that policy's insurer and premium.
            try db.execute(sql: """
                ALTER TABLE customers ADD COLUMN commercial_insurer TEXT;
                ALTER TABLE customers ADD COLUMN commercial_premium TEXT;
                ALTER TABLE customers ADD COLUMN compulsory_insurer TEXT;
                ALTER TABLE customers ADD COLUMN compulsory_premium TEXT;
                UPDATE customers SET commercial_insurer = last_insurer, commercial_premium = last_premium
                  WHERE commercial_expiry IS NOT NULL AND compulsory_expiry IS NULL;
                UPDATE customers SET compulsory_insurer = last_insurer, compulsory_premium = last_premium
                  WHERE compulsory_expiry IS NOT NULL AND commercial_expiry IS NULL;
                """)
        }
        migrator.registerMigration("v5-log: typed step columns, hashes as bytes, no state or previous hash on new steps") { db in
            try Schema.typedSteps(db)
        }
        // `queue --agent` and `call --next` find an agent's customers (or the unassigned) through
        // an index on the name as the queue compares it (`QueueQuery`), not by reading every customer.
        migrator.registerMigration("v5-renewal: customers by agent") { db in
            try db.execute(sql: "CREATE INDEX customers_by_agent ON customers(trim(agent))")
        }
        // The monthly report reads what the month holds, whatever the years before it hold: the objection and
        // rebuttal rows of the month's calls (`HandlerUses`); each due customer's calls from one covering index
        // (how many, the latest, the season's result); the follow-ups due in the month by their due time; the
        // month's leads and the phones to correct from the few customers that are either.
        migrator.registerMigration("v6-report: the month's objections, rebuttals, customers' calls, follow-ups and leads read by index") { db in
            try db.execute(sql: HandlerUses.schema)
            try db.execute(sql: HandlerUses.backfill)
            try db.execute(sql: """
                CREATE INDEX calls_by_customer_live ON calls(customer_id, training, started_at, outcome);
                CREATE INDEX follow_ups_by_due ON follow_ups(due_at, kind, done_at, call_id);
                CREATE INDEX customers_leads ON customers(lead_from_call) WHERE lead_from_call IS NOT NULL;
                CREATE INDEX customers_phone_invalid ON customers(id) WHERE phone_invalid = 1;
                """)
        }
        migrator.registerMigration("v6-central: pull marks, follow-ups from other desks, customers changed since pushed") { db in
            try db.execute(sql: Schema.teamLedger)
        }
        // The report's outcome, agent, objection and rebuttal figures read the month's few kept rows in key order
        // (`ReportMonthFigures`) instead of sorting every call and report row of the month.
        migrator.registerMigration("v7-report: the month's call, customer and handler figures kept as the log is written") { db in
            try db.execute(sql: ReportMonthFigures.schema)
            try db.execute(sql: ReportMonthFigures.backfill)
            try db.execute(sql: ReportMonthFigures.triggers)
        }
        migrator.registerMigration("v7-team: follow-ups from other desks done here, to mark done on their booking desk") { db in
            try db.execute(sql: Schema.followUpsDoneHere)
        }
        // The call list reads each customer's latest calls and earliest open follow-up from one row kept beside
        // the customer (`QueueFacts`), one scan for a million customers instead of three index lookups each.
        migrator.registerMigration("v7-queue: each customer's latest calls and first open follow-up kept for the call list") { db in
            try db.execute(sql: QueueFacts.schemaV7)
            try db.execute(sql: QueueFacts.backfill(agent: false))
        }
        // v7-report's month keys were the local month's date at midnight UTC, not its first moment: the report never read
        // them outside UTC, and a month's calls near its edges were keyed by another zone's month.
        migrator.registerMigration("v7-report: month figures keyed by the local month's first moment") { db in
            try ReportMonthFigures.rekey(db)
        }
        // `call --next` reads the agent's follow-ups in due order, which come first in the queue, and stops at the first
        // that is listed, instead of reading every one of the agent's customers (`QueueQuery.followUpsFirst`).
        migrator.registerMigration("v8-queue: each agent's open follow-ups by due time, for call --next") { db in
            try db.execute(sql: QueueFacts.agentColumn)
        }
        // The report's due list reads one row kept per customer (`ReportCustomers`): a month's report on years of calls
        // costs what it costs on the month's, not a count and a sort of each due customer's every call and follow-up.
        migrator.registerMigration("v8-report: each customer's call count, latest call, results and first open follow-up kept for the due list") { db in
            try db.execute(sql: ReportCustomers.schema)
            try db.execute(sql: ReportCustomers.backfill)
        }
        // Central hands out its changes by transaction and number (`ChangeMark`), so a change committed late is still
        // pulled; and a follow-up central refused to mark done waits for this desk's next call to the customer.
        migrator.registerMigration("v8-team: pull marks by central's transaction; refused done-marks wait for a call") { db in
            try db.execute(sql: Schema.pullMarksByTransaction)
            try db.execute(sql: Schema.refusedDoneMarksWait)
        }
        // Before v8 the done-elsewhere pull asked again from 10,000 below its mark, for changes committed late; the move
        // to transaction marks kept the bare mark, so a late one from before v8 within that overlap is asked for again.
        migrator.registerMigration("v8-team: the done-elsewhere mark from before v8 keeps its overlap") { db in
            try db.execute(sql: Schema.doneElsewhereOverlap)
        }
        return migrator
    }()

    /// The schema this build writes: the number of migrations it knows.
    public static var schemaVersion: Int { migrator.migrations.count }

    /// For a dry run, which must leave the file as it was: when opening the
    /// database at `path` would migrate it to this version's schema (or
    /// `always`: a team desk's dry run pulls the team ledger into its copy),
    /// copies it to `scratch` (where the migration may happen) and returns true.
    /// The copy has the whole schema and every row but the call log's steps and
    /// what is kept from them (`logOnlyTables`): an import never reads those, and
    /// at 10M steps they are gigabytes. The caller removes `scratch` (and its
    /// `-wal`, `-shm`) either way.
    public static func copyIfOutdated(_ path: String, to scratch: String, always: Bool = false) throws(StoreError) -> Bool {
        _ = tuned
        do {
            var config = Configuration()
            config.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: config)
            return try queue.inDatabase { db in
                guard try always || !migrator.hasCompletedMigrations(db) else { return false }
                // Customers' phone and ID numbers: the copy is made 0600 first, as the database itself is.
                try createPrivately(scratch)
                // The copy attaches the desk's file while this read-only connection holds it open, so the copy's
                // closing never checkpoints the desk's file: it stays byte for byte as it was.
                try copyWithoutLog(path, to: scratch)
                return true
            }
        } catch {
            throw StoreError(describing: error, path: path)
        }
    }

    /// The call log's steps and the figures kept from the log: left empty in a dry run's copy.
    static let logOnlyTables: Set<String> = ["call_steps", "audit", "call_handler_uses", "report_month_outcomes",
                                             "report_month_customers", "report_month_handlers"]

    /// The database at `path` as it is (schema and migration records), its rows but `logOnlyTables`' copied into
    /// `scratch`: tables, then rows, then indexes, views and triggers (so no trigger fires on a copied row).
    private static func copyWithoutLog(_ path: String, to scratch: String) throws {
        var config = Configuration()
        config.foreignKeysEnabled = false
        let copy = try DatabaseQueue(path: scratch, configuration: config)
        try copy.writeWithoutTransaction { target in
            try target.execute(sql: "ATTACH DATABASE ? AS desk", arguments: [path])
            try target.inTransaction {
                let objects = try Row.fetchAll(target, sql: """
                    SELECT type, name, sql FROM desk.sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                    ORDER BY type <> 'table', type = 'trigger', rowid
                    """)
                for object in objects where object["type"] as String == "table" {
                    try target.execute(sql: object["sql"])
                    let name: String = object["name"]
                    guard !logOnlyTables.contains(name) else { continue }
                    let quoted = name.quotedDatabaseIdentifier
                    try target.execute(sql: "INSERT INTO main.\(quoted) SELECT * FROM desk.\(quoted)")
                }
                if try Bool.fetchOne(target, sql: "SELECT count(*) > 0 FROM desk.sqlite_master WHERE name = 'sqlite_sequence'") == true {
                    try target.execute(sql: "DELETE FROM main.sqlite_sequence")
                    try target.execute(sql: "INSERT INTO main.sqlite_sequence SELECT * FROM desk.sqlite_sequence")
                }
                for object in objects where object["type"] as String != "table" { try target.execute(sql: object["sql"]) }
                return .commit
            }
            try target.execute(sql: "DETACH DATABASE desk")
        }
    }

    /// How long a write waits for another agent's process to finish its own, in seconds.
    static let busyTimeout: TimeInterval = 10

    /// Set once, before the first connection: SQLite takes process-wide settings only then.
    private static let tuned: Void = { _ = huashu_sqlite_without_memory_statistics() }()

    /// Opens (creating with mode 0600 if needed) and migrates the database. A live
    /// call passes `busyWait`: its writes wait as long as another process holds
    /// the file, instead of failing after `busyTimeout`.
    public convenience init(path: String, busyWait: BusyWait? = nil) throws(StoreError) {
        try self.init(path: path, busyWait: busyWait, statements: nil)
    }

    /// `statements` hears every statement any connection runs, its values written in: the tests read
    /// the query plans of exactly the SQL a command runs.
    init(path: String, busyWait: BusyWait?, statements: (@Sendable (String) -> Void)?) throws(StoreError) {
        self.path = path
        _ = Self.tuned
        try Self.createPrivately(path)
        var config = Configuration()
        config.busyMode = busyWait.map { .callback($0.callback()) } ?? .timeout(Self.busyTimeout)
        config.foreignKeysEnabled = true
        config.publicStatementArguments = statements != nil
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if let statements { db.trace { statements($0.expandedDescription) } }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            // On the writer's connection: a reader's left open in the pool would keep a first import from leaving the log.
            let (applied, bytes) = try pool.write { db in
                if try Self.migrator.hasBeenSuperseded(db) {
                    throw StoreError("\(path) was written by a newer version of huashu; update huashu to use it")
                }
                return (try Self.migrator.appliedIdentifiers(db), try (Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0))
            }
            try Self.migrate(pool, path: path, applied: applied, bytes: bytes)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(describing: error, path: path)
        }
    }

    /// A file this large takes a while to bring up to this version's schema (a migration may fill a new table from
    /// every call: about two minutes at ten million steps), so it is said on standard error, a line per migration.
    /// `HUASHU_MIGRATION_PROGRESS_BYTES` sets another size (the tests say it of a small file).
    static var largeFile: Int {
        ProcessInfo.processInfo.environment["HUASHU_MIGRATION_PROGRESS_BYTES"].flatMap { Int($0) } ?? 256 << 20
    }

    /// `applied`: the migrations the file has; `bytes`: its size.
    private static func migrate(_ pool: DatabasePool, path: String, applied: Set<String>, bytes: Int) throws {
        let pending = migrator.migrations.filter { !applied.contains($0) }
        // Up to date, as nearly every open finds it: no second writer access.
        guard !pending.isEmpty else { return }
        guard !applied.isEmpty, bytes >= largeFile else { return try migrator.migrate(pool) }
        let say = { (text: String) in FileHandle.standardError.write(Data(text.utf8)) }
        say("huashu: updating \(path) (\(bytes >> 20) MB) to this version's schema, \(pending.count) step(s); on a large file this takes minutes\n")
        let began = Date()
        for identifier in pending {
            let start = Date()
            say("  \(identifier) ...")
            try migrator.migrate(pool, upTo: identifier)
            say(String(format: " %.1f s\n", Date().timeIntervalSince(start)))
        }
        say(String(format: "huashu: the database is up to date (%.0f s)\n", Date().timeIntervalSince(began)))
    }

    private static func createPrivately(_ path: String) throws(StoreError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError("cannot create the folder \(folder) for the database: \(error.localizedDescription)")
            }
        }
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
        if fd < 0 && errno != EEXIST {
            throw StoreError("cannot create the database \(path): \(String(cString: strerror(errno)))")
        }
        if fd >= 0 { close(fd) }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try explained { try pool.write(body) }
    }

    /// A write whose statements commit one by one: for a single statement, which is its own transaction.
    func writeWithoutTransaction<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try explained { try pool.writeWithoutTransaction(body) }
    }

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        try explained { try pool.read(body) }
    }

    /// Runs database work, turning GRDB's errors into words a user can act on.
    private func explained<T>(_ work: () throws -> T) throws(StoreError) -> T {
        do {
            return try work()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(describing: error, path: path)
        }
    }
}

/// How a live call waits for a database another process holds (a long import
/// on a slow disk, a supervisor's sqlite3 shell): as long as it takes, saying
/// so once after `noticeAfter`, and stopping only when `giveUp` says the
/// agent asked to (then the write fails as busy and the caller offers to
/// leave the call resumable). The step is never half written: SQLite only
/// commits once it holds the lock.
public struct BusyWait: Sendable {
    public let noticeAfter: TimeInterval
    public let notice: @Sendable () -> Void
    public let giveUp: @Sendable () -> Bool

    public init(noticeAfter: TimeInterval, notice: @escaping @Sendable () -> Void, giveUp: @escaping @Sendable () -> Bool) {
        self.noticeAfter = noticeAfter
        self.notice = notice
        self.giveUp = giveUp
    }

    /// SQLite's busy handler: called again and again while the lock is held, `tries` from 0 for each wait.
    func callback() -> Database.BusyCallback {
        let wait = Waiting()
        return { tries in
            let elapsed = wait.elapsed(restart: tries == 0)
            if giveUp() { return false }
            if elapsed >= noticeAfter && wait.firstNotice() { notice() }
            // Short sleeps first, so a step behind a small commit waits little; then 10 ms.
            usleep(tries < 20 ? 1_000 : 10_000)
            return true
        }
    }

    /// When the current wait began and whether it was announced; SQLite may call from any connection's thread.
    private final class Waiting: @unchecked Sendable {
        private let lock = NSLock()
        private var start = Date()
        private var noticed = false

        func elapsed(restart: Bool) -> TimeInterval {
            lock.withLock {
                if restart { (start, noticed) = (Date(), false) }
                return Date().timeIntervalSince(start)
            }
        }

        func firstNotice() -> Bool {
            lock.withLock {
                defer { noticed = true }
                return !noticed
            }
        }
    }
}

/// A database problem said in words a user can act on.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let description: String
    /// Another process held the database; trying again later may work.
    public private(set) var isBusy = false

    public init(_ description: String) {
        self.description = description
    }

    init(describing error: Error, path: String) {
        if let db = error as? DatabaseError {
            switch db.resultCode {
            case .SQLITE_NOTADB:
                self.init("\(path) is not a huashu database (not an SQLite file)")
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
                self.init("cannot write to the database \(path): \(db.message ?? "read-only or no permission")")
            case .SQLITE_CORRUPT:
                self.init("the database \(path) is damaged: \(db.message ?? "corrupt")")
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                self.init("the database \(path) is busy: another program holds it (waited \(Int(Store.busyTimeout)) seconds, or until asked to stop)")
                isBusy = true
            case .SQLITE_FULL:
                self.init(Self.diskFull(path))
            case .SQLITE_IOERR where Self.hasNoRoom(beside: path):
                self.init(Self.diskFull(path))
            default:
                self.init("database \(path): \(db.message ?? "\(db.resultCode)")")
            }
        } else {
            self.init("database \(path): \(error)")
        }
    }

    static func diskFull(_ path: String) -> String {
        "the disk holding the database \(path) is full: nothing more could be written; free some space and try again"
    }

    /// A write error on a file system with (almost) no room left: SQLite often says only `disk I/O error`.
    private static func hasNoRoom(beside path: String) -> Bool {
        var info = statvfs()
        let folder = (path as NSString).deletingLastPathComponent
        guard statvfs(folder.isEmpty ? "." : folder, &info) == 0 else { return false }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize) < 1 << 20
    }
}

enum Schema {
    /// What an import changed in a stored customer, field by field, and what it held back for a
    /// person to decide: conflicting names and phones, cells that failed their check.
    static let ledgerReview = """
    ALTER TABLE customers ADD COLUMN contact TEXT;
    ALTER TABLE customers ADD COLUMN holder_type TEXT;
    ALTER TABLE customers ADD COLUMN last_cover TEXT;
    ALTER TABLE customers ADD COLUMN sum_insured TEXT;
    ALTER TABLE customers ADD COLUMN address TEXT;
    CREATE TABLE customer_changes (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers(id),
        field TEXT NOT NULL,
        old TEXT,
        new TEXT,
        file TEXT NOT NULL,
        row INTEGER,
        at TEXT NOT NULL
    );
    CREATE INDEX customer_changes_by_customer ON customer_changes(customer_id, id);
    CREATE TABLE ledger_review (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers(id),
        kind TEXT NOT NULL,
        field TEXT NOT NULL,
        stored TEXT,
        given TEXT,
        message TEXT NOT NULL,
        file TEXT NOT NULL,
        row INTEGER,
        at TEXT NOT NULL,
        resolved_at TEXT,
        resolution TEXT
    );
    CREATE INDEX ledger_review_open ON ledger_review(resolved_at, customer_id);
    """

    static let version1 = """
    CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        plate TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        honorific TEXT,
        phone TEXT,
        id_number TEXT,
        model TEXT,
        last_insurer TEXT,
        last_premium TEXT,
        commercial_expiry TEXT,
        compulsory_expiry TEXT,
        claims INTEGER,
        violations INTEGER,
        grade TEXT,
        type TEXT,
        agent TEXT,
        vehicle_use TEXT,
        notes TEXT,
        extra TEXT,
        do_not_call INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE calls (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers(id),
        agent TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        script_version TEXT NOT NULL,
        training INTEGER NOT NULL DEFAULT 0,
        context TEXT NOT NULL,
        outcome TEXT,
        loss_reason TEXT,
        lost_to TEXT,
        quote TEXT
    );
    CREATE INDEX calls_by_customer ON calls(customer_id, started_at);
    CREATE INDEX calls_by_start ON calls(started_at);
    CREATE TABLE call_steps (
        id INTEGER PRIMARY KEY,
        call_id INTEGER NOT NULL REFERENCES calls(id),
        seq INTEGER NOT NULL,
        at TEXT NOT NULL,
        input_kind TEXT NOT NULL,
        input TEXT,
        answer_id TEXT,
        handler_id TEXT,
        note TEXT,
        stage TEXT NOT NULL,
        node TEXT NOT NULL,
        shown TEXT NOT NULL,
        events TEXT NOT NULL,
        state TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL,
        UNIQUE (call_id, seq)
    );
    CREATE TRIGGER call_steps_no_update BEFORE UPDATE ON call_steps
    BEGIN SELECT RAISE(ABORT, 'the call log is append-only: record a correction as a new step'); END;
    CREATE TRIGGER call_steps_no_delete BEFORE DELETE ON call_steps
    BEGIN SELECT RAISE(ABORT, 'the call log is append-only: record a correction as a new step'); END;
    CREATE TABLE follow_ups (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers(id),
        call_id INTEGER REFERENCES calls(id),
        kind TEXT NOT NULL,
        due_at TEXT NOT NULL,
        done_at TEXT
    );
    CREATE INDEX follow_ups_open ON follow_ups(done_at, due_at);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        agent TEXT NOT NULL,
        action TEXT NOT NULL,
        customer_id INTEGER,
        call_id INTEGER,
        detail TEXT
    );
    """
}

extension Schema {
    /// Rebuilds `call_steps` with the typed columns `CallLogCodec.Columns` names, filled for every
    /// existing row by the codec from its events, and with `state` and `prev_hash` optional: steps logged
    /// from now on keep neither (the state is rebuilt from the events) and hold their hash and link as bytes.
    /// Existing rows keep every byte they were hashed over, so their chain and any seal taken still hold;
    /// the counter of ids issued is carried over as it stood.
    static func typedSteps(_ db: Database) throws {
        let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'call_steps'")
        try db.execute(sql: """
            CREATE TABLE call_steps_v5 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                call_id INTEGER NOT NULL REFERENCES calls(id),
                seq INTEGER NOT NULL,
                at TEXT NOT NULL,
                input_kind TEXT NOT NULL,
                input TEXT,
                answer_id TEXT,
                handler_id TEXT,
                note TEXT,
                stage TEXT NOT NULL,
                node TEXT NOT NULL,
                shown TEXT NOT NULL,
                events TEXT NOT NULL,
                entered TEXT,
                raised TEXT,
                answered TEXT,
                returned_to TEXT,
                outcome TEXT,
                hash BLOB NOT NULL,
                link BLOB NOT NULL,
                state TEXT,
                prev_hash TEXT,
                UNIQUE (call_id, seq)
            );
            """)
        let rows = try db.makeStatement(sql: "SELECT id, events FROM call_steps ORDER BY id")
        let insert = try db.makeStatement(sql: """
            INSERT INTO call_steps_v5 (id, call_id, seq, at, input_kind, input, answer_id, handler_id, note, stage, node, shown, events,
              entered, raised, answered, returned_to, outcome, hash, link, state, prev_hash)
            SELECT id, call_id, seq, at, input_kind, input, answer_id, handler_id, note, stage, node, shown, events,
              ?, ?, ?, ?, ?, hash, link, state, prev_hash FROM call_steps WHERE id = ?
            """)
        let cursor = try Row.fetchCursor(rows)
        while let row = try cursor.next() {
            let columns = CallLogCodec.Columns(CallLogCodec.events(row["events"] ?? "") ?? [])
            try insert.execute(arguments: StatementArguments(columns.values) + [row["id"] as Int64])
        }
        try db.execute(sql: """
            DROP TABLE call_steps;
            ALTER TABLE call_steps_v5 RENAME TO call_steps;
            """)
        if let issued {
            try db.execute(sql: """
                DELETE FROM sqlite_sequence WHERE name = 'call_steps';
                INSERT INTO sqlite_sequence (name, seq) VALUES ('call_steps', ?);
                """, arguments: [issued])
        }
        for trigger in LogChain.triggers where trigger.name.hasPrefix("call_steps") { try db.execute(sql: trigger.sql) }
    }

    /// Rebuilds `calls` and `call_steps` with AUTOINCREMENT ids (a deleted
    /// call's id is never given to the next), adds each step's `link` through
    /// every step so far (in id order, over the rows as they stand), and puts
    /// the append-only triggers in place, `calls` included.
    static func chainEveryStep(_ db: Database) throws {
        try db.execute(sql: """
            DROP TRIGGER IF EXISTS call_steps_no_update;
            DROP TRIGGER IF EXISTS call_steps_no_delete;
            CREATE TABLE calls_v3 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                customer_id INTEGER NOT NULL REFERENCES customers(id),
                agent TEXT NOT NULL,
                started_at TEXT NOT NULL,
                ended_at TEXT,
                script_version TEXT NOT NULL,
                training INTEGER NOT NULL DEFAULT 0,
                context TEXT NOT NULL,
                outcome TEXT,
                loss_reason TEXT,
                lost_to TEXT,
                quote TEXT
            );
            INSERT INTO calls_v3 (id, customer_id, agent, started_at, ended_at, script_version, training, context, outcome, loss_reason, lost_to, quote)
              SELECT id, customer_id, agent, started_at, ended_at, script_version, training, context, outcome, loss_reason, lost_to, quote FROM calls;
            CREATE TABLE call_steps_v3 (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                call_id INTEGER NOT NULL REFERENCES calls(id),
                seq INTEGER NOT NULL,
                at TEXT NOT NULL,
                input_kind TEXT NOT NULL,
                input TEXT,
                answer_id TEXT,
                handler_id TEXT,
                note TEXT,
                stage TEXT NOT NULL,
                node TEXT NOT NULL,
                shown TEXT NOT NULL,
                events TEXT NOT NULL,
                state TEXT NOT NULL,
                prev_hash TEXT NOT NULL,
                hash TEXT NOT NULL,
                link TEXT NOT NULL,
                UNIQUE (call_id, seq)
            );
            """)
        let hasher = SHA256()
        let rows = RawRows(try db.makeStatement(sql: """
            SELECT s.id, s.seq, s.hash, c.\(LogChain.callColumns.replacingOccurrences(of: ", ", with: ", c."))
            FROM call_steps s LEFT JOIN calls c ON c.id = s.call_id ORDER BY s.id
            """))
        let insert = try db.makeStatement(sql: """
            INSERT INTO call_steps_v3 SELECT id, call_id, seq, at, input_kind, input, answer_id, handler_id, note, stage, node,
              shown, events, state, prev_hash, hash, ? FROM call_steps WHERE id = ?
            """)
        var previous: [UInt8] = []
        while try rows.next(db) {
            let id = rows.int(0)
            let call = rows.int(1) == 1 ? (3..<10).map { rows.bytes(Int32($0)) } : nil
            guard let link = LogChain.linkBeforeV5(hasher, id: id, previous: previous, hash: rows.bytes(2), call: call) else {
                throw StoreError("the call log could not be hashed (out of memory)")
            }
            try insert.execute(arguments: [String(decoding: link, as: UTF8.self), id])
            previous = LogChain.bytes(hex: link)
        }
        try db.execute(sql: """
            DROP TABLE call_steps;
            DROP TABLE calls;
            ALTER TABLE calls_v3 RENAME TO calls;
            ALTER TABLE call_steps_v3 RENAME TO call_steps;
            CREATE INDEX calls_by_customer ON calls(customer_id, started_at);
            CREATE INDEX calls_by_start ON calls(started_at);
            """)
        for trigger in LogChain.triggers { try db.execute(sql: trigger.sql) }
    }
}

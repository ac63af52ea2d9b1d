import CSQLiteTuning
import Foundation
import GRDB

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
        migrator.registerMigration("v3-ledger: phone_invalid, company contact columns, change history, review list") { db in
            try db.execute(sql: Schema.ledgerReview)
        }
        return migrator
    }()

    /// Where the database lives when no `--db` is given: `$HUASHU_DB`, else
    /// `$XDG_DATA_HOME/huashu/huashu.sqlite`, else `~/.local/share/huashu/huashu.sqlite`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["HUASHU_DB"], !path.isEmpty { return path }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return dataHome + "/huashu/huashu.sqlite"
    }

    /// For a dry run, which must leave the file as it was: when opening the
    /// database at `path` would migrate it to this version's schema, copies
    /// it to `scratch` (where the migration may happen) and returns true.
    /// The caller removes `scratch` (and its `-wal`, `-shm`) either way.
    public static func copyIfOutdated(_ path: String, to scratch: String) throws(StoreError) -> Bool {
        _ = tuned
        do {
            var config = Configuration()
            config.readonly = true
            let queue = try DatabaseQueue(path: path, configuration: config)
            return try queue.inDatabase { db in
                guard try !migrator.hasCompletedMigrations(db) else { return false }
                // Customers' phone and ID numbers: the copy is made 0600 first, as the database itself is.
                try createPrivately(scratch)
                try db.execute(sql: "VACUUM INTO ?", arguments: [scratch])
                return true
            }
        } catch {
            throw StoreError(describing: error, path: path)
        }
    }

    /// How long a write waits for another agent's process to finish its own, in seconds.
    static let busyTimeout: TimeInterval = 10

    /// Set once, before the first connection: SQLite takes process-wide settings only then.
    private static let tuned: Void = { _ = huashu_sqlite_without_memory_statistics() }()

    /// Opens (creating with mode 0600 if needed) and migrates the database.
    public init(path: String) throws(StoreError) {
        self.path = path
        _ = Self.tuned
        try Self.createPrivately(path)
        var config = Configuration()
        config.busyMode = .timeout(Self.busyTimeout)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try pool.write { db in
                if try Self.migrator.hasBeenSuperseded(db) {
                    throw StoreError("\(path) was written by a newer version of huashu; update huashu to use it")
                }
            }
            try Self.migrator.migrate(pool)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(describing: error, path: path)
        }
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

/// A database problem said in words a user can act on.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let description: String

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
                self.init("the database \(path) stayed busy for 10 seconds; another program holds it")
            default:
                self.init("database \(path): \(db.message ?? "\(db.resultCode)")")
            }
        } else {
            self.init("database \(path): \(error)")
        }
    }
}

enum Schema {
    /// What an import changed in a stored customer, field by field, and what it held back for a
    /// person to decide: conflicting names and phones, cells that failed their check.
    static let ledgerReview = """
    ALTER TABLE customers ADD COLUMN phone_invalid INTEGER NOT NULL DEFAULT 0;
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

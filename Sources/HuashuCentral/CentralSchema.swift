/// The central store's tables, created and upgraded by numbered migrations
/// recorded in `schema_migrations`, as the desk's SQLite is by GRDB's. A
/// migration's text never changes once shipped: a new need is a new one.
public enum CentralSchema {
    static let migrations: [(name: String, sql: String)] = [
        ("desks and what they push", """
            CREATE TABLE desks (
                name text PRIMARY KEY,
                first_sync timestamptz NOT NULL DEFAULT now(),
                last_sync timestamptz NOT NULL DEFAULT now()
            );
            CREATE TABLE calls (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                customer_id bigint NOT NULL,
                agent text NOT NULL,
                started_at text NOT NULL,
                script_version text NOT NULL,
                training bigint NOT NULL,
                context text NOT NULL,
                ended_at text,
                outcome text,
                loss_reason text,
                lost_to text,
                quote text,
                facts text,
                PRIMARY KEY (desk, id)
            );
            CREATE INDEX calls_by_start ON calls (started_at);
            CREATE TABLE call_steps (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                call_id bigint NOT NULL,
                seq bigint NOT NULL,
                at text NOT NULL,
                input_kind text NOT NULL,
                input text,
                answer_id text,
                handler_id text,
                note text,
                stage text NOT NULL,
                node text NOT NULL,
                shown text NOT NULL,
                events text NOT NULL,
                state text NOT NULL,
                prev_hash text NOT NULL,
                hash text NOT NULL,
                link text NOT NULL,
                PRIMARY KEY (desk, id),
                UNIQUE (desk, call_id, seq)
            );
            CREATE TABLE follow_ups (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                customer_id bigint NOT NULL,
                call_id bigint,
                kind text NOT NULL,
                due_at text NOT NULL,
                done_at text,
                PRIMARY KEY (desk, id)
            );
            CREATE TABLE audit (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                at text NOT NULL,
                agent text NOT NULL,
                action text NOT NULL,
                customer_id bigint,
                call_id bigint,
                detail text,
                PRIMARY KEY (desk, id)
            );
            """),
        // A desk's steps logged since its v5 keep no state snapshot and no copy of the previous hash.
        ("steps without state or previous hash", """
            ALTER TABLE call_steps ALTER COLUMN state DROP NOT NULL, ALTER COLUMN prev_hash DROP NOT NULL;
            """),
    ]

    /// The newest schema this build knows.
    public static var version: Int { migrations.count }

    /// Brings the central store to this build's schema, in one transaction, and
    /// returns the versions applied (none when it was already there).
    public static func migrate(_ central: CentralConnection) throws(CentralError) -> [String] {
        try central.transaction { () throws(CentralError) -> [String] in
            try central.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """, what: "creating schema_migrations")
            // Two `central init` at once: the second waits, then finds nothing to do.
            try central.execute("LOCK TABLE schema_migrations IN EXCLUSIVE MODE", what: "locking schema_migrations")
            let current = try checkedVersion(central)
            var applied: [String] = []
            for (index, migration) in migrations.enumerated() where index + 1 > current {
                try central.executeScript(migration.sql, what: "migration \(index + 1) (\(migration.name))")
                try central.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                                    [String(index + 1), migration.name], what: "recording migration \(index + 1)")
                applied.append("\(index + 1): \(migration.name)")
            }
            return applied
        }
    }

    /// Refuses a central store this build cannot push to: none, older, or newer than it knows.
    public static func requireCurrent(_ central: CentralConnection) throws(CentralError) {
        let exists = try central.execute("SELECT to_regclass('schema_migrations') IS NOT NULL", what: "reading the schema version")
        guard exists.first?.first == "t" else {
            throw CentralError("\(central.url) has no huashu schema yet; set it up with `huashu central init URL`")
        }
        let current = try checkedVersion(central)
        guard current == version else {
            throw CentralError("\(central.url) has schema version \(current), this huashu writes \(version); "
                + "upgrade it with `huashu central init URL`")
        }
    }

    /// The applied version, refused when it is newer than this build knows.
    private static func checkedVersion(_ central: CentralConnection) throws(CentralError) -> Int {
        let rows = try central.execute("SELECT coalesce(max(version), 0) FROM schema_migrations", what: "reading the schema version")
        let current = rows.first?.first.flatMap { $0.flatMap { Int($0) } } ?? 0
        guard current <= version else {
            throw CentralError("\(central.url) has schema version \(current), newer than this huashu knows (\(version)); "
                + "update huashu on this machine to use it")
        }
        return current
    }
}

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
        ("customers, team numbers and the team's view", """
            CREATE TABLE customers (
                desk text NOT NULL REFERENCES desks(name),
                id bigint NOT NULL,
                plate text NOT NULL,
                name text NOT NULL,
                honorific text, phone text, id_number text, model text, last_insurer text, last_premium text,
                commercial_expiry text, compulsory_expiry text, claims bigint, violations bigint, grade text, type text,
                agent text, vehicle_use text, notes text, contact text, holder_type text, last_cover text, sum_insured text,
                address text, extra text,
                do_not_call bigint NOT NULL DEFAULT 0,
                phone_invalid bigint NOT NULL DEFAULT 0,
                training bigint NOT NULL DEFAULT 0,
                lead_from_call bigint,
                PRIMARY KEY (desk, id)
            );
            CREATE INDEX customers_by_plate ON customers (plate, desk);
            ALTER TABLE calls ADD COLUMN abandoned_at text;
            CREATE TABLE team_customers (id bigint PRIMARY KEY, plate text NOT NULL UNIQUE);
            CREATE TABLE call_numbers (
                number bigint PRIMARY KEY, desk text NOT NULL, id bigint NOT NULL, UNIQUE (desk, id));
            INSERT INTO call_numbers (number, desk, id) SELECT row_number() OVER (ORDER BY desk, id), desk, id FROM calls;
            CREATE INDEX call_steps_by_call ON call_steps (desk, call_id, seq);
            CREATE INDEX calls_by_customer ON calls (desk, customer_id, started_at);
            CREATE INDEX follow_ups_by_call ON follow_ups (desk, call_id);
            -- The team's store as one desk's: customers by plate, calls by team number, with the
            -- desk's own columns and names, so a supervisor's query reads as it does on a desk.
            CREATE SCHEMA team;
            CREATE VIEW team.customers AS
                SELECT t.id, c.plate, c.name, c.honorific, c.phone, c.id_number, c.model, c.last_insurer, c.last_premium,
                       c.commercial_expiry, c.compulsory_expiry, c.claims, c.violations, c.grade, c.type, c.agent,
                       c.vehicle_use, c.notes, c.contact, c.holder_type, c.last_cover, c.sum_insured, c.address, c.extra,
                       c.do_not_call, c.phone_invalid, c.training, c.lead_from_call
                FROM team_customers t
                JOIN LATERAL (SELECT * FROM customers c WHERE c.plate = t.plate ORDER BY c.desk LIMIT 1) c ON true;
            CREATE VIEW team.calls AS
                SELECT n.number AS id, t.id AS customer_id, c.agent, c.started_at, c.ended_at, c.script_version, c.training,
                       c.context, c.outcome, c.loss_reason, c.lost_to, c.quote, c.facts, c.abandoned_at,
                       c.desk, c.id AS desk_id
                FROM calls c
                JOIN call_numbers n ON n.desk = c.desk AND n.id = c.id
                JOIN customers u ON u.desk = c.desk AND u.id = c.customer_id
                JOIN team_customers t ON t.plate = u.plate;
            CREATE VIEW team.call_steps AS
                SELECT s.id, n.number AS call_id, s.seq, s.at, s.input_kind, s.input, s.answer_id, s.handler_id, s.note,
                       s.stage, s.node, s.shown, s.events, s.state, s.prev_hash, s.hash, s.link, s.desk
                FROM call_steps s JOIN call_numbers n ON n.desk = s.desk AND n.id = s.call_id;
            CREATE VIEW team.follow_ups AS
                SELECT f.id, t.id AS customer_id, n.number AS call_id, f.kind, f.due_at, f.done_at, f.desk
                FROM follow_ups f
                JOIN customers u ON u.desk = f.desk AND u.id = f.customer_id
                JOIN team_customers t ON t.plate = u.plate
                LEFT JOIN call_numbers n ON n.desk = f.desk AND n.id = f.call_id;
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

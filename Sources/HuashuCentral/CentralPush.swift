import HuashuStore

/// Pushes a desk's log to the central store: each table in id order, one
/// transaction per batch, keyed by (desk, local id) so a batch sent again after
/// a crash or a timeout inserts nothing twice. The desk's mark moves only after
/// the server has committed, so a push cut off anywhere resumes without a gap.
public struct CentralPush {
    public let store: Store
    public let central: CentralConnection
    public let desk: String
    /// Rows per transaction on the central store.
    public let batch: Int

    public init(store: Store, central: CentralConnection, desk: String, batch: Int) {
        self.store = store
        self.central = central
        self.desk = desk
        self.batch = batch
    }

    /// Pushes every table (or those named: a call in progress sends its calls and steps); returns how many rows each
    /// sent that the central store did not have as they are. `progress` hears a line after each batch of a push longer than one batch.
    public func run(_ tables: [PushedTable] = PushedTable.allCases, progress: (String) -> Void) throws -> [(table: PushedTable, sent: Int)] {
        try CentralSchema.requireCurrent(central)
        try central.requireOwnDesk(desk)
        try central.execute("""
            INSERT INTO desks (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET last_sync = now()
            """, [desk], what: "registering desk \(desk)")
        return try tables.map { table in (table, try push(table, progress: progress)) }
    }

    private func push(_ table: PushedTable, progress: (String) -> Void) throws -> Int {
        let mark = try behindMark(table, progress: progress)
        let total = try store.rowCount(table, after: mark)
        var cursor = mark, done = 0, sent = 0
        // The last id before the first row that may still change: the mark may move up to it, no further.
        var settledUpTo = mark, settling = true
        let limit = max(1, batch)
        let columns = "desk, " + table.columns.joined(separator: ", ")
        // Each batch is copied into a staging table of the same shape, then inserted from there.
        try central.execute("CREATE TEMP TABLE IF NOT EXISTS staged_\(table.rawValue) (LIKE \(table.rawValue)) ON COMMIT DELETE ROWS",
                            what: "staging \(table.noun)")
        while true {
            let rows = try store.rows(table, after: cursor, limit: limit)
            guard let last = rows.last else { break }
            sent += try central.transaction { () throws(CentralError) -> Int in
                let what = "pushing \(table.noun) \(rows[0].id)-\(last.id) of desk \(desk)"
                try central.copy("COPY staged_\(table.rawValue) (\(columns)) FROM STDIN", rows: rows.map { [desk] + $0.values }, what: what)
                let count = try central.execute(insert(table), what: what).count
                if let numbering = TeamNumbering(table) {
                    try central.execute(numbering.lock, what: what)
                    try central.execute(numbering.insert, [desk, String(rows[0].id), String(last.id)], what: what)
                }
                return count
            }
            let moved = settledUpTo
            for row in rows where settling {
                if row.settled { settledUpTo = row.id } else { settling = false }
            }
            if settledUpTo > moved { try store.setPushMark(table, to: settledUpTo) }
            cursor = last.id
            done += rows.count
            if total > limit { progress("\(table.noun): \(min(done, total)) of \(total) pushed") }
        }
        return sent
    }

    /// The desk's mark, moved back to what the central store holds when that is less: a store
    /// restored from a backup older than the last push gets the rows it lost again. A backup is
    /// one snapshot, and rows go up in id order, so every row up to its newest is there.
    private func behindMark(_ table: PushedTable, progress: (String) -> Void) throws -> Int64 {
        let mark = try store.pushMark(table)
        guard mark > 0 else { return mark }
        let rows = try central.execute("SELECT coalesce(max(id), 0) FROM \(table.rawValue) WHERE desk = $1", [desk],
                                       what: "reading how far desk \(desk)'s \(table.noun) reached")
        let held = rows.first?.first.flatMap { $0.flatMap { Int64($0) } } ?? 0
        guard held < mark else { return mark }
        progress("the central store has this desk's \(table.noun) only up to #\(held), not #\(mark) as pushed "
            + "(restored from an older backup?): sending the rest again")
        try store.setPushMark(table, to: held)
        return held
    }

    /// The statement that moves a staged batch into its table, a row the table has already left as it is.
    private func insert(_ table: PushedTable) -> String {
        let onConflict: String
        if let changing = table.changing {
            let assignments = changing.columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            let stored = changing.columns.map { "\(table.rawValue).\($0)" }.joined(separator: ", ")
            let sent = changing.columns.map { "excluded.\($0)" }.joined(separator: ", ")
            // Only a row that differs is written (and counted); a settled row stays as it was pushed.
            onConflict = "DO UPDATE SET \(assignments) WHERE (\(stored)) IS DISTINCT FROM (\(sent))"
                + (changing.settledBy.map { " AND \(table.rawValue).\($0) IS NULL" } ?? "")
        } else {
            onConflict = "DO NOTHING"
        }
        let columns = "desk, " + table.columns.joined(separator: ", ")
        return "INSERT INTO \(table.rawValue) (\(columns)) SELECT \(columns) FROM staged_\(table.rawValue) ORDER BY id "
            + "ON CONFLICT (desk, id) \(onConflict) RETURNING 1"
    }
}

/// The team's numbers for what every desk numbers on its own: a customer by plate (two desks
/// that imported the same ledger call the same customer), a call by desk and id. Given in push
/// order, one writer at a time, without gaps: a team of one desk sees its own numbers.
struct TeamNumbering {
    let lock: String
    let insert: String

    init?(_ table: PushedTable) {
        switch table {
        case .customers:
            lock = "SELECT pg_advisory_xact_lock(hashtext('huashu team_customers'))"
            insert = """
                INSERT INTO team_customers (id, plate)
                SELECT (SELECT coalesce(max(id), 0) FROM team_customers) + row_number() OVER (ORDER BY c.id), c.plate
                FROM customers c WHERE c.desk = $1 AND c.id BETWEEN $2 AND $3
                  AND NOT EXISTS (SELECT 1 FROM team_customers t WHERE t.plate = c.plate)
                """
        case .calls:
            lock = "SELECT pg_advisory_xact_lock(hashtext('huashu call_numbers'))"
            insert = """
                INSERT INTO call_numbers (number, desk, id)
                SELECT (SELECT coalesce(max(number), 0) FROM call_numbers) + row_number() OVER (ORDER BY c.id), c.desk, c.id
                FROM calls c WHERE c.desk = $1 AND c.id BETWEEN $2 AND $3
                  AND NOT EXISTS (SELECT 1 FROM call_numbers n WHERE n.desk = c.desk AND n.id = c.id)
                """
        case .callSteps, .followUps, .audit:
            return nil
        }
    }
}

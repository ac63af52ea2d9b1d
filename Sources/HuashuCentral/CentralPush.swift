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

    /// Pushes every table; returns how many rows each sent that the central store did not have as they are.
    /// `progress` hears a line after each batch of a push longer than one batch.
    public func run(progress: (String) -> Void) throws -> [(table: PushedTable, sent: Int)] {
        try CentralSchema.requireCurrent(central)
        try central.requireOwnDesk(desk)
        try central.execute("""
            INSERT INTO desks (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET last_sync = now()
            """, [desk], what: "registering desk \(desk)")
        return try PushedTable.allCases.map { table in (table, try push(table, progress: progress)) }
    }

    private func push(_ table: PushedTable, progress: (String) -> Void) throws -> Int {
        let mark = try store.pushMark(table)
        let total = try store.rowCount(table, after: mark)
        var cursor = mark, done = 0, sent = 0
        // The last id before the first row that may still change: the mark may move up to it, no further.
        var settledUpTo = mark, settling = true
        // PostgreSQL takes at most 65,535 parameters in one statement.
        let limit = max(1, min(batch, 65_000 / (table.columns.count + 1)))
        while true {
            let rows = try store.rows(table, after: cursor, limit: limit)
            guard let last = rows.last else { break }
            sent += try central.transaction { () throws(CentralError) -> Int in
                try central.execute(insert(table, rows: rows.count), [desk] + rows.flatMap(\.values),
                                    what: "pushing \(table.noun) \(rows[0].id)-\(last.id) of desk \(desk)").count
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

    /// One statement for a batch: `$1` is the desk, each row's values follow in `table.columns` order.
    private func insert(_ table: PushedTable, rows: Int) -> String {
        let width = table.columns.count
        let tuples = (0..<rows).map { row in
            "($1, " + (0..<width).map { "$\(2 + row * width + $0)" }.joined(separator: ", ") + ")"
        }
        let onConflict: String
        if let changing = table.changing {
            let assignments = changing.columns.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
            // Only what is still open on the central store is filled in; a settled row stays as it was pushed.
            onConflict = "DO UPDATE SET \(assignments) WHERE \(table.rawValue).\(changing.settledBy) IS NULL "
                + "AND excluded.\(changing.settledBy) IS NOT NULL"
        } else {
            onConflict = "DO NOTHING"
        }
        return "INSERT INTO \(table.rawValue) (desk, \(table.columns.joined(separator: ", "))) VALUES "
            + tuples.joined(separator: ", ") + " ON CONFLICT (desk, id) \(onConflict) RETURNING 1"
    }
}

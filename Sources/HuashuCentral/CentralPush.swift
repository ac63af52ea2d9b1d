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
        try central.enter(desk: desk)
        return try tables.map { table in (table, try push(table, progress: progress)) }
    }

    private func push(_ table: PushedTable, progress: (String) -> Void) throws -> Int {
        var held = try centralTop(table)
        let mark = try behindMark(table, held: held, progress: progress)
        let total = try store.rowCount(table, after: mark)
        var done = 0, sent = 0
        // The last id before the first row that may still change: the mark may move up to it, no further.
        var settledUpTo = mark, settling = true
        let limit = max(1, batch)
        let columns = "desk, " + table.columns.joined(separator: ", ")
        // Each batch is copied into a staging table of the same shape, then inserted from there.
        try central.execute("CREATE TEMP TABLE IF NOT EXISTS staged_\(table.rawValue) (LIKE \(table.rawValue)) ON COMMIT DELETE ROWS",
                            what: "staging \(table.noun)")
        let reading = CentralPushReading(store: store, table: table, desk: desk, after: mark, limit: limit, rows: total)
        defer { reading.stop() }
        while let batch = try reading.next() {
            let span = batch.span, top = held
            sent += try central.transaction { () throws(CentralError) -> Int in
                let what = "pushing \(table.noun) \(span.first)-\(span.last) of desk \(desk)"
                var count = try copyDirect(table, columns: columns, batch: batch, beyond: top, what: what)
                let fresh = count != nil
                if count == nil { count = try stage(table, columns: columns, data: batch.data, what: what) }
                if let numbering = TeamNumbering(table) {
                    try central.execute(numbering.lock, what: what)
                    try central.execute(numbering.insert(fresh: fresh), [desk, String(span.first), String(span.last)], what: what)
                }
                return count ?? 0
            }
            held = max(held, span.last)
            if settling, let through = span.settledThrough, through > settledUpTo {
                settledUpTo = through
                try store.setPushMark(table, to: settledUpTo)
            }
            if span.settledThrough != span.last { settling = false }
            done += span.count
            if total > limit { progress("\(table.noun): \(min(done, total)) of \(total) pushed") }
        }
        if table == .customers { sent += try pushChangedCustomers(limit: limit) }
        return sent
    }

    /// A batch whose rows all come after the newest the central store holds of this desk goes straight
    /// into its table: one COPY, nothing to compare. Returns nil (and leaves the transaction as it was)
    /// when a row is there after all (another push of the desk ran meanwhile): the batch is staged instead.
    private func copyDirect(_ table: PushedTable, columns: String, batch: CentralPushReading.Batch, beyond held: Int64,
                            what: String) throws(CentralError) -> Int? {
        guard batch.span.first > held else { return nil }
        try central.execute("SAVEPOINT direct", what: what)
        do {
            try central.copy("COPY \(table.rawValue) (\(columns)) FROM STDIN", data: batch.data, what: what)
        } catch {
            try central.execute("ROLLBACK TO SAVEPOINT direct", what: what)
            return nil
        }
        return batch.span.count
    }

    /// A batch copied into a staging table of the same shape, then inserted from there: a row the
    /// central store has already is left as it is, or brought up to date while it may still change.
    private func stage(_ table: PushedTable, columns: String, data: [UInt8], what: String) throws(CentralError) -> Int {
        try central.copy("COPY staged_\(table.rawValue) (\(columns)) FROM STDIN", data: data, what: what)
        return try central.execute(insert(table), what: what).count
    }

    /// The newest id of `table` the central store holds of this desk.
    private func centralTop(_ table: PushedTable) throws(CentralError) -> Int64 {
        let rows = try central.execute("SELECT coalesce(max(id), 0) FROM \(table.rawValue) WHERE desk = $1", [desk],
                                       what: "reading how far desk \(desk)'s \(table.noun) reached")
        return rows.first?.first.flatMap { $0.flatMap { Int64($0) } } ?? 0
    }

    /// Customers changed since they went up (a call's 勿扰, an import's new phone), and those alone.
    private func pushChangedCustomers(limit: Int) throws -> Int {
        var sent = 0
        while true {
            let changed = try store.changedCustomers(limit: limit)
            guard let first = changed.first, let last = changed.last else { return sent }
            sent += try central.transaction { () throws(CentralError) -> Int in
                let what = "pushing changed customers \(first.row.id)-\(last.row.id) of desk \(desk)"
                let columns = "desk, " + PushedTable.customers.columns.joined(separator: ", ")
                var text = CentralCopyText(prefix: desk)
                for change in changed { text.write(row: change.row.values) }
                return try stage(.customers, columns: columns, data: text.bytes, what: what)
            }
            try store.clearChangedCustomers(changed.map { ($0.row.id, $0.version) })
        }
    }

    /// The desk's mark, moved back to what the central store holds when that is less: a store
    /// restored from a backup older than the last push gets the rows it lost again. A backup is
    /// one snapshot, and rows go up in id order, so every row up to its newest is there.
    private func behindMark(_ table: PushedTable, held: Int64, progress: (String) -> Void) throws -> Int64 {
        let mark = try store.pushMark(table)
        guard mark > 0, held < mark else { return mark }
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
    private let numbered: String
    /// The rows of the batch not numbered yet; nil when every new row is (a call of a batch just copied in is not).
    private let unnumbered: String?

    /// The statement numbering a batch; `fresh` when its rows were just copied in.
    func insert(fresh: Bool) -> String {
        numbered + (fresh ? "" : unnumbered ?? "")
    }

    init?(_ table: PushedTable) {
        switch table {
        case .customers:
            lock = "SELECT pg_advisory_xact_lock(hashtext('huashu team_customers'))"
            // Another desk may have numbered the plate: always checked.
            numbered = """
                INSERT INTO team_customers (id, plate)
                SELECT (SELECT coalesce(max(id), 0) FROM team_customers) + row_number() OVER (ORDER BY c.id), c.plate
                FROM customers c WHERE c.desk = $1 AND c.id BETWEEN $2 AND $3
                  AND NOT EXISTS (SELECT 1 FROM team_customers t WHERE t.plate = c.plate)
                """
            unnumbered = nil
        case .calls:
            lock = "SELECT pg_advisory_xact_lock(hashtext('huashu call_numbers'))"
            // Without the check for a batch just copied in: on a table not analysed yet, the planner probes
            // call_numbers by desk alone for each call, which took 8.6 s for 20,000 calls.
            numbered = """
                INSERT INTO call_numbers (number, desk, id)
                SELECT (SELECT coalesce(max(number), 0) FROM call_numbers) + row_number() OVER (ORDER BY c.id), c.desk, c.id
                FROM calls c WHERE c.desk = $1 AND c.id BETWEEN $2 AND $3
                """
            unnumbered = "  AND NOT EXISTS (SELECT 1 FROM call_numbers n WHERE n.desk = c.desk AND n.id = c.id)"
        case .callSteps, .followUps, .audit:
            return nil
        }
    }
}

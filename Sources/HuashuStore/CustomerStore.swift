import Foundation
import GRDB
import GRDBSQLite
import HuashuCalendar

/// What an import did to the customers table.
/// What a customer is looked up by: the words typed, and the stored spelling
/// of the plate, phone and ID number they make, where they make one.
public struct CustomerKey: Sendable {
    public let text: String
    public let plate: String?
    public let phone: String?
    public let idNumber: String?

    public init(text: String, plate: String? = nil, phone: String? = nil, idNumber: String? = nil) {
        self.text = text
        self.plate = plate
        self.phone = phone
        self.idNumber = idNumber
    }
}

extension Store {
    /// Inserts new plates and updates changed ones in one transaction; a
    /// customer's id, call history and do-not-call mark are kept, and a phone
    /// marked invalid stays so unless the row brings a different number. A ledger
    /// row for the plate of a rehearsal-only customer makes it a real one.
    /// With `dryRun`, the same work is done and rolled back: the summary says what would change.
    public func upsert(_ customers: [Customer], dryRun: Bool = false) throws(StoreError) -> UpsertSummary {
        var pending: [LedgerEntry]? = customers.map { LedgerEntry(customer: $0, row: 0) }
        return try upsert(batches: { defer { pending = nil }; return pending }, keep: { !dryRun })
    }

    /// `upsert` for customers that arrive a batch at a time (from a ledger
    /// still being read): `next` gives the next batch, nil after the last.
    /// When it is done, `keep` decides whether the transaction is committed
    /// or rolled back; the summary says what was (or would have been) done.
    /// `reconcile` makes the customer to store from a row and the customer already
    /// stored under its plate (by default the row's, whole), and says what it held back;
    /// its last argument is true when that customer came from an earlier row of this import.
    /// With a `source` (the file's name), every value changed in a stored customer is
    /// recorded in `customer_changes`, and every value held back in `ledger_review`.
    ///
    /// Fast enough for an insurer's million-row ledger: each row looks up its
    /// plate through the index (none when the table was empty: a first import
    /// inserts without looking), so memory does not grow with the database,
    /// and costs one step of a statement prepared once, its values bound
    /// straight from the strings.
    ///
    /// A `firstLoad` (a real import, not a dry run) into a file with no
    /// customers yet and no other connection runs with a rollback journal:
    /// the write-ahead log would write every new page twice, once to the log
    /// and once more when it is checkpointed into the file. Nobody can be
    /// calling from a file without customers, so nobody waits on the journal's
    /// locks for long. The file is left in WAL mode; should that switch fail,
    /// the next huashu process to open the file makes it.
    ///
    /// With `inBatches` (for an import already known to be kept: `keep` is not asked), a
    /// file that has customers is updated in transactions of about `batchTime` each, with a
    /// pause between them in which a waiting agent's step gets the lock: an agent never
    /// waits long behind an import. Each transaction holds its customers with their change
    /// and review rows, so a failed or killed import leaves whole batches; each row looks up
    /// its stored customer afresh, so a mark an agent set between batches is kept.
    public func upsert(batches next: () -> [LedgerEntry]?, keep: () -> Bool, firstLoad: Bool = false, source: String? = nil, inBatches: Bool = false,
                       reconcile: ((_ given: LedgerEntry, _ stored: Customer, _ earlierRow: Bool) -> (Customer, [HeldValue]))? = nil) throws(StoreError) -> UpsertSummary {
        try writeWithoutTransaction { db in
            let hasCustomers = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customers)") ?? true
            if inBatches && hasCustomers {
                var upsert = try CustomerUpsert(db, source: source, reconcile: reconcile)
                var pending: ArraySlice<LedgerEntry> = []
                while true {
                    if pending.isEmpty {
                        guard let batch = next() else { break }
                        pending = batch[...]
                        continue
                    }
                    try db.inTransaction(.immediate) {
                        let end = Self.monotonicSeconds() + Self.batchTime
                        repeat {
                            try upsert.store(pending.removeFirst())
                        } while !pending.isEmpty && Self.monotonicSeconds() < end
                        return .commit
                    }
                    usleep(Self.batchPause)
                }
                return upsert.summary
            }
            let journalled = try firstLoad && !hasCustomers && rollbackJournalIfAlone(db)
            defer {
                if journalled {
                    _ = try? String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
                    try? db.execute(sql: "PRAGMA synchronous = NORMAL")
                }
            }
            // A large ledger's pages stay in memory until the commit writes them, instead of
            // spilling into the log half-filled and being written again.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -65536")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            var summary = UpsertSummary()
            try db.inTransaction(.immediate) {
                // Into an empty table the lookup indexes are built once at the end, which costs less than
                // an entry per row; the plate's own uniqueness stays, as the import reconciles by it. A partial
                // index (leads, numbers to correct) stays: only the few rows it holds pay for an entry, where
                // building it again would read the whole table once more.
                let lookups = hasCustomers ? [] : try Row.fetchAll(db, sql: """
                    SELECT m.name, m.sql FROM sqlite_master m JOIN pragma_index_list('customers') i ON i.name = m.name
                    WHERE m.type = 'index' AND m.sql IS NOT NULL AND i.partial = 0
                    """).map { (name: $0["name"] as String, sql: $0["sql"] as String) }
                for index in lookups { try db.execute(sql: "DROP INDEX \"\(index.name)\"") }
                var upsert = try CustomerUpsert(db, source: source, reconcile: reconcile)
                summary = try upsert.run(batches: next)
                for index in lookups { try db.execute(sql: index.sql) }
                return keep() ? .commit : .rollback
            }
            return summary
        }
    }

    /// How long one transaction of a batched update import holds the lock: a step
    /// that arrives during it waits at most this long, plus the commit.
    static let batchTime = 0.010
    /// The pause after each batch, in µs: a waiting step's busy handler (`BusyWait`)
    /// tries every millisecond at first, so it gets the lock in this gap.
    static let batchPause: useconds_t = 2_000

    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// True once the file holds a customer: an import into it is an update. Asked on the
    /// writer's connection, as the import that follows is: a reader connection left open
    /// would keep the file in WAL mode, and a first import would then write every page
    /// twice (see `upsert`) instead of once through a rollback journal.
    public func hasCustomers() throws(StoreError) -> Bool {
        try writeWithoutTransaction { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customers)") ?? false }
    }

    /// Leaves the write-ahead log for a rollback journal, synced in full (with a rollback journal,
    /// NORMAL may lose the file to a power cut), when no other connection has the file open;
    /// when one has, it says so at once instead of waiting for it.
    private func rollbackJournalIfAlone(_ db: Database) throws -> Bool {
        sqlite3_busy_timeout(db.sqliteConnection, 0)
        defer { sqlite3_busy_timeout(db.sqliteConnection, CInt(Self.busyTimeout * 1000)) }
        guard (try? String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE")) == "delete" else { return false }
        try db.execute(sql: "PRAGMA synchronous = FULL")
        return true
    }

    public func customer(id: Int64) throws(StoreError) -> Customer? {
        try read { db in try Customer.fetchOne(db, key: id) }
    }

    /// Customers whose id (`12` or `#12`), plate, phone, ID number or name is what was typed.
    public func findCustomers(_ text: String) throws(StoreError) -> [Customer] {
        try findCustomers(CustomerKey(text: text))
    }

    public func findCustomers(_ key: CustomerKey) throws(StoreError) -> [Customer] {
        var text = key.text.trimmingCharacters(in: .whitespaces)
        if text.hasPrefix("#") { text.removeFirst() }
        return try read { db in
            if let id = Int64(text), let customer = try Customer.fetchOne(db, key: id) { return [customer] }
            // Each term compares a stored column as it is, so each is answered by an index.
            return try Customer.fetchAll(db, sql: """
                SELECT * FROM customers WHERE plate = ? OR phone = ? OR id_number = ? OR name = ? ORDER BY id
                """, arguments: [key.plate ?? text.uppercased(), key.phone ?? text, key.idNumber ?? text.uppercased(), text])
        }
    }

    /// Takes a customer off do-not-call (勿扰) and records who did it, why and when in the audit table,
    /// in one transaction. False when the customer was not marked.
    public func liftDoNotCall(customerID: Int64, by supervisor: String, reason: String, at date: Date) throws(StoreError) -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE customers SET do_not_call = 0 WHERE id = ? AND do_not_call != 0", arguments: [customerID])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "INSERT INTO audit (at, agent, action, customer_id, call_id, detail) VALUES (?, ?, 'do_not_call_lifted', ?, NULL, ?)",
                           arguments: [Timestamp.string(date), supervisor, customerID, reason])
            return true
        }
    }

    /// Every customer, in id order (the order they were first imported).
    public func allCustomers() throws(StoreError) -> [Customer] {
        try read { db in
            try CustomerColumns.fetchAll(db, where: "ORDER BY id")
        }
    }

    /// The few customers with no phone to dial, through `customers_phone_invalid`, and each one's latest ended
    /// live call through `calls_by_customer_live`: not every customer and every call, as at first.
    public func phoneCorrections() throws(StoreError) -> [(customer: Customer, lastEnded: CallSummary?)] {
        try read { db in
            let latest = try db.cachedStatement(sql: """
                SELECT started_at, outcome, loss_reason FROM calls WHERE customer_id = ? AND training = 0 AND outcome IS NOT NULL
                ORDER BY started_at DESC, id DESC LIMIT 1
                """)
            return try CustomerColumns.fetchAll(db, where: "WHERE phone_invalid = 1 AND training = 0 ORDER BY id").map { customer in
                let ended = try Row.fetchOne(latest, arguments: [customer.id]).map {
                    CallSummary(startedAt: $0["started_at"], outcome: $0["outcome"], lossReason: $0["loss_reason"])
                }
                return (customer, ended)
            }
        }
    }

    /// Open follow-ups by customer, earliest due first: the queue's callbacks.
    public func openFollowUps() throws(StoreError) -> [(customerID: Int64, kind: String, due: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT customer_id, kind, due_at FROM follow_ups WHERE done_at IS NULL ORDER BY due_at")
                .map { (customerID: $0["customer_id"], kind: $0["kind"], due: $0["due_at"]) }
        }
    }

    /// Each customer's latest live call, and the latest one that reached an
    /// outcome: what the queue shows and what decides who is left out.
    public func lastCalls() throws(StoreError) -> [Int64: LastCalls] {
        try read { db in
            ReportRow.lastCalls(try Row.fetchAll(db, sql: """
                SELECT customer_id, started_at, outcome, loss_reason FROM calls WHERE training = 0 ORDER BY started_at, id
                """))
        }
    }
}

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

public struct UpsertSummary: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0

    public init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0) {
        self.inserted = inserted
        self.updated = updated
        self.unchanged = unchanged
    }
}

extension Store {
    /// Inserts new plates and updates changed ones in one transaction; a
    /// customer's id, call history and do-not-call mark are kept, and a phone
    /// marked invalid stays so unless the row brings a different number. A ledger
    /// row for the plate of a rehearsal-only customer makes it a real one.
    /// With `dryRun`, the same work is done and rolled back: the summary says what would change.
    /// `merge` makes the customer to store from the one given and the one
    /// already stored under the plate (by default the one given, whole).
    public func upsert(_ customers: [Customer], dryRun: Bool = false,
                       merge: ((_ given: Customer, _ stored: Customer) -> Customer)? = nil) throws(StoreError) -> UpsertSummary {
        var pending: [Customer]? = customers
        return try upsert(batches: { defer { pending = nil }; return pending }, keep: { !dryRun }, merge: merge)
    }

    /// `upsert` for customers that arrive a batch at a time (from a ledger
    /// still being read): `next` gives the next batch, nil after the last.
    /// When it is done, `keep` decides whether the transaction is committed
    /// or rolled back; the summary says what was (or would have been) done.
    ///
    /// Fast enough for an insurer's 100,000-row ledger: the stored customers
    /// are read once into a dictionary by plate, a new plate is inserted
    /// without a look-up, and each row costs one step of a statement prepared
    /// once, its values bound straight from the strings.
    ///
    /// A `firstLoad` (a real import, not a dry run) into a file with no
    /// customers yet and no other connection runs with a rollback journal:
    /// the write-ahead log would write every new page twice, once to the log
    /// and once more when it is checkpointed into the file. Nobody can be
    /// calling from a file without customers, so nobody waits on the journal's
    /// locks for long. The file is left in WAL mode; should that switch fail,
    /// the next huashu process to open the file makes it.
    public func upsert(batches next: () -> [Customer]?, keep: () -> Bool, firstLoad: Bool = false,
                       merge: ((_ given: Customer, _ stored: Customer) -> Customer)? = nil) throws(StoreError) -> UpsertSummary {
        try writeWithoutTransaction { db in
            let hasCustomers = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customers)") ?? true
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
            var run = try CustomerUpsert(db, merge: merge)
            // An update import of a file agents are calling from commits a small batch at a time
            // (`CustomerUpsert.batchRows`), so a step waits behind one batch, never the whole file.
            guard firstLoad && hasCustomers else {
                try db.inTransaction(.immediate) {
                    while let batch = next() { try run.apply(batch[...], db) }
                    return keep() ? .commit : .rollback
                }
                return run.summary
            }
            run.keepsUndo = true
            while let batch = next() {
                var start = batch.startIndex
                while start < batch.endIndex {
                    let end = min(start + CustomerUpsert.batchRows, batch.endIndex)
                    try db.inTransaction(.immediate) {
                        try run.apply(batch[start..<end], db)
                        return .commit
                    }
                    start = end
                    // Room for a waiting agent's step before the next batch takes the lock.
                    usleep(1_000)
                }
            }
            if !keep() { try run.undo(db) }
            return run.summary
        }
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
            var result: [Int64: LastCalls] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT customer_id, started_at, outcome, loss_reason FROM calls WHERE training = 0 ORDER BY started_at, id
                """) {
                let call = CallSummary(startedAt: row["started_at"], outcome: row["outcome"], lossReason: row["loss_reason"])
                let id: Int64 = row["customer_id"]
                result[id] = LastCalls(last: call, lastEnded: call.outcome != nil ? call : result[id]?.lastEnded)
            }
            return result
        }
    }
}

/// A call as the queue sees it: when it started (UTC timestamp) and how it ended, if it did.
public struct CallSummary: Sendable, Equatable {
    public var startedAt: String
    public var outcome: String?
    public var lossReason: String?

    public init(startedAt: String, outcome: String?, lossReason: String? = nil) {
        self.startedAt = startedAt
        self.outcome = outcome
        self.lossReason = lossReason
    }
}

/// A customer's latest call, and the latest that reached an outcome (often the same).
public struct LastCalls: Sendable, Equatable {
    public var last: CallSummary
    public var lastEnded: CallSummary?

    public init(last: CallSummary, lastEnded: CallSummary?) {
        self.last = last
        self.lastEnded = lastEnded
    }
}

/// The customers table's columns in one fixed order, for the import's
/// prepared statements and for reading stored customers back by index.
enum CustomerColumns {
    static let names = ["plate", "name", "honorific", "phone", "id_number", "model", "last_insurer", "last_premium",
                        "commercial_expiry", "compulsory_expiry", "claims", "violations", "grade", "type", "agent",
                        "vehicle_use", "notes", "extra", "do_not_call", "training", "phone_invalid", "lead_from_call"]
    static let written = names.joined(separator: ", ")
    static let placeholders = names.map { _ in "?" }.joined(separator: ", ")
    static let assignments = names.map { "\($0) = ?" }.joined(separator: ", ")
    static let selected = "id, " + written

    /// Customers selected with `SELECT \(selected) FROM customers …`, read
    /// column by column through SQLite's C API: several times faster than
    /// GRDB's generic row decoding when the queue reads 100,000 of them.
    static func fetchAll(_ db: Database, where condition: String = "", arguments: StatementArguments = []) throws -> [Customer] {
        let statement = try db.makeStatement(sql: "SELECT \(selected) FROM customers \(condition)")
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        func text(_ column: CInt) -> String? {
            guard sqlite3_column_type(handle, column) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, column) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
        }
        func integer(_ column: CInt) -> Int64? {
            sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
        }
        var customers: [Customer] = []
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
            }
            customers.append(Customer(
                id: integer(0), plate: text(1) ?? "", name: text(2) ?? "", honorific: text(3), phone: text(4), idNumber: text(5),
                model: text(6), lastInsurer: text(7), lastPremium: text(8), commercialExpiry: text(9), compulsoryExpiry: text(10),
                claims: integer(11).map(Int.init), violations: integer(12).map(Int.init), grade: text(13), type: text(14),
                agent: text(15), vehicleUse: text(16), notes: text(17), extra: text(18),
                doNotCall: integer(19).map { $0 != 0 } ?? false, training: integer(20).map { $0 != 0 } ?? false,
                phoneInvalid: integer(21).map { $0 != 0 } ?? false, leadFromCall: integer(22)))
        }
        return customers
    }
}

/// A statement prepared once and run once per customer, its values bound
/// through `StatementParameters`.
private final class BoundStatement {
    let statement: Statement

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    /// Runs the statement for a customer (and `id`, the last parameter, when given); false
    /// (nothing written) when `allowingConflict` and a UNIQUE constraint refused the row.
    @discardableResult
    func run(_ db: Database, _ c: Customer, id: Int64?, allowingConflict: Bool) throws -> Bool {
        var p = StatementParameters(statement)
        p.bind(c.plate); p.bind(c.name); p.bind(c.honorific); p.bind(c.phone); p.bind(c.idNumber); p.bind(c.model)
        p.bind(c.lastInsurer); p.bind(c.lastPremium); p.bind(c.commercialExpiry); p.bind(c.compulsoryExpiry)
        p.bind(c.claims.map(Int64.init)); p.bind(c.violations.map(Int64.init)); p.bind(c.grade); p.bind(c.type)
        p.bind(c.agent); p.bind(c.vehicleUse); p.bind(c.notes); p.bind(c.extra)
        p.bind(c.doNotCall ? 1 : 0); p.bind(c.training ? 1 : 0); p.bind(c.phoneInvalid ? 1 : 0); p.bind(c.leadFromCall)
        if let id { p.bind(id) }
        guard let failure = p.run() else { return true }
        if allowingConflict && failure == .SQLITE_CONSTRAINT_UNIQUE { return false }
        throw p.error(failure)
    }
}

/// One import's upsert: the stored customers read once into a dictionary by
/// plate, a new plate inserted without a look-up, each row one step of a
/// statement prepared once. With `keepsUndo`, remembers what it changed so a
/// batched import that turns out not to be kept is put back as it was.
struct CustomerUpsert {
    /// About 10 ms of updates on the project's machine: the longest an agent's step waits behind an import.
    static let batchRows = 1_000

    private(set) var summary = UpsertSummary()
    var keepsUndo = false
    private var stored: [String: Customer] = [:]
    private var inserted: [Int64] = []
    private var replaced: [Customer] = []
    private let insert: BoundStatement
    private let update: BoundStatement
    private let merge: ((_ given: Customer, _ stored: Customer) -> Customer)?

    init(_ db: Database, merge: ((_ given: Customer, _ stored: Customer) -> Customer)?) throws {
        for customer in try CustomerColumns.fetchAll(db) {
            stored[customer.plate] = customer
        }
        insert = try BoundStatement(db, sql: "INSERT INTO customers (\(CustomerColumns.written)) VALUES (\(CustomerColumns.placeholders))")
        // An import never clears a do-not-call mark, nor one a call set between two batches.
        let keepingDoNotCall = CustomerColumns.assignments.replacingOccurrences(of: "do_not_call = ?", with: "do_not_call = (? OR do_not_call)")
        update = try BoundStatement(db, sql: "UPDATE customers SET \(keepingDoNotCall) WHERE id = ?")
        self.merge = merge
    }

    mutating func apply(_ batch: ArraySlice<Customer>, _ db: Database) throws {
        for given in batch {
            var old = stored.isEmpty ? nil : stored[given.plate]
            if old == nil {
                if try insert.run(db, given, id: nil, allowingConflict: true) {
                    summary.inserted += 1
                    if keepsUndo { inserted.append(db.lastInsertedRowID) }
                    continue
                }
                // The plate came earlier in this same import.
                old = try CustomerColumns.fetchAll(db, where: "WHERE plate = ?", arguments: [given.plate]).first
            }
            guard let old, let id = old.id else { continue }
            var customer = merge?(given, old) ?? given
            customer.id = id
            customer.doNotCall = old.doNotCall
            // A number found wrong on a call stays wrong until the ledger brings a different one.
            customer.phoneInvalid = customer.phoneInvalid || old.phoneInvalid && customer.phone == old.phone
            if customer == old {
                summary.unchanged += 1
            } else {
                try update.run(db, customer, id: id, allowingConflict: false)
                if keepsUndo { replaced.append(old) }
                stored[customer.plate] = customer
                summary.updated += 1
            }
        }
    }

    /// Puts the customers back as they were before this import, a batch at a time: new ones
    /// removed (unless an agent has called one meanwhile), changed ones restored, newest change first.
    func undo(_ db: Database) throws {
        for start in stride(from: 0, to: max(inserted.count, replaced.count), by: Self.batchRows) {
            try db.inTransaction(.immediate) {
                for id in inserted.dropFirst(start).prefix(Self.batchRows) {
                    try db.execute(sql: "DELETE FROM customers WHERE id = ? AND NOT EXISTS (SELECT 1 FROM calls WHERE customer_id = ?)",
                                   arguments: [id, id])
                }
                for old in replaced.reversed().dropFirst(start).prefix(Self.batchRows) {
                    _ = try update.run(db, old, id: old.id, allowingConflict: false)
                }
                return .commit
            }
        }
    }
}

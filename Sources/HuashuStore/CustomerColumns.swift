import Foundation
import GRDB
import GRDBSQLite
import HuashuCalendar
import HuashuLedger

/// One column of the customers table: how a customer's value is read back,
/// compared and shown (it is bound by `Customer.bindColumns`, in this order). `CustomerColumns.all` is the one list the import's
/// statements, the fast read, the change history and `huashu customer` use,
/// so a new column is one entry there (plus its migration and its field).
struct CustomerColumn: Sendable {
    let name: String
    /// The ledger column that feeds it, for its Chinese title; nil for the store's own marks.
    let field: LedgerField?
    /// The value as text: compared and recorded in the change history.
    let text: @Sendable (Customer) -> String?
    let read: @Sendable (inout Customer, CustomerColumns.Cursor) -> Void
    /// Sets the value from another customer's.
    let copy: @Sendable (inout Customer, Customer) -> Void
    /// Sets a text column's value; nil for the other kinds.
    var assign: (@Sendable (inout Customer, String?) -> Void)? = nil

    static func text(_ name: String, _ field: LedgerField?, _ get: @escaping @Sendable (Customer) -> String?,
                     _ set: @escaping @Sendable (inout Customer, String?) -> Void) -> CustomerColumn {
        CustomerColumn(name: name, field: field, text: get, read: { set(&$0, $1.text()) },
                       copy: { set(&$0, get($1)) }, assign: set)
    }

    static func count(_ name: String, _ field: LedgerField, _ get: @escaping @Sendable (Customer) -> Int?,
                      _ set: @escaping @Sendable (inout Customer, Int?) -> Void) -> CustomerColumn {
        CustomerColumn(name: name, field: field, text: { get($0).map(String.init) },
                       read: { set(&$0, $1.integer().map(Int.init)) }, copy: { set(&$0, get($1)) })
    }

    /// A column the team's own work sets (never a ledger cell), such as the call that found a lead.
    static func reference(_ name: String, _ get: @escaping @Sendable (Customer) -> Int64?,
                          _ set: @escaping @Sendable (inout Customer, Int64?) -> Void) -> CustomerColumn {
        CustomerColumn(name: name, field: nil, text: { get($0).map(String.init) }, read: { set(&$0, $1.integer()) }, copy: { set(&$0, get($1)) })
    }

    static func flag(_ name: String, _ get: @escaping @Sendable (Customer) -> Bool, _ set: @escaping @Sendable (inout Customer, Bool) -> Void) -> CustomerColumn {
        CustomerColumn(name: name, field: nil, text: { get($0) ? "1" : "0" },
                       read: { set(&$0, ($1.integer() ?? 0) != 0) }, copy: { set(&$0, get($1)) })
    }

    /// The title shown to people: the ledger's header for the field, else the column's name.
    var title: String { field?.title ?? name }
}

enum CustomerColumns {
    static let all: [CustomerColumn] = [
        .text("plate", .plate, { $0.plate }, { $0.plate = $1 ?? "" }),
        .text("name", .name, { $0.name }, { $0.name = $1 ?? "" }),
        .text("honorific", .salutation, { $0.honorific }, { $0.honorific = $1 }),
        .text("phone", .phone, { $0.phone }, { $0.phone = $1 }),
        .text("id_number", .idNumber, { $0.idNumber }, { $0.idNumber = $1 }),
        .text("model", .model, { $0.model }, { $0.model = $1 }),
        .text("last_insurer", .lastInsurer, { $0.lastInsurer }, { $0.lastInsurer = $1 }),
        .text("last_premium", .lastPremium, { $0.lastPremium }, { $0.lastPremium = $1 }),
        .text("commercial_expiry", .commercialExpiry, { $0.commercialExpiry }, { $0.commercialExpiry = $1 }),
        .text("compulsory_expiry", .compulsoryExpiry, { $0.compulsoryExpiry }, { $0.compulsoryExpiry = $1 }),
        .count("claims", .claims, { $0.claims }, { $0.claims = $1 }),
        .count("violations", .violations, { $0.violations }, { $0.violations = $1 }),
        .text("grade", .grade, { $0.grade }, { $0.grade = $1 }),
        .text("type", .type, { $0.type }, { $0.type = $1 }),
        .text("agent", .agent, { $0.agent }, { $0.agent = $1 }),
        .text("vehicle_use", .vehicleUse, { $0.vehicleUse }, { $0.vehicleUse = $1 }),
        .text("notes", .notes, { $0.notes }, { $0.notes = $1 }),
        .text("contact", .contact, { $0.contact }, { $0.contact = $1 }),
        .text("holder_type", .holderType, { $0.holderType }, { $0.holderType = $1 }),
        .text("last_cover", .lastCover, { $0.lastCover }, { $0.lastCover = $1 }),
        .text("sum_insured", .sumInsured, { $0.sumInsured }, { $0.sumInsured = $1 }),
        .text("address", .address, { $0.address }, { $0.address = $1 }),
        .text("commercial_insurer", .commercialInsurer, { $0.commercialInsurer }, { $0.commercialInsurer = $1 }),
        .text("commercial_premium", .commercialPremium, { $0.commercialPremium }, { $0.commercialPremium = $1 }),
        .text("compulsory_insurer", .compulsoryInsurer, { $0.compulsoryInsurer }, { $0.compulsoryInsurer = $1 }),
        .text("compulsory_premium", .compulsoryPremium, { $0.compulsoryPremium }, { $0.compulsoryPremium = $1 }),
        .text("extra", nil, { $0.extra }, { $0.extra = $1 }),
        .flag("do_not_call", { $0.doNotCall }, { $0.doNotCall = $1 }),
        .flag("phone_invalid", { $0.phoneInvalid }, { $0.phoneInvalid = $1 }),
        .flag("training", { $0.training }, { $0.training = $1 }),
        .reference("lead_from_call", { $0.leadFromCall }, { $0.leadFromCall = $1 }),
    ]

    /// How each of the ledger's text fields is set in a customer, indexed by the record's text slot.
    static let ledgerTextBySlot: [@Sendable (inout Customer, String?) -> Void] = LedgerField.textFields.map { field in
        guard let assign = all.first(where: { $0.field == field })?.assign else { preconditionFailure("no text column for \(field)") }
        return assign
    }

    static let names = all.map(\.name)
    /// What a call list shows of a customer and its rule reads: a list of a million reads no more.
    static let listed = all.filter { ["plate", "name", "grade", "agent", "commercial_expiry", "compulsory_expiry", "lead_from_call"].contains($0.name) }
    static let written = names.joined(separator: ", ")
    static let placeholders = names.map { _ in "?" }.joined(separator: ", ")
    static let assignments = names.map { "\($0) = ?" }.joined(separator: ", ")
    static let selected = "id, " + written

    /// A column's title for people (上年保费 for last_premium); unknown names are shown as they are.
    static func title(of name: String) -> String {
        all.first { $0.name == name }?.title ?? name
    }

    /// The columns whose values differ between two customers.
    static func changed(from old: Customer, to new: Customer) -> [(column: CustomerColumn, old: String?, new: String?)] {
        all.compactMap { column in
            let before = column.text(old), after = column.text(new)
            return before == after ? nil : (column, before, after)
        }
    }

    /// The next column of a row being read.
    final class Cursor {
        let handle: OpaquePointer
        var column: CInt = 0

        init(_ handle: OpaquePointer) {
            self.handle = handle
        }

        func text() -> String? {
            defer { column += 1 }
            guard sqlite3_column_type(handle, column) != SQLITE_NULL, let bytes = sqlite3_column_text(handle, column) else { return nil }
            return String(decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self)
        }

        func integer() -> Int64? {
            defer { column += 1 }
            return sqlite3_column_type(handle, column) == SQLITE_NULL ? nil : sqlite3_column_int64(handle, column)
        }
    }

    /// Customers selected with `SELECT \(selected) FROM customers …`, read
    /// column by column through SQLite's C API: several times faster than
    /// GRDB's generic row decoding when the queue reads 100,000 of them.
    static func fetchAll(_ db: Database, where condition: String = "", arguments: StatementArguments = []) throws -> [Customer] {
        try fetch(db.cachedStatement(sql: "SELECT \(selected) FROM customers \(condition)"), arguments: arguments, in: db)
    }

    /// The customers a prepared `SELECT \(selected) FROM customers …` gives, at most `limit`: a statement
    /// prepared once serves a look-up per ledger row.
    static func fetch(_ statement: Statement, arguments: StatementArguments, limit: Int = .max, in db: Database) throws -> [Customer] {
        try statement.setArguments(arguments)
        let handle = statement.sqliteStatement
        var customers: [Customer] = []
        sqlite3_reset(handle)
        defer { sqlite3_reset(handle) }
        let cursor = Cursor(handle)
        while customers.count < limit {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
            }
            cursor.column = 0
            var customer = Customer(id: cursor.integer(), plate: "", name: "")
            for column in all { column.read(&customer, cursor) }
            customers.append(customer)
        }
        return customers
    }
}

extension Customer {
    /// A customer without values, for `fill(from:)`.
    public static let blank = Customer(plate: "", name: "")

    /// Makes a `blank` customer a ledger row: its text fields through `CustomerColumns`,
    /// unknown columns kept as JSON, marked 缺少有效电话 without a phone. Filled where it is
    /// kept: a customer made by an initialiser and then moved is copied whole on the way,
    /// twice. The record's strings are moved, not copied.
    public mutating func fill(from record: consuming LedgerRecord) {
        // Swapped, not copied: the record's values are the customer's now, and its blank ones go.
        swap(&plate, &record.plate)
        swap(&name, &record.name)
        swap(&honorific, &record.honorific)
        phoneInvalid = record.phone == nil
        swap(&phone, &record.phone)
        swap(&idNumber, &record.idNumber)
        commercialExpiry = record.commercialExpiry?.description
        compulsoryExpiry = record.compulsoryExpiry?.description
        claims = record.claims
        violations = record.violations
        if !record.extra.isEmpty { extra = Self.extraJSON(record.extra) }
        let assigns = CustomerColumns.ledgerTextBySlot
        var slot = 0
        while !record.texts.isEmpty {
            if let value = record.takeText(slot: slot) { assigns[slot](&self, value) }
            slot += 1
        }
        // A row with one policy's date only is that policy's row: its insurer and premium are that policy's.
        if commercialExpiry != nil && compulsoryExpiry == nil {
            commercialInsurer = commercialInsurer ?? lastInsurer
            commercialPremium = commercialPremium ?? lastPremium
        } else if compulsoryExpiry != nil && commercialExpiry == nil {
            compulsoryInsurer = compulsoryInsurer ?? lastInsurer
            compulsoryPremium = compulsoryPremium ?? lastPremium
        }
    }

    /// Columns Huashu has no field for, as stored: JSON with sorted keys.
    public static func extraJSON(_ extra: [String: String]) -> String? {
        (try? JSONSerialization.data(withJSONObject: extra, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) }
    }

    /// This customer with each ledger value it lacks (nil or empty) taken from
    /// `stored`, except for the fields `cleared` names: an empty cell never
    /// erases what an earlier import stored unless the import asks it to.
    public func keepingValues(of stored: Customer, except cleared: (LedgerField) -> Bool) -> Customer {
        var customer = self
        for column in CustomerColumns.all {
            guard let field = column.field, column.text(customer)?.isEmpty ?? true, !cleared(field) else { continue }
            column.copy(&customer, stored)
        }
        return customer
    }
}

extension FieldChange {
    /// The field as people know it: 上年保费 for last_premium.
    public var title: String { CustomerColumns.title(of: field) }
}

extension Customer {
    /// Binds every column in `CustomerColumns.all`'s order, written out: run for each
    /// row of a 100,000-row import, where going through the table's closures costs a
    /// reference count per column and row. A test checks it follows the table.
    func bindColumns(_ p: inout StatementParameters) {
        p.bind(plate); p.bind(name); p.bind(honorific); p.bind(phone); p.bind(idNumber); p.bind(model)
        p.bind(lastInsurer); p.bind(lastPremium); p.bind(commercialExpiry); p.bind(compulsoryExpiry)
        p.bind(claims.map(Int64.init)); p.bind(violations.map(Int64.init)); p.bind(grade); p.bind(type)
        p.bind(agent); p.bind(vehicleUse); p.bind(notes); p.bind(contact); p.bind(holderType); p.bind(lastCover)
        p.bind(sumInsured); p.bind(address)
        p.bind(commercialInsurer); p.bind(commercialPremium); p.bind(compulsoryInsurer); p.bind(compulsoryPremium); p.bind(extra)
        p.bind(doNotCall ? 1 : 0); p.bind(phoneInvalid ? 1 : 0); p.bind(training ? 1 : 0); p.bind(leadFromCall)
    }
}

/// A statement prepared once and run once per customer (or once per group of
/// customers, for a statement of several VALUES rows), its values bound
/// through `StatementParameters` in `CustomerColumns.all`'s order.
final class BoundStatement {
    let statement: Statement
    private let buffer: BindBuffer

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        buffer = BindBuffer(parameters: Int(sqlite3_bind_parameter_count(statement.sqliteStatement)))
    }

    /// Runs the statement for a customer (and `id`, the last parameter, when given); false
    /// (nothing written) when `allowingConflict` and a UNIQUE constraint refused the row.
    @discardableResult
    func run(_ db: Database, _ c: Customer, id: Int64?, allowingConflict: Bool) throws -> Bool {
        var p = StatementParameters(statement, buffer: buffer)
        c.bindColumns(&p)
        if let id { p.bind(id) }
        guard let failure = p.run() else { return true }
        if allowingConflict && failure == .SQLITE_CONSTRAINT_UNIQUE { return false }
        throw p.error(failure)
    }

    /// Runs the statement once for as many customers as it has VALUES rows, bound one after another.
    func run(_ db: Database, each entries: Slice<UnsafeBufferPointer<LedgerEntry>>) throws {
        var p = StatementParameters(statement, buffer: buffer)
        for index in entries.indices { entries[index].customer.bindColumns(&p) }
        if let failure = p.run() { throw p.error(failure) }
    }
}

/// One import's pass over its rows inside the transaction: new plates
/// inserted, known ones reconciled with what is stored, every change and
/// every held value written down when the import names its file.
struct CustomerUpsert {
    private let db: Database
    private let source: String?
    private let reconcile: ((LedgerEntry, Customer, Bool) -> (Customer, [HeldValue]))?
    /// Ids of the customers an earlier row of this import met or inserted (a plate may come twice).
    private var met: Set<Int64> = []
    private let at = Timestamp.string(Date())
    private(set) var summary = UpsertSummary()
    /// The stored customer under a plate, one indexed look-up per row: the import's memory is its
    /// batches', however many customers the file holds. Nil into a table empty at the start (a first
    /// import), where every row is inserted without a look-up.
    private let stored: Statement?
    private let insert: BoundStatement
    /// Into a table empty at the start, new plates go in `groupRows` at a time through one statement: SQLite's
    /// cost of running a statement (its cursors opened and closed, its registers reset) is then paid once a
    /// group instead of once a row, a third of what inserting a customer costs. Nil for an update import.
    private let groupInsert: BoundStatement?
    static let groupRows = 32
    /// The plates this first load has inserted, by a hash of their bytes (8 bytes a plate, not a string's 16): a row
    /// of one of them is reconciled with the stored customer on its own, never sent with a group. Two plates that
    /// share a hash only send the second on its own too, where its insert succeeds as it would in a group.
    private var inserted = Set<UInt64>()
    private let update: BoundStatement
    private let change: Statement?
    private let review: Statement?

    init(_ db: Database, source: String?, reconcile: ((LedgerEntry, Customer, Bool) -> (Customer, [HeldValue]))?) throws {
        self.db = db
        self.source = source
        self.reconcile = reconcile
        insert = try BoundStatement(db, sql: "INSERT INTO customers (\(CustomerColumns.written)) VALUES (\(CustomerColumns.placeholders))")
        update = try BoundStatement(db, sql: "UPDATE customers SET \(CustomerColumns.assignments) WHERE id = ?")
        change = source == nil ? nil : try db.makeStatement(sql: """
            INSERT INTO customer_changes (customer_id, field, old, new, file, row, at) VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        review = source == nil ? nil : try db.makeStatement(sql: """
            INSERT INTO ledger_review (customer_id, kind, field, stored, given, message, file, row, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        stored = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM customers)") == true
            ? db.makeStatement(sql: "SELECT \(CustomerColumns.selected) FROM customers WHERE plate = ?") : nil
        // OR IGNORE spares each group a statement journal (a multi-row insert that may abort needs one); no row can be
        // ignored, as every value NOT NULL is bound and every plate is new, and `insertGroups` checks that none was.
        let rows = Array(repeating: "(\(CustomerColumns.placeholders))", count: Self.groupRows).joined(separator: ", ")
        groupInsert = stored == nil ? try BoundStatement(db, sql: "INSERT OR IGNORE INTO customers (\(CustomerColumns.written)) VALUES \(rows)") : nil
    }

    mutating func run(batches next: () -> [LedgerEntry]?) throws -> UpsertSummary {
        while let batch = next() {
            // Each entry read where it lies: iterating would copy every customer once more.
            try batch.withUnsafeBufferPointer { entries in
                guard let groupInsert else {
                    for index in entries.indices { try store(entries[index]) }
                    return
                }
                // Runs of new plates with nothing held go in by the group; any other row on its own, in file order.
                var pending = entries.startIndex
                for index in entries.indices {
                    let new = inserted.insert(Self.hash(entries[index].customer.plate)).inserted
                    guard !new || !entries[index].held.isEmpty else { continue }
                    try insertGroups(entries[pending..<index], groupInsert)
                    try store(entries[index])
                    pending = index + 1
                }
                try insertGroups(entries[pending...], groupInsert)
            }
        }
        return summary
    }

    /// FNV-1a of the plate's UTF-8 bytes, the bytes SQLite's UNIQUE compares.
    private static func hash(_ plate: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in plate.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// New customers with nothing held, a group at a time; the few left over one by one.
    private mutating func insertGroups(_ entries: Slice<UnsafeBufferPointer<LedgerEntry>>, _ groupInsert: BoundStatement) throws {
        var start = entries.startIndex
        while entries.endIndex - start >= Self.groupRows {
            let group = entries[start..<start + Self.groupRows]
            try groupInsert.run(db, each: group)
            guard db.changesCount == Self.groupRows else {
                throw StoreError("the import's insert of rows \(group.first!.row)-\(group.last!.row) stored \(db.changesCount) of \(Self.groupRows) customers")
            }
            start += Self.groupRows
        }
        for index in start..<entries.endIndex { try insert.run(db, entries[index].customer, id: nil, allowingConflict: false) }
        summary.inserted += entries.count
    }

    mutating func store(_ entry: LedgerEntry) throws {
        var old = try stored.flatMap { try CustomerColumns.fetch($0, arguments: [entry.customer.plate], limit: 1, in: db).first }
        let earlierRow: Bool
        if let id = old?.id {
            earlierRow = !met.insert(id).inserted
        } else {
            if try insert.run(db, entry.customer, id: nil, allowingConflict: true) {
                summary.inserted += 1
                if stored != nil { met.insert(db.lastInsertedRowID) }
                if !entry.held.isEmpty { try hold(entry.held, customer: db.lastInsertedRowID, row: entry.row) }
                return
            }
            // The plate came earlier in this same import.
            old = try CustomerColumns.fetchAll(db, where: "WHERE plate = ?", arguments: [entry.customer.plate]).first
            earlierRow = true
        }
        guard let old, let id = old.id else { return }
        var (customer, held) = reconcile?(entry, old, earlierRow) ?? (entry.customer, [])
        customer.id = id
        customer.doNotCall = old.doNotCall
        // A number found wrong stays wrong until a different one comes, whichever way the row came.
        customer.phoneInvalid = customer.phoneInvalid || old.phoneInvalid && customer.phone == old.phone
        try hold(entry.held + held, customer: id, row: entry.row)
        let changed = CustomerColumns.changed(from: old, to: customer)
        if changed.isEmpty {
            summary.unchanged += 1
            return
        }
        try update.run(db, customer, id: id, allowingConflict: false)
        summary.updated += 1
        for (column, before, after) in changed {
            summary.changes.append(FieldChange(plate: customer.plate, row: entry.row, field: column.name, old: before, new: after))
            try change?.execute(arguments: [id, column.name, before, after, source, entry.row, at])
        }
    }

    private mutating func hold(_ values: [HeldValue], customer id: Int64, row: Int) throws {
        for value in values {
            switch value.kind {
            case .cell: summary.heldCells += 1
            case .conflict: summary.conflicts += 1
            }
            // The same file imported again does not put the same question on the list twice.
            guard let review, try !Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM ledger_review WHERE customer_id = ? AND kind = ? AND field = ? AND given IS ? AND resolved_at IS NULL)
                """, arguments: [id, value.kind.rawValue, value.field, value.given])! else { continue }
            try review.execute(arguments: [id, value.kind.rawValue, value.field, value.stored, value.given, value.message, source, row, at])
        }
    }
}

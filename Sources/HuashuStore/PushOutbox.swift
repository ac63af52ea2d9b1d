import Foundation
import GRDB
import GRDBSQLite
import HuashuEngine

/// A table of the desk's log that goes up to the team's central store, in id
/// order, each row once. Calls and follow-ups change once after they are
/// written (a call ends, a follow-up is done): they are `settled` then, and
/// until then they are sent again with the columns that may still change.
/// Customers change with imports and calls: a push sends the new ones, then
/// those changed since (a trigger lists them). They go first: the team's view
/// of a call names its customer by plate.
public enum PushedTable: String, CaseIterable, Sendable {
    case customers
    case calls
    case callSteps = "call_steps"
    case followUps = "follow_ups"
    case audit

    /// The columns pushed, `id` first.
    public var columns: [String] {
        switch self {
        case .customers:
            ["id"] + CustomerColumns.names
        case .calls:
            ["id", "customer_id", "agent", "started_at", "script_version", "training", "context", "abandoned_at"] + CallEnding.columns
        case .callSteps:
            ["id", "call_id", "seq", "at", "input_kind", "input", "answer_id", "handler_id", "note", "stage", "node",
             "shown", "events", "state", "prev_hash", "hash", "link"] + CallLogCodec.Columns.names
        case .followUps:
            ["id", "customer_id", "call_id", "kind", "due_at", "done_at"]
        case .audit:
            ["id", "at", "agent", "action", "customer_id", "call_id", "detail"]
        }
    }

    /// The columns a later push may still change, and the one whose value says the row will not change
    /// again (nil: it may always change).
    public var changing: (columns: [String], settledBy: String?)? {
        switch self {
        case .customers: (CustomerColumns.names, nil)
        case .calls: (CallEnding.columns + ["abandoned_at"], "ended_at")
        case .followUps: (["done_at"], "done_at")
        case .callSteps, .audit: nil
        }
    }

    /// The rows this desk pushes: a follow-up pulled from another desk stays that desk's.
    var ownRows: String { self == .followUps ? "AND origin IS NULL" : "" }

    /// What a person calls these rows, for progress lines.
    public var noun: String {
        switch self {
        case .customers: "customers"
        case .calls: "calls"
        case .callSteps: "call steps"
        case .followUps: "follow-ups"
        case .audit: "audit rows"
        }
    }
}

/// One row on its way up: its values as text (SQLite's own rendering; a hash or link kept as bytes in hex), nil for NULL.
public struct PushRow: Sendable {
    public let id: Int64
    public let values: [String?]
    /// False while the row may still change (a call not ended, a follow-up not done).
    public let settled: Bool

    /// A stored value as it goes up: SQLite's own rendering, a hash or link kept as bytes in hex, nil for NULL.
    static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: nil
        case .int64(let value): String(value)
        case .double(let value): String(value)
        case .string(let value): value
        case .blob(let value): SHA256.hex(Array(value))
        }
    }
}

/// One value of a row on its way up as SQLite holds it, borrowed for the length of a write: written
/// as `PushRow.text` renders it (a number in decimal, a blob in hex) without a String made for it.
public enum PushValue {
    case null
    case integer(Int64)
    case real(Double)
    case text(UnsafeRawBufferPointer)
    case blob(UnsafeRawBufferPointer)

    /// The value of `column` in the row `handle` stands on.
    init(_ handle: OpaquePointer, _ column: CInt) {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_INTEGER: self = .integer(sqlite3_column_int64(handle, column))
        case SQLITE_FLOAT: self = .real(sqlite3_column_double(handle, column))
        case SQLITE_TEXT:
            let start = UnsafeRawPointer(sqlite3_column_text(handle, column))
            self = .text(UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(handle, column))))
        case SQLITE_BLOB:
            let start = sqlite3_column_blob(handle, column)
            self = .blob(UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(handle, column))))
        default: self = .null
        }
    }
}

/// Where rows are written as they are read, value by value (the central store's COPY data).
public protocol PushRowWriter {
    mutating func beginRow()
    mutating func write(_ value: PushValue)
    mutating func endRow()
}

/// The rows one read wrote: their ids, and how far they are settled.
public struct PushSpan: Sendable, Equatable {
    public let first: Int64
    public let last: Int64
    public let count: Int
    /// The id of the last row before the first that may still change: nil when the first may, `last` when none may.
    public let settledThrough: Int64?
}

extension Store {
    /// The id up to which every row of `table` is on the central store and will not change.
    public func pushMark(_ table: PushedTable) throws(StoreError) -> Int64 {
        try read { db in
            try Int64.fetchOne(db, sql: "SELECT last_id FROM central_push_marks WHERE pushed_table = ?", arguments: [table.rawValue]) ?? 0
        }
    }

    /// Moves the mark on; called only once the central store has committed the rows up to `id`.
    public func setPushMark(_ table: PushedTable, to id: Int64) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO central_push_marks (pushed_table, last_id) VALUES (?, ?)
                ON CONFLICT (pushed_table) DO UPDATE SET last_id = excluded.last_id
                """, arguments: [table.rawValue, id])
        }
    }

    /// How many rows of `table` come after `id`, for progress.
    public func rowCount(_ table: PushedTable, after id: Int64) throws(StoreError) -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.rawValue) WHERE id > ? \(table.ownRows)", arguments: [id]) ?? 0 }
    }

    /// Up to `limit` customers changed since they were last pushed, with the version of the change each carries.
    public func changedCustomers(limit: Int) throws(StoreError) -> [(row: PushRow, version: Int64)] {
        let columns = PushedTable.customers.columns.map { "c.\($0)" }.joined(separator: ", ")
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(columns), q.version FROM central_customers_changed q JOIN customers c ON c.id = q.customer_id
                ORDER BY q.customer_id LIMIT ?
                """, arguments: [limit]).map { row in
                let count = PushedTable.customers.columns.count
                return (PushRow(id: row[0], values: (0..<count).map { PushRow.text(row[$0] as DatabaseValue) }, settled: true), row[count])
            }
        }
    }

    /// Forgets the changes the central store now has; a customer changed again meanwhile (a newer version) stays to be sent.
    public func clearChangedCustomers(_ sent: [(id: Int64, version: Int64)]) throws(StoreError) {
        try write { db in
            let statement = try db.makeStatement(sql: "DELETE FROM central_customers_changed WHERE customer_id = ? AND version = ?")
            for change in sent { try statement.execute(arguments: [change.id, change.version]) }
        }
    }

    /// Writes up to `limit` rows of `table` after `id`, in id order, into `writer` straight from SQLite's
    /// row (no row or String made per value: a push reads a million steps); nil when there are none.
    public func writeRows<Writer: PushRowWriter>(_ table: PushedTable, after id: Int64, limit: Int,
                                                 into writer: inout Writer) throws(StoreError) -> PushSpan? {
        let settled = table.changing.map { $0.settledBy.map { "\($0) IS NOT NULL" } ?? "1" } ?? "1"
        return try read { db in
            let statement = try db.cachedStatement(sql: """
                SELECT \(table.columns.joined(separator: ", ")), \(settled) FROM \(table.rawValue) WHERE id > ? \(table.ownRows) ORDER BY id LIMIT ?
                """)
            try statement.setArguments([id, limit])
            let handle = statement.sqliteStatement
            sqlite3_reset(handle)
            defer { sqlite3_reset(handle) }
            let columns = CInt(table.columns.count)
            var first: Int64?, last: Int64 = 0, count = 0, settledThrough: Int64?, settling = true
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
                }
                writer.beginRow()
                for column in 0..<columns { writer.write(PushValue(handle, column)) }
                writer.endRow()
                last = sqlite3_column_int64(handle, 0)
                if first == nil { first = last }
                count += 1
                if settling {
                    if sqlite3_column_int64(handle, columns) != 0 { settledThrough = last } else { settling = false }
                }
            }
            return first.map { PushSpan(first: $0, last: last, count: count, settledThrough: settledThrough) }
        }
    }

    /// The name this desk pushes under: the one stored at its first sync; `proposed` is stored when there is none.
    /// Naming a different one (`--desk`, `$HUASHU_DESK`) is refused: the central store would see two desks.
    public func deskName(proposed: String, explicit: Bool) throws(StoreError) -> String {
        try write { db in
            if let stored = try String.fetchOne(db, sql: "SELECT name FROM central_desk") {
                guard !explicit || stored == proposed else {
                    throw StoreError("\(path) already syncs as desk `\(stored)`; it cannot become `\(proposed)` "
                        + "(its rows on the central store are keyed by that name)")
                }
                return stored
            }
            try db.execute(sql: "INSERT INTO central_desk (only, name) VALUES (1, ?)", arguments: [proposed])
            return proposed
        }
    }
}

extension Schema {
    /// How far each table has gone up, and the desk's name on the central store. `IF NOT EXISTS`: a
    /// file whose migration records were cut back (as the dry-run test makes one) migrates again cleanly.
    static let pushMarks = """
        CREATE TABLE IF NOT EXISTS central_push_marks (pushed_table TEXT PRIMARY KEY, last_id INTEGER NOT NULL);
        CREATE TABLE IF NOT EXISTS central_desk (only INTEGER PRIMARY KEY CHECK (only = 1), name TEXT NOT NULL);
        """
}

import GRDB
import GRDBSQLite

/// A prepared statement's parameters bound in order, straight from Swift
/// strings and integers through SQLite's C API: for the statements run once
/// per imported customer or logged step, GRDB's argument arrays cost more
/// than SQLite's own work (SQLite copies each text into the parameter's
/// buffer, which it keeps from one run to the next).
struct StatementParameters {
    /// SQLite's SQLITE_TRANSIENT: "copy the bytes now".
    private static let copied = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    /// SQLite's SQLITE_STATIC: "the bytes stay where they are until the statement runs".
    private static let kept = unsafeBitCast(0, to: sqlite3_destructor_type.self)
    private let statement: Statement
    private let buffer: BindBuffer?
    private var index: CInt = 0
    /// How much of the buffer this run's texts fill: kept here, not in the buffer, as a class's
    /// stored property is checked for exclusive access at every use, thousands of times a group.
    private var used = 0

    /// With a `buffer` (one per statement), texts are copied into it and bound where they lie
    /// there, instead of SQLite freeing and allocating a copy of each value on every run.
    init(_ statement: Statement, buffer: BindBuffer? = nil) {
        self.statement = statement
        self.buffer = buffer
        sqlite3_reset(statement.sqliteStatement)
    }

    mutating func bind(_ text: String?) {
        index += 1
        let handle = statement.sqliteStatement
        guard var text else {
            bindNull()
            return
        }
        buffer?.markBound(index)
        let index = index
        let buffer = buffer
        let used = used
        self.used += text.withUTF8 { bytes -> Int in
            if let buffer, let kept = buffer.keep(bytes, at: used) {
                sqlite3_bind_text(handle, index, kept, CInt(bytes.count), Self.kept)
                return bytes.count
            }
            guard let start = bytes.baseAddress, !bytes.isEmpty else {
                // An empty text needs a pointer of its own: a nil one would bind NULL.
                sqlite3_bind_text(handle, index, "", 0, Self.copied)
                return 0
            }
            sqlite3_bind_text(handle, index, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self), CInt(bytes.count), Self.copied)
            return 0
        }
    }

    mutating func bind(bytes: [UInt8]) {
        index += 1
        buffer?.markBound(index)
        let handle = statement.sqliteStatement
        let index = index
        bytes.withUnsafeBytes { buffer -> Void in
            // An empty blob needs a pointer of its own too.
            sqlite3_bind_blob(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), CInt(buffer.count), Self.copied)
        }
    }

    mutating func bind(_ number: Int64?) {
        index += 1
        guard let number else {
            bindNull()
            return
        }
        buffer?.markBound(index)
        sqlite3_bind_int64(statement.sqliteStatement, index, number)
    }

    /// NULL for the current parameter; with a buffer, not again when the last run bound NULL
    /// there too (SQLite keeps bindings from run to run): a ledger's empty columns stay empty.
    /// This holds only while the buffer's statement is bound by nothing else: a bind or
    /// `sqlite3_clear_bindings` from elsewhere between runs would leave the skipped NULL stale.
    private func bindNull() {
        if let buffer, !buffer.markNull(index) { return }
        sqlite3_bind_null(statement.sqliteStatement, index)
    }

    /// Runs the statement once with the values bound; nil when it is done, else the extended result code.
    func run() -> ResultCode? {
        let handle = statement.sqliteStatement
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        return code == SQLITE_DONE ? nil : ResultCode(rawValue: sqlite3_extended_errcode(sqlite3_db_handle(handle)))
    }

    /// The error for a run that did not finish, in GRDB's terms.
    func error(_ code: ResultCode) -> DatabaseError {
        DatabaseError(resultCode: code, message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement))),
                      sql: statement.sql)
    }
}

/// The bytes of one run's bound texts, for `StatementParameters` to bind with
/// SQLITE_STATIC, and the parameters SQLite holds NULL for. Each run writes from
/// the start again: SQLite reads a bound text only while the statement runs, and
/// every parameter is bound afresh before the next. A text that no longer fits is
/// bound as a copy instead. Only constants here: nothing to check for exclusive access.
final class BindBuffer {
    private let start: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    /// Bit n-1 set: SQLite holds NULL for parameter n since an earlier run.
    private let nulls: UnsafeMutablePointer<UInt64>
    private let parameters: Int

    /// `parameters`: how many the statement has (`sqlite3_bind_parameter_count`).
    init(parameters: Int, capacity: Int = 1 << 16) {
        self.capacity = capacity
        self.parameters = parameters
        start = .allocate(capacity: capacity)
        let words = max((parameters + 63) / 64, 1)
        nulls = .allocate(capacity: words)
        nulls.initialize(repeating: 0, count: words)
    }

    deinit {
        start.deallocate()
        nulls.deallocate()
    }

    /// Where the bytes now lie in the buffer, placed `used` bytes in; nil when they do not fit.
    fileprivate func keep(_ bytes: UnsafeBufferPointer<UInt8>, at used: Int) -> UnsafePointer<CChar>? {
        guard bytes.count <= capacity - used else { return nil }
        let place = start + used
        if let source = bytes.baseAddress { place.update(from: source, count: bytes.count) }
        return UnsafeRawPointer(place).assumingMemoryBound(to: CChar.self)
    }

    /// Notes that the parameter is NULL now; false when it was already (a number past the statement's is never noted).
    fileprivate func markNull(_ parameter: CInt) -> Bool {
        guard let (word, bit) = place(parameter) else { return true }
        defer { nulls[word] |= bit }
        return nulls[word] & bit == 0
    }

    /// Notes that the parameter holds a value now.
    fileprivate func markBound(_ parameter: CInt) {
        guard let (word, bit) = place(parameter) else { return }
        nulls[word] &= ~bit
    }

    private func place(_ parameter: CInt) -> (word: Int, bit: UInt64)? {
        let number = Int(parameter) - 1
        guard number >= 0 && number < parameters else { return nil }
        return (number >> 6, UInt64(1) << UInt64(number & 63))
    }
}

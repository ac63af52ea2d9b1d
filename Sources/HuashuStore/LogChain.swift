import GRDB
import GRDBSQLite

/// The chain through the whole call log. Each step's `hash` chains the
/// steps of its own call (content and the step before); its `link` chains
/// every step in the file in the order written: the previous step's link,
/// this step's id and hash and, on a call's first step, the call's row as it
/// was begun (customer, agent, start, script version, context). Deleting a
/// step or a whole call, or editing a call's row, breaks the next link; ids
/// come from AUTOINCREMENT and are never reused, and `sqlite_sequence` still
/// names the newest one issued, so deleting the newest steps shows too.
/// A seal (`huashu seal`) is the head's id and link kept outside the file:
/// a log rewritten with every hash recomputed no longer passes through it.
///
/// Rows logged since v5 keep their hash and link as 32 raw bytes and no
/// copy of the previous hash; rows logged before keep them as 64 hex digits,
/// linked as they were then (`linkBeforeV5`), so a seal taken before the
/// migration still holds after it. The first v5 row links to the last older
/// row's link read as bytes.
public enum LogChain {
    /// The link of a step: `previous` is the link before it (raw bytes; empty for the first step in the file).
    static func link(_ hasher: SHA256, id: Int64, previous: ArraySlice<UInt8>, hash: ArraySlice<UInt8>,
                     call: [ArraySlice<UInt8>]?) -> [UInt8]? {
        hasher.digest(byteFields: [ArraySlice("link".utf8), ArraySlice(String(id).utf8), previous, hash] + (call ?? []))
    }

    /// The link of a step logged before v5, as hex text: over the previous link and its own hash, both in hex.
    static func linkBeforeV5(_ hasher: SHA256, id: Int64, previous: [UInt8], hash: ArraySlice<UInt8>,
                             call: [ArraySlice<UInt8>]?) -> [UInt8]? {
        let previousHex = previous.isEmpty ? [] : Array(SHA256.hex(previous).utf8)
        return hasher.hex(byteFields: [ArraySlice("link".utf8), ArraySlice(String(id).utf8), previousHex[...], hash] + (call ?? []))
            .map { Array($0.utf8) }
    }

    /// A hash or link as stored, as raw bytes: 64 hex digits (before v5) are read as the 32 bytes they spell.
    static func bytes(hex stored: [UInt8]) -> [UInt8] {
        guard stored.count == 64 else { return stored }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: 64, by: 2) {
            guard let high = nibble(stored[index]), let low = nibble(stored[index + 1]) else { return stored }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// A call's row as begun, in the order the first step's link covers it.
    public static let callColumns = "id, customer_id, agent, started_at, script_version, training, context"

    /// The newest step id issued and its link as raw bytes (empty when that step is gone or there is none yet).
    static func head(_ db: Database) throws -> (id: Int64, link: [UInt8]) {
        let rows = RawRows(try db.cachedStatement(sql: """
            SELECT s.seq, (SELECT link FROM call_steps WHERE id = s.seq) FROM sqlite_sequence s WHERE s.name = 'call_steps'
            """))
        guard try rows.next(db) else { return (0, []) }
        let head = (rows.int(0), bytes(hex: Array(rows.bytes(1))))
        while try rows.next(db) {}
        return head
    }

    /// The append-only rules, as created and as `verify` expects to find them, word for word.
    static let triggers: [(name: String, sql: String)] = [
        ("call_steps_no_update", """
            CREATE TRIGGER call_steps_no_update BEFORE UPDATE ON call_steps
            BEGIN SELECT RAISE(ABORT, 'the call log is append-only: record a correction as a new step'); END
            """),
        ("call_steps_no_delete", """
            CREATE TRIGGER call_steps_no_delete BEFORE DELETE ON call_steps
            BEGIN SELECT RAISE(ABORT, 'the call log is append-only: record a correction as a new step'); END
            """),
        ("calls_no_delete", """
            CREATE TRIGGER calls_no_delete BEFORE DELETE ON calls
            BEGIN SELECT RAISE(ABORT, 'a logged call is never deleted'); END
            """),
        ("calls_fixed", """
            CREATE TRIGGER calls_fixed BEFORE UPDATE ON calls
            WHEN NEW.id IS NOT OLD.id OR NEW.customer_id IS NOT OLD.customer_id
              OR NEW.agent IS NOT OLD.agent OR NEW.started_at IS NOT OLD.started_at
              OR NEW.script_version IS NOT OLD.script_version OR NEW.training IS NOT OLD.training OR NEW.context IS NOT OLD.context
            BEGIN SELECT RAISE(ABORT, 'a call''s row as begun never changes; its ending follows the log'); END
            """),
    ]

    /// The seal of a log: the head's id and the first 20 hex digits (80 bits) of its link, `1234-3f9ac0d1e2b4a5c6d7e8`.
    public struct Seal: Equatable, Sendable, CustomStringConvertible {
        public let id: Int64
        public let link: String

        public var description: String { "\(id)-\(link)" }

        init(id: Int64, fullLink: [UInt8]) {
            self.id = id
            self.link = String(SHA256.hex(fullLink).prefix(20))
        }

        /// A seal as written by `huashu seal`; at least 8 hex digits of the link are needed.
        public init?(_ text: String) {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 2, let id = Int64(parts[0]), id > 0, parts[1].count >= 8, parts[1].count <= 64,
                  parts[1].allSatisfy({ $0.isHexDigit }) else { return nil }
            self.id = id
            self.link = parts[1].lowercased()
        }
    }
}

/// A statement's rows read through SQLite's C API as bytes, never as C strings:
/// what the file holds, NULs and invalid UTF-8 included.
struct RawRows {
    /// Kept: the statement is finalized when GRDB's object goes.
    private let statement: Statement
    private var handle: OpaquePointer { statement.sqliteStatement }

    init(_ statement: Statement) {
        self.statement = statement
        sqlite3_reset(statement.sqliteStatement)
    }

    /// Advances to the next row; false at the end. Throws SQLite's error.
    func next(_ db: Database) throws -> Bool {
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    func bytes(_ column: Int32) -> ArraySlice<UInt8> {
        // The pointer first, then its length, as SQLite's documentation asks.
        guard let start = sqlite3_column_blob(handle, column) else { return [] }
        return ArraySlice(UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(handle, column))))
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
}

import Foundation
import GRDB

/// The desk's side of the team's ledger on the central store: what this desk's
/// imports changed goes up (an outbox kept by marks on ids, so an import made
/// offline goes up at the next sync), and what changed on central comes down
/// through the same reconciling upsert an import uses, its changes recorded
/// under `source`.
public enum TeamLedger {
    /// The customers columns the team's ledger holds: a desk's rehearsal flag and leads stay on the desk.
    public static let columns = CustomerColumns.names.filter { $0 != "training" && $0 != "lead_from_call" }
    /// A review row as it goes up: the desk's id, the customer's plate, then the row's own values.
    public static let reviewColumns = ["id", "plate", "kind", "field", "stored", "given", "message", "file", "row", "at"]
    /// The `file` of changes pulled from central, in the customer's change history; never sent back up.
    public static let source = "central"
}

/// How far a desk has taken one of central's change streams: the last settled change taken, by the transaction
/// that made it and its number. Central hands out every visible change after the mark in this order; the desk moves
/// the mark only over changes whose transaction is older than every one still running (`CentralPull.drain`), so a
/// change committed late still comes after the mark. A mark from before v8 has transaction 0 and its old number.
public struct ChangeMark: Sendable, Equatable {
    public var xid: Int64
    public var seq: Int64

    public init(xid: Int64, seq: Int64) {
        self.xid = xid
        self.seq = seq
    }

    public static let start = ChangeMark(xid: 0, seq: 0)
}

/// A follow-up another desk booked for one of this desk's customers, as central numbers its changes.
public struct PulledFollowUp: Sendable, Equatable {
    public let mark: ChangeMark
    /// `desk#id` on the central store: the key that keeps it once on this desk, and off this desk's push.
    public let origin: String
    public let plate: String
    public let kind: String
    public let due: String
    public let done: String?

    public init(mark: ChangeMark, origin: String, plate: String, kind: String, due: String, done: String?) {
        self.mark = mark
        self.origin = origin
        self.plate = plate
        self.kind = kind
        self.due = due
        self.done = done
    }
}

/// How far this desk's ledger changes have gone up: customers by id, changes and review rows by their ids.
public struct LedgerSendMarks: Sendable, Equatable {
    public var customers: Int64
    public var changes: Int64
    public var review: Int64
}

extension Store {
    /// How far this desk has pulled one of central's change streams (`ledger`, `follow_ups`, ...).
    public func pullMark(_ name: String) throws(StoreError) -> ChangeMark {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT xid, seq FROM central_pull_marks WHERE name = ?", arguments: [name])
                .map { ChangeMark(xid: $0[0], seq: $0[1]) } ?? .start
        }
    }

    public func setPullMark(_ name: String, to mark: ChangeMark) throws(StoreError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO central_pull_marks (name, seq, xid) VALUES (?, ?, ?)
                ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, xid = excluded.xid
                """, arguments: [name, mark.seq, mark.xid])
        }
    }

    private static func setMark(_ db: Database, _ name: String, _ seq: Int64) throws {
        try db.execute(sql: "INSERT INTO central_pull_marks (name, seq) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq",
                       arguments: [name, seq])
    }

    /// Where the ledger outbox stands now (`sent`) and how far it reaches (`level`).
    public func ledgerOutbox() throws(StoreError) -> (sent: LedgerSendMarks, level: LedgerSendMarks) {
        try read { db in try (Self.sentMarks(db), Self.levelMarks(db)) }
    }

    private static func sentMarks(_ db: Database) throws -> LedgerSendMarks {
        func mark(_ name: String) throws -> Int64 {
            try Int64.fetchOne(db, sql: "SELECT seq FROM central_pull_marks WHERE name = ?", arguments: [name]) ?? 0
        }
        return try LedgerSendMarks(customers: mark("sent_customers"), changes: mark("sent_changes"), review: mark("sent_review"))
    }

    private static func levelMarks(_ db: Database) throws -> LedgerSendMarks {
        func top(_ table: String) throws -> Int64 { try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM \(table)") ?? 0 }
        return try LedgerSendMarks(customers: top("customers"), changes: top("customer_changes"), review: top("ledger_review"))
    }

    public func setLedgerSent(_ marks: LedgerSendMarks) throws(StoreError) {
        try write { db in
            try Self.setMark(db, "sent_customers", marks.customers)
            try Self.setMark(db, "sent_changes", marks.changes)
            try Self.setMark(db, "sent_review", marks.review)
        }
    }

    /// Up to `limit` customers, by id after `cursor`, that this desk's imports added or changed between
    /// `sent` and `level` (never a rehearsal customer, a lead or a change pulled from central), as text.
    public func ledgerCustomers(sent: LedgerSendMarks, level: LedgerSendMarks, after cursor: Int64, limit: Int) throws(StoreError) -> [PushRow] {
        try read { db in
            try Self.textRows(db, sql: """
                SELECT id, \(TeamLedger.columns.joined(separator: ", ")) FROM customers
                WHERE id > ? AND training = 0 AND lead_from_call IS NULL
                  AND ((id > ? AND id <= ?) OR id IN (SELECT customer_id FROM customer_changes WHERE id > ? AND id <= ? AND file <> ?))
                ORDER BY id LIMIT ?
                """, arguments: [cursor, sent.customers, level.customers, sent.changes, level.changes, TeamLedger.source, limit])
        }
    }

    /// The review rows this desk's imports added between `sent` and `level`, with their customers' plates.
    public func ledgerReview(sent: LedgerSendMarks, level: LedgerSendMarks) throws(StoreError) -> [[String?]] {
        try read { db in
            try Self.textRows(db, sql: """
                SELECT r.id, c.plate, r.kind, r.field, r.stored, r.given, r.message, r.file, r.row, r.at
                FROM ledger_review r JOIN customers c ON c.id = r.customer_id
                WHERE r.id > ? AND r.id <= ? AND r.file <> ? ORDER BY r.id
                """, arguments: [sent.review, level.review, TeamLedger.source]).map(\.values)
        }
    }

    /// Rows as text, SQLite's own rendering, the first column (an id) kept apart as well.
    private static func textRows(_ db: Database, sql: String, arguments: StatementArguments) throws -> [PushRow] {
        try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let values = (0..<row.count).map { PushRow.text(row[$0] as DatabaseValue) }
            return PushRow(id: row[0], values: values, settled: true)
        }
    }

    /// Applies customers pulled from the team's ledger: each reconciled by plate as an import's row is
    /// (a phone found wrong stays so, a 勿扰 is kept), its changes recorded as from central; this desk's
    /// rehearsal flag and leads are its own. What it adds or changes is not sent back up.
    public func applyPulled(_ pulled: [(seq: Int64, customer: Customer)]) throws(StoreError) -> UpsertSummary {
        let before = try ledgerOutbox()
        var pending: [LedgerEntry]? = pulled.map { LedgerEntry(customer: $0.customer, row: Int($0.seq)) }
        let summary = try upsert(batches: { defer { pending = nil }; return pending }, keep: { true }, source: TeamLedger.source,
                                 inBatches: true) { given, stored, _ in
            var customer = given.customer
            customer.training = stored.training
            customer.leadFromCall = stored.leadFromCall
            return (customer, [])
        }
        // What an outbox that had nothing waiting now holds came from central: it is not news there.
        if before.sent == before.level {
            let after = try ledgerOutbox()
            try setLedgerSent(after.level)
        }
        return summary
    }

    /// What a pulled follow-up did on this desk.
    public enum PulledFollowUpChange: Sendable, Equatable {
        /// Not held here (a customer this desk does not have), or nothing new.
        case none
        /// Booked here, open.
        case booked
        /// Done on another desk: marked done here, or arrived done.
        case done
        /// Its due time moved.
        case moved
    }

    /// Books (or marks done) follow-ups other desks made for this desk's customers. Kept apart from this desk's own
    /// (`origin`), which alone are pushed.
    public func applyPulled(_ followUp: PulledFollowUp) throws(StoreError) -> PulledFollowUpChange {
        try write { db in
            guard let customer = try Int64.fetchOne(db, sql: "SELECT id FROM customers WHERE plate = ?", arguments: [followUp.plate]) else {
                return .none
            }
            let held = try Row.fetchOne(db, sql: "SELECT due_at, done_at FROM follow_ups WHERE origin = ?", arguments: [followUp.origin])
            try db.execute(sql: """
                INSERT INTO follow_ups (customer_id, call_id, kind, due_at, done_at, origin) VALUES (?, NULL, ?, ?, ?, ?)
                ON CONFLICT (origin) WHERE origin IS NOT NULL
                DO UPDATE SET due_at = excluded.due_at, done_at = coalesce(follow_ups.done_at, excluded.done_at)
                """, arguments: [customer, followUp.kind, followUp.due, followUp.done, followUp.origin])
            // Done on central already: nothing for this desk to tell it.
            if followUp.done != nil {
                try db.execute(sql: "DELETE FROM central_follow_ups_done WHERE follow_up_id = (SELECT id FROM follow_ups WHERE origin = ?)",
                               arguments: [followUp.origin])
            }
            guard let held else { return followUp.done == nil ? .booked : .done }
            if (held["done_at"] as String?) == nil && followUp.done != nil { return .done }
            return (held["due_at"] as String?) != followUp.due ? .moved : .none
        }
    }

    /// Follow-ups other desks booked that a call on this desk honoured, not yet marked done on central: each with its
    /// origin (`desk#id`) and when it was done. One central refused waits until this desk has called the customer since.
    public func followUpsDoneHere() throws(StoreError) -> [(id: Int64, origin: String, at: String)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT f.id, f.origin, f.done_at FROM central_follow_ups_done q JOIN follow_ups f ON f.id = q.follow_up_id
                WHERE f.origin IS NOT NULL AND f.done_at IS NOT NULL
                  AND (q.refused_after_call IS NULL OR EXISTS (
                      SELECT 1 FROM calls c WHERE c.customer_id = f.customer_id AND c.training = 0 AND c.id > q.refused_after_call))
                ORDER BY f.id
                """).map { (id: $0[0], origin: $0[1], at: $0[2]) }
        }
    }

    /// Forgets the follow-ups central now has as done (`settled`); those it refused (`refused`: no call of this desk to
    /// the customer there) wait for a call made after this desk's latest.
    public func settleFollowUpsDoneHere(settled: [Int64], refused: [Int64]) throws(StoreError) {
        try write { db in
            let forget = try db.makeStatement(sql: "DELETE FROM central_follow_ups_done WHERE follow_up_id = ?")
            for id in settled { try forget.execute(arguments: [id]) }
            let wait = try db.makeStatement(sql: """
                UPDATE central_follow_ups_done SET refused_after_call = (SELECT coalesce(max(id), 0) FROM calls) WHERE follow_up_id = ?
                """)
            for id in refused { try wait.execute(arguments: [id]) }
        }
    }

    /// Marks done this desk's own follow-ups that a call on another desk honoured, as central recorded it;
    /// returns how many were still open here.
    public func applyDoneElsewhere(_ done: [(id: Int64, at: String)]) throws(StoreError) -> Int {
        try write { db in
            let statement = try db.makeStatement(sql: "UPDATE follow_ups SET done_at = ? WHERE id = ? AND origin IS NULL AND done_at IS NULL")
            var marked = 0
            for followUp in done {
                try statement.execute(arguments: [followUp.at, followUp.id])
                marked += db.changesCount
            }
            return marked
        }
    }
}

extension Schema {
    /// What a desk has pulled from central, follow-ups other desks booked for it, and the customers
    /// changed since their last push (so a push sends those alone, not every customer again).
    static let teamLedger = """
        CREATE TABLE central_pull_marks (name TEXT PRIMARY KEY, seq INTEGER NOT NULL);
        ALTER TABLE follow_ups ADD COLUMN origin TEXT;
        CREATE UNIQUE INDEX follow_ups_by_origin ON follow_ups(origin) WHERE origin IS NOT NULL;
        CREATE TABLE central_customers_changed (customer_id INTEGER PRIMARY KEY, version INTEGER NOT NULL);
        CREATE TRIGGER customers_changed_for_central AFTER UPDATE ON customers WHEN EXISTS (SELECT 1 FROM central_desk)
        BEGIN
            INSERT INTO central_customers_changed (customer_id, version) VALUES (NEW.id, 1)
            ON CONFLICT (customer_id) DO UPDATE SET version = version + 1;
        END;
        """

    /// Follow-ups pulled from other desks that a call here marked done, until central has them done too
    /// (those done before this migration are sent once; central leaves any it has done already).
    static let followUpsDoneHere = """
        CREATE TABLE central_follow_ups_done (follow_up_id INTEGER PRIMARY KEY);
        CREATE TRIGGER follow_ups_done_for_central AFTER UPDATE OF done_at ON follow_ups
        WHEN NEW.origin IS NOT NULL AND OLD.done_at IS NULL AND NEW.done_at IS NOT NULL
        BEGIN
            INSERT OR IGNORE INTO central_follow_ups_done (follow_up_id) VALUES (NEW.id);
        END;
        INSERT INTO central_follow_ups_done (follow_up_id) SELECT id FROM follow_ups WHERE origin IS NOT NULL AND done_at IS NOT NULL;
        """

    /// Pull marks by central's transaction and number (`ChangeMark`); a mark kept before keeps its number under
    /// transaction 0, the lifts' mark joins the others.
    static let pullMarksByTransaction = """
        ALTER TABLE central_pull_marks ADD COLUMN xid INTEGER NOT NULL DEFAULT 0;
        INSERT INTO central_pull_marks (name, seq, xid)
            SELECT 'refusal_lifts', last_id, 0 FROM central_push_marks WHERE pushed_table = 'refusal_lifts (pulled)';
        DELETE FROM central_push_marks WHERE pushed_table = 'refusal_lifts (pulled)';
        """

    /// Session 7's done-elsewhere pull asked again from 10,000 below its mark; a mark kept from then (transaction 0) does.
    static let doneElsewhereOverlap = """
        UPDATE central_pull_marks SET seq = max(0, seq - 10000) WHERE name = 'follow_ups_done_elsewhere' AND xid = 0;
        """

    /// A follow-up central refused to mark done (no call of this desk to the customer there) is sent again only once this
    /// desk has called the customer after `refused_after_call`, its latest call when refused; NULL: not refused.
    static let refusedDoneMarksWait = """
        ALTER TABLE central_follow_ups_done ADD COLUMN refused_after_call INTEGER;
        """
}

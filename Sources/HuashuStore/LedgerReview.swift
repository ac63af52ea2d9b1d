import Foundation
import GRDB
import HuashuCalendar

/// A value an import held back, as the review list shows it.
public struct ReviewItem: Sendable, Equatable {
    public var id: Int64
    public var customerID: Int64
    public var plate: String
    public var kind: HeldValue.Kind
    /// The column for a conflict (`name`, `phone`); the file's header text for a cell.
    public var field: String
    public var stored: String?
    public var given: String?
    public var message: String
    public var file: String
    public var row: Int?
    public var at: String
    /// `keep` or `take`, once resolved.
    public var resolution: String?

    /// The field as people know it: 客户姓名 for name, the header text for a cell.
    public var title: String { kind == .conflict ? CustomerColumns.title(of: field) : field }
}

extension ReviewItem {
    static let select = "SELECT r.*, c.plate FROM ledger_review r JOIN customers c ON c.id = r.customer_id"

    init(row: Row) {
        self.init(id: row["id"], customerID: row["customer_id"], plate: row["plate"],
                  kind: HeldValue.Kind(rawValue: row["kind"]) ?? .cell, field: row["field"], stored: row["stored"],
                  given: row["given"], message: row["message"], file: row["file"], row: row["row"], at: row["at"],
                  resolution: row["resolution"])
    }
}

/// A value an import changed in a stored customer.
public struct StoredChange: Sendable, Equatable {
    public var field: String
    public var old: String?
    public var new: String?
    public var file: String
    public var row: Int?
    public var at: String

    public var title: String { CustomerColumns.title(of: field) }
}

extension Store {
    /// The review list: open items only (the default), or everything for one customer.
    public func reviewItems(customerID: Int64? = nil, includingResolved: Bool = false) throws(StoreError) -> [ReviewItem] {
        try read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if !includingResolved { conditions.append("r.resolved_at IS NULL") }
            if let customerID {
                conditions.append("r.customer_id = ?")
                arguments += [customerID]
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "\(ReviewItem.select) \(filter) ORDER BY r.id", arguments: arguments).map(ReviewItem.init(row:))
        }
    }

    /// Closes an open review item: `take` puts the ledger's value into the customer (recorded
    /// in the change history; a new phone clears the 缺少有效电话 mark), `keep` leaves the stored one.
    /// A held cell can only be kept: its value failed its check and is corrected in the ledger.
    public func resolveReview(_ id: Int64, take: Bool, by agent: String, at date: Date) throws(StoreError) -> ReviewItem {
        try write { db in
            guard let item = try reviewItem(db, id) else {
                throw StoreError("there is no review item #\(id); `huashu review list` shows the open ones")
            }
            guard item.resolution == nil else {
                throw StoreError("review item #\(id) was already resolved (\(item.resolution ?? ""))")
            }
            let at = Timestamp.string(date)
            if take {
                guard item.kind == .conflict, ["name", "phone", "commercial_expiry", "compulsory_expiry"].contains(item.field) else {
                    throw StoreError("review item #\(id) is a cell that failed its check (\(item.message)); correct it in the ledger and import again, or `huashu review keep \(id)` to close it")
                }
                let old = try String.fetchOne(db, sql: "SELECT \(item.field) FROM customers WHERE id = ?", arguments: [item.customerID])
                let clearsMark = item.field == "phone" ? ", phone_invalid = 0" : ""
                try db.execute(sql: "UPDATE customers SET \(item.field) = ?\(clearsMark) WHERE id = ?", arguments: [item.given, item.customerID])
                try db.execute(sql: """
                    INSERT INTO customer_changes (customer_id, field, old, new, file, row, at) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [item.customerID, item.field, old, item.given, "review #\(id) (\(agent))", item.row, at])
            }
            try db.execute(sql: "UPDATE ledger_review SET resolved_at = ?, resolution = ? WHERE id = ?",
                           arguments: [at, take ? "take" : "keep", id])
            var resolved = item
            resolved.resolution = take ? "take" : "keep"
            return resolved
        }
    }

    private func reviewItem(_ db: Database, _ id: Int64) throws -> ReviewItem? {
        try Row.fetchOne(db, sql: "\(ReviewItem.select) WHERE r.id = ?", arguments: [id]).map(ReviewItem.init(row:))
    }

    /// Every value imports (and review decisions) changed in a customer, oldest first.
    public func changes(ofCustomer id: Int64) throws(StoreError) -> [StoredChange] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM customer_changes WHERE customer_id = ? ORDER BY id", arguments: [id]).map { row in
                StoredChange(field: row["field"], old: row["old"], new: row["new"], file: row["file"], row: row["row"], at: row["at"])
            }
        }
    }
}

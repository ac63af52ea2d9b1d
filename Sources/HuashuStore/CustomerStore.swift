import Foundation
import GRDB

/// What an import did to the customers table.
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
    /// customer's id, call history and do-not-call mark are kept.
    /// With `dryRun`, the same work is done and rolled back: the summary says what would change.
    public func upsert(_ customers: [Customer], dryRun: Bool = false) throws(StoreError) -> UpsertSummary {
        try write { db in
            var summary = UpsertSummary()
            try db.execute(sql: "SAVEPOINT import")
            for var customer in customers {
                if var existing = try Customer.filter(Customer.CodingKeys.plate == customer.plate).fetchOne(db) {
                    customer.id = existing.id
                    customer.doNotCall = existing.doNotCall
                    if customer == existing {
                        summary.unchanged += 1
                    } else {
                        existing = customer
                        try existing.update(db)
                        summary.updated += 1
                    }
                } else {
                    try customer.insert(db)
                    summary.inserted += 1
                }
            }
            if dryRun { try db.execute(sql: "ROLLBACK TO import") }
            try db.execute(sql: "RELEASE import")
            return summary
        }
    }

    public func customer(id: Int64) throws(StoreError) -> Customer? {
        try read { db in try Customer.fetchOne(db, key: id) }
    }

    /// Customers whose id, plate, phone, ID number or name is what was typed.
    public func findCustomers(_ query: String) throws(StoreError) -> [Customer] {
        let text = query.trimmingCharacters(in: .whitespaces)
        return try read { db in
            if let id = Int64(text), let customer = try Customer.fetchOne(db, key: id) { return [customer] }
            return try Customer.fetchAll(db, sql: """
                SELECT * FROM customers WHERE upper(plate) = upper(?) OR phone = ? OR id_number = ? OR name = ? ORDER BY id
                """, arguments: [text, text, text, text])
        }
    }

    public func allCustomers() throws(StoreError) -> [Customer] {
        try read { db in try Customer.order(Customer.CodingKeys.id).fetchAll(db) }
    }

    /// Open follow-ups by customer, earliest due first: the queue's callbacks.
    public func openFollowUps() throws(StoreError) -> [(customerID: Int64, kind: String, due: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT customer_id, kind, due_at FROM follow_ups WHERE done_at IS NULL ORDER BY due_at")
                .map { (customerID: $0["customer_id"], kind: $0["kind"], due: $0["due_at"]) }
        }
    }

    /// Each customer's latest live call: when it started and how it ended, if it did.
    public func latestCalls() throws(StoreError) -> [Int64: (startedAt: String, outcome: String?)] {
        try read { db in
            var result: [Int64: (startedAt: String, outcome: String?)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT customer_id, started_at, outcome FROM calls WHERE training = 0 ORDER BY started_at, id
                """) {
                result[row["customer_id"]] = (row["started_at"], row["outcome"])
            }
            return result
        }
    }
}

import Foundation
import GRDB

extension Store {
    /// Saves the made-up customer a rehearsal plays, marked training-only (never
    /// in the queue or the reports): inserted, or updated in place when a
    /// training customer already has the plate. A plate that belongs to a real
    /// customer is refused, so a rehearsal never changes a real ledger row.
    public func saveTrainingCustomer(_ customer: Customer) throws(StoreError) -> Customer {
        try write { db in
            var record = customer
            record.training = true
            if let existing = try Customer.filter(Customer.CodingKeys.plate == record.plate).fetchOne(db) {
                guard existing.training else {
                    throw StoreError("the plate \(record.plate) belongs to a real customer (#\(existing.id ?? 0)); give the rehearsal scenario its own `plate 演练-…`")
                }
                record.id = existing.id
                record.doNotCall = existing.doNotCall
                try record.update(db)
            } else {
                try record.insert(db)
                record.id = db.lastInsertedRowID
            }
            return record
        }
    }
}

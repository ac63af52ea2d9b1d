import Foundation
import GRDB
import HuashuCalendar

extension Store {
    /// A refusal another desk heard (勿扰, or a wrong number on the phone this desk has), kept here too with
    /// an audit row naming that desk, so the queue and `call` honour it offline from now on.
    /// False when the customer was already marked.
    public func markRefusedElsewhere(customerID: Int64, wrongNumber: Bool, desk: String, at date: Date) throws(StoreError) -> Bool {
        let column = wrongNumber ? "phone_invalid" : "do_not_call"
        return try write { db in
            try db.execute(sql: "UPDATE customers SET \(column) = 1 WHERE id = ? AND \(column) = 0", arguments: [customerID])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "INSERT INTO audit (at, agent, action, customer_id, call_id, detail) VALUES (?, ?, ?, ?, NULL, ?)",
                           arguments: [Timestamp.string(date), "central", "\(column)_from_central", customerID, "desk \(desk)"])
            return true
        }
    }
}

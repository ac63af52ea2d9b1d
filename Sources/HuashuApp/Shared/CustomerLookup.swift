import HuashuLedger
import HuashuStore

/// A customer named on the command line, by number, plate, phone, ID number or
/// name, in any spelling the ledger itself accepts (`粤b·12345`,
/// `139-1234-5678`): the lookup compares the stored spelling through an index.
enum CustomerLookup {
    static func find(_ query: String, in store: any SupervisorStore) throws(UserError) -> [Customer] {
        let key = CustomerKey(text: query, plate: try? LedgerValue.plate(query), phone: try? LedgerValue.phone(query),
                              idNumber: try? LedgerValue.idNumber(query))
        let found = try wrap { try store.findCustomers(key) }
        guard !found.isEmpty else { throw UserError("no customer matches `\(query)` (try a plate, phone, ID number, name or #id)") }
        return found
    }

    /// The one customer a plate, phone, ID number, name or `#id` names.
    static func one(matching query: String, in store: any SupervisorStore) throws(UserError) -> Customer {
        let found = try find(query, in: store)
        guard let first = found.first, found.count == 1 else {
            let list = found.map { "  #\($0.id ?? 0) \($0.name) \($0.plate)" }.joined(separator: "\n")
            throw UserError("`\(query)` matches \(found.count) customers; name one by plate or #id:\n\(list)")
        }
        return first
    }
}

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
}

import Foundation
import HuashuStore
import HuashuText

/// `huashu lift-do-not-call`: a supervisor's lifting of a do-not-call mark, kept in the audit table.
public enum DoNotCallLift {
    /// A supervisor lifts a customer's do-not-call (勿扰) mark; the audit table keeps who, why and when.
    public static func run(customer query: String, by supervisor: String, reason: String, database: StoreLocation) throws(UserError) -> String {
        let who = supervisor.trimmingSpaces, why = reason.trimmingSpaces
        guard !who.isEmpty else { throw UserError("say who lifts it: --by NAME") }
        guard !why.isEmpty else { throw UserError("say why it is lifted: --reason TEXT") }
        let store = try HuashuApp.openStore(database, mustExist: true)
        let customer = try CustomerLookup.one(matching: query, in: store)
        guard let id = customer.id, try wrap({ try store.liftDoNotCall(customerID: id, by: who, reason: why, at: Date()) }) else {
            throw UserError("\(customer.name) (\(customer.plate)) is not marked do-not-call (勿扰); nothing to lift")
        }
        return "\(customer.name) (\(customer.plate)) may be called again; logged in the audit table: by \(who), because \(why)\n"
    }
}

import Foundation
import HuashuCentral
import HuashuLedger
import HuashuStore
import HuashuText

/// `huashu lift-do-not-call`: a supervisor's lifting of a do-not-call mark, kept in the audit table.
public enum DoNotCallLift {
    /// A supervisor lifts a customer's do-not-call (勿扰) mark; the audit table keeps who, why and when.
    public static func run(customer query: String, by supervisor: String, reason: String, database: StoreLocation) throws(UserError) -> String {
        let who = supervisor.trimmingSpaces, why = reason.trimmingSpaces
        guard !who.isEmpty else { throw UserError("say who lifts it: --by NAME") }
        guard !why.isEmpty else { throw UserError("say why it is lifted: --reason TEXT") }
        if case .central(let url) = database { return try onCentral(query, by: who, reason: why, url: url) }
        let store = try HuashuApp.openStore(database, mustExist: true)
        let customer = try CustomerLookup.one(matching: query, in: store)
        guard let id = customer.id, try wrap({ try store.liftDoNotCall(customerID: id, by: who, reason: why, at: Date()) }) else {
            throw UserError("\(customer.name) (\(customer.plate)) is not marked do-not-call (勿扰); nothing to lift")
        }
        return "\(customer.name) (\(customer.plate)) may be called again; logged in the audit table: by \(who), because \(why)\n"
    }

    /// On the team's central store: the refusals every desk honours go, and each desk takes its own mark off at its
    /// next sync. A plate is lifted as given (the server says whether the login may); anything else is looked up.
    private static func onCentral(_ query: String, by who: String, reason why: String, url: String) throws(UserError) -> String {
        let store = try wrap { try CentralStore(url: url) }
        var plate = try? LedgerValue.plate(query)
        if plate == nil { plate = try CustomerLookup.one(matching: query, in: store).plate }
        let key = plate ?? query
        let done = try wrap { try store.central.liftDoNotCall(customer: key, by: who, reason: why) }
        let removed = done.refusals == 0 ? "no desk's refusal stood on central; desks that marked \(key) themselves"
            : "the refusal every desk honoured is gone; desks that marked \(key)"
        return "\(key) may be called again: \(removed) take the mark off at their next sync. "
            + "Logged on \(url) as lift #\(done.lift): by \(who), because \(why)\n"
    }
}

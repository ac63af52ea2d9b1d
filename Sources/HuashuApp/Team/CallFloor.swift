import Foundation
import HuashuCalendar
import HuashuCentral
import HuashuStore
import HuashuText

/// The central store's word before a call's first screen: a lease, so no two
/// desks call one customer at once, and the refusals other desks heard.
/// Without a central store configured nothing is asked; when it cannot be
/// reached the desk calls only its own agent's customers, and says so.
struct CallFloor {
    /// A lease outlives a dead desk by at most this long.
    static let leaseMinutes = 30

    let central: CentralConnection
    let customerKey: String
    let desk: String

    /// What the central store answers for one customer.
    enum Claim {
        /// This desk may call: the lease, or nil when there is no central store to hold one.
        case mine(CallFloor?)
        /// Another desk holds the customer, or a refusal stands: why, in words.
        case elsewhere(String)
    }

    static func claim(_ customer: Customer, store: Store, agent: String, say: (String) -> Void) throws(UserError) -> Claim {
        guard let url = CentralConnection.url(option: nil) else { return .mine(nil) }
        let desk = try DeskName.resolve(store: store, proposed: nil)
        let central: CentralConnection
        do {
            central = try CentralConnection(url: url)
        } catch {
            let owner = customer.agent?.trimmingSpaces ?? ""
            guard owner == agent else {
                throw UserError("the central store cannot be reached (\(error.description)); offline, this desk calls only customers "
                    + "assigned to \(agent), and \(customer.plate) is \(owner.isEmpty ? "assigned to nobody" : "assigned to \(owner)")")
            }
            say("中心库暂时连不上:只打分给你(\(agent))的客户;通话照常记在本机,连上后用 huashu sync 同步。")
            return .mine(nil)
        }
        let answer = try wrap {
            try central.claim(customer: customer.plate, phone: PersonalData.phone(customer.phone) ?? "", desk: desk, agent: agent, minutes: leaseMinutes)
        }
        switch answer {
        case .claimed:
            return .mine(CallFloor(central: central, customerKey: customer.plate, desk: desk))
        case .heldBy(let lease):
            return .elsewhere("\(customer.plate) is being called by \(lease.agent) at desk \(lease.desk) since \(clock(lease.since)) "
                + "(the lease runs to \(clock(lease.until)) unless that call ends first)")
        case .refused(let refusal):
            try honour(refusal, in: store)
            return .elsewhere(refusal.kind == "do_not_call"
                ? "\(customer.name) (\(customer.plate)) asked not to be called (勿扰), as desk \(refusal.desk) recorded; this desk now knows it too"
                : "\(customer.plate)'s phone \(refusal.phone) was a wrong number on desk \(refusal.desk); the customer waits for a new phone from the ledger")
        }
    }

    /// The call is over: the customer is free for other desks.
    func release() {
        try? central.release(customer: customerKey, desk: desk)
    }

    /// A call left to resume keeps its lease until it lapses, so no other desk picks the customer up meanwhile.
    func release(after call: LiveCall) {
        if call.state.hasEnded { release() }
    }

    /// Marks this desk's customer with a refusal heard elsewhere; a wrong number only while the desk still has that phone.
    /// True when it marked something.
    @discardableResult
    static func honour(_ refusal: CentralRefusal, in store: Store) throws(UserError) -> Bool {
        let wrongNumber = refusal.kind == "wrong_number"
        guard let customer = try customer(refusal.customerKey, in: store), let id = customer.id,
              !wrongNumber || (PersonalData.phone(customer.phone) ?? "") == refusal.phone else { return false }
        return try wrap { try store.markRefusedElsewhere(customerID: id, wrongNumber: wrongNumber, desk: refusal.desk, at: Date()) }
    }

    /// Takes this desk's 勿扰 off a customer a supervisor lifted it for on central, with the supervisor's name and
    /// reason in the audit table. True when the customer was marked.
    static func honour(_ lift: RefusalLift, in store: Store) throws(UserError) -> Bool {
        guard let id = try customer(lift.customerKey, in: store)?.id else { return false }
        return try wrap { try store.liftDoNotCall(customerID: id, by: lift.by, reason: "\(lift.reason) [lifted on central, #\(lift.id) at \(lift.at)]",
                                                  at: Date()) }
    }

    /// This desk's customer with the plate central keys them by: both come from the ledger's checked spelling.
    private static func customer(_ key: String, in store: Store) throws(UserError) -> Customer? {
        try wrap { try store.findCustomers(CustomerKey(text: key, plate: key)) }.first { $0.plate == key }
    }

    private static func clock(_ seconds: Int64) -> String {
        LocalTime(Date(timeIntervalSince1970: TimeInterval(seconds))).minuteText
    }
}

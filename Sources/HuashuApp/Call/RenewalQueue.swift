import Foundation
import HuashuCalendar
import HuashuRenewal
import HuashuStore

/// One customer on a day's call list and why they are on it (`RenewalQueueRule`).
public struct QueueEntry: Sendable, Equatable {
    public let customer: Customer
    public let standing: QueueStanding

    public var why: QueueStanding.Why { standing.why }
    public var reason: String { standing.reason }
    public var overdueDays: Int { standing.overdueDays }
    public var lateMinutes: Int { standing.lateMinutes }
    public var daysToExpiry: Int? { standing.daysToExpiry }
    public var lastCall: String? { standing.lastCall }

    public var overdue: Bool { overdueDays > 0 || lateMinutes >= 60 }
    /// A follow-up booked for later today: listed last until its time comes.
    public var notYetDue: Bool { lateMinutes < 0 }

    /// `逾期2天`, `逾期3小时`, or empty.
    public var overdueText: String {
        overdueDays > 0 ? "逾期\(overdueDays)天" : lateMinutes >= 60 ? "逾期\(lateMinutes / 60)小时" : ""
    }
}

/// A day's call list from the store, in the order and with the reasons of `RenewalQueueRule`.
public enum RenewalQueue {
    /// The list at the moment `now` for the plan in `$HUASHU_PLAN` (or the dealer's).
    public static func build(store: Store, today now: Date) throws(UserError) -> [QueueEntry] {
        try build(store: store, today: now, plan: try RenewalPlan.chosen(nil), agent: nil)
    }

    /// The list at the moment `now`; with `agent`, only the customers the ledger gives that agent (专员).
    public static func build(store: Store, today now: Date, plan: RenewalPlan, agent: String?) throws(UserError) -> [QueueEntry] {
        var entries: [QueueEntry] = []
        try each(store: store, today: LocalDay.day(now), minute: LocalDay.minute(now), plan: plan, owner: owner(agent)) { entries.append($0) }
        return entries
    }

    /// The list streamed one entry at a time, for any day, at `minute` after its midnight.
    static func each(store: any SupervisorStore, today: LedgerDate, minute: Int, plan: RenewalPlan, owner: QueueOwner, limit: Int? = nil,
                     _ body: (QueueEntry) -> Void) throws(UserError) {
        try wrap { try store.queue(today: today, minute: minute, plan: plan, owner: owner, limit: limit) { customer, standing in
            body(QueueEntry(customer: customer, standing: standing))
        } }
    }

    /// `--agent NAME`: that agent's customers; none or blank: everyone's.
    static func owner(_ agent: String?) -> QueueOwner {
        guard let name = agent?.trimmingSpaces, !name.isEmpty else { return .anyone }
        return .agent(name)
    }

    /// The agent's calendar day of a logged UTC timestamp.
    static func day(timestamp: String) -> LedgerDate? {
        Timestamp.date(timestamp).map(LocalDay.day)
    }
}

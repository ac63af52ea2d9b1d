import Foundation
import HuashuCalendar
import HuashuLedger
import HuashuScript
import HuashuStore

/// One customer on a day's call list and why they are on it.
public struct QueueEntry: Sendable, Equatable {
    public enum Why: Sendable, Equatable {
        /// A follow-up booked in an earlier call: `callback`, `thinking` or `payment`, due `yyyy-MM-dd HH:mm`.
        case followUp(kind: String, due: String)
        /// A touchpoint of the renewal timeline.
        case timeline(RenewalTouch)
        /// A vehicle a customer mentioned on a call, not yet called: its details to check.
        case lead(call: Int64)
    }

    public let customer: Customer
    public let why: Why
    /// Why the customer is on today's list, as shown: `预约回访 10:00`, `60-30天 每7天跟进`.
    public let reason: String
    /// Days since the call fell due; 0 when it is due today.
    public let overdueDays: Int
    /// For a follow-up due today: minutes since its time (negative while it is still to come).
    public let lateMinutes: Int
    /// Negative once the policy has lapsed; nil without an expiry date.
    public let daysToExpiry: Int?
    /// What the last call said and when: `考虑中 2026-08-29`, `战败(价格) 2025-10-02`, `未结束 2026-08-30`.
    public let lastCall: String?

    public var overdue: Bool { overdueDays > 0 || lateMinutes >= 60 }
    /// A follow-up booked for later today: listed last until its time comes.
    public var notYetDue: Bool { lateMinutes < 0 }

    /// `逾期2天`, `逾期3小时`, or empty.
    public var overdueText: String {
        overdueDays > 0 ? "逾期\(overdueDays)天" : lateMinutes >= 60 ? "逾期\(lateMinutes / 60)小时" : ""
    }

    init(customer: Customer, why: Why, reason: String, overdueDays: Int, lateMinutes: Int = 0, daysToExpiry: Int?, lastCall: String?) {
        self.customer = customer
        self.why = why
        self.reason = reason
        self.overdueDays = overdueDays
        self.lateMinutes = lateMinutes
        self.daysToExpiry = daysToExpiry
        self.lastCall = lastCall
    }
}

/// A day's call list (see DOMAIN.md, "The renewal timeline"), most urgent first:
///
/// 1. follow-ups booked in earlier calls whose time has come (overdue ones
///    flagged), earliest first, whatever the grade: a time promised to the customer;
/// 2. then the customers the timeline asks for (`RenewalTimeline`), by how
///    near the expiry is (within 7 days or lapsed, 8-30, 31-60, further), and
///    within the same urgency by grade A, B, C, ungraded, and D (likely lost)
///    last; then nearest the expiry date first (on a tie the one not yet lapsed);
/// 3. last, follow-ups booked for later today, by their time: a callback due
///    at 16:00 moves to the top at 16:00, not in the morning.
///
/// Left out: do-not-call (勿扰), no valid phone (缺少有效电话: none in the ledger, or found wrong on a
/// call, until an import brings another) and rehearsal-only customers, and customers whose latest finished
/// call this renewal season (`RenewalSeason`) was won, lost (the
/// vehicle sold is a loss reason) or do-not-call. A customer
/// with a follow-up booked for a later day waits for it. A win or loss from
/// an earlier season does not count: once the ledger brings the new expiry
/// date, the customer is on the timeline again.
public enum RenewalQueue {
    /// Today's list from the store, for the plan in `$HUASHU_PLAN` (or the dealer's).
    public static func build(store: Store, today: Date) throws(UserError) -> [QueueEntry] {
        try build(store: store, today: today, plan: try RenewalPlan.chosen(nil), agent: nil)
    }

    /// The list at the moment `now`; with `agent`, only the customers the ledger gives that agent (专员).
    public static func build(store: Store, today now: Date, plan: RenewalPlan, agent: String?) throws(UserError) -> [QueueEntry] {
        let customers = try wrap { try store.allCustomers() }
        let followUps = try wrap { try store.openFollowUps() }
        let calls = try wrap { try store.lastCalls() }
        return entries(customers: customers, calls: calls, followUps: followUps, today: LocalDay.day(now), minute: LocalDay.minute(now),
                       plan: plan, agent: agent)
    }

    /// The end of the day: a list for a whole day counts every follow-up booked on it as due.
    public static let wholeDay = 24 * 60

    /// The list from data in hand: pure, for any day, at `minute` after its midnight.
    public static func entries(customers: [Customer], calls: [Int64: LastCalls],
                               followUps: [(customerID: Int64, kind: String, due: String)],
                               today: LedgerDate, minute: Int = wholeDay, plan: RenewalPlan, agent: String?) -> [QueueEntry] {
        var firstFollowUp: [Int64: (kind: String, due: String)] = [:]
        for followUp in followUps where firstFollowUp[followUp.customerID].map({ followUp.due < $0.due }) ?? true {
            firstFollowUp[followUp.customerID] = (followUp.kind, followUp.due)
        }
        let wantedAgent = agent?.trimmingCharacters(in: .whitespaces)
        var booked: [(due: String, entry: QueueEntry)] = []
        var timeline: [QueueEntry] = []
        var later: [(due: String, entry: QueueEntry)] = []
        for customer in customers where !customer.doNotCall && !customer.training && !customer.phoneInvalid {
            guard let id = customer.id else { continue }
            if let wantedAgent, !wantedAgent.isEmpty, customer.agent?.trimmingCharacters(in: .whitespaces) != wantedAgent { continue }
            // Each policy has its own timeline: the first with a contact due today is the reason.
            let policies = VehiclePolicy.of(customer)
            let history = calls[id]
            let lastContact = history.flatMap { day(timestamp: $0.last.startedAt) }
            let due = policies.lazy.compactMap { policy in
                RenewalTimeline.due(expiry: policy.expiry, lastContact: lastContact, today: today, plan: plan).map { (policy, $0) }
            }.first
            let expiry = (due?.0 ?? VehiclePolicy.current(policies, today: today))?.expiry
            // A do-not-call ending still standing keeps the customer out above; one a supervisor lifted does not end the season.
            // A wrong number is left out by the phone's mark instead, so that a new number brings the customer back.
            if let ended = history?.lastEnded, let outcome = ended.outcome, RenewalSeason.finalOutcomes.contains(outcome),
               outcome != OutcomeKind.doNotCall.rawValue, outcome != OutcomeKind.wrongNumber.rawValue {
                let seasonStart = expiry?.adding(days: -RenewalSeason.days)
                if let endedDay = day(timestamp: ended.startedAt), seasonStart.map({ endedDay >= $0 }) ?? true { continue }
            }
            let daysToExpiry = expiry.map { today.days(until: $0) }
            let lastCall = history.map { describe($0.last) }
            if let followUp = firstFollowUp[id] {
                // A due time that cannot be read (a database edited by hand) is shown as written, today: never dropped.
                let readable = try? LedgerValue.date(String(followUp.due.prefix(10)))
                let dueDay = readable ?? today
                guard dueDay <= today else { continue }
                let time = followUp.due.dropFirst(10).trimmingCharacters(in: .whitespaces)
                let when = readable == nil ? followUp.due : dueDay == today ? time : "\(dueDay) \(time)".trimmingCharacters(in: .whitespaces)
                let label = FollowUpPlan.Kind(rawValue: followUp.kind)?.chinese ?? followUp.kind
                let late = dueDay == today && readable != nil && minute != wholeDay ? minute - Self.minute(of: time) : 0
                let entry = QueueEntry(customer: customer, why: .followUp(kind: followUp.kind, due: followUp.due),
                                       reason: "\(label) \(when)".trimmingCharacters(in: .whitespaces) + (late < 0 ? " (未到时间)" : ""),
                                       overdueDays: dueDay.days(until: today), lateMinutes: late, daysToExpiry: daysToExpiry, lastCall: lastCall)
                if entry.notYetDue { later.append((followUp.due, entry)) } else { booked.append((followUp.due, entry)) }
                continue
            }
            if let call = customer.leadFromCall, history == nil {
                timeline.append(QueueEntry(customer: customer, why: .lead(call: call), reason: "新线索(通话#\(call)提到的另一台车) 待核实",
                                           overdueDays: 0, daysToExpiry: daysToExpiry, lastCall: nil))
                continue
            }
            guard let (policy, touch) = due else { continue }
            timeline.append(QueueEntry(customer: customer, why: .timeline(touch), reason: policy.label(among: policies) + touch.reason,
                                       overdueDays: touch.overdueDays,
                                       daysToExpiry: daysToExpiry, lastCall: lastCall))
        }
        timeline.sort { order($0) < order($1) }
        func byTime(_ list: [(due: String, entry: QueueEntry)]) -> [QueueEntry] {
            list.sorted { ($0.due, $0.entry.customer.id ?? 0) < ($1.due, $1.entry.customer.id ?? 0) }.map(\.entry)
        }
        return byTime(booked) + timeline + byTime(later)
    }

    /// `16:30` as minutes after midnight; a time that cannot be read counts as midnight (due at once).
    static func minute(of time: String) -> Int {
        let parts = time.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]) else { return 0 }
        return hour * 60 + minute
    }

    /// How urgent the expiry makes a timeline call: within 7 days or lapsed, 8-30, 31-60, further.
    static func urgency(_ daysToExpiry: Int?) -> Int {
        guard let days = daysToExpiry else { return 3 }
        switch days {
        case ...7: return 0
        case 8...30: return 1
        case 31...60: return 2
        default: return 3
        }
    }

    /// Urgency from the expiry; within it A, B, C, ungraded, then D; then the days to or since expiry,
    /// the insured first on a tie; then the ledger order.
    static func order(_ entry: QueueEntry) -> (Int, Int, Int, Int, Int64) {
        let rank: Int
        switch entry.customer.grade {
        case "A": rank = 0
        case "B": rank = 1
        case "C": rank = 2
        case "D": rank = 4
        default: rank = 3
        }
        let days = entry.daysToExpiry ?? Int.max
        return (urgency(entry.daysToExpiry), rank, abs(days), days < 0 ? 1 : 0, entry.customer.id ?? 0)
    }

    /// `考虑中 2026-08-29`: the outcome in Chinese (and the loss reason) and the local day of the call.
    static func describe(_ call: CallSummary) -> String {
        let outcome = call.outcome.map { raw in
            guard let kind = OutcomeKind(rawValue: raw) else { return raw }
            return kind.chinese + (call.lossReason.flatMap(LossReason.init(rawValue:)).map { "(\($0.chinese))" } ?? "")
        } ?? "未结束"
        return outcome + (day(timestamp: call.startedAt).map { " \($0)" } ?? "")
    }

    /// The agent's calendar day of a logged UTC timestamp.
    static func day(timestamp: String) -> LedgerDate? {
        Timestamp.date(timestamp).map(LocalDay.day)
    }
}

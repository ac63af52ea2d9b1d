import Foundation
import HuashuStore

/// One customer on today's call list and why they are on it.
public struct QueueEntry: Sendable {
    public let customer: Customer
    public let reason: String
    public let daysToExpiry: Int?
    public let overdue: Bool
    public let lastOutcome: String?
}

/// Today's call list from the renewal timeline (see DOMAIN.md): booked
/// callbacks first, then grade A to D, then the nearest expiry. Customers with
/// a final outcome (won, lost, do-not-call, wrong number) are left out.
public enum RenewalQueue {
    static let finalOutcomes: Set<String> = ["won", "lost", "do_not_call", "wrong_number"]

    /// Days allowed between contacts in each window before expiry.
    static func interval(daysToExpiry d: Int) -> (days: Int, window: String)? {
        switch d {
        case 61...90: return (15, "90-60天 每15天跟进")
        case 31...60: return (7, "60-30天 每7天跟进")
        case 0...30: return (3, "最后30天 每3天跟进")
        case ..<0: return (3, "已脱保 跟进至投保")
        default: return nil
        }
    }

    public static func build(store: Store, today: Date) throws(UserError) -> [QueueEntry] {
        let customers = try wrap { try store.allCustomers() }
        let followUps = try wrap { try store.openFollowUps() }
        let latest = try wrap { try store.latestCalls() }
        let endOfToday = LocalDay.string(today) + " 23:59"
        let todayText = LocalDay.string(today)
        var callbacks: [(due: String, entry: QueueEntry)] = []
        var timeline: [QueueEntry] = []
        for customer in customers where !customer.doNotCall {
            guard let id = customer.id else { continue }
            let last = latest[id]
            if let outcome = last?.outcome, finalOutcomes.contains(outcome) { continue }
            let days = customer.commercialExpiry.flatMap { LocalDay.daysBetween(today, $0) }
            if let followUp = followUps.first(where: { $0.customerID == id }), followUp.due <= endOfToday {
                let overdue = followUp.due < todayText
                let label = ["callback": "预约回访", "thinking": "考虑中跟进", "payment": "催缴保费"][followUp.kind] ?? followUp.kind
                callbacks.append((followUp.due, QueueEntry(customer: customer, reason: "\(label) \(followUp.due)" + (overdue ? " 已逾期" : ""),
                                                           daysToExpiry: days, overdue: overdue, lastOutcome: last?.outcome)))
                continue
            }
            guard let days, let rule = interval(daysToExpiry: days) else { continue }
            let sinceLast = last.flatMap { Timestamp.date($0.startedAt) }.flatMap {
                Calendar.current.dateComponents([.day], from: Calendar.current.startOfDay(for: $0), to: Calendar.current.startOfDay(for: today)).day
            }
            let reminder = days == 7 ? "到期前7天提醒" : days == 1 ? "到期前1天最后提醒" : nil
            let reason: String
            if let sinceLast {
                guard sinceLast >= rule.days || (reminder != nil && sinceLast > 0) else { continue }
                reason = reminder ?? "\(rule.window),上次联系\(sinceLast)天前" + (sinceLast > rule.days ? " 已逾期" : "")
            } else {
                reason = reminder ?? (days > 60 ? "首次联系(到期前90天内)" : "首次联系 \(rule.window)")
            }
            timeline.append(QueueEntry(customer: customer, reason: reason, daysToExpiry: days,
                                       overdue: (sinceLast ?? 0) > rule.days, lastOutcome: last?.outcome))
        }
        let gradeOrder = ["A": 0, "B": 1, "C": 2, "D": 3]
        timeline.sort {
            let a = (gradeOrder[$0.customer.grade ?? ""] ?? 4, $0.daysToExpiry ?? Int.max, $0.customer.id ?? 0)
            let b = (gradeOrder[$1.customer.grade ?? ""] ?? 4, $1.daysToExpiry ?? Int.max, $1.customer.id ?? 0)
            return a < b
        }
        return callbacks.sorted { $0.due < $1.due }.map(\.entry) + timeline
    }
}

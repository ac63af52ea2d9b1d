import HuashuCalendar

/// Which renewal schedule the queue follows (see DOMAIN.md, "The renewal timeline").
public enum RenewalPlan: String, Sendable, CaseIterable {
    /// The dealer's (4S店) schedule: first contact 90 days before expiry, then
    /// every 15 days to 60, every 7 to 30, every 3 in the last 30 (never more
    /// than 3 days apart), reminders at 7 and 1 days, lapse follow-up after.
    case dealer
    /// The insurer's touchpoints: 60/55 续保提醒, 45/40 续保洽谈, 30/25 续保确认,
    /// 15/10 续保攻坚, 7/3 续保坚持, 0 失效提醒, then lapse follow-up.
    case insurer

    public var chinese: String {
        switch self {
        case .dealer: return "经销商计划"
        case .insurer: return "保险公司计划"
        }
    }
}

/// Why the timeline puts a customer on a day's list.
public struct RenewalTouch: Sendable, Equatable, CustomStringConvertible {
    /// The touchpoint in the words the queue shows: `首次联系(90-60天)`,
    /// `60-30天 每7天跟进`, `到期前7天提醒`, `续保洽谈(到期前40天)`, `脱保跟进`.
    public let reason: String
    /// Days since the contact fell due, 0 when it falls due today. A first
    /// contact is never overdue: nothing was left open.
    public let overdueDays: Int

    public init(_ reason: String, overdueDays: Int = 0) {
        self.reason = reason
        self.overdueDays = overdueDays
    }

    public var description: String {
        overdueDays > 0 ? "\(reason) 逾期\(overdueDays)天" : reason
    }
}

/// The renewal timeline as pure rules: whether a customer is due for a call
/// on a day, from the expiry date and the day of the last contact alone.
///
/// A contact falls due on the first day after the last one on which the plan
/// asks for it; the customer stays due, and becomes overdue, until called.
/// Any call counts as a contact, answered or not; a call today means nothing
/// more is due today. After expiry a lapsed (脱保) customer is followed every
/// 3 days, in both plans, until a call records where they insured.
public enum RenewalTimeline {
    /// Days between contacts after expiry.
    static let lapseInterval = 3

    /// The insurer's touchpoints, days before expiry, latest last.
    static let insurerTouchpoints: [(days: Int, name: String)] = [
        (60, "续保提醒"), (55, "续保提醒"), (45, "续保洽谈"), (40, "续保洽谈"), (30, "续保确认"), (25, "续保确认"),
        (15, "续保攻坚"), (10, "续保攻坚"), (7, "续保坚持"), (3, "续保坚持"), (0, "失效提醒"),
    ]

    /// The dealer's windows: the days before expiry they cover and the most days allowed between contacts.
    static func dealerWindow(_ days: Int) -> (name: String, interval: Int) {
        switch days {
        case 61...: return ("90-60天", 15)
        case 31...60: return ("60-30天", 7)
        case 0...30: return ("最后30天", 3)
        default: return ("脱保", lapseInterval)
        }
    }

    /// The first day, in days before expiry, a plan calls a customer.
    public static func start(_ plan: RenewalPlan) -> Int {
        plan == .dealer ? 90 : 60
    }

    /// What is due on `today` for a policy expiring on `expiry`, last contacted on `lastContact` (nil: never).
    public static func due(expiry: LedgerDate, lastContact: LedgerDate?, today: LedgerDate, plan: RenewalPlan) -> RenewalTouch? {
        due(daysToExpiry: today.days(until: expiry), daysSinceLastContact: lastContact.map { $0.days(until: today) }, plan: plan)
    }

    /// The same rules counted in days: `daysToExpiry` negative once lapsed.
    public static func due(daysToExpiry today: Int, daysSinceLastContact: Int?, plan: RenewalPlan) -> RenewalTouch? {
        guard today <= start(plan) else { return nil }
        if let since = daysSinceLastContact, since <= 0 { return nil }
        let lastContact = daysSinceLastContact.map { today + $0 }  // in days before expiry
        // Walk forward from the day after the last contact (or the plan's first day) to today.
        var day = min(start(plan), (lastContact ?? Int.max) - 1)
        var fellDue: Int?
        while day >= today {
            let since = lastContact.map { $0 - day } ?? Int.max
            if isDue(day, since: since, plan: plan) {
                fellDue = day
                break
            }
            day -= 1
        }
        guard let fellDue else { return nil }
        let first = lastContact == nil
        return RenewalTouch(reason(today, first: first, plan: plan), overdueDays: first ? 0 : fellDue - today)
    }

    /// Whether the plan asks for a contact `day` days before expiry, `since` days after the last.
    static func isDue(_ day: Int, since: Int, plan: RenewalPlan) -> Bool {
        if day < 0 { return since >= lapseInterval }
        switch plan {
        case .dealer:
            return day == 7 || day == 1 || since >= dealerWindow(day).interval
        case .insurer:
            return insurerTouchpoints.contains { $0.days == day }
        }
    }

    /// The touchpoint a day belongs to, as the queue names it.
    static func reason(_ day: Int, first: Bool, plan: RenewalPlan) -> String {
        let firstMark = first ? "首次联系 · " : ""
        if day < 0 { return firstMark + "脱保跟进" }
        switch plan {
        case .dealer:
            if day == 7 { return firstMark + "到期前7天提醒" }
            if day == 1 { return firstMark + "到期前1天最后提醒" }
            let window = dealerWindow(day)
            return first ? "首次联系(\(window.name))" : "\(window.name) 每\(window.interval)天跟进"
        case .insurer:
            let touch = insurerTouchpoints.last { $0.days >= day } ?? insurerTouchpoints[0]
            return firstMark + touch.name + (touch.days == 0 ? "(到期当天)" : "(到期前\(touch.days)天)")
        }
    }
}

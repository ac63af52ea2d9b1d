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
        // The contact fell due on the latest day, from the last contact (or the plan's first day) to today, that a window asks for.
        var latest: Int?
        for window in windows(plan) {
            if let day = window.latestDueDay(from: today, lastContact: lastContact, start: start(plan)) { latest = max(latest ?? day, day) }
        }
        guard let fellDue = latest else { return nil }
        let first = lastContact == nil
        return RenewalTouch(reason(today, first: first, plan: plan), overdueDays: first ? 0 : fellDue - today)
    }

    /// The plan as windows of days before expiry, each with the most days it allows between contacts
    /// (a single-day window with interval 1 is a touchpoint: due whenever not called on it). The queue's
    /// SQL is generated from these windows (`RenewalQueueSQL`), so the two cannot disagree.
    public static func windows(_ plan: RenewalPlan) -> [TimelineWindow] {
        plan == .dealer ? dealerWindows : insurerWindows
    }

    private static let lapse = TimelineWindow(from: nil, to: -1, interval: lapseInterval)
    private static let dealerWindows = [
        TimelineWindow(from: 61, to: start(.dealer), interval: dealerWindow(61).interval),
        TimelineWindow(from: 31, to: 60, interval: dealerWindow(31).interval),
        TimelineWindow(from: 0, to: 30, interval: dealerWindow(0).interval),
        TimelineWindow(from: 7, to: 7, interval: 1), TimelineWindow(from: 1, to: 1, interval: 1), lapse,
    ]
    private static let insurerWindows = insurerTouchpoints.map { TimelineWindow(from: $0.days, to: $0.days, interval: 1) } + [lapse]

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

/// Days before expiry (`from` to `to`, negative once lapsed; no `from`: no lower end) in which a
/// contact falls due once `interval` days have passed since the last one.
public struct TimelineWindow: Sendable, Equatable {
    public let from: Int?
    public let to: Int
    public let interval: Int

    /// The latest day of this window, no later than the plan's `start` and no earlier than `today`,
    /// on which a contact is due after the last one (`lastContact` days before expiry; nil: never).
    func latestDueDay(from today: Int, lastContact: Int?, start: Int) -> Int? {
        let latest = min(to, start, lastContact.map { $0 - interval } ?? Int.max)
        return latest >= max(today, from ?? Int.min) ? latest : nil
    }
}

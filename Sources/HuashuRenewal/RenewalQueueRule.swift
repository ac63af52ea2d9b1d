import HuashuCalendar
import HuashuText

/// What the queue rule needs to know of one customer, as plain values: the
/// store reads them (one row per customer) and hands them in.
public struct QueueCandidate: Sendable, Equatable {
    /// A call as the queue sees it: its local day and how it ended, if it did.
    public struct Call: Sendable, Equatable {
        public var day: LedgerDate?
        public var outcome: String?
        public var lossReason: String?

        public init(day: LedgerDate?, outcome: String?, lossReason: String? = nil) {
            self.day = day
            self.outcome = outcome
            self.lossReason = lossReason
        }
    }

    public var grade: String?
    /// The vehicle's policies with a readable expiry date (`VehiclePolicy.of`).
    public var policies: [VehiclePolicy]
    /// The call that found this vehicle as a lead, when no ledger row brought it.
    public var leadFromCall: Int64?
    /// The latest live call, and the latest that reached an outcome (often the same).
    public var lastCall: Call?
    public var lastEnded: Call?
    /// The earliest open follow-up: its kind and local due time, `yyyy-MM-dd HH:mm`.
    public var followUp: (kind: String, due: String)?

    public init(grade: String?, policies: [VehiclePolicy], leadFromCall: Int64?, lastCall: Call?, lastEnded: Call?,
                followUp: (kind: String, due: String)?) {
        self.grade = grade
        self.policies = policies
        self.leadFromCall = leadFromCall
        self.lastCall = lastCall
        self.lastEnded = lastEnded
        self.followUp = followUp
    }

    public static func == (a: QueueCandidate, b: QueueCandidate) -> Bool {
        a.grade == b.grade && a.policies == b.policies && a.leadFromCall == b.leadFromCall && a.lastCall == b.lastCall
            && a.lastEnded == b.lastEnded && a.followUp?.kind == b.followUp?.kind && a.followUp?.due == b.followUp?.due
    }
}

/// Why one customer is on a day's call list, and where.
public struct QueueStanding: Sendable, Equatable {
    public enum Why: Sendable, Equatable {
        /// A follow-up booked in an earlier call: `callback`, `thinking` or `payment`, due `yyyy-MM-dd HH:mm`.
        case followUp(kind: String, due: String)
        /// A touchpoint of the renewal timeline.
        case timeline(RenewalTouch)
        /// A vehicle a customer mentioned on a call, not yet called: its details to check.
        case lead(call: Int64)
    }

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
    /// The place on the list (`RenewalQueueRule.key`); the customer's id breaks ties.
    public let key: String
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
/// call, until an import brings another) and rehearsal-only customers (the store's query leaves
/// them out), and customers whose latest finished call this renewal season (`RenewalSeason`) was
/// won, lost (the vehicle sold is a loss reason) or do-not-call. A customer
/// with a follow-up booked for a later day waits for it. A win or loss from
/// an earlier season does not count: once the ledger brings the new expiry
/// date, the customer is on the timeline again.
///
/// This rule is the one home of the order: the stores sort by its `key`, computed
/// in SQL generated from this rule's definition (`RenewalQueueSQL`), so the list
/// streams in this order without being built in memory.
public enum RenewalQueueRule {
    /// The end of the day: a list for a whole day counts every follow-up booked on it as due.
    public static let wholeDay = 24 * 60

    /// Where `candidate` stands on `today`'s list at `minute` after midnight; nil when not on it.
    public static func standing(_ candidate: QueueCandidate, today: LedgerDate, minute: Int = wholeDay,
                                plan: RenewalPlan) -> QueueStanding? {
        let policies = candidate.policies
        // Each policy has its own timeline: the first with a contact due today is the reason.
        let lastContact = candidate.lastCall?.day
        let due = policies.lazy.compactMap { policy in
            RenewalTimeline.due(expiry: policy.expiry, lastContact: lastContact, today: today, plan: plan).map { (policy, $0) }
        }.first
        let expiry = (due?.0 ?? VehiclePolicy.current(policies, today: today))?.expiry
        // A do-not-call ending still standing keeps the customer out in the query; one a supervisor lifted does not end the season.
        // A wrong number is left out by the phone's mark instead, so that a new number brings the customer back.
        if let ended = candidate.lastEnded, let outcome = ended.outcome.flatMap(OutcomeKind.init(rawValue:)), outcome.isFinal,
           outcome != .doNotCall, outcome != .wrongNumber {
            if let endedDay = ended.day, expiry.map({ endedDay >= RenewalSeason.start(expiry: $0) }) ?? true { return nil }
        }
        let daysToExpiry = expiry.map { today.days(until: $0) }
        let lastCall = candidate.lastCall.map(describe)
        if let followUp = candidate.followUp {
            // A due time that cannot be read (a database edited by hand) is shown as written, today: never dropped.
            let readable = CalendarText.day(String(followUp.due.prefix(10)))
            let dueDay = readable ?? today
            guard dueDay <= today else { return nil }
            let time = followUp.due.dropFirst(10).trimmingSpaces
            let when = readable == nil ? followUp.due : dueDay == today ? time : "\(dueDay) \(time)".trimmingSpaces
            let label = FollowUpPlan.Kind(rawValue: followUp.kind)?.chinese ?? followUp.kind
            let late = dueDay == today && readable != nil && minute != wholeDay ? minute - Self.minute(of: time) : 0
            return QueueStanding(why: .followUp(kind: followUp.kind, due: followUp.due), reason: followUpReason(label, when: when, later: late < 0),
                                 overdueDays: dueDay.days(until: today), lateMinutes: late, daysToExpiry: daysToExpiry, lastCall: lastCall,
                                 key: key(booked: followUp.due, later: late < 0))
        }
        if let call = candidate.leadFromCall, candidate.lastCall == nil {
            return QueueStanding(why: .lead(call: call), reason: leadReason(call: call), overdueDays: 0, lateMinutes: 0,
                                 daysToExpiry: daysToExpiry, lastCall: nil, key: key(grade: candidate.grade, daysToExpiry: daysToExpiry))
        }
        guard let (policy, touch) = due else { return nil }
        return QueueStanding(why: .timeline(touch), reason: policy.label(among: policies) + touch.reason, overdueDays: touch.overdueDays,
                             lateMinutes: 0, daysToExpiry: daysToExpiry, lastCall: lastCall,
                             key: key(grade: candidate.grade, daysToExpiry: daysToExpiry))
    }

    static func followUpReason(_ label: String, when: String, later: Bool) -> String {
        "\(label) \(when)".trimmingSpaces + (later ? " (未到时间)" : "")
    }

    static func leadReason(call: Int64) -> String {
        "新线索(通话#\(call)提到的另一台车) 待核实"
    }

    /// The widest reason the rule gives on `plan`'s list (a lead's call number up to seven digits, a follow-up's
    /// due time as huashu writes it): a list printed row by row is laid out for it.
    public static func widestReason(_ plan: RenewalPlan) -> Int {
        let timeline = (-1...RenewalTimeline.start(plan)).flatMap { day in
            [true, false].map { RenewalTimeline.reason(day, first: $0, plan: plan) }
        }
        let labelled = ([""] + [VehiclePolicy.Kind.commercial, .compulsory].map { $0.chinese + " " }).flatMap { label in timeline.map { label + $0 } }
        let followUps = FollowUpPlan.Kind.allCases.flatMap { kind in
            [followUpReason(kind.chinese, when: "2026-01-01 00:00", later: false), followUpReason(kind.chinese, when: "00:00", later: true)]
        }
        return (labelled + followUps + [leadReason(call: 9_999_999)]).map(\.displayWidth).max() ?? 0
    }

    /// Whether `standing` is a follow-up whose time has come: these lead the list, in the order of their due time as
    /// written and then the customer's id (the key is a mark and the due time), before anything the timeline asks for.
    public static func leadsTheList(_ standing: QueueStanding) -> Bool {
        standing.key.hasPrefix(followUpMark)
    }

    /// The first character of a key: follow-ups due, then the timeline, then follow-ups later today.
    static let followUpMark = "0", timelineMark = "1", laterTodayMark = "2"
    /// Urgency from the days to expiry: within 7 days or lapsed, 8-30, 31-60, further (or none).
    static let urgencyBounds = [7, 30, 60]
    /// A, B, C, ungraded, then D (likely lost).
    static let gradeRanks = ["A": 0, "B": 1, "C": 2, "D": 4]
    static let ungradedRank = 3
    /// The distance to expiry in a key has this many digits at most; no expiry counts as the furthest.
    static let distanceCap = 9_999_999

    /// A follow-up's place: due ones first, then the timeline, then those booked for later today; by due time within each.
    static func key(booked due: String, later: Bool) -> String {
        (later ? laterTodayMark : followUpMark) + due
    }

    /// A timeline call's place: urgency from the expiry; within it A, B, C, ungraded, then D;
    /// then the days to or since expiry, the insured first on a tie. Fixed-width digits, so
    /// that text order (SQLite's and Swift's) is this order. `RenewalQueueSQL` builds the same in SQL.
    static func key(grade: String?, daysToExpiry: Int?) -> String {
        let distance = daysToExpiry.map { min(abs($0), distanceCap) } ?? distanceCap
        let digits = String(distance)
        return timelineMark + String(urgency(daysToExpiry)) + String(gradeRank(grade))
            + String(repeating: "0", count: String(distanceCap).count - digits.count) + digits + ((daysToExpiry ?? 0) < 0 ? "1" : "0")
    }

    /// How urgent the expiry makes a timeline call: within 7 days or lapsed, 8-30, 31-60, further.
    static func urgency(_ daysToExpiry: Int?) -> Int {
        guard let days = daysToExpiry else { return urgencyBounds.count }
        return urgencyBounds.firstIndex { days <= $0 } ?? urgencyBounds.count
    }

    /// A, B, C, ungraded, then D (likely lost).
    static func gradeRank(_ grade: String?) -> Int {
        grade.flatMap { gradeRanks[$0] } ?? ungradedRank
    }

    /// `16:30` as minutes after midnight; a time that cannot be read counts as midnight (due at once).
    static func minute(of time: String) -> Int {
        let parts = time.split(separator: ":")
        guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]) else { return 0 }
        return hour * 60 + minute
    }

    /// `考虑中 2026-08-29`: the outcome in Chinese (and the loss reason) and the local day of the call.
    public static func describe(_ call: QueueCandidate.Call) -> String {
        let outcome = call.outcome.map { raw in
            guard let kind = OutcomeKind(rawValue: raw) else { return raw }
            return kind.chinese + (call.lossReason.flatMap(LossReason.init(rawValue:)).map { "(\($0.chinese))" } ?? "")
        } ?? "未结束"
        return outcome + (call.day.map { " \($0)" } ?? "")
    }
}

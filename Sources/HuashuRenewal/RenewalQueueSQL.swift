import HuashuCalendar

/// `RenewalQueueRule`'s key as SQL, generated from the rule's own definition (the timeline's
/// windows, the urgency bounds, the grade ranks, the final outcomes, the season), so that a store
/// sorts its customers in the rule's order without calling back into Swift for each one, and the
/// rule has one home. Each function gives one stage of the computation over the columns the stage
/// before it named; the store nests them (`QueueQuery`, the central store's query). Every constant
/// is an integer or a day the rule computes: nothing typed by a user is spliced in.
///
/// A day is counted as in `RenewalQueueRule.standing`: days from `today` to an expiry, days since a
/// call's local day. The tests compare this SQL with the Swift rule over many varied customers.
public struct RenewalQueueSQL: Sendable {
    public enum Dialect: Sendable { case sqlite, postgres }

    public let today: LedgerDate
    public let minute: Int
    public let plan: RenewalPlan
    public let dialect: Dialect

    public init(today: LedgerDate, minute: Int, plan: RenewalPlan, dialect: Dialect) {
        self.today = today
        self.minute = minute
        self.plan = plan
        self.dialect = dialect
    }

    /// True when the timeline asks for a contact on a policy `days` before expiry (negative once lapsed),
    /// `since` days after the last contact (NULL: never); false or NULL when not (`RenewalTimeline.due`).
    public func policyDue(days: String, since: String) -> String {
        let start = RenewalTimeline.start(plan)
        var firstContact = Int.min
        var afterContact: [String] = []
        for window in RenewalTimeline.windows(plan) {
            let latest = min(window.to, start)
            if let from = window.from, from > latest { continue }
            firstContact = max(firstContact, latest)
            var terms = ["\(days) <= \(latest)", "\(since) >= \(window.interval)"]
            if let from = window.from { terms.append("\(days) + \(since) >= \(from + window.interval)") }
            afterContact.append("(" + terms.joined(separator: " AND ") + ")")
        }
        let after = afterContact.isEmpty ? "FALSE" : afterContact.joined(separator: " OR ")
        return "(CASE WHEN \(days) > \(start) THEN FALSE WHEN \(since) IS NULL THEN \(days) <= \(min(firstContact, start)) "
            + "WHEN \(since) <= 0 THEN FALSE ELSE (\(after)) END)"
    }

    /// The days to the expiry the key and the season go by: the earliest policy due (商业险 on a tie),
    /// else the first not yet expired, else the last to expire (`VehiclePolicy.current`).
    public func daysToExpiry(commercial c: String, compulsory k: String, commercialDue: String, compulsoryDue: String) -> String {
        "(CASE WHEN \(commercialDue) THEN (CASE WHEN \(compulsoryDue) AND \(k) < \(c) THEN \(k) ELSE \(c) END) "
            + "WHEN \(compulsoryDue) THEN \(k) WHEN \(c) IS NULL THEN \(k) WHEN \(k) IS NULL THEN \(c) "
            + "WHEN \(c) >= 0 AND \(k) >= 0 THEN (CASE WHEN \(k) < \(c) THEN \(k) ELSE \(c) END) "
            + "ELSE (CASE WHEN \(k) > \(c) THEN \(k) ELSE \(c) END) END)"
    }

    /// The place on the list (`RenewalQueueRule.key`), NULL when the customer is not on it: a final outcome
    /// this season leaves them out; a follow-up places them by its due time (a later day: not yet listed);
    /// a lead never called, or a policy the timeline asks for, places them by urgency and grade.
    ///
    /// `days`: `daysToExpiry`; `anyDue`: a condition, true when a policy is due; `endedSince`, `endedOutcome`: the latest
    /// finished call; `followUpDue`: the earliest open follow-up's `yyyy-MM-dd HH:mm`.
    public func key(days: String, anyDue: String, lastCallSince: String, endedSince: String, endedOutcome: String,
                    followUpDue: String, grade: String, leadFromCall: String) -> String {
        let settling = OutcomeKind.final.filter { $0 != .doNotCall && $0 != .wrongNumber }.map { "'\($0.rawValue)'" }
        let season = "\(endedOutcome) IN (\(settling.joined(separator: ", "))) AND \(endedSince) IS NOT NULL "
            + "AND (\(days) IS NULL OR \(days) + \(endedSince) <= \(RenewalSeason.days))"
        let dueDay = "substr(\(followUpDue), 1, 10)"
        let later = minute == RenewalQueueRule.wholeDay ? "FALSE"
            : "\(dueDay) = '\(today)' AND \(followUpDue) > '\(today) \(Self.clock(minute))'"
        let followUp = "(CASE WHEN \(dueDay) > '\(today)' THEN NULL WHEN \(later) THEN '\(RenewalQueueRule.laterTodayMark)' || \(followUpDue) "
            + "ELSE '\(RenewalQueueRule.followUpMark)' || \(followUpDue) END)"
        return "(CASE WHEN \(season) THEN NULL WHEN \(followUpDue) IS NOT NULL THEN \(followUp) "
            + "WHEN (\(leadFromCall) IS NOT NULL AND \(lastCallSince) IS NULL) OR (\(anyDue)) THEN \(timelineKey(days: days, grade: grade)) END)"
    }

    /// What a store's probe names for each customer beside the key's inputs and carries to the list: the customer's
    /// id, the latest call (start, outcome, loss reason), the latest finished call (start, outcome), the earliest open
    /// follow-up (kind, due time), as the rule in Swift reads them again for the row's reason (`QueueCandidate`).
    public static let shown = ["id", "last_at", "last_outcome", "last_loss_reason", "ended_at", "ended_outcome", "follow_up_kind", "follow_up_due"]

    /// The stages from a store's probe to each customer's place: the probe (a subquery) names per customer `days_c`,
    /// `days_k` (days to each expiry), `since`, `ended_since` (days since the latest call and latest finished one),
    /// `ended_outcome`, `follow_up_due`, `grade`, `lead_from_call` and `as_written` (every date as huashu writes it);
    /// the result has `carried` and `place`, the key, or `otherwise` for a row not as written. `stage` ends each
    /// subquery (SQLite: a clause that keeps it from being flattened into the next).
    public func placed(_ probe: String, carrying carried: [String], otherwise: String, stage: String = "") -> String {
        let key = key(days: "days", anyDue: "due_c OR due_k", lastCallSince: "since", endedSince: "ended_since",
                      endedOutcome: "ended_outcome", followUpDue: "follow_up_due", grade: "grade", leadFromCall: "lead_from_call")
        return """
            SELECT \(carried.joined(separator: ", ")), CASE WHEN as_written THEN \(key) ELSE \(otherwise) END AS place
            FROM (
                SELECT judged.*, \(daysToExpiry(commercial: "days_c", compulsory: "days_k", commercialDue: "due_c", compulsoryDue: "due_k")) AS days
                FROM (
                    SELECT probed.*, \(policyDue(days: "days_c", since: "since")) AS due_c, \(policyDue(days: "days_k", since: "since")) AS due_k
                    FROM (\(probe)) probed \(stage)
                ) judged \(stage)
            ) dated \(stage)
            """
    }

    /// `RenewalQueueRule.key(grade:daysToExpiry:)`: the mark, urgency, grade rank, fixed-width distance, lapsed flag.
    func timelineKey(days: String, grade: String) -> String {
        let bounds = RenewalQueueRule.urgencyBounds
        let urgency = "(CASE WHEN \(days) IS NULL THEN \(bounds.count) "
            + bounds.enumerated().map { "WHEN \(days) <= \($1) THEN \($0) " }.joined() + "ELSE \(bounds.count) END)"
        let ranks = "(CASE \(grade) " + RenewalQueueRule.gradeRanks.sorted { $0.value < $1.value }
            .map { "WHEN '\($0.key)' THEN \($0.value) " }.joined() + "ELSE \(RenewalQueueRule.ungradedRank) END)"
        let cap = RenewalQueueRule.distanceCap
        let distance = "(CASE WHEN \(days) IS NULL OR abs(\(days)) > \(cap) THEN \(cap) ELSE abs(\(days)) END)"
        let digits = String(cap).count
        let padded = dialect == .sqlite ? "printf('%0\(digits)d', \(distance))" : "lpad(\(distance)::text, \(digits), '0')"
        let lapsed = "(CASE WHEN \(days) < 0 THEN '1' ELSE '0' END)"
        return "'\(RenewalQueueRule.timelineMark)' || \(text(urgency)) || \(text(ranks)) || \(padded) || \(lapsed)"
    }

    private func text(_ integer: String) -> String {
        dialect == .sqlite ? integer : "(\(integer))::text"
    }

    /// `16:05` for a minute after midnight.
    static func clock(_ minute: Int) -> String {
        (minute / 60 < 10 ? "0" : "") + String(minute / 60) + ":" + (minute % 60 < 10 ? "0" : "") + String(minute % 60)
    }
}

import HuashuCalendar
import HuashuLedger
import HuashuRenewal
import HuashuStore

/// The call list's query on the central store: every desk's customers (by plate, `team.customers`) with
/// their latest call, latest finished call and earliest open follow-up across desks, placed by the key
/// `RenewalQueueSQL` generates from the rule, as a desk's query does (`Store.queue`). A value not as huashu
/// writes it (a hand-edited date) gets no key here: such rows come first, for the rule in Swift to place.
enum CentralQueueSQL {
    /// The agent a list is for, set for the transaction (`set_config`) rather than spliced into the text.
    static let agentSetting = "huashu.queue_agent"

    static func sql(_ rule: RenewalQueueSQL, owner: QueueOwner) -> String {
        let today = "DATE '\(rule.today)'"
        let years = LedgerValue.plausibleYears
        let day = "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
        /// A real day in the text's first ten characters (`2026-02-30` is not), checked before any cast can fail.
        func realDay(_ text: String) -> String {
            "substr(\(text), 9, 2)::int <= extract(day from make_date(substr(\(text), 1, 4)::int, substr(\(text), 6, 2)::int, 1) "
                + "+ interval '1 month - 1 day')::int"
        }
        func expiryAsWritten(_ column: String) -> String {
            "(CASE WHEN \(column) IS NULL THEN TRUE WHEN \(column) !~ '^\(day)$' OR \(column) < '\(years.lowerBound)-01-01' "
                + "OR \(column) > '\(years.upperBound)-12-31' THEN FALSE ELSE \(realDay(column)) END)"
        }
        /// A day, then `rest`, and nothing else.
        func asWritten(_ column: String, _ rest: String) -> String {
            "(CASE WHEN \(column) IS NULL THEN TRUE WHEN \(column) !~ '^\(day)\(rest)$' OR \(column) < '0001' THEN FALSE ELSE \(realDay(column)) END)"
        }
        func timestampAsWritten(_ column: String) -> String { asWritten(column, "T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9][.][0-9]{3}Z") }
        func days(to column: String) -> String { "(CASE WHEN \(expiryAsWritten(column)) THEN \(column)::date - \(today) END)" }
        func days(since column: String) -> String {
            "(CASE WHEN \(timestampAsWritten(column)) THEN \(today) - (\(column)::timestamptz)::date END)"
        }
        let shown = RenewalQueueSQL.shown
        let latest = "ORDER BY k.started_at COLLATE \"C\" DESC, k.id DESC LIMIT 1"
        let probe = """
            SELECT c.id, c.grade, c.lead_from_call,
                   l.started_at AS last_at, l.outcome AS last_outcome, l.loss_reason AS last_loss_reason,
                   e.started_at AS ended_at, e.outcome AS ended_outcome, f.kind AS follow_up_kind, f.due_at AS follow_up_due,
                   \(days(to: "c.commercial_expiry")) AS days_c, \(days(to: "c.compulsory_expiry")) AS days_k,
                   \(days(since: "l.started_at")) AS since, \(days(since: "e.started_at")) AS ended_since,
                   \(expiryAsWritten("c.commercial_expiry")) AND \(expiryAsWritten("c.compulsory_expiry"))
                   AND \(timestampAsWritten("l.started_at")) AND \(timestampAsWritten("e.started_at"))
                   AND \(asWritten("f.due_at", " ([01][0-9]|2[0-3]):[0-5][0-9]")) AS as_written
            FROM team.customers c
            LEFT JOIN LATERAL (SELECT k.started_at, k.outcome, k.loss_reason FROM team.calls k
                               WHERE k.customer_id = c.id AND k.training = 0 \(latest)) l ON TRUE
            LEFT JOIN LATERAL (SELECT k.started_at, k.outcome FROM team.calls k
                               WHERE k.customer_id = c.id AND k.training = 0 AND k.outcome IS NOT NULL \(latest)) e ON TRUE
            LEFT JOIN LATERAL (SELECT u.kind, u.due_at FROM team.follow_ups u WHERE u.customer_id = c.id AND u.done_at IS NULL
                               ORDER BY u.due_at COLLATE "C", u.desk COLLATE "C", u.id LIMIT 1) f ON TRUE
            WHERE c.do_not_call = 0 AND c.training = 0 AND c.phone_invalid = 0 \(owner.condition(agent: "current_setting('\(agentSetting)')"))
            """
        return """
            SELECT sorted.place, \(shown.dropFirst().map { "sorted." + $0 }.joined(separator: ", ")), c.*
            FROM (\(rule.placed(probe, carrying: shown + ["as_written"], otherwise: "NULL"))) sorted
            JOIN team.customers c ON c.id = sorted.id
            WHERE sorted.place IS NOT NULL OR NOT sorted.as_written
            ORDER BY sorted.place COLLATE "C" NULLS FIRST, sorted.id
            """
    }
}

import HuashuRenewal
import HuashuStore

/// The monthly report's figures in PostgreSQL, over the `team` views: the
/// statements of the desk's `ReportSQL`, column for column, with PostgreSQL's
/// spelling of local days, durations and JSON lists. `Scripts/bench` runs the
/// same SQL in psql beside it.
struct CentralReportSQL {
    let window: ReportWindow

    init(_ window: ReportWindow) {
        self.window = window
    }

    /// A log timestamp's local day (the session's time zone is the supervisor's).
    private static func localDay(_ column: String) -> String {
        "(\(column)::timestamptz AT TIME ZONE current_setting('TimeZone'))::date"
    }

    /// `$1` start, `$2` end (UTC log timestamps), `$3` the agent or NULL.
    private static let monthCalls = """
        m AS (
            SELECT id, customer_id, agent, started_at, ended_at, outcome FROM team.calls
            WHERE training = 0 AND started_at >= $1 AND started_at < $2 AND ($3::text IS NULL OR agent = $3)
        )
        """

    var monthParameters: [String?] { [window.startUTC, window.endUTC, window.agent] }

    var dueParameters: [String?] {
        [window.firstDay, window.endDay, window.nowLocal, window.quietBeforeUTC, window.agent,
         String(RenewalSeason.days), RenewalSeason.finalOutcomesJSON]
    }

    let due = """
        WITH policy AS (
            SELECT id, commercial_expiry AS expiry, '商业险' AS kind FROM team.customers
            WHERE commercial_expiry >= $1 AND commercial_expiry < $2 AND training = 0
            UNION ALL
            SELECT id, compulsory_expiry, '交强险' FROM team.customers
            WHERE compulsory_expiry >= $1 AND compulsory_expiry < $2 AND training = 0
              AND compulsory_expiry IS DISTINCT FROM commercial_expiry
        ), due AS (
            SELECT u.id, u.name, u.plate, u.vehicle_use, p.expiry, p.kind, u.agent, u.phone_invalid,
                   (SELECT count(*) FROM team.calls c WHERE c.customer_id = u.id AND c.training = 0) AS calls,
                   (SELECT c.id FROM team.calls c WHERE c.customer_id = u.id AND c.training = 0
                    ORDER BY c.started_at COLLATE "C" DESC, c.id DESC LIMIT 1) AS latest,
                   (SELECT c.id FROM team.calls c WHERE c.customer_id = u.id AND c.training = 0 AND c.outcome IS NOT NULL
                      AND \(localDay("c.started_at")) >= p.expiry::date - $6::int
                    ORDER BY c.outcome IN (SELECT jsonb_array_elements_text($7::jsonb)) DESC, c.started_at COLLATE "C" DESC, c.id DESC
                    LIMIT 1) AS result
            FROM policy p JOIN team.customers u ON u.id = p.id
        )
        SELECT due.id, due.name, due.plate, due.vehicle_use, due.expiry, due.kind,
               COALESCE(NULLIF(due.agent, ''), l.agent) AS responsible, due.calls, l.started_at AS last_call,
               r.outcome, r.loss_reason, r.lost_to, r.quote,
               due.id IN (SELECT f.customer_id FROM team.follow_ups f LEFT JOIN team.calls c ON c.id = f.call_id
                          WHERE f.done_at IS NULL AND f.due_at < $3 AND COALESCE(c.training, 0) = 0) AS overdue,
               COALESCE(l.started_at >= $4, false) AS recent, due.phone_invalid
        FROM due LEFT JOIN team.calls l ON l.id = due.latest LEFT JOIN team.calls r ON r.id = due.result
        WHERE $5::text IS NULL OR COALESCE(NULLIF(due.agent, ''), l.agent) = $5
        ORDER BY due.expiry COLLATE "C", due.id, due.kind COLLATE "C" DESC
        """

    let outcomes = """
        WITH \(monthCalls) SELECT outcome, count(*) AS n FROM m GROUP BY outcome ORDER BY n DESC, outcome COLLATE "C" NULLS FIRST
        """

    let agents = """
        WITH \(monthCalls)
        SELECT agent, count(*) AS calls,
               avg(extract(epoch FROM ended_at::timestamptz - started_at::timestamptz)) AS average,
               count(DISTINCT CASE WHEN outcome NOT IN ('no_answer', 'wrong_number') THEN customer_id END) AS reached,
               count(DISTINCT CASE WHEN outcome = 'won' THEN customer_id END) AS won
        FROM m GROUP BY agent ORDER BY agent COLLATE "C"
        """

    var followUpParameters: [String?] { [window.today, window.firstDay, window.endDay, window.agent] }

    /// Times promised to customers; a lapse check after a loss is the dealer's own and not counted.
    let followUps = """
        SELECT c.agent,
               count(*) FILTER (WHERE f.done_at IS NOT NULL AND \(localDay("f.done_at")) <= substr(f.due_at, 1, 10)::date) AS on_time,
               count(*) FILTER (WHERE f.done_at IS NOT NULL AND \(localDay("f.done_at")) > substr(f.due_at, 1, 10)::date) AS late,
               count(*) FILTER (WHERE f.done_at IS NULL AND substr(f.due_at, 1, 10) < $1) AS missed,
               count(*) FILTER (WHERE f.done_at IS NULL AND substr(f.due_at, 1, 10) >= $1) AS pending
        FROM team.follow_ups f LEFT JOIN team.calls c ON c.id = f.call_id
        WHERE f.due_at >= $2 AND f.due_at < $3 AND COALESCE(c.training, 0) = 0 AND ($4::text IS NULL OR c.agent = $4)
          AND f.kind != 'lapse_check'
        GROUP BY c.agent ORDER BY c.agent COLLATE "C" NULLS FIRST
        """

    /// The month's parameters and `$4`, the handler IDs as a JSON array.
    func handlerParameters(_ handlers: [String]) -> [String?] {
        monthParameters + [ReportData.handlersJSON(handlers)]
    }

    let entered = """
        WITH \(monthCalls)
        SELECT s.node, count(*) AS raised, count(DISTINCT s.call_id) AS calls,
               count(DISTINCT CASE WHEN m.outcome = 'won' THEN s.call_id END) AS won_calls,
               bool_or(s.input_kind = 'objection') AS searched
        FROM m JOIN team.call_steps s ON s.call_id = m.id
        WHERE s.input_kind IN ('objection', 'answer') AND s.entered IS NOT NULL AND s.returned_to IS NULL
          AND (s.input_kind = 'objection' OR s.node IN (SELECT json_array_elements_text($4::json)))
        GROUP BY s.node
        """

    let rebuttals = """
        WITH \(monthCalls),
        used AS (
            SELECT DISTINCT s.call_id, s.answer_id, m.outcome
            FROM m JOIN team.call_steps s ON s.call_id = m.id
            WHERE m.outcome IS NOT NULL AND s.input_kind = 'answer' AND s.answered IS NOT NULL
              AND substr(s.answer_id, 1, greatest(strpos(s.answer_id, '>') - 1, 0)) IN (SELECT json_array_elements_text($4::json))
        )
        SELECT substr(answer_id, 1, greatest(strpos(answer_id, '>') - 1, 0)) AS handler, answer_id, count(*) AS calls,
               count(*) FILTER (WHERE outcome = 'won') AS won
        FROM used GROUP BY answer_id
        """
}

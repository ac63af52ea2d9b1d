import Foundation
import GRDB
import HuashuRenewal

// The supervisor's read-only views of the log: the call list and the
// monthly report's raw figures. Every figure is one aggregate query, so the
// report costs what the same SQL typed into the sqlite3 shell costs.
// Training calls (calls.training = 1) never count in a report figure.

/// Which calls `huashu calls` lists.
public struct CallListFilter: Sendable {
    public var agent: String?
    /// Only these customers' calls; nil for everyone.
    public var customerIDs: [Int64]?
    /// An outcome's stored name (`won`, `no_answer`, …), or `unfinished` for calls without one.
    public var outcome: String?
    /// Only calls started at or after this log timestamp (UTC, as stored).
    public var since: String?
    public var limit: Int?

    public init(agent: String? = nil, customerIDs: [Int64]? = nil, outcome: String? = nil, since: String? = nil, limit: Int? = nil) {
        self.agent = agent
        self.customerIDs = customerIDs
        self.outcome = outcome
        self.since = since
        self.limit = limit
    }
}

/// The month a report covers, as the bounds the queries compare against.
public struct ReportWindow: Sendable, Equatable {
    /// First day of the month and first day of the next, `yyyy-MM-dd` (expiry dates and follow-up due times).
    public var firstDay: String
    public var endDay: String
    /// The same month as log timestamps (UTC), for `calls.started_at`.
    public var startUTC: String
    public var endUTC: String
    /// The report's "now": local day `yyyy-MM-dd`, local time `yyyy-MM-dd HH:mm`,
    /// and the log timestamp before which a customer counts as not called recently.
    public var today: String
    public var nowLocal: String
    public var quietBeforeUTC: String
    /// Only this agent's calls (and the customers they look after).
    public var agent: String?
    /// Node IDs that are objection handlers, from today's script if it loads;
    /// handlers raised by search in the month's calls are added from the log.
    public var handlerIDs: [String]

    public init(firstDay: String, endDay: String, startUTC: String, endUTC: String, today: String, nowLocal: String,
                quietBeforeUTC: String, agent: String?, handlerIDs: [String]) {
        self.firstDay = firstDay
        self.endDay = endDay
        self.startUTC = startUTC
        self.endUTC = endUTC
        self.today = today
        self.nowLocal = nowLocal
        self.quietBeforeUTC = quietBeforeUTC
        self.agent = agent
        self.handlerIDs = handlerIDs
    }
}

/// Everything the monthly report reads, from one consistent snapshot.
public struct ReportData: Sendable, Equatable {
    public var due: [DueCustomerRow]
    /// Live calls started in the month by outcome (nil: no outcome yet).
    public var outcomes: [(outcome: String?, count: Int)]
    public var agents: [AgentActivityRow]
    public var followUps: [FollowUpDisciplineRow]
    public var objections: [ObjectionRow]
    public var rebuttals: [RebuttalRow]

    public static func == (a: ReportData, b: ReportData) -> Bool {
        a.due == b.due && a.outcomes.map(\.outcome) == b.outcomes.map(\.outcome) && a.outcomes.map(\.count) == b.outcomes.map(\.count)
            && a.agents == b.agents && a.followUps == b.followUps && a.objections == b.objections && a.rebuttals == b.rebuttals
    }
}

extension Store {
    /// Calls newest first, with the customer's name and plate.
    public func listCalls(_ filter: CallListFilter) throws(StoreError) -> [CallListRow] {
        var conditions: [String] = []
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let agent = filter.agent {
            conditions.append("c.agent = ?")
            arguments.append(agent)
        }
        if let ids = filter.customerIDs {
            conditions.append("c.customer_id IN (\(ids.isEmpty ? "NULL" : ids.map { _ in "?" }.joined(separator: ",")))")
            arguments += ids.map { $0 as (any DatabaseValueConvertible)? }
        }
        if let outcome = filter.outcome {
            if outcome == "unfinished" {
                conditions.append("c.outcome IS NULL")
            } else {
                conditions.append("c.outcome = ?")
                arguments.append(outcome)
            }
        }
        if let since = filter.since {
            conditions.append("c.started_at >= ?")
            arguments.append(since)
        }
        let sql = """
            SELECT c.*, u.name AS customer_name, u.honorific AS customer_honorific, u.plate AS customer_plate,
                   (SELECT max(s.at) FROM call_steps s WHERE s.call_id = c.id) AS last_step_at
            FROM calls c JOIN customers u ON u.id = c.customer_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
            ORDER BY c.started_at DESC, c.id DESC
            \(filter.limit.map { "LIMIT \(max($0, 0))" } ?? "")
            """
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(ReportRow.callListRow)
        }
    }

    /// The monthly report's figures, all read in one transaction.
    public func reportData(_ window: ReportWindow) throws(StoreError) -> ReportData {
        try read { db in
            let kept = try ReportMonthFigures.covers(db, window)
            return try ReportData.gather(window, due: { try ReportSQL.due(db, window) }, outcomes: { try ReportSQL.outcomes(db, window, kept: kept) },
                                         agents: { try ReportSQL.agents(db, window, kept: kept) }, followUps: { try ReportSQL.followUps(db, window) },
                                         entered: { try ReportSQL.enteredHandlers(db, window, handlers: $0, kept: kept) },
                                         rebuttals: { try ReportSQL.rebuttals(db, window, handlers: $0, kept: kept) })
        }
    }
}

/// The report's SQL, one statement per figure. `Scripts/bench` runs the same
/// figures as hand-written SQL in the sqlite3 shell beside it.
enum ReportSQL {
    /// The month's live calls, the start of every figure that reads calls and steps.
    static let monthCalls = """
        m AS (
            SELECT id, customer_id, agent, started_at, ended_at, outcome FROM calls
            WHERE training = 0 AND started_at >= :start AND started_at < :end AND (:agent IS NULL OR agent = :agent)
        )
        """

    static func monthArguments(_ w: ReportWindow) -> StatementArguments {
        ["start": w.startUTC, "end": w.endUTC, "agent": w.agent]
    }

    /// Each policy due in the month (a vehicle's 交强险 on a day of its own is a renewal of its own), with the customer's
    /// number of live calls, latest live call, season's result and whether a follow-up is overdue, read from the one row
    /// kept for the customer (`ReportCustomers`), not from every call and follow-up of every year. The result is the
    /// latest final outcome in the season, else the latest outcome in it; a customer whose call times were edited by hand
    /// is asked of the calls (`calls_by_customer_live`).
    static func due(_ db: Database, _ w: ReportWindow) throws -> [DueCustomerRow] {
        let inSeason = { (at: String) in "date(\(at), 'localtime') >= date(p.expiry, :seasonStart)" }
        let shown = ReportCustomers.outcomeColumns.dropFirst()
        let sql = """
            WITH policy AS (
                SELECT id, commercial_expiry AS expiry, '商业险' AS kind FROM customers
                WHERE commercial_expiry >= :first AND commercial_expiry < :end AND training = 0
                UNION ALL
                SELECT id, compulsory_expiry, '交强险' FROM customers
                WHERE compulsory_expiry >= :first AND compulsory_expiry < :end AND training = 0
                  AND compulsory_expiry IS NOT commercial_expiry
            ), due AS (
                SELECT u.id, u.name, u.plate, u.vehicle_use, p.expiry, p.kind, u.agent, u.phone_invalid, COALESCE(k.calls, 0) AS calls,
                       k.latest_at, k.latest_agent, COALESCE(k.open_due < :now, 0) AS overdue, \(shown.map { "k.final_\($0), k.ended_\($0)" }.joined(separator: ", ")),
                       CASE WHEN NOT k.as_written THEN 0 WHEN \(inSeason("k.final_started_at")) THEN 1 WHEN \(inSeason("k.ended_started_at")) THEN 2 END AS kept,
                       CASE WHEN NOT k.as_written THEN
                           (SELECT c.id FROM calls c WHERE c.customer_id = u.id AND c.training = 0 AND c.outcome IS NOT NULL
                              AND \(inSeason("c.started_at"))
                            ORDER BY c.outcome IN (SELECT value FROM json_each(:finalOutcomes)) DESC, c.started_at DESC, c.id DESC
                            LIMIT 1) END AS asked
                FROM policy p JOIN customers u ON u.id = p.id LEFT JOIN report_customers k ON k.customer_id = u.id
            )
            SELECT due.id, due.name, due.plate, due.vehicle_use, due.expiry, due.kind,
                   COALESCE(NULLIF(due.agent, ''), due.latest_agent) AS responsible, due.calls, due.latest_at AS last_call,
                   \(shown.map { "CASE due.kept WHEN 0 THEN r.\($0) WHEN 1 THEN due.final_\($0) WHEN 2 THEN due.ended_\($0) END AS \($0)" }
                        .joined(separator: ",\n       ")),
                   due.overdue, COALESCE(due.latest_at >= :quiet, 0) AS recent, due.phone_invalid
            FROM due LEFT JOIN calls r ON r.id = due.asked
            WHERE :agent IS NULL OR COALESCE(NULLIF(due.agent, ''), due.latest_agent) = :agent
            ORDER BY due.expiry, due.id, due.kind DESC
            """
        let arguments: StatementArguments = ["first": w.firstDay, "end": w.endDay, "now": w.nowLocal, "quiet": w.quietBeforeUTC, "agent": w.agent,
                                             "seasonStart": RenewalSeason.sqliteModifier, "finalOutcomes": RenewalSeason.finalOutcomesJSON]
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map(ReportRow.due)
    }

    /// The month's kept figures (`ReportMonthFigures`) of all agents or one, by their key.
    static let keptMonth = "month = :start AND (:agent IS NULL OR agent = :agent)"

    /// `kept`: from the month's kept figures, which hold exactly the month's live calls; else from the calls.
    static func outcomes(_ db: Database, _ w: ReportWindow, kept: Bool) throws -> [(outcome: String?, count: Int)] {
        let sql = kept ? """
            SELECT NULLIF(outcome, '') AS outcome, sum(calls) AS n FROM report_month_outcomes WHERE \(keptMonth)
            GROUP BY report_month_outcomes.outcome HAVING n > 0 ORDER BY n DESC, outcome
            """ : "WITH \(monthCalls) SELECT outcome, count(*) AS n FROM m GROUP BY outcome ORDER BY n DESC, outcome"
        return try Row.fetchAll(db, sql: sql, arguments: monthArguments(w)).map(ReportRow.outcome)
    }

    /// Customers reached and won are counted once per agent however many calls reached them: from the calls, a
    /// `count(DISTINCT …)` that sorts the month; kept, one row per agent and customer, read in key order.
    static func agents(_ db: Database, _ w: ReportWindow, kept: Bool) throws -> [AgentActivityRow] {
        let call = ReportMonthFigures.CallPart(p: "")
        let sql = kept ? """
            WITH o AS (
                SELECT agent, sum(calls) AS calls, sum(ended) AS ended, sum(seconds) AS seconds FROM report_month_outcomes
                WHERE \(keptMonth) GROUP BY agent
            ), k AS (
                SELECT agent, count(CASE WHEN reached > 0 THEN 1 END) AS reached, count(CASE WHEN won > 0 THEN 1 END) AS won
                FROM report_month_customers WHERE \(keptMonth) GROUP BY agent
            )
            SELECT o.agent, o.calls, o.seconds / NULLIF(o.ended, 0) AS average, COALESCE(k.reached, 0) AS reached, COALESCE(k.won, 0) AS won
            FROM o LEFT JOIN k ON k.agent = o.agent WHERE o.calls > 0 ORDER BY o.agent
            """ : """
            WITH \(monthCalls)
            SELECT agent, count(*) AS calls, avg(\(call.seconds)) AS average,
                   count(DISTINCT CASE WHEN \(call.reached) THEN customer_id END) AS reached,
                   count(DISTINCT CASE WHEN \(call.won) THEN customer_id END) AS won
            FROM m GROUP BY agent ORDER BY agent
            """
        return try Row.fetchAll(db, sql: sql, arguments: monthArguments(w)).map(ReportRow.agent)
    }

    /// Times promised to customers; a lapse check after a loss is the dealer's own and not counted.
    static func followUps(_ db: Database, _ w: ReportWindow) throws -> [FollowUpDisciplineRow] {
        try Row.fetchAll(db, sql: """
            SELECT c.agent,
                   sum(f.done_at IS NOT NULL AND date(f.done_at, 'localtime') <= substr(f.due_at, 1, 10)) AS on_time,
                   sum(f.done_at IS NOT NULL AND date(f.done_at, 'localtime') > substr(f.due_at, 1, 10)) AS late,
                   sum(f.done_at IS NULL AND substr(f.due_at, 1, 10) < :today) AS missed,
                   sum(f.done_at IS NULL AND substr(f.due_at, 1, 10) >= :today) AS pending
            FROM follow_ups f LEFT JOIN calls c ON c.id = f.call_id
            WHERE f.due_at >= :first AND f.due_at < :end AND COALESCE(c.training, 0) = 0 AND (:agent IS NULL OR c.agent = :agent)
              AND f.kind != 'lapse_check'
            GROUP BY c.agent ORDER BY c.agent
            """, arguments: ["today": w.today, "first": w.firstDay, "end": w.endDay, "agent": w.agent]).map(ReportRow.followUps)
    }

    static func handlerArguments(_ w: ReportWindow, _ handlers: [String]) -> StatementArguments {
        var arguments = monthArguments(w)
        arguments += ["handlers": ReportData.handlersJSON(handlers)]
        return arguments
    }

    /// The month's rows of `call_handler_uses` of one kind (a range of its key): the live calls started in the month.
    static func monthUses(rebuttals: Bool) -> String {
        """
        call_handler_uses WHERE rebuttal = \(rebuttals ? 1 : 0) AND started_at >= :start AND started_at < :end
          AND (:agent IS NULL OR agent = :agent)
        """
    }

    /// Handlers entered by search, or by an answer when listed, in the month's calls (not coming back
    /// to one from a nested objection); `searched` when a search entered it: a search always enters a handler.
    /// Each row is one call's entries of one handler, so a count of rows counts calls; kept, `uses` counts those
    /// rows and `searched_uses` the ones a search entered, so an unlisted handler counts only those.
    static func enteredHandlers(_ db: Database, _ w: ReportWindow, handlers: [String], kept: Bool) throws -> [(row: ObjectionRow, searched: Bool)] {
        let sql = kept ? """
            WITH listed AS (SELECT value FROM json_each(:handlers))
            SELECT handler AS node, sum(searched + CASE WHEN handler IN listed THEN answered ELSE 0 END) AS raised,
                   sum(CASE WHEN handler IN listed THEN uses ELSE searched_uses END) AS calls,
                   sum(CASE WHEN outcome = 'won' THEN CASE WHEN handler IN listed THEN uses ELSE searched_uses END ELSE 0 END) AS won_calls,
                   max(searched_uses > 0) AS searched
            FROM report_month_handlers WHERE \(keptMonth) AND rebuttal = 0
            GROUP BY handler HAVING calls > 0 ORDER BY handler
            """ : """
            WITH listed AS (SELECT value FROM json_each(:handlers))
            SELECT handler AS node, sum(searched + CASE WHEN handler IN listed THEN answered ELSE 0 END) AS raised, count(*) AS calls,
                   count(CASE WHEN outcome = 'won' THEN 1 END) AS won_calls, max(searched > 0) AS searched
            FROM \(monthUses(rebuttals: false)) AND (searched > 0 OR handler IN listed)
            GROUP BY handler
            """
        return try Row.fetchAll(db, sql: sql, arguments: handlerArguments(w, handlers)).map(ReportRow.entered)
    }

    /// Answers chosen at a handler node in the month's ended calls, each counted once per call,
    /// with how many of those calls were won.
    static func rebuttals(_ db: Database, _ w: ReportWindow, handlers: [String], kept: Bool) throws -> [RebuttalRow] {
        let sql = kept ? """
            SELECT handler, answer AS answer_id, sum(uses) AS calls, sum(CASE WHEN outcome = 'won' THEN uses ELSE 0 END) AS won
            FROM report_month_handlers WHERE \(keptMonth) AND rebuttal = 1 AND outcome != ''
              AND handler IN (SELECT value FROM json_each(:handlers))
            GROUP BY answer HAVING calls > 0 ORDER BY answer
            """ : """
            SELECT handler, answer AS answer_id, count(*) AS calls, sum(outcome = 'won') AS won
            FROM \(monthUses(rebuttals: true)) AND outcome IS NOT NULL AND handler IN (SELECT value FROM json_each(:handlers))
            GROUP BY answer
            """
        return try Row.fetchAll(db, sql: sql, arguments: handlerArguments(w, handlers)).map(ReportRow.rebuttal)
    }
}

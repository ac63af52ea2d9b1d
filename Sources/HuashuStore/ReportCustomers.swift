import HuashuRenewal

/// What the monthly report's due list needs of each customer's calls and follow-ups, kept in one row per customer
/// (`report_customers`): the number of live calls, the latest one, the latest with a final outcome and the latest with
/// any outcome (each with the columns the list shows), and the earliest open follow-up of a live call. A due customer
/// then costs one row, whatever the years before the month hold, instead of counting and sorting every call of theirs
/// and looking the chosen ones up. Triggers recompute a customer's row in the same transaction as any write that could
/// change it, from the same definition the backfill uses (as `QueueFacts` does for the call list).
///
/// The season's result (`ReportSQL.due`) prefers the latest final outcome in the season, else the latest outcome in it:
/// the latest final call overall is in the season or no final call is, as long as the customer's call times sort as
/// they fall (`as_written`: every one as huashu writes it). A customer with a time edited by hand is asked of the calls.
enum ReportCustomers {
    static let outcomeColumns = ["started_at", "outcome", "loss_reason", "lost_to", "quote"]

    static let columns = ["customer_id", "calls", "latest_at", "latest_agent"] + outcomeColumns.map { "final_" + $0 }
        + outcomeColumns.map { "ended_" + $0 } + ["open_due", "as_written"]

    /// The customer's latest live call of those `condition` selects, as `k`.
    private static func latest(_ condition: String) -> String {
        "(SELECT k.id FROM calls k WHERE k.customer_id = c.id AND k.training = 0\(condition) ORDER BY k.started_at DESC, k.id DESC LIMIT 1)"
    }

    static let finalOutcomes = "(" + OutcomeKind.final.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    /// The rows of the customers `c` that `whose` selects, those with a live call or an open follow-up of one.
    static func select(whose: String) -> String {
        """
        SELECT * FROM (
            SELECT c.id AS customer_id, (SELECT count(*) FROM calls k WHERE k.customer_id = c.id AND k.training = 0) AS calls,
                   l.started_at AS latest_at, l.agent AS latest_agent,
                   \(outcomeColumns.map { "f.\($0) AS final_\($0)" }.joined(separator: ", ")),
                   \(outcomeColumns.map { "e.\($0) AS ended_\($0)" }.joined(separator: ", ")),
                   (SELECT min(o.due_at) FROM follow_ups o INDEXED BY follow_ups_open_by_customer LEFT JOIN calls k ON k.id = o.call_id
                    WHERE o.customer_id = c.id AND o.done_at IS NULL AND COALESCE(k.training, 0) = 0) AS open_due,
                   NOT EXISTS (SELECT 1 FROM calls k WHERE k.customer_id = c.id AND k.training = 0
                               AND k.started_at IS NOT strftime('%Y-%m-%dT%H:%M:%fZ', k.started_at)) AS as_written
            FROM customers c
            LEFT JOIN calls l ON l.id = \(latest(""))
            LEFT JOIN calls f ON f.id = \(latest(" AND k.outcome IN \(finalOutcomes)"))
            LEFT JOIN calls e ON e.id = CASE WHEN l.outcome IS NOT NULL THEN l.id ELSE \(latest(" AND k.outcome IS NOT NULL")) END
            WHERE \(whose)
        ) WHERE calls > 0 OR open_due IS NOT NULL
        """
    }

    /// One customer's row made again (no conflict clause: a trigger's would give way to the firing statement's `OR IGNORE`).
    static func recompute(_ customer: String, if condition: String = "TRUE") -> String {
        "DELETE FROM report_customers WHERE customer_id = \(customer) AND \(condition); "
            + "INSERT INTO report_customers (\(columns.joined(separator: ", "))) \(select(whose: "c.id = \(customer) AND \(condition)"));"
    }

    private static func trigger(_ name: String, _ event: String, on table: String, when: String? = nil, row: String) -> String {
        var body = recompute("\(row).customer_id")
        if when != nil { body += " " + recompute("OLD.customer_id", if: "OLD.customer_id IS NOT NEW.customer_id") }
        return "CREATE TRIGGER \(name) AFTER \(event) ON \(table)\(when.map { " WHEN " + $0 } ?? "") BEGIN \(body) END;"
    }

    private static func changed(_ columns: [String]) -> String {
        columns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
    }

    /// The columns that place a call among its customer's; the ones shown only of a call with an outcome (a quote
    /// recorded mid-call, on a step, leaves the row alone).
    static let callKeys = ["customer_id", "started_at", "training", "outcome", "agent"]
    static let callShown = ["loss_reason", "lost_to", "quote"]
    static let followUpColumns = ["customer_id", "call_id", "due_at", "done_at"]

    static let schema = """
        CREATE TABLE report_customers (
            customer_id INTEGER PRIMARY KEY,
            calls INTEGER NOT NULL,
            latest_at TEXT,
            latest_agent TEXT,
            \((outcomeColumns.map { "final_" + $0 } + outcomeColumns.map { "ended_" + $0 }).map { "\($0) TEXT," }.joined(separator: "\n    "))
            open_due TEXT,
            as_written INTEGER NOT NULL
        );
        \(trigger("report_customers_call_added", "INSERT", on: "calls", row: "NEW"))
        \(trigger("report_customers_call_changed", "UPDATE OF \((callKeys + callShown).joined(separator: ", "))", on: "calls",
                  when: "\(changed(callKeys)) OR (NEW.outcome IS NOT NULL AND (\(changed(callShown))))", row: "NEW"))
        \(trigger("report_customers_call_removed", "DELETE", on: "calls", row: "OLD"))
        \(trigger("report_customers_follow_up_added", "INSERT", on: "follow_ups", row: "NEW"))
        \(trigger("report_customers_follow_up_changed", "UPDATE OF \(followUpColumns.joined(separator: ", "))", on: "follow_ups",
                  when: changed(followUpColumns), row: "NEW"))
        \(trigger("report_customers_follow_up_removed", "DELETE", on: "follow_ups", row: "OLD"))
        """

    /// The rows of a database from before v8.
    static let backfill = "INSERT INTO report_customers (\(columns.joined(separator: ", "))) \(select(whose: "TRUE"))"
}

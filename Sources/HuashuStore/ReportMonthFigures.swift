import GRDB

/// The monthly report's call figures kept per month as the log is written, so that a month's outcomes, agents,
/// objections and rebuttals read a few hundred rows (and one row per agent and customer reached) in key order,
/// instead of sorting every call and every report row of the month. Triggers keep them: on a live call's row
/// when it begins and when its ending changes (`calls`), and on its report rows (`call_handler_uses`) when a
/// step enters a handler or the call's outcome reaches them; each adds the row's new part and takes its old one away.
///
/// A month is keyed by its first moment as a log timestamp in the writer's local time, the report window's
/// `startUTC`. The report uses these rows only when they hold exactly the month's live calls (`covers`), so
/// a file written in another time zone is still counted right, from the calls themselves.
enum ReportMonthFigures {
    /// The first moment of the local month of a log timestamp, as a log timestamp (`ReportWindow.startUTC`). The local
    /// month's start is made a text first: SQLite's `utc` after `start of month` in one call leaves the time as it is.
    static func month(_ startedAt: String) -> String {
        "strftime('%Y-%m-%dT%H:%M:%fZ', datetime(\(startedAt), 'localtime', 'start of month'), 'utc')"
    }

    /// The rows and triggers made again with `month` as it is now (v7-report's keys were the local month's date at 00:00 UTC).
    static func rekey(_ db: Database) throws {
        for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'report\\_month\\_%' ESCAPE '\\'") {
            try db.execute(sql: "DROP TRIGGER \(name)")
        }
        try db.execute(sql: "DELETE FROM report_month_outcomes; DELETE FROM report_month_customers; DELETE FROM report_month_handlers;")
        try db.execute(sql: backfill)
        try db.execute(sql: triggers)
    }

    /// One call's part of each figure, its columns named with `p` (`NEW.`, `OLD.`, `c.`).
    struct CallPart {
        let p: String
        var month: String { ReportMonthFigures.month(p + "started_at") }
        var outcome: String { "COALESCE(\(p)outcome, '')" }
        /// The call's length in seconds as the report has always computed it: nil without an end.
        var seconds: String { "(julianday(\(p)ended_at) - julianday(\(p)started_at)) * 86400.0" }
        var ended: String { "(\(seconds) IS NOT NULL)" }
        var reached: String { "COALESCE(\(p)outcome NOT IN ('no_answer', 'wrong_number'), 0)" }
        var won: String { "(\(p)outcome IS 'won')" }
    }

    static let schema = """
        CREATE TABLE report_month_outcomes (
            month TEXT NOT NULL,
            agent TEXT NOT NULL,
            outcome TEXT NOT NULL,
            calls INTEGER NOT NULL,
            ended INTEGER NOT NULL,
            seconds REAL NOT NULL,
            PRIMARY KEY (month, agent, outcome)
        ) WITHOUT ROWID;
        CREATE TABLE report_month_customers (
            month TEXT NOT NULL,
            agent TEXT NOT NULL,
            customer_id INTEGER NOT NULL,
            reached INTEGER NOT NULL,
            won INTEGER NOT NULL,
            PRIMARY KEY (month, agent, customer_id)
        ) WITHOUT ROWID;
        CREATE TABLE report_month_handlers (
            month TEXT NOT NULL,
            rebuttal INTEGER NOT NULL,
            agent TEXT NOT NULL,
            handler TEXT NOT NULL,
            answer TEXT NOT NULL,
            outcome TEXT NOT NULL,
            uses INTEGER NOT NULL,
            searched_uses INTEGER NOT NULL,
            searched INTEGER NOT NULL,
            answered INTEGER NOT NULL,
            PRIMARY KEY (month, rebuttal, agent, handler, answer, outcome)
        ) WITHOUT ROWID;
        """

    /// A call's part added (`sign` 1) or taken away (-1).
    static func addCall(_ c: CallPart, sign: Int) -> String {
        """
        INSERT INTO report_month_outcomes (month, agent, outcome, calls, ended, seconds)
        VALUES (\(c.month), \(c.p)agent, \(c.outcome), \(sign), \(sign) * \(c.ended), \(sign) * COALESCE(\(c.seconds), 0.0))
        ON CONFLICT DO UPDATE SET calls = calls + excluded.calls, ended = ended + excluded.ended, seconds = seconds + excluded.seconds;
        INSERT INTO report_month_customers (month, agent, customer_id, reached, won)
        SELECT \(c.month), \(c.p)agent, \(c.p)customer_id, \(sign) * \(c.reached), \(sign) * \(c.won) WHERE \(c.reached)
        ON CONFLICT DO UPDATE SET reached = reached + excluded.reached, won = won + excluded.won;
        """
    }

    static func addUse(_ p: String, sign: Int) -> String {
        """
        INSERT INTO report_month_handlers (month, rebuttal, agent, handler, answer, outcome, uses, searched_uses, searched, answered)
        VALUES (\(month(p + "started_at")), \(p)rebuttal, \(p)agent, \(p)handler, \(p)answer, COALESCE(\(p)outcome, ''), \(sign),
                \(sign) * (\(p)searched > 0), \(sign) * \(p)searched, \(sign) * \(p)answered)
        ON CONFLICT DO UPDATE SET uses = uses + excluded.uses, searched_uses = searched_uses + excluded.searched_uses,
          searched = searched + excluded.searched, answered = answered + excluded.answered;
        """
    }

    /// A step's entry counted on its call's row (the row's key and outcome unchanged): one upsert of the difference,
    /// not the row taken away and added again, on the step's own path.
    static let countUse = """
        INSERT INTO report_month_handlers (month, rebuttal, agent, handler, answer, outcome, uses, searched_uses, searched, answered)
        VALUES (\(month("NEW.started_at")), NEW.rebuttal, NEW.agent, NEW.handler, NEW.answer, COALESCE(NEW.outcome, ''), 0,
                (NEW.searched > 0) - (OLD.searched > 0), NEW.searched - OLD.searched, NEW.answered - OLD.answered)
        ON CONFLICT DO UPDATE SET searched_uses = searched_uses + excluded.searched_uses, searched = searched + excluded.searched,
          answered = answered + excluded.answered;
        """

    /// A report row whose figure's key (and so its month's row) stays as it was.
    static let sameKey = ["started_at", "rebuttal", "agent", "handler", "answer", "outcome"].map { "NEW.\($0) IS OLD.\($0)" }
        .joined(separator: " AND ")

    static let triggers = """
        CREATE TRIGGER report_month_call_begun AFTER INSERT ON calls WHEN NEW.training = 0
        BEGIN
        \(addCall(CallPart(p: "NEW."), sign: 1))
        END;
        CREATE TRIGGER report_month_call_ended AFTER UPDATE OF outcome, ended_at ON calls
        WHEN NEW.training = 0 AND (NEW.outcome IS NOT OLD.outcome OR NEW.ended_at IS NOT OLD.ended_at)
        BEGIN
        \(addCall(CallPart(p: "OLD."), sign: -1))
        \(addCall(CallPart(p: "NEW."), sign: 1))
        END;
        CREATE TRIGGER report_month_use_added AFTER INSERT ON call_handler_uses
        BEGIN
        \(addUse("NEW.", sign: 1))
        END;
        CREATE TRIGGER report_month_use_counted AFTER UPDATE ON call_handler_uses WHEN \(sameKey)
        BEGIN
        \(countUse)
        END;
        CREATE TRIGGER report_month_use_changed AFTER UPDATE ON call_handler_uses WHEN NOT (\(sameKey))
        BEGIN
        \(addUse("OLD.", sign: -1))
        \(addUse("NEW.", sign: 1))
        END;
        CREATE TRIGGER report_month_use_removed AFTER DELETE ON call_handler_uses
        BEGIN
        \(addUse("OLD.", sign: -1))
        END;
        """

    /// Each table's rows as its triggers would have made them, from the calls and their report rows as they stand:
    /// the backfill of a file from before v7, and what `verify` compares the kept rows with.
    static let rebuilt: [(table: String, keys: [String], values: [String], select: String)] = {
        let c = CallPart(p: "c.")
        return [
            ("report_month_outcomes", ["month", "agent", "outcome"], ["calls", "ended", "seconds"], """
                SELECT \(c.month) AS month, c.agent AS agent, \(c.outcome) AS outcome, count(*) AS calls, sum(\(c.ended)) AS ended,
                       total(COALESCE(\(c.seconds), 0.0)) AS seconds
                FROM calls c WHERE c.training = 0 GROUP BY 1, 2, 3
                """),
            ("report_month_customers", ["month", "agent", "customer_id"], ["reached", "won"], """
                SELECT \(c.month) AS month, c.agent AS agent, c.customer_id AS customer_id, sum(\(c.reached)) AS reached, sum(\(c.won)) AS won
                FROM calls c WHERE c.training = 0 AND \(c.reached) GROUP BY 1, 2, 3
                """),
            ("report_month_handlers", ["month", "rebuttal", "agent", "handler", "answer", "outcome"],
             ["uses", "searched_uses", "searched", "answered"], """
                SELECT \(month("u.started_at")) AS month, u.rebuttal AS rebuttal, u.agent AS agent, u.handler AS handler, u.answer AS answer,
                       COALESCE(u.outcome, '') AS outcome, count(*) AS uses, sum(u.searched > 0) AS searched_uses, sum(u.searched) AS searched,
                       sum(u.answered) AS answered
                FROM call_handler_uses u GROUP BY 1, 2, 3, 4, 5, 6
                """),
        ]
    }()

    static var backfill: String {
        rebuilt.map { "INSERT INTO \($0.table) \($0.select);" }.joined(separator: "\n")
    }

    /// True when the month's rows hold exactly the window's live calls: every row is keyed by the month its call began
    /// in the writer's time zone, so the counts agree only when the writer's month is the report's; and no row near the
    /// window holds figures under a key that is not a month start here (a call begun in one zone and ended in another
    /// leaves its parts under two zones' keys).
    static func covers(_ db: Database, _ w: ReportWindow) throws -> Bool {
        // Not the customers' rows: one per agent and customer reached (a million at 10M steps), where a month's
        // expression per row cost the report a third of its time; a call that ends at a key of another zone adds
        // its outcome row there in the same trigger, so the outcomes show it.
        let foreign = rebuilt.filter { $0.table != "report_month_customers" }.map { table in
            "EXISTS (\(kept(table.table, table.values, where: "month > strftime('%Y-%m-%dT%H:%M:%fZ', :start, '-32 days') AND month < :end AND"))"
                + " AND month IS NOT \(month("month")))"
        }
        return try Bool.fetchOne(db, sql: """
            SELECT (SELECT count(*) FROM calls WHERE training = 0 AND started_at >= :start AND started_at < :end)
                 = (SELECT COALESCE(sum(calls), 0) FROM report_month_outcomes WHERE month = :start)
               AND NOT (\(foreign.joined(separator: " OR ")))
            """, arguments: ["start": w.startUTC, "end": w.endUTC]) ?? false
    }

    /// A table's rows that hold a figure (rows netted to nothing left out), optionally narrowed first by `condition`.
    static func kept(_ table: String, _ values: [String], where condition: String = "") -> String {
        "SELECT * FROM \(table) WHERE \(condition) (" + values.filter { $0 != "seconds" }.map { "\($0) != 0" }.joined(separator: " OR ") + ")"
    }

    /// The rows that differ from their rebuilding (rows netted to nothing are left out of the comparison), each named
    /// by its month (local `yyyy-MM`) and key; the month's length in seconds is compared to a millisecond and a part in
    /// a billion (the triggers add call by call, the rebuilding sums at once). When some rows are keyed by months that do
    /// not start here (the file was written in another time zone), each figure is compared as its total over all months
    /// instead (`byTotals`), named by its key without the month.
    static func differences(_ db: Database) throws -> (byTotals: Bool, found: [String]) {
        let tables = rebuilt
        let byTotals = try tables.contains { table in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (\(kept(table.table, table.values)) AND month IS NOT \(month("month")))") ?? false
        }
        var found: [String] = []
        for (table, keys, values, select) in tables {
            let compared = byTotals ? keys.filter { $0 != "month" } : keys
            let sums = (compared + values.map { "sum(\($0)) AS \($0)" }).joined(separator: ", ")
            let grouped = byTotals ? " GROUP BY " + compared.joined(separator: ", ") : ""
            let k = byTotals ? "SELECT \(sums) FROM \(table)\(grouped) HAVING " + values.filter { $0 != "seconds" }.map { "sum(\($0)) != 0" }.joined(separator: " OR ")
                : kept(table, values)
            let r = byTotals ? "SELECT \(sums) FROM (\(select))\(grouped)" : select
            let differs = values.map { $0 == "seconds" ? "abs(k.seconds - r.seconds) > 0.001 + 1e-9 * abs(r.seconds)" : "k.\($0) IS NOT r.\($0)" }
            let named = keys.filter { $0 != "month" }.map { "'\($0) ' || quote(COALESCE(k.\($0), r.\($0)))" }.joined(separator: " || ', ' || ")
            let month = byTotals ? "'all months'" : "strftime('%Y-%m', COALESCE(k.month, r.month), 'localtime')"
            found += try String.fetchAll(db, sql: """
                SELECT '\(table) ' || \(month) || ': ' || \(named)
                FROM (\(k)) k FULL JOIN (\(r)) r USING (\(compared.joined(separator: ", ")))
                WHERE k.\(compared[0]) IS NULL OR r.\(compared[0]) IS NULL OR \(differs.joined(separator: " OR "))
                ORDER BY 1
                """)
        }
        return (byTotals, found)
    }
}

import GRDB

// The monthly report's lists of what calls recorded (issue 15): the facts of
// the month's sales and losses, and the second vehicles that became leads.
// Apart from `reportData` so that each reads only what it lists.

extension Store {
    /// The month's live calls that ended lost (`lost`) or won or committed, oldest first, with the facts recorded
    /// in them; with `latest`, only that many of the most recent (read backwards through `calls_by_start`).
    public func outcomeCalls(_ window: ReportWindow, lost: Bool, latest: Int?) throws(StoreError) -> [CallListRow] {
        try read { db in
            try Row.fetchAll(db, sql: Self.outcomeCallsSQL(lost: lost, order: "DESC") + " LIMIT :latest",
                             arguments: Self.outcomeCallsArguments(window, latest: latest)).reversed().map(ReportRow.callListRow)
        }
    }

    /// Every one of those calls oldest first, each handed to `each` as it is read, not gathered.
    public func eachOutcomeCall(_ window: ReportWindow, lost: Bool, _ each: (CallListRow) throws -> Void) throws(StoreError) {
        try read { db in
            let rows = try Row.fetchCursor(db, sql: Self.outcomeCallsSQL(lost: lost, order: "ASC"), arguments: Self.outcomeCallsArguments(window, latest: nil))
            while let row = try rows.next() { try each(ReportRow.callListRow(row)) }
        }
    }

    private static func outcomeCallsSQL(lost: Bool, order: String) -> String {
        """
        SELECT c.*, u.name AS customer_name, u.honorific AS customer_honorific, u.plate AS customer_plate
        FROM calls c JOIN customers u ON u.id = c.customer_id
        WHERE c.training = 0 AND c.started_at >= :start AND c.started_at < :end AND (:agent IS NULL OR c.agent = :agent)
          AND c.outcome IN (\(lost ? "'lost'" : "'won', 'committed'"))
        ORDER BY c.started_at \(order), c.id \(order)
        """
    }

    private static func outcomeCallsArguments(_ window: ReportWindow, latest: Int?) -> StatementArguments {
        ["start": window.startUTC, "end": window.endUTC, "agent": window.agent, "latest": latest ?? -1]
    }

    /// Leads found on the month's live calls, oldest first: read from the few customers that are leads
    /// (`customers_leads`, first by CROSS JOIN), not by looking each of the month's calls up among them.
    public func leads(_ window: ReportWindow) throws(StoreError) -> [LeadRow] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT n.id, n.plate, n.model, n.name, n.phone, c.agent, c.id AS call_id, c.started_at, u.plate AS from_plate
                FROM customers n INDEXED BY customers_leads CROSS JOIN calls c ON c.id = n.lead_from_call
                  CROSS JOIN customers u ON u.id = c.customer_id
                WHERE c.training = 0 AND c.started_at >= :start AND c.started_at < :end AND (:agent IS NULL OR c.agent = :agent)
                ORDER BY c.started_at, n.id
                """, arguments: ["start": window.startUTC, "end": window.endUTC, "agent": window.agent]).map(ReportRow.lead)
        }
    }
}

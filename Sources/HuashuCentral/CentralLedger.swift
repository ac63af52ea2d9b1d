import GRDB
import HuashuStore

/// The team's ledger on the central store: what desks import goes up to it, and
/// each desk pulls the rows changed since its last pull (by the ledger's change
/// sequence) for its own agent, with the follow-ups other desks booked for them.
extension CentralConnection {
    /// Checks the schema is this build's and the desk is this login's, and registers the desk (or notes its sync).
    public func enter(desk: String) throws(CentralError) {
        try CentralSchema.requireCurrent(self)
        try requireOwnDesk(desk)
        try execute("""
            INSERT INTO desks (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET last_sync = now()
            """, [desk], what: "registering desk \(desk)")
    }

    /// Puts customers a desk imported into the team's ledger by plate, in one transaction with the
    /// values the import held back for review. A row that differs from the stored one replaces it
    /// (and is numbered anew for the desks to pull). A desk never sets a stored row's 勿扰 either way: refusals
    /// reach the ledger from the pushed calls, and only a supervisor's lift takes one off, so a desk's stale mark
    /// cannot undo a lift.
    public func sendLedger(_ customers: [[String?]], review: [[String?]], desk: String) throws(CentralError) {
        let columns = TeamLedger.columns
        let list = columns.joined(separator: ", ")
        let changing = columns.filter { $0 != "plate" && $0 != "do_not_call" }
        let stored = changing.map { "ledger.\($0)" }.joined(separator: ", ")
        let sent = changing.map { "excluded.\($0)" }.joined(separator: ", ")
        try transaction { () throws(CentralError) in
            let what = "sending \(customers.count) ledger rows of desk \(desk)"
            try execute("CREATE TEMP TABLE IF NOT EXISTS staged_ledger ON COMMIT DELETE ROWS AS SELECT \(list), changed_by FROM ledger WITH NO DATA",
                        what: what)
            try copy("COPY staged_ledger (\(list), changed_by) FROM STDIN", rows: customers.map { $0 + [desk] }, what: what)
            try execute("""
                INSERT INTO ledger (\(list), changed_by) SELECT \(list), changed_by FROM staged_ledger
                ON CONFLICT (plate) DO UPDATE SET \(changing.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")),
                    changed_by = excluded.changed_by
                WHERE (\(stored)) IS DISTINCT FROM (\(sent))
                """, what: what)
            guard !review.isEmpty else { return }
            let reviewColumns = "desk, " + TeamLedger.reviewColumns.joined(separator: ", ")
            try execute("CREATE TEMP TABLE IF NOT EXISTS staged_ledger_review (LIKE ledger_review) ON COMMIT DELETE ROWS", what: what)
            try copy("COPY staged_ledger_review (\(reviewColumns)) FROM STDIN", rows: review.map { [desk] + $0 }, what: what)
            try execute("INSERT INTO ledger_review SELECT * FROM staged_ledger_review ON CONFLICT (desk, id) DO NOTHING", what: what)
        }
    }

    /// Up to `limit` ledger rows changed after `seq`, in change order: those the ledger gives `agent`,
    /// gives nobody, or just took from `agent` (nil: every row). Each row has the ledger's columns and `seq`.
    public func ledgerChanges(after seq: Int64, agent: String?, limit: Int) throws(CentralError) -> [Row] {
        let filter = agent == nil ? "" : "AND (agent = $3 OR coalesce(trim(agent), '') = '' OR previous_agent = $3)"
        return try fetch("""
            SELECT seq, NULL::bigint AS id, \(TeamLedger.columns.joined(separator: ", ")), 0 AS training, NULL::bigint AS lead_from_call
            FROM ledger WHERE seq > $1 \(filter) ORDER BY seq LIMIT $2
            """, [String(seq), String(limit)] + (agent.map { [$0] } ?? []), what: "reading the team ledger's changes after #\(seq)")
    }

    /// Up to `limit` follow-ups other desks booked (or did) for `agent`'s customers after `seq`, in change order.
    public func followUps(for desk: String, agent: String, after seq: Int64, limit: Int) throws(CentralError) -> [PulledFollowUp] {
        try execute("SELECT seq, desk, id, plate, kind, due_at, done_at FROM huashu_follow_ups_for($1, $2, $3, $4)",
                    [desk, agent, String(seq), String(limit)], what: "reading follow-ups booked for \(agent) on other desks").map { row in
            PulledFollowUp(seq: Int64(row[0] ?? "") ?? 0, origin: "\(row[1] ?? "")#\(row[2] ?? "")", plate: row[3] ?? "",
                           kind: row[4] ?? "", due: row[5] ?? "", done: row[6])
        }
    }
}

import Foundation
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
    /// gives nobody, or took from `agent` since `seq`, whoever has them now (nil: every row). Each row has the
    /// ledger's columns and `seq`.
    public func ledgerChanges(after seq: Int64, agent: String?, limit: Int) throws(CentralError) -> [Row] {
        let filter = agent == nil ? "" : """
            AND (agent = $3 OR coalesce(trim(agent), '') = ''
                 OR plate IN (SELECT r.plate FROM ledger_reassignments r WHERE r.from_agent = $3 AND r.seq > $1))
            """
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

    /// Marks done, on their booking desks' rows, follow-ups that a live call on `desk` honoured: `done` names
    /// each by its origin (`desk#id`) with when it was done. The server checks that `desk` is this login's and has
    /// pushed a call to the customer; returns the origins central has done (one already done stays as it was), and
    /// how many of them this call marked. One left out was refused and stays the desk's to send again.
    public func markFollowUpsDone(_ done: [(origin: String, at: String)], desk: String) throws(CentralError) -> (settled: Set<String>, marked: Int) {
        let rows: [[String: String]] = done.compactMap { followUp in
            guard let hash = followUp.origin.lastIndex(of: "#") else { return nil }
            return ["desk": String(followUp.origin[..<hash]), "id": String(followUp.origin[followUp.origin.index(after: hash)...]),
                    "done_at": followUp.at]
        }
        let json: String
        do {
            json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        } catch {
            throw CentralError("cannot write follow-ups done as JSON: \(error)")
        }
        let answer = try execute("SELECT settled_desk, settled_id, marked FROM huashu_follow_ups_settled_on($1, $2::jsonb)", [desk, json],
                               what: "marking follow-ups of other desks done by desk \(desk)'s calls")
        return (settled: Set(answer.map { "\($0[0] ?? "")#\($0[1] ?? "")" }), marked: answer.count { $0[2] == "t" })
    }

    /// Up to `limit` of `desk`'s own follow-ups that a call on another desk marked done after `seq`, in change order.
    public func followUpsDoneElsewhere(desk: String, after seq: Int64, limit: Int) throws(CentralError) -> [(seq: Int64, id: Int64, at: String)] {
        try execute("""
            SELECT seq, id, done_at FROM follow_ups WHERE desk = $1 AND seq > $2 AND done_on IS NOT NULL ORDER BY seq LIMIT $3
            """, [desk, String(seq), String(limit)], what: "reading desk \(desk)'s follow-ups done on other desks").map { row in
            (seq: Int64(row[0] ?? "") ?? 0, id: Int64(row[1] ?? "") ?? 0, at: row[2] ?? "")
        }
    }
}

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

    /// Up to `limit` ledger rows changed after `mark`, in change order: those the ledger gives `agent`, gives nobody,
    /// or took from `agent` since the mark, whoever has them now (nil: every row). Each row has the ledger's columns,
    /// `seq`, and the change's mark (`change_xid`, `change_seq`).
    public func ledgerChanges(after mark: ChangeMark, agent: String?, limit: Int) throws(CentralError) -> [Row] {
        var parameters: [String?] = []
        let columns = "l.seq, NULL::bigint AS id, " + TeamLedger.columns.map { "l.\($0)" }.joined(separator: ", ")
            + ", 0 AS training, NULL::bigint AS lead_from_call"
        var changes = "SELECT l.xid AS change_xid, l.seq AS change_seq, \(columns) FROM ledger l WHERE \(mark.settled("l.xid", "l.seq", &parameters))"
        if let agent {
            parameters.append(agent)
            let name = "$\(parameters.count)"
            changes += " AND (l.agent = \(name) OR coalesce(trim(l.agent), '') = '')"
            changes += """

                UNION ALL SELECT r.xid, r.seq, \(columns) FROM ledger_reassignments r JOIN ledger l ON l.plate = r.plate
                WHERE r.from_agent = \(name) AND \(mark.settled("r.xid", "r.seq", &parameters))
                """
        }
        parameters.append(String(limit))
        return try fetch("""
            SELECT k.change_xid::text::bigint AS change_xid, k.change_seq, k.seq, k.id, \(TeamLedger.columns.map { "k.\($0)" }.joined(separator: ", ")),
                   k.training, k.lead_from_call
            FROM (\(changes)) k ORDER BY k.change_xid, k.change_seq LIMIT $\(parameters.count)
            """, parameters, what: "reading the team ledger's changes after #\(mark.seq)")
    }

    /// Up to `limit` follow-ups other desks booked (or did) for `agent`'s customers after `mark`, in change order.
    public func followUps(for desk: String, agent: String, after mark: ChangeMark, limit: Int) throws(CentralError) -> [PulledFollowUp] {
        try execute("""
            SELECT xid::text, seq, desk, id, plate, kind, due_at, done_at FROM huashu_follow_ups_for($1, $2, $3::xid8, $4::bigint, $5)
            """, [desk, agent, String(mark.xid), String(mark.seq), String(limit)],
            what: "reading follow-ups booked for \(agent) on other desks").map { row in
            PulledFollowUp(mark: ChangeMark(central: row[0], row[1]), origin: "\(row[2] ?? "")#\(row[3] ?? "")", plate: row[4] ?? "",
                           kind: row[5] ?? "", due: row[6] ?? "", done: row[7])
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

    /// Up to `limit` of `desk`'s own follow-ups that a call on another desk marked done after `mark`, in change order.
    public func followUpsDoneElsewhere(desk: String, after mark: ChangeMark, limit: Int) throws(CentralError) -> [(mark: ChangeMark, id: Int64, at: String)] {
        var parameters: [String?] = [desk]
        let settled = mark.settled("xid", "seq", &parameters)
        parameters.append(String(limit))
        return try execute("""
            SELECT xid::text, seq, id, done_at FROM follow_ups WHERE desk = $1 AND done_on IS NOT NULL AND \(settled)
            ORDER BY xid, seq LIMIT $\(parameters.count)
            """, parameters, what: "reading desk \(desk)'s follow-ups done on other desks").map { row in
            (mark: ChangeMark(central: row[0], row[1]), id: Int64(row[2] ?? "") ?? 0, at: row[3] ?? "")
        }
    }
}

/// Where central's transactions stand when a desk pulls: a change of a transaction below `xmin` is settled (nothing
/// can still commit below it), so a desk's mark moves only over those; `xmax` is the next transaction to begin, so a
/// mark at or above it came from another server's counter (central restored from a dump).
public struct ChangeHorizon: Sendable {
    public let xmin: Int64
    public let xmax: Int64
}

extension CentralConnection {
    public func changeHorizon() throws(CentralError) -> ChangeHorizon {
        let row = try execute("SELECT pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text FROM pg_current_snapshot() s",
                              what: "reading central's transaction horizon").first
        return ChangeHorizon(xmin: Int64(row?[0] ?? "") ?? 0, xmax: Int64(row?[1] ?? "") ?? 0)
    }

    /// When the oldest transaction still open on the server (any database, or prepared) began, as HH:MM in the
    /// server's time zone; nil when this login may not see it.
    public func oldestOpenTransaction() throws(CentralError) -> String? {
        try execute("""
            SELECT to_char(min(t), 'HH24:MI') FROM (
                SELECT xact_start AS t FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()
                UNION ALL SELECT prepared FROM pg_prepared_xacts) o
            """, what: "reading central's oldest open transaction").first?[0] ?? nil
    }
}

extension ChangeMark {
    /// Every pull's condition (`huashu_settled_after`, which despite its name now only orders by transaction and
    /// number: what is settled is the desk's to judge) over a stream's columns, after this mark; its two values are
    /// appended to `parameters`.
    func settled(_ xid: String, _ seq: String, _ parameters: inout [String?]) -> String {
        parameters += [String(self.xid), String(self.seq)]
        return "huashu_settled_after(\(xid), \(seq), $\(parameters.count - 1)::xid8, $\(parameters.count)::bigint)"
    }

    /// A change's mark as central gives it as text: its transaction (`xid8`) and number.
    init(central xid: String?, _ seq: String?) {
        self.init(xid: Int64(xid ?? "") ?? 0, seq: Int64(seq ?? "") ?? 0)
    }
}

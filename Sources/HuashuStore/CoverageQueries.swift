import Foundation
import GRDB
import HuashuEngine

extension Store {
    /// Every step of every finished rehearsal, by trainee, call and step; only `agent`'s when given.
    /// A rehearsal left before its end is no measure of the trainee and is left out.
    public func trainingSteps(agent: String? = nil) throws(StoreError) -> [TrainingStepRow] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id AS call_id, c.agent, c.started_at, s.seq, s.at, s.input_kind, s.input, s.answer_id, s.handler_id, s.note,
                  s.node, s.events
                FROM calls c JOIN call_steps s ON s.call_id = c.id
                WHERE c.training = 1 AND c.outcome IS NOT NULL AND c.abandoned_at IS NULL AND (? IS NULL OR c.agent = ?)
                ORDER BY c.agent, c.started_at, c.id, s.seq
                """, arguments: [agent, agent]).map(ReportRow.trainingStep)
        }
    }

    /// Marks a rehearsal the trainee left before its end: it stays in the log but out of coverage.
    public func markAbandoned(call: Int64, at: String) throws(StoreError) {
        try write { db in
            try db.execute(sql: "UPDATE calls SET abandoned_at = ? WHERE id = ? AND training = 1 AND outcome IS NULL", arguments: [at, call])
        }
    }

    /// The rehearsals marked abandoned, for the list of calls.
    public func abandonedRehearsals() throws(StoreError) -> Set<Int64> {
        try read { db in Set(try Int64.fetchAll(db, sql: "SELECT id FROM calls WHERE abandoned_at IS NOT NULL")) }
    }

    /// How many rehearsals each trainee left before their end (or has not finished yet).
    public func unfinishedRehearsals(agent: String? = nil) throws(StoreError) -> [String: Int] {
        try read { db in
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT agent, count(*) AS n FROM calls
                WHERE training = 1 AND (outcome IS NULL OR abandoned_at IS NOT NULL) AND (? IS NULL OR agent = ?) GROUP BY agent
                """, arguments: [agent, agent]) {
                counts[row["agent"]] = row["n"]
            }
            return counts
        }
    }

    /// Whether anyone by this name has made a call or rehearsal, or is named in the ledger as an agent.
    public func knowsAgent(_ agent: String) throws(StoreError) -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM calls WHERE agent = ?)", arguments: [agent]) ?? false
        }
    }
}

import Foundation
import GRDB

/// One logged step of a rehearsal (a call with `training = 1`), with the
/// trainee it belongs to: what `huashu coverage` reads back.
public struct TrainingStepRow: Sendable, Equatable {
    public var callID: Int64
    public var agent: String
    public var callStartedAt: String
    public var seq: Int
    public var at: String
    public var inputKind: String
    /// The input as JSON (`CallInput`), nil for the first row.
    public var input: String?
    public var note: String?
    public var node: String
    /// The events as JSON (`[CallEvent]`).
    public var events: String
}

extension Store {
    /// Every step of every rehearsal, by trainee, call and step; only `agent`'s when given.
    public func trainingSteps(agent: String? = nil) throws(StoreError) -> [TrainingStepRow] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.id AS call_id, c.agent, c.started_at, s.seq, s.at, s.input_kind, s.input, s.note, s.node, s.events
                FROM calls c JOIN call_steps s ON s.call_id = c.id
                WHERE c.training = 1 AND (? IS NULL OR c.agent = ?)
                ORDER BY c.agent, c.started_at, c.id, s.seq
                """, arguments: [agent, agent]).map { row in
                TrainingStepRow(callID: row["call_id"], agent: row["agent"], callStartedAt: row["started_at"], seq: row["seq"],
                                at: row["at"], inputKind: row["input_kind"], input: row["input"], note: row["note"],
                                node: row["node"], events: row["events"])
            }
        }
    }
}

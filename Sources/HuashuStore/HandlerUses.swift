import GRDB

/// The monthly report's objection and rebuttal figures, kept per live call as the call is logged, so that
/// a month's figures read the month's rows of one small table (a range of its key, the call's start)
/// instead of every step of every call of the month. One row per call and handler entered (`rebuttal` 0,
/// `answer` empty: how often by search, how often by an answer other than a return), and one per call and
/// answer chosen at a handler (`rebuttal` 1); each figure reads only its own kind's range. The call's agent
/// and outcome are carried on each row; a trigger keeps the outcome equal to the call's row.
///
/// Which nodes are handlers is the report's to say (today's script): a row is kept for every node that
/// could count. A call logged with its script's handlers (`CallLogWriter.handlers`) keeps only those
/// and the ones entered by search; without them (rows from before v6, a writer not told) every entry
/// and every answer is kept, and the report's filter still picks the same ones as from the steps.
enum HandlerUses {
    static let schema = """
        CREATE TABLE call_handler_uses (
            rebuttal INTEGER NOT NULL,
            started_at TEXT NOT NULL,
            call_id INTEGER NOT NULL REFERENCES calls(id),
            handler TEXT NOT NULL,
            answer TEXT NOT NULL,
            agent TEXT NOT NULL,
            outcome TEXT,
            searched INTEGER NOT NULL DEFAULT 0,
            answered INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (rebuttal, started_at, call_id, handler, answer)
        ) WITHOUT ROWID;
        CREATE TRIGGER call_handler_uses_outcome AFTER UPDATE OF outcome ON calls WHEN NEW.outcome IS NOT OLD.outcome
        BEGIN
            UPDATE call_handler_uses SET outcome = NEW.outcome WHERE rebuttal IN (0, 1) AND started_at = NEW.started_at AND call_id = NEW.id;
        END;
        """

    /// Every live call's rows as a writer not told the script's handlers keeps them, read from its steps as the
    /// report read them before v6: the backfill of calls logged before v6, and what `verify` rebuilds.
    static let rebuilt = """
        SELECT 0 AS rebuttal, c.started_at, c.id AS call_id, s.node AS handler, '' AS answer, c.agent, c.outcome,
               sum(s.input_kind = 'objection') AS searched, sum(s.input_kind = 'answer') AS answered
        FROM calls c JOIN call_steps s ON s.call_id = c.id
        WHERE c.training = 0 AND s.input_kind IN ('objection', 'answer') AND s.entered IS NOT NULL AND s.returned_to IS NULL
        GROUP BY c.id, s.node
        UNION ALL
        SELECT DISTINCT 1, c.started_at, c.id, substr(s.answer_id, 1, instr(s.answer_id, '>') - 1), s.answer_id, c.agent, c.outcome, 0, 0
        FROM calls c JOIN call_steps s ON s.call_id = c.id
        WHERE c.training = 0 AND s.input_kind = 'answer' AND s.answered IS NOT NULL AND s.answer_id IS NOT NULL
        """

    static let backfill = """
        INSERT INTO call_handler_uses (rebuttal, started_at, call_id, handler, answer, agent, outcome, searched, answered) \(rebuilt)
        """

    /// The calls whose rows differ from what their logged steps give. Which nodes were handlers is the writer's
    /// script's and is not logged (a call may even have had two writers: its rows filled from its steps by v6's
    /// backfill, then resumed by a writer that knows the script): a node counts as one for a call when the call's own
    /// rows show it (an answer chosen at it, or an entry by answer). So a row edited or added is found, and a row
    /// taken away unless it was the only one showing its node a handler (an entry by search is always kept, and found).
    static let differingCalls = """
        WITH rebuilt AS (\(rebuilt)),
        known AS (SELECT DISTINCT call_id, handler FROM call_handler_uses WHERE rebuttal = 1 OR answered > 0),
        expected AS (
            SELECT r.rebuttal, r.started_at, r.call_id, r.handler, r.answer, r.agent, r.outcome, r.searched,
                   CASE WHEN k.handler IS NULL THEN 0 ELSE r.answered END AS answered
            FROM rebuilt r LEFT JOIN known k ON k.call_id = r.call_id AND k.handler = r.handler
            WHERE k.handler IS NOT NULL OR (r.rebuttal = 0 AND r.searched > 0)
        ),
        kept AS (SELECT rebuttal, started_at, call_id, handler, answer, agent, outcome, searched, answered FROM call_handler_uses)
        SELECT call_id FROM (SELECT * FROM expected EXCEPT SELECT * FROM kept)
        UNION
        SELECT call_id FROM (SELECT * FROM kept EXCEPT SELECT * FROM expected)
        ORDER BY call_id
        """

    /// One step's part: added to the call's row for its handler (entries), or kept once (rebuttals).
    static let upsert = """
        INSERT INTO call_handler_uses (rebuttal, started_at, call_id, handler, answer, agent, outcome, searched, answered)
        SELECT ?, ?, id, ?, ?, agent, outcome, ?, ? FROM calls WHERE id = ?
        ON CONFLICT DO UPDATE SET searched = searched + excluded.searched, answered = answered + excluded.answered
        """

    /// What a logged step adds: a handler entered (not by a return) by search or by an answer, and an answer
    /// chosen at a handler. `handlers` nil: not known, every node could be one.
    struct Use: Equatable {
        var handler: String
        var answer: String
        var searched: Int
        var answered: Int
    }

    static func uses(of row: StepRecord, handlers: Set<String>?) -> [Use] {
        var uses: [Use] = []
        let searched = row.inputKind == "objection"
        if searched || row.inputKind == "answer", row.columns.entered != nil, row.columns.returnedTo == nil,
           searched || handlers?.contains(row.node) ?? true {
            uses.append(Use(handler: row.node, answer: "", searched: searched ? 1 : 0, answered: searched ? 0 : 1))
        }
        if row.inputKind == "answer", row.columns.answered != nil, let answer = row.answerID {
            // The node the answer was chosen at, as the report's SQL reads it: up to the first `>`, empty without one.
            let handler = answer.firstIndex(of: ">").map { String(answer[..<$0]) } ?? ""
            if handlers?.contains(handler) ?? true { uses.append(Use(handler: handler, answer: answer, searched: 0, answered: 0)) }
        }
        return uses
    }

    /// One call's rows made again from all its steps for `handlers` (the month figures follow through their triggers).
    static func replace(callID: Int64, startedAt: String, steps: [StepRecord], handlers: Set<String>?, in db: Database) throws {
        try db.execute(sql: "DELETE FROM call_handler_uses WHERE rebuttal IN (0, 1) AND started_at = ? AND call_id = ?",
                       arguments: [startedAt, callID])
        try record(steps.flatMap { uses(of: $0, handlers: handlers) }, callID: callID, startedAt: startedAt, into: db)
    }

    static func record(_ uses: [Use], callID: Int64, startedAt: String, into db: Database) throws {
        let statement = try db.cachedStatement(sql: upsert)
        for use in uses {
            try statement.execute(arguments: [!use.answer.isEmpty, startedAt, use.handler, use.answer, use.searched, use.answered, callID])
        }
    }
}

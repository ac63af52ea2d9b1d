/// What the call list needs of each customer's calls and follow-ups, kept in one row per customer
/// (`queue_facts`), so that a day's list reads one row beside each customer instead of looking up the
/// latest call, the latest finished call and the earliest open follow-up through three indexes for
/// each of a million customers. Triggers on `calls` and `follow_ups` recompute a customer's row in the
/// same transaction as any write that could change it (a call begun or ended, a follow-up booked, done
/// or pulled from another desk, a row edited by hand), from the same definition the backfill uses, so
/// the row is always what the lookups would find. Whether the row's times are as huashu writes them is
/// decided here, once per write, rather than per customer per list.
///
/// Since v8 the row also carries the customer's agent (the ledger's 专员 as the queue compares it, NULL when
/// blank), kept by a trigger on `customers`, so that `call --next` reads an agent's follow-ups in due order
/// (`queue_facts_follow_ups_by_agent`) and stops at the first, instead of reading all of the agent's customers.
/// `agent: false` is the row as v7 wrote it, for the v7 migration as it ran.
enum QueueFacts {
    /// The facts of the customers `c` that `whose` selects: the latest live call (`ORDER BY started_at DESC, id DESC`),
    /// the latest live call with an outcome (the latest itself when it has one), the earliest open follow-up.
    static func select(whose: String, agent: Bool = true) -> String {
        """
        SELECT c.id,\(agent ? " \(owner()) AS agent," : "") l.started_at AS last_at, l.outcome AS last_outcome, l.loss_reason AS last_loss_reason,
               e.started_at AS ended_at, e.outcome AS ended_outcome, f.kind AS follow_up_kind, f.due_at AS follow_up_due,
               coalesce((l.started_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%fZ', l.started_at) = l.started_at)
                        AND (e.started_at IS NULL OR strftime('%Y-%m-%dT%H:%M:%fZ', e.started_at) = e.started_at)
                        AND (f.due_at IS NULL OR strftime('%Y-%m-%d %H:%M', f.due_at) = f.due_at), FALSE) AS as_written
        FROM customers c
        LEFT JOIN calls l ON l.id = (SELECT k.id FROM calls k WHERE k.customer_id = c.id AND k.training = 0
                                     ORDER BY k.started_at DESC, k.id DESC LIMIT 1)
        LEFT JOIN calls e ON e.id = CASE WHEN l.outcome IS NOT NULL THEN l.id WHEN l.id IS NOT NULL THEN
            (SELECT k.id FROM calls k WHERE k.customer_id = c.id AND k.training = 0 AND k.outcome IS NOT NULL
             ORDER BY k.started_at DESC, k.id DESC LIMIT 1) END
        LEFT JOIN follow_ups f ON f.id = (SELECT u.id FROM follow_ups u INDEXED BY follow_ups_open_by_customer
                                          WHERE u.customer_id = c.id AND u.done_at IS NULL ORDER BY u.due_at, u.id LIMIT 1)
        WHERE \(whose)
        """
    }

    /// The customer's agent as the row keeps it: as `QueueOwner` compares it (SQLite's trim), a blank one NULL.
    static func owner(_ customer: String = "c") -> String { "nullif(trim(\(customer).agent), '')" }

    static func columns(agent: Bool = true) -> String {
        "customer_id, \(agent ? "agent, " : "")last_at, last_outcome, last_loss_reason, ended_at, ended_outcome, follow_up_kind, follow_up_due, as_written"
    }

    /// One customer's row made again (no conflict clause: a trigger's would give way to the firing statement's `OR IGNORE`).
    static func recompute(_ customer: String, if condition: String = "TRUE", agent: Bool = true) -> String {
        "DELETE FROM queue_facts WHERE customer_id = \(customer) AND \(condition); "
            + "INSERT INTO queue_facts (\(columns(agent: agent))) \(select(whose: "c.id = \(customer) AND \(condition)", agent: agent));"
    }

    /// A trigger on `table` for `event`, recomputing the customer the row belongs to, and after an update
    /// the customer it belonged to before when that was another.
    private static func trigger(_ name: String, _ event: String, on table: String, when: String? = nil, row: String, agent: Bool) -> String {
        var body = recompute("\(row).customer_id", agent: agent)
        if when != nil { body += " " + recompute("OLD.customer_id", if: "OLD.customer_id IS NOT NEW.customer_id", agent: agent) }
        return "CREATE TRIGGER \(name) AFTER \(event) ON \(table)\(when.map { " WHEN " + $0 } ?? "") BEGIN \(body) END;"
    }

    /// Which columns of a call or follow-up the facts read: an update that changes none of them (a call's
    /// facts text on each step) leaves the row alone.
    private static func changed(_ columns: [String]) -> String {
        columns.map { "OLD.\($0) IS NOT NEW.\($0)" }.joined(separator: " OR ")
    }

    static let callColumns = ["customer_id", "started_at", "training", "outcome", "loss_reason"]
    static let followUpColumns = ["customer_id", "kind", "due_at", "done_at"]

    static let triggerNames = ["queue_facts_call_added", "queue_facts_call_changed", "queue_facts_call_removed",
                               "queue_facts_follow_up_added", "queue_facts_follow_up_changed", "queue_facts_follow_up_removed"]

    /// The triggers on calls and follow-ups (named as `triggerNames`).
    static func triggers(agent: Bool) -> String {
        """
        \(trigger("queue_facts_call_added", "INSERT", on: "calls", row: "NEW", agent: agent))
        \(trigger("queue_facts_call_changed", "UPDATE OF \(callColumns.joined(separator: ", "))", on: "calls", when: changed(callColumns), row: "NEW", agent: agent))
        \(trigger("queue_facts_call_removed", "DELETE", on: "calls", row: "OLD", agent: agent))
        \(trigger("queue_facts_follow_up_added", "INSERT", on: "follow_ups", row: "NEW", agent: agent))
        \(trigger("queue_facts_follow_up_changed", "UPDATE OF \(followUpColumns.joined(separator: ", "))", on: "follow_ups", when: changed(followUpColumns), row: "NEW", agent: agent))
        \(trigger("queue_facts_follow_up_removed", "DELETE", on: "follow_ups", row: "OLD", agent: agent))
        """
    }

    /// The table and triggers as v7 made them.
    static let schemaV7 = """
        CREATE TABLE queue_facts (
            customer_id INTEGER PRIMARY KEY,
            last_at TEXT,
            last_outcome TEXT,
            last_loss_reason TEXT,
            ended_at TEXT,
            ended_outcome TEXT,
            follow_up_kind TEXT,
            follow_up_due TEXT,
            as_written INTEGER NOT NULL
        );
        \(triggers(agent: false))
        """

    /// v8: the agent beside the facts, filled from the ledger; the triggers made again to keep it; a ledger row given
    /// another agent moves its row; the open follow-ups of each agent by due time, as `call --next` reads them.
    static let agentColumn = """
        \(triggerNames.map { "DROP TRIGGER \($0);" }.joined(separator: "\n"))
        ALTER TABLE queue_facts ADD COLUMN agent TEXT;
        UPDATE queue_facts SET agent = (SELECT \(owner()) FROM customers c WHERE c.id = queue_facts.customer_id);
        \(triggers(agent: true))
        CREATE TRIGGER queue_facts_agent_changed AFTER UPDATE OF agent ON customers WHEN OLD.agent IS NOT NEW.agent
        BEGIN UPDATE queue_facts SET agent = \(owner("NEW")) WHERE customer_id = NEW.id; END;
        CREATE INDEX queue_facts_follow_ups_by_agent ON queue_facts(agent, follow_up_due) WHERE follow_up_due IS NOT NULL;
        """

    /// The rows of a database from before v7: every customer with a live call or an open follow-up.
    static func backfill(agent: Bool = true) -> String {
        """
        INSERT INTO queue_facts (\(columns(agent: agent)))
        SELECT * FROM (\(select(whose: "TRUE", agent: agent))) WHERE last_at IS NOT NULL OR follow_up_due IS NOT NULL
        """
    }
}

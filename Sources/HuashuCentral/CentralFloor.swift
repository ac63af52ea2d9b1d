import HuashuStore

/// Who else is calling a customer, and what another desk has learnt about
/// them: asked of the central store before a call's first screen, so two
/// agents never call one customer at once and a refusal heard on one desk
/// is honoured on all. Customers are keyed by plate, which every desk's
/// ledger spells the same.
public struct CustomerLease: Sendable, Equatable {
    public let desk: String
    public let agent: String
    /// Seconds since 1970, for the desk to show in its own local time.
    public let since: Int64
    public let until: Int64
}

/// A refusal another desk recorded: 勿扰, or a wrong number (for the phone it was heard on).
public struct CentralRefusal: Sendable, Equatable {
    public let customerKey: String
    public let kind: String
    /// For a wrong number, the phone as that desk showed it (masked); empty for 勿扰.
    public let phone: String
    public let desk: String
}

/// A 勿扰 a supervisor lifted on central: desks take their own mark off at their next sync.
public struct RefusalLift: Sendable, Equatable {
    public let id: Int64
    /// The lift's place among central's changes: its transaction, then its id.
    public let mark: ChangeMark
    public let customerKey: String
    public let by: String
    public let reason: String
    /// `yyyy-MM-dd HH:mm` in the server's time zone.
    public let at: String
}

/// What the central store says before a call opens.
public enum FloorAnswer: Sendable, Equatable {
    /// The lease is this desk's until the call ends (or it lapses, if the desk dies).
    case claimed
    case heldBy(CustomerLease)
    case refused(CentralRefusal)
}

extension CentralConnection {
    /// Claims (or renews, for the same desk) the lease on a customer for `minutes`, unless another desk holds
    /// an unexpired one or a refusal stands for them: in one transaction, so two desks racing get one answer each.
    /// `phone` is the customer's phone as the desk masks it: a wrong number recorded for another phone does not refuse.
    public func claim(customer key: String, phone: String, desk: String, agent: String, minutes: Int) throws(CentralError) -> FloorAnswer {
        try transaction { () throws(CentralError) -> FloorAnswer in
            let refusals = try execute("""
                SELECT kind, phone, desk FROM refusals
                WHERE customer_key = $1 AND (kind = 'do_not_call' OR phone = $2) ORDER BY kind = 'do_not_call' DESC LIMIT 1
                """, [key, phone], what: "reading refusals for \(key)")
            if let row = refusals.first {
                return .refused(CentralRefusal(customerKey: key, kind: row[0] ?? "", phone: row[1] ?? "", desk: row[2] ?? ""))
            }
            let claimed = try execute("""
                INSERT INTO leases (customer_key, desk, agent, until) VALUES ($1, $2, $3, now() + make_interval(mins => $4::int))
                ON CONFLICT (customer_key) DO UPDATE SET desk = excluded.desk, agent = excluded.agent, until = excluded.until,
                    since = CASE WHEN leases.desk = excluded.desk THEN leases.since ELSE now() END
                WHERE leases.desk = excluded.desk OR leases.until < now()
                RETURNING 1
                """, [key, desk, agent, String(minutes)], what: "claiming \(key) for desk \(desk)")
            if !claimed.isEmpty { return .claimed }
            let holder = try execute("""
                SELECT desk, agent, extract(epoch FROM since)::bigint, extract(epoch FROM until)::bigint FROM leases WHERE customer_key = $1
                """, [key], what: "reading who holds \(key)")
            guard let row = holder.first else { throw CentralError("the central store lost the lease on \(key) while it was read") }
            return .heldBy(CustomerLease(desk: row[0] ?? "", agent: row[1] ?? "", since: Int64(row[2] ?? "") ?? 0,
                                         until: Int64(row[3] ?? "") ?? 0))
        }
    }

    /// Ends this desk's lease on a customer: the call is over.
    public func release(customer key: String, desk: String) throws(CentralError) {
        try execute("DELETE FROM leases WHERE customer_key = $1 AND desk = $2", [key, desk], what: "releasing \(key)")
    }

    /// A supervisor lifts the 勿扰 on a customer for every desk, audited on central; the server refuses any other role.
    /// Returns the lift's number and how many desks' refusals it took away (none when only desks' own marks stood).
    public func liftDoNotCall(customer key: String, by supervisor: String, reason: String) throws(CentralError) -> (lift: Int64, refusals: Int) {
        let row = try execute("SELECT lift, refusals FROM huashu_lift_do_not_call($1, $2, $3)", [key, supervisor, reason],
                              what: "lifting the 勿扰 on \(key)").first
        return (Int64(row?[0] ?? "") ?? 0, Int(row?[1] ?? "") ?? 0)
    }

    /// Up to `limit` lifts after `mark`, in change order, for a desk to take its own marks off.
    public func lifts(after mark: ChangeMark, limit: Int) throws(CentralError) -> [RefusalLift] {
        var parameters: [String?] = []
        let settled = mark.settled("xid", "id", &parameters)
        parameters.append(String(limit))
        return try execute("""
            SELECT xid::text, id, customer_key, lifted_by, reason, to_char(at, 'YYYY-MM-DD HH24:MI') FROM refusal_lifts
            WHERE \(settled) ORDER BY xid, id LIMIT $\(parameters.count)
            """, parameters, what: "reading lifted refusals").map { row in
            RefusalLift(id: Int64(row[1] ?? "") ?? 0, mark: ChangeMark(central: row[0], row[1]), customerKey: row[2] ?? "", by: row[3] ?? "", reason: row[4] ?? "",
                        at: row[5] ?? "")
        }
    }

    /// Every refusal recorded on the central store, for a desk to mark its own customers with.
    public func refusals() throws(CentralError) -> [CentralRefusal] {
        try execute("SELECT customer_key, kind, phone, desk FROM refusals ORDER BY at", what: "reading refusals").map { row in
            CentralRefusal(customerKey: row[0] ?? "", kind: row[1] ?? "", phone: row[2] ?? "", desk: row[3] ?? "")
        }
    }
}

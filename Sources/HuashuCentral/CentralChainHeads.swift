import HuashuStore

/// The newest step of a pushed call as the central store recorded it when it
/// arrived (`chain_heads`, written by the server's own trigger and never
/// rewritten): the point a desk's log is compared at.
public struct ChainHead: Sendable, Equatable {
    public let callID: Int64
    public let seq: Int
    public let step: PushedStep
    /// When the head was recorded, `yyyy-MM-dd HH:mm` in the session's time zone.
    public let recordedAt: String
}

extension CentralConnection {
    /// The chain heads of one desk's pushed calls, in call order; `call` keeps only that call's.
    public func chainHeads(desk: String, call: Int64? = nil) throws(CentralError) -> [ChainHead] {
        try execute("""
            SELECT call_id, seq, hash, link, to_char(recorded_at, 'YYYY-MM-DD HH24:MI') FROM chain_heads
            WHERE desk = $1 AND ($2::bigint IS NULL OR call_id = $2) ORDER BY call_id
            """, [desk, call.map(String.init)], what: "reading the chain heads of desk \(desk)").map { row in
            ChainHead(callID: Int64(row[0] ?? "") ?? 0, seq: Int(row[1] ?? "") ?? 0,
                      step: PushedStep(hash: row[2] ?? "", link: row[3] ?? ""), recordedAt: row[4] ?? "")
        }
    }
}

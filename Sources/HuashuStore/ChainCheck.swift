import GRDB

/// A break in a call's hash chain: a step edited, deleted or inserted after
/// the fact, found by recomputing every step's hash.
public struct ChainProblem: Sendable, Equatable, CustomStringConvertible {
    public let callID: Int64
    public let seq: Int
    public let message: String

    public var description: String { "call #\(callID) step \(seq): \(message)" }
}

extension Store {
    /// Recomputes every logged step's hash and checks each links to the one before.
    public func verifyChains(call: Int64? = nil) throws(StoreError) -> (calls: Int, steps: Int, problems: [ChainProblem]) {
        try read { db in
            var problems: [ChainProblem] = []
            var steps = 0
            let hasher = SHA256()
            let callIDs = try Int64.fetchAll(db, sql: "SELECT id FROM calls WHERE ? IS NULL OR id = ? ORDER BY id", arguments: [call, call])
            for callID in callIDs {
                var expectedSeq = 1
                var previous = ""
                let rows = try StepRecord.fetchCursor(db, sql: "SELECT * FROM call_steps WHERE call_id = ? ORDER BY seq", arguments: [callID])
                while let row = try rows.next() {
                    steps += 1
                    if row.seq != expectedSeq {
                        let missing = row.seq > expectedSeq ? "steps \(expectedSeq)…\(row.seq - 1) are missing (deleted)" : "step number repeats"
                        problems.append(ChainProblem(callID: callID, seq: row.seq, message: missing))
                    }
                    if row.prevHash != previous {
                        problems.append(ChainProblem(callID: callID, seq: row.seq, message: "does not link to the step before it"))
                    }
                    if row.hash(with: hasher) != row.hash {
                        problems.append(ChainProblem(callID: callID, seq: row.seq, message: "its content was changed after it was logged"))
                    }
                    previous = row.hash
                    expectedSeq = row.seq + 1
                }
            }
            return (callIDs.count, steps, problems)
        }
    }
}

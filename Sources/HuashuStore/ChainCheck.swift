import Foundation
import GRDB
import HuashuEngine

/// A break in the call log: a step edited, deleted or inserted after the
/// fact, a call's row changed, an append-only rule removed, or a seal the
/// log no longer passes through.
public struct ChainProblem: Sendable, Equatable, CustomStringConvertible {
    /// The call and step it concerns; nil for the log as a whole.
    public let callID: Int64?
    public let seq: Int?
    public let message: String

    public var description: String {
        switch (callID, seq) {
        case let (call?, seq?): return "call #\(call) step \(seq): \(message)"
        case let (call?, nil): return "call #\(call): \(message)"
        default: return message
        }
    }
}

/// What `verify` read and found.
public struct ChainReport: Sendable {
    public var calls = 0
    public var steps = 0
    public var problems: [ChainProblem] = []
    /// True when a seal was given and the log passes through it.
    public var sealHeld = false
}

extension Store {
    /// The seal of the log as it stands: the newest step's id and link.
    public func seal() throws(StoreError) -> LogChain.Seal {
        let head = try read { db in try LogChain.head(db) }
        guard head.id > 0 else { throw StoreError("the call log of \(path) is empty: there is nothing to seal yet") }
        guard !head.link.isEmpty else {
            throw StoreError("the newest step of \(path) (#\(head.id)) is missing: run `huashu verify` before sealing")
        }
        return LogChain.Seal(id: head.id, fullLink: head.link)
    }

    /// Recomputes every step's hash and link from the first step in the file,
    /// byte for byte as stored, and checks the calls' rows, the ids issued,
    /// the append-only triggers and, if given, that the log passes through `seal`.
    public func verifyChains(call: Int64? = nil, seal: LogChain.Seal? = nil) throws(StoreError) -> ChainReport {
        try read { db in
            var report = ChainReport()
            func problem(_ callID: Int64?, _ seq: Int?, _ message: String) {
                if call == nil || callID == nil || callID == call { report.problems.append(ChainProblem(callID: callID, seq: seq, message: message)) }
            }
            try checkTriggers(db, problem: { problem(nil, nil, $0) })
            let hasher = SHA256()
            // Per call: the step number and hash of its last step, as stored and as raw bytes.
            var lastOfCall: [Int64: (seq: Int, stored: [UInt8], raw: [UInt8])] = [:]
            var previousID: Int64 = 0
            var previousLink: [UInt8] = []
            let hashed = StepRecord.hashedColumns.map { "s." + $0 }.joined(separator: ", ")
            let typed = CallLogCodec.Columns.names.map { "s." + $0 }.joined(separator: ", ")
            // Columns: 0-6 id, call, seq, prev_hash, hash, link, state; 7… hashed; then typed, the call's row.
            let firstHashed: Int32 = 7
            let firstTyped = firstHashed + Int32(StepRecord.hashedColumns.count)
            let firstCall = firstTyped + Int32(CallLogCodec.Columns.names.count)
            let rows = RawRows(try db.makeStatement(sql: """
                SELECT s.id, s.call_id, s.seq, s.prev_hash, s.hash, s.link, s.state, \(hashed), \(typed),
                       c.id IS NOT NULL, c.\(LogChain.callColumns.replacingOccurrences(of: ", ", with: ", c."))
                FROM call_steps s LEFT JOIN calls c ON c.id = s.call_id ORDER BY s.id
                """))
            while try rows.next(db) {
                let (id, callID, seq) = (rows.int(0), rows.int(1), Int(rows.int(2)))
                let beforeV5 = !rows.isNull(6)
                if call == nil || callID == call { report.steps += 1 }
                if id != previousID + 1 {
                    problem(callID, seq, id > previousID + 1 ? "steps #\(previousID + 1)…#\(id - 1) of the log are missing (deleted)" : "its id repeats")
                }
                let hasCall = rows.int(firstCall) == 1
                if !hasCall { problem(callID, seq, "its call's row is missing (deleted)") }
                let earlier = lastOfCall[callID]
                if seq != (earlier?.seq ?? 0) + 1 {
                    let expected = (earlier?.seq ?? 0) + 1
                    problem(callID, seq, seq > expected ? "steps \(expected)…\(seq - 1) are missing (deleted)" : "step number repeats")
                }
                let stored = Array(rows.bytes(4))
                let hash: [UInt8]
                if beforeV5 {
                    // As hashed then: the content in hex, over the state and the previous hash as stored.
                    if rows.bytes(3).elementsEqual(earlier?.stored ?? []) == false {
                        problem(callID, seq, "does not link to the step before it")
                    }
                    let content = (firstHashed..<firstHashed + 12).map { rows.bytes($0) } + [rows.bytes(6), rows.bytes(3)]
                    hash = hasher.hex(byteFields: content).map { Array($0.utf8) } ?? []
                } else {
                    hash = hasher.digest(byteFields: [(earlier?.raw ?? [])[...]] + (firstHashed..<firstTyped).map { rows.bytes($0) }) ?? []
                }
                if stored != hash {
                    problem(callID, seq, "its content was changed after it was logged")
                }
                let text = { (column: Int32) in rows.isNull(column) ? nil : String(decoding: rows.bytes(column), as: UTF8.self) }
                let columns = CallLogCodec.events(text(firstHashed + 11) ?? "").map(CallLogCodec.Columns.init)
                if columns?.values != (firstTyped..<firstCall).map(text) {
                    problem(callID, seq, "its typed columns do not say what its events say: the row was changed")
                }
                let callRow = seq == 1 && hasCall ? (firstCall + 1..<firstCall + 8).map { rows.bytes($0) } : nil
                let link = beforeV5 ? LogChain.linkBeforeV5(hasher, id: id, previous: previousLink, hash: stored[...], call: callRow) ?? []
                                    : LogChain.link(hasher, id: id, previous: previousLink[...], hash: stored[...], call: callRow) ?? []
                if !rows.bytes(5).elementsEqual(link) {
                    problem(callID, seq, seq == 1 ? "its link in the log does not hold: the step, or its call's row as begun, was changed"
                                                  : "its link in the log does not hold: a step before it was changed, removed or rewritten")
                }
                previousLink = LogChain.bytes(hex: link)
                if let seal, seal.id == id {
                    report.sealHeld = SHA256.hex(previousLink).hasPrefix(seal.link)
                    if !report.sealHeld {
                        problem(nil, nil, "the log does not pass through the seal \(seal): it was changed before step #\(seal.id), even if every hash was recomputed")
                    }
                }
                lastOfCall[callID] = (seq, stored, LogChain.bytes(hex: stored))
                previousID = id
            }
            if let seal, seal.id > previousID {
                problem(nil, nil, "the log ends at step #\(previousID), before the seal \(seal): steps it covered were deleted")
            }
            let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'call_steps'") ?? 0
            if issued != previousID {
                problem(nil, nil, issued > previousID ? "the newest steps #\(previousID + 1)…#\(issued) of the log are missing (deleted)"
                                                      : "the log's step counter was turned back to #\(issued)")
            }
            report.calls = try checkCalls(db, only: call, problem: problem)
            return report
        }
    }

    /// The triggers that keep the log append-only, each as created.
    private func checkTriggers(_ db: Database, problem: (String) -> Void) throws {
        let found = Dictionary(try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            .map { (row: Row) -> (String, String) in (row[0], row[1] ?? "") }, uniquingKeysWith: { first, _ in first })
        for trigger in LogChain.triggers {
            switch found[trigger.name] {
            case nil: problem("the append-only rule \(trigger.name) was removed: the log could be changed without an error")
            case trigger.sql?: break
            default: problem("the append-only rule \(trigger.name) was altered")
            }
        }
    }

    /// Each call's row against its log: the ending taken from the state its steps leave (`StepRecord.state`),
    /// byte for byte; the ids issued. Returns the number of calls checked.
    private func checkCalls(_ db: Database, only call: Int64?, problem: (Int64?, Int?, String) -> Void) throws -> Int {
        var count = 0
        let endings = CallEnding.columns.map { "c." + $0 }.joined(separator: ", ")
        let rows = RawRows(try db.makeStatement(sql: """
            SELECT c.id, \(endings), s.seq, s.at, s.input_kind, s.input, s.answer_id, s.handler_id, s.note, s.events, s.state
            FROM calls c LEFT JOIN call_steps s ON s.call_id = c.id ORDER BY c.id, s.seq
            """))
        let firstStep = Int32(1 + CallEnding.columns.count)
        var newest: Int64 = 0
        // The call being read: its row's ending, the state its steps left so far, and its last step.
        var current: (id: Int64, stored: [[UInt8]?], state: CallState?, pending: StepRecord?, last: StepRecord?)?
        func finish() {
            guard let (id, stored, folded, pending, last) = current else { return }
            count += 1
            let state = pending?.state(after: nil) ?? folded
            if last != nil && state == nil { problem(id, last?.seq, "its log cannot be read") }
            let expected = CallEnding(state: state, at: last?.at ?? "").values
            for (offset, column) in CallEnding.columns.enumerated() where stored[offset] != expected[offset].map({ Array($0.utf8) }) {
                problem(id, nil, "its row says \(column) = \(stored[offset].map { "'\(String(decoding: $0, as: UTF8.self))'" } ?? "NULL"), "
                        + "but its log says \(expected[offset].map { "'\($0)'" } ?? "NULL"): the row was changed")
            }
        }
        while try rows.next(db) {
            let id = rows.int(0)
            if id != current?.id {
                finish()
                current = nil
                if id > newest + 1 { problem(nil, nil, "calls #\(newest + 1)…#\(id - 1) are missing (deleted)") }
                newest = id
                if let call, call != id { continue }
                current = (id, (1..<firstStep).map { rows.isNull($0) ? nil : Array(rows.bytes($0)) }, nil, nil, nil)
            }
            guard current != nil, !rows.isNull(firstStep) else { continue }
            let text = { (column: Int32) in rows.isNull(firstStep + column) ? nil : String(decoding: rows.bytes(firstStep + column), as: UTF8.self) }
            var step = StepRecord(callID: id, seq: Int(rows.int(firstStep)), at: text(1) ?? "", input: nil, stage: "", node: "", shown: "", events: [])
            (step.inputKind, step.input, step.answerID, step.handlerID, step.note) = (text(2) ?? "", text(3), text(4), text(5), text(6))
            (step.events, step.state) = (text(7) ?? "", text(8))
            if step.isBeforeV5 {
                // Read only if a later step needs it: the last state kept is the call's.
                current!.pending = step
            } else {
                let previous = current!.pending?.state(after: nil) ?? current!.state
                current!.pending = nil
                current!.state = step.state(after: previous)
            }
            current!.last = step
        }
        finish()
        let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'calls'") ?? 0
        if issued > newest { problem(nil, nil, "the newest calls #\(newest + 1)…#\(issued) are missing (deleted)") }
        return count
    }
}

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
            var lastOfCall: [Int64: (seq: Int, hash: [UInt8])] = [:]
            var previousID: Int64 = 0
            var previousLink: [UInt8] = []
            let rows = RawRows(try db.makeStatement(sql: """
                SELECT s.id, s.call_id, s.seq, s.prev_hash, s.hash, s.link,
                       s.at, s.input_kind, s.input, s.answer_id, s.handler_id, s.note, s.stage, s.node, s.shown, s.events, s.state,
                       c.id IS NOT NULL, c.\(LogChain.callColumns.replacingOccurrences(of: ", ", with: ", c."))
                FROM call_steps s LEFT JOIN calls c ON c.id = s.call_id ORDER BY s.id
                """))
            while try rows.next(db) {
                let (id, callID, seq) = (rows.int(0), rows.int(1), Int(rows.int(2)))
                if call == nil || callID == call { report.steps += 1 }
                if id != previousID + 1 {
                    problem(callID, seq, id > previousID + 1 ? "steps #\(previousID + 1)…#\(id - 1) of the log are missing (deleted)" : "its id repeats")
                }
                if rows.int(17) == 0 { problem(callID, seq, "its call's row is missing (deleted)") }
                let earlier = lastOfCall[callID]
                if seq != (earlier?.seq ?? 0) + 1 {
                    let expected = (earlier?.seq ?? 0) + 1
                    problem(callID, seq, seq > expected ? "steps \(expected)…\(seq - 1) are missing (deleted)" : "step number repeats")
                }
                if rows.bytes(3).elementsEqual(earlier?.hash ?? []) == false {
                    problem(callID, seq, "does not link to the step before it")
                }
                let content = [ArraySlice(String(callID).utf8), ArraySlice(String(seq).utf8)] + (6...16).map { rows.bytes(Int32($0)) } + [rows.bytes(3)]
                let hash = hasher.hex(byteFields: content).map { Array($0.utf8) } ?? []
                if !rows.bytes(4).elementsEqual(hash) {
                    problem(callID, seq, "its content was changed after it was logged")
                }
                let callRow = seq == 1 && rows.int(17) == 1 ? (18..<25).map { rows.bytes(Int32($0)) } : nil
                let link = LogChain.link(hasher, id: id, previous: previousLink[...], hash: rows.bytes(4), call: callRow).map { Array($0.utf8) } ?? []
                if !rows.bytes(5).elementsEqual(link) {
                    problem(callID, seq, seq == 1 ? "its link in the log does not hold: the step, or its call's row as begun, was changed"
                                                  : "its link in the log does not hold: a step before it was changed, removed or rewritten")
                }
                if let seal, seal.id == id {
                    report.sealHeld = link.starts(with: Array(seal.link.utf8))
                    if !report.sealHeld {
                        problem(nil, nil, "the log does not pass through the seal \(seal): it was changed before step #\(seal.id), even if every hash was recomputed")
                    }
                }
                lastOfCall[callID] = (seq, Array(rows.bytes(4)))
                previousID = id
                previousLink = link
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

    /// Each call's row against its log: the ending taken from its last step's state, byte for byte; the ids issued.
    /// Returns the number of calls checked.
    private func checkCalls(_ db: Database, only call: Int64?, problem: (Int64?, Int?, String) -> Void) throws -> Int {
        var count = 0
        let rows = RawRows(try db.makeStatement(sql: """
            SELECT c.id, s.at, s.state, s.seq, \(CallEnding.columns.map { "c." + $0 }.joined(separator: ", "))
            FROM calls c LEFT JOIN call_steps s ON s.call_id = c.id AND s.seq = (SELECT max(seq) FROM call_steps WHERE call_id = c.id)
            ORDER BY c.id
            """))
        var newest: Int64 = 0
        while try rows.next(db) {
            let id = rows.int(0)
            if id > newest + 1 { problem(nil, nil, "calls #\(newest + 1)…#\(id - 1) are missing (deleted)") }
            newest = id
            if let call, call != id { continue }
            count += 1
            let state = rows.isNull(2) ? nil : try? JSONDecoder().decode(CallState.self, from: Data(rows.bytes(2)))
            if !rows.isNull(2) && state == nil { problem(id, Int(rows.int(3)), "its state cannot be read") }
            let expected = CallEnding(state: state, at: String(decoding: rows.bytes(1), as: UTF8.self)).values
            for (offset, column) in CallEnding.columns.enumerated() {
                let stored: [UInt8]? = rows.isNull(Int32(4 + offset)) ? nil : Array(rows.bytes(Int32(4 + offset)))
                if stored != expected[offset].map({ Array($0.utf8) }) {
                    problem(id, nil, "its row says \(column) = \(stored.map { "'\(String(decoding: $0, as: UTF8.self))'" } ?? "NULL"), "
                            + "but its log says \(expected[offset].map { "'\($0)'" } ?? "NULL"): the row was changed")
                }
            }
        }
        let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'calls'") ?? 0
        if issued > newest { problem(nil, nil, "the newest calls #\(newest + 1)…#\(issued) are missing (deleted)") }
        return count
    }
}

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

    public init(callID: Int64?, seq: Int?, message: String) {
        self.callID = callID
        self.seq = seq
        self.message = message
    }

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

    public init() {}
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
            var walk = ChainWalk(only: call, seal: seal)
            try checkTriggers(db, problem: { walk.problem(nil, nil, $0) })
            let rows = RawRows(try db.makeStatement(sql: """
                SELECT s.id, s.call_id, s.seq, s.prev_hash, s.hash, s.link,
                       \(ChainWalk.contentColumns.map { "s." + $0 }.joined(separator: ", ")),
                       c.id IS NOT NULL, c.\(LogChain.callColumns.replacingOccurrences(of: ", ", with: ", c."))
                FROM call_steps s LEFT JOIN calls c ON c.id = s.call_id ORDER BY s.id
                """))
            while try rows.next(db) {
                let seq = Int(rows.int(2))
                walk.step(id: rows.int(0), callID: rows.int(1), seq: seq, prevHash: rows.bytes(3), hash: rows.bytes(4), link: rows.bytes(5),
                          content: (6...16).map { rows.bytes(Int32($0)) }, callExists: rows.int(17) == 1,
                          callRow: seq == 1 && rows.int(17) == 1 ? (18..<25).map { rows.bytes(Int32($0)) } : nil)
            }
            walk.finishSteps()
            let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'call_steps'") ?? 0
            if issued != walk.previousID {
                walk.problem(nil, nil, issued > walk.previousID ? "the newest steps #\(walk.previousID + 1)…#\(issued) of the log are missing (deleted)"
                                                                : "the log's step counter was turned back to #\(issued)")
            }
            let calls = RawRows(try db.makeStatement(sql: """
                SELECT c.id, s.at, s.state, s.seq, \(CallEnding.columns.map { "c." + $0 }.joined(separator: ", "))
                FROM calls c LEFT JOIN call_steps s ON s.call_id = c.id AND s.seq = (SELECT max(seq) FROM call_steps WHERE call_id = c.id)
                ORDER BY c.id
                """))
            while try calls.next(db) {
                walk.callRow(id: calls.int(0), lastStepAt: calls.bytes(1), state: calls.isNull(2) ? nil : calls.bytes(2), seq: Int(calls.int(3)),
                             stored: CallEnding.columns.indices.map { calls.isNull(Int32(4 + $0)) ? nil : calls.bytes(Int32(4 + $0)) })
            }
            let issuedCalls = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'calls'") ?? 0
            if issuedCalls > walk.newestCall {
                walk.problem(nil, nil, "the newest calls #\(walk.newestCall + 1)…#\(issuedCalls) are missing (deleted)")
            }
            return walk.report
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
}

/// One walk along a log's chain, whichever store holds it: each step in id order (its hash,
/// its link through every step before it, the numbering of steps and ids), then each call's
/// row against its last step. What is found goes into `report`; `only` keeps one call's.
public struct ChainWalk {
    /// The step's columns its hash covers, after the call id and step number, in order.
    public static let contentColumns = ["at", "input_kind", "input", "answer_id", "handler_id", "note", "stage", "node", "shown", "events", "state"]

    public let only: Int64?
    public let seal: LogChain.Seal?
    public private(set) var report = ChainReport()
    public private(set) var previousID: Int64 = 0
    public private(set) var newestCall: Int64 = 0
    private var previousLink: [UInt8] = []
    private var lastOfCall: [Int64: (seq: Int, hash: [UInt8])] = [:]
    private let hasher = SHA256()

    public init(only: Int64?, seal: LogChain.Seal?) {
        self.only = only
        self.seal = seal
    }

    public mutating func problem(_ callID: Int64?, _ seq: Int?, _ message: String) {
        if only == nil || callID == nil || callID == only { report.problems.append(ChainProblem(callID: callID, seq: seq, message: message)) }
    }

    /// The next step in id order; `callRow` is its call's row as begun (`LogChain.callColumns`), for a first step.
    public mutating func step(id: Int64, callID: Int64, seq: Int, prevHash: ArraySlice<UInt8>, hash: ArraySlice<UInt8>, link stored: ArraySlice<UInt8>,
                              content: [ArraySlice<UInt8>], callExists: Bool, callRow: [ArraySlice<UInt8>]?) {
        if only == nil || callID == only { report.steps += 1 }
        if id != previousID + 1 {
            problem(callID, seq, id > previousID + 1 ? "steps #\(previousID + 1)…#\(id - 1) of the log are missing (deleted)" : "its id repeats")
        }
        if !callExists { problem(callID, seq, "its call's row is missing (deleted)") }
        let earlier = lastOfCall[callID]
        if seq != (earlier?.seq ?? 0) + 1 {
            let expected = (earlier?.seq ?? 0) + 1
            problem(callID, seq, seq > expected ? "steps \(expected)…\(seq - 1) are missing (deleted)" : "step number repeats")
        }
        if prevHash.elementsEqual(earlier?.hash ?? []) == false {
            problem(callID, seq, "does not link to the step before it")
        }
        let fields = [ArraySlice(String(callID).utf8), ArraySlice(String(seq).utf8)] + content + [prevHash]
        let computed = hasher.hex(byteFields: fields).map { Array($0.utf8) } ?? []
        if !hash.elementsEqual(computed) {
            problem(callID, seq, "its content was changed after it was logged")
        }
        let link = LogChain.link(hasher, id: id, previous: previousLink[...], hash: hash, call: callRow).map { Array($0.utf8) } ?? []
        if !stored.elementsEqual(link) {
            problem(callID, seq, seq == 1 ? "its link in the log does not hold: the step, or its call's row as begun, was changed"
                                          : "its link in the log does not hold: a step before it was changed, removed or rewritten")
        }
        if let seal, seal.id == id {
            report.sealHeld = link.starts(with: Array(seal.link.utf8))
            if !report.sealHeld {
                problem(nil, nil, "the log does not pass through the seal \(seal): it was changed before step #\(seal.id), even if every hash was recomputed")
            }
        }
        lastOfCall[callID] = (seq, Array(hash))
        previousID = id
        previousLink = link
    }

    /// After the last step: a seal beyond it covered steps since deleted.
    public mutating func finishSteps() {
        if let seal, seal.id > previousID {
            problem(nil, nil, "the log ends at step #\(previousID), before the seal \(seal): steps it covered were deleted")
        }
    }

    /// The next call in id order: its row's ending (`CallEnding.columns`) against its last step's state, byte for byte.
    public mutating func callRow(id: Int64, lastStepAt: ArraySlice<UInt8>, state: ArraySlice<UInt8>?, seq: Int, stored: [ArraySlice<UInt8>?]) {
        if id > newestCall + 1 { problem(nil, nil, "calls #\(newestCall + 1)…#\(id - 1) are missing (deleted)") }
        newestCall = id
        if let only, only != id { return }
        report.calls += 1
        let decoded = state.flatMap { try? JSONDecoder().decode(CallState.self, from: Data($0)) }
        if state != nil && decoded == nil { problem(id, seq, "its state cannot be read") }
        let expected = CallEnding(state: decoded, at: String(decoding: lastStepAt, as: UTF8.self)).values
        for (offset, column) in CallEnding.columns.enumerated() {
            let value = stored[offset].map(Array.init)
            if value != expected[offset].map({ Array($0.utf8) }) {
                problem(id, nil, "its row says \(column) = \(value.map { "'\(String(decoding: $0, as: UTF8.self))'" } ?? "NULL"), "
                        + "but its log says \(expected[offset].map { "'\($0)'" } ?? "NULL"): the row was changed")
            }
        }
    }
}

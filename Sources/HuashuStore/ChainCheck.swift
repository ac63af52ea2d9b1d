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
    /// What was checked otherwise than usual, said once in words (not a problem).
    public var notes: [String] = []

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
            var walk = ChainWalk(only: call, seal: seal, hashesInHex: false)
            try checkTriggers(db, problem: { walk.problem(nil, nil, $0) })
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
                let seq = Int(rows.int(2)), hasCall = rows.int(firstCall) == 1
                let text = { (column: Int32) in rows.isNull(column) ? nil : String(decoding: rows.bytes(column), as: UTF8.self) }
                walk.step(id: rows.int(0), callID: rows.int(1), seq: seq, prevHash: rows.bytes(3), hash: rows.bytes(4), link: rows.bytes(5),
                          state: rows.isNull(6) ? nil : rows.bytes(6), hashed: (firstHashed..<firstTyped).map { rows.bytes($0) },
                          typed: (firstTyped..<firstCall).map(text), callExists: hasCall,
                          callRow: seq == 1 && hasCall ? (firstCall + 1..<firstCall + 8).map { rows.bytes($0) } : nil)
            }
            walk.finishSteps()
            let issued = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'call_steps'") ?? 0
            if issued != walk.previousID {
                walk.problem(nil, nil, issued > walk.previousID ? "the newest steps #\(walk.previousID + 1)…#\(issued) of the log are missing (deleted)"
                                                                : "the log's step counter was turned back to #\(issued)")
            }
            let endings = CallEnding.columns.map { "c." + $0 }.joined(separator: ", ")
            let calls = RawRows(try db.makeStatement(sql: """
                SELECT c.id, \(endings), \(ChainWalk.stepColumns.map { "s." + $0 }.joined(separator: ", "))
                FROM calls c LEFT JOIN call_steps s ON s.call_id = c.id ORDER BY c.id, s.seq
                """))
            let firstStep = Int32(1 + CallEnding.columns.count)
            var current: Int64?
            while try calls.next(db) {
                let id = calls.int(0)
                if id != current {
                    current = id
                    walk.call(id: id, stored: (1..<firstStep).map { calls.isNull($0) ? nil : Array(calls.bytes($0)) })
                }
                guard !calls.isNull(firstStep) else { continue }
                walk.callStep((firstStep..<firstStep + Int32(ChainWalk.stepColumns.count)).map {
                    calls.isNull($0) ? nil : String(decoding: calls.bytes($0), as: UTF8.self)
                })
            }
            walk.finishCalls()
            let issuedCalls = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'calls'") ?? 0
            if issuedCalls > walk.newestCall {
                walk.problem(nil, nil, "the newest calls #\(walk.newestCall + 1)…#\(issuedCalls) are missing (deleted)")
            }
            try checkReportRows(db, problem: { walk.problem($0, nil, $1) }, note: { walk.note($0) })
            return walk.report
        }
    }

    /// The report's rows kept beside the log, rebuilt from it: each call whose objection and rebuttal rows differ from its
    /// logged steps, then each month figure that differs from the calls and their rows, then each customer whose due-list
    /// row differs from their calls and follow-ups (problems of the log as a whole).
    private func checkReportRows(_ db: Database, problem: (Int64?, String) -> Void, note: (String) -> Void) throws {
        for id in try Int64.fetchAll(db, sql: HandlerUses.differingCalls) {
            problem(id, "its report rows (call_handler_uses) differ from what its logged steps give: the report's objection and rebuttal figures would not be the log's")
        }
        let months = try ReportMonthFigures.differences(db)
        if months.byTotals {
            note("the report's month figures were kept in another time zone than this one, so they were compared by their totals "
                 + "over all months, not month by month (the report counts such months from the calls)")
        }
        for figure in months.found {
            problem(nil, "the report's month figures differ from the calls and their report rows at \(figure)")
        }
        for customer in try ReportCustomers.differences(db) {
            problem(nil, "the report's row for customer \(customer) (report_customers) differs from their calls and follow-ups: the due list would not be the log's")
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
/// its link through every step before it, the numbering of steps and ids, its typed columns
/// against its events), then each call's row against the state its steps leave. What is found
/// goes into `report`; `only` keeps one call's.
public struct ChainWalk {
    /// The step columns `callStep` takes, in order: what rebuilds a call's state.
    public static let stepColumns = ["seq", "at", "input_kind", "input", "answer_id", "handler_id", "note", "events", "state"]

    public let only: Int64?
    public let seal: LogChain.Seal?
    /// A v5 row's hash and link arrive as 64 hex digits (the central store) instead of 32 raw bytes.
    public let hashesInHex: Bool
    public private(set) var report = ChainReport()
    public private(set) var previousID: Int64 = 0
    public private(set) var newestCall: Int64 = 0
    private var previousLink: [UInt8] = []
    /// Per call: the step number and hash of its last step, as stored and as raw bytes.
    private var lastOfCall: [Int64: (seq: Int, stored: [UInt8], raw: [UInt8])] = [:]
    private let hasher = SHA256()
    /// The call being read: its row's ending, the state its steps left so far, and its last step.
    private var current: (id: Int64, stored: [[UInt8]?], state: CallState?, pending: StepRecord?, last: StepRecord?)?

    public init(only: Int64?, seal: LogChain.Seal?, hashesInHex: Bool) {
        self.only = only
        self.seal = seal
        self.hashesInHex = hashesInHex
    }

    public mutating func note(_ message: String) {
        report.notes.append(message)
    }

    public mutating func problem(_ callID: Int64?, _ seq: Int?, _ message: String) {
        if only == nil || callID == nil || callID == only { report.problems.append(ChainProblem(callID: callID, seq: seq, message: message)) }
    }

    /// The step columns `step` takes as `hashed` and as `typed`, in order.
    public static let hashedColumns = StepRecord.hashedColumns
    public static let typedColumns = CallLogCodec.Columns.names

    /// The next step in id order: `state` nil on a v5 row; `hashed` the values of `hashedColumns`, `typed` of
    /// `typedColumns`; `callRow` its call's row as begun (`LogChain.callColumns`), for a first step.
    public mutating func step(id: Int64, callID: Int64, seq: Int, prevHash: ArraySlice<UInt8>, hash: ArraySlice<UInt8>, link: ArraySlice<UInt8>,
                              state: ArraySlice<UInt8>?, hashed: [ArraySlice<UInt8>], typed: [String?], callExists: Bool,
                              callRow: [ArraySlice<UInt8>]?) {
        let beforeV5 = state != nil
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
        let inHex = hashesInHex && !beforeV5
        let raw = { (value: ArraySlice<UInt8>) in inHex ? LogChain.bytes(hex: Array(value)) : Array(value) }
        let stored = raw(hash)
        let computed: [UInt8]
        if let state {
            // As hashed then: the content in hex, over the state and the previous hash as stored.
            if prevHash.elementsEqual(earlier?.stored ?? []) == false {
                problem(callID, seq, "does not link to the step before it")
            }
            computed = hasher.hex(byteFields: Array(hashed.prefix(12)) + [state, prevHash]).map { Array($0.utf8) } ?? []
        } else {
            computed = hasher.digest(byteFields: [(earlier?.raw ?? [])[...]] + hashed) ?? []
        }
        if stored != computed {
            problem(callID, seq, "its content was changed after it was logged")
        }
        let events = hashed.count > 11 ? String(decoding: hashed[11], as: UTF8.self) : ""
        if CallLogCodec.events(events).map(CallLogCodec.Columns.init)?.values != typed {
            problem(callID, seq, "its typed columns do not say what its events say: the row was changed")
        }
        let expectedLink = beforeV5 ? LogChain.linkBeforeV5(hasher, id: id, previous: previousLink, hash: stored[...], call: callRow) ?? []
                                    : LogChain.link(hasher, id: id, previous: previousLink[...], hash: stored[...], call: callRow) ?? []
        if raw(link) != expectedLink {
            problem(callID, seq, seq == 1 ? "its link in the log does not hold: the step, or its call's row as begun, was changed"
                                          : "its link in the log does not hold: a step before it was changed, removed or rewritten")
        }
        previousLink = LogChain.bytes(hex: expectedLink)
        if let seal, seal.id == id {
            report.sealHeld = SHA256.hex(previousLink).hasPrefix(seal.link)
            if !report.sealHeld {
                problem(nil, nil, "the log does not pass through the seal \(seal): it was changed before step #\(seal.id), even if every hash was recomputed")
            }
        }
        lastOfCall[callID] = (seq, stored, LogChain.bytes(hex: stored))
        previousID = id
    }

    /// After the last step: a seal beyond it covered steps since deleted.
    public mutating func finishSteps() {
        if let seal, seal.id > previousID {
            problem(nil, nil, "the log ends at step #\(previousID), before the seal \(seal): steps it covered were deleted")
        }
    }

    /// The next call in id order, with its row's ending (`CallEnding.columns`); its steps follow through `callStep`.
    public mutating func call(id: Int64, stored: [[UInt8]?]) {
        finishCall()
        current = nil
        if id > newestCall + 1 { problem(nil, nil, "calls #\(newestCall + 1)…#\(id - 1) are missing (deleted)") }
        newestCall = id
        if let only, only != id { return }
        current = (id, stored, nil, nil, nil)
    }

    /// The current call's next step, in step order: the values of `stepColumns`.
    public mutating func callStep(_ values: [String?]) {
        guard let id = current?.id else { return }
        var step = StepRecord(callID: id, seq: Int(values[0] ?? "") ?? 0, at: values[1] ?? "", input: nil, stage: "", node: "", shown: "", events: [])
        (step.inputKind, step.input, step.answerID, step.handlerID, step.note) = (values[2] ?? "", values[3], values[4], values[5], values[6])
        (step.events, step.state) = (values[7] ?? "", values[8])
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

    /// After the last call.
    public mutating func finishCalls() {
        finishCall()
        current = nil
    }

    /// The current call's row against the state its log leaves, byte for byte.
    private mutating func finishCall() {
        guard let (id, stored, folded, pending, last) = current else { return }
        report.calls += 1
        let state = pending?.state(after: nil) ?? folded
        if last != nil && state == nil { problem(id, last?.seq, "its log cannot be read") }
        let expected = CallEnding(state: state, at: last?.at ?? "").values
        for (offset, column) in CallEnding.columns.enumerated() where stored[offset] != expected[offset].map({ Array($0.utf8) }) {
            problem(id, nil, "its row says \(column) = \(stored[offset].map { "'\(String(decoding: $0, as: UTF8.self))'" } ?? "NULL"), "
                    + "but its log says \(expected[offset].map { "'\($0)'" } ?? "NULL"): the row was changed")
        }
    }
}

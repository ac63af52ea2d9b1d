import Foundation
import GRDB
import HuashuEngine
import HuashuRenewal
import HuashuCalendar
import HuashuRenewal

/// A call as stored: who, when, which script version, and how it ended.
public struct CallRecord: Sendable, Equatable, Codable, FetchableRecord {
    public var id: Int64
    public var customerID: Int64
    public var agent: String
    public var startedAt: String
    public var endedAt: String?
    public var scriptVersion: String
    public var training: Bool
    public var context: String
    public var outcome: String?
    public var lossReason: String?
    public var lostTo: String?
    public var quote: String?
    /// The facts recorded in the call (`CallFact`), as a JSON object: `{"payment":"扫码"}`.
    public var facts: String?

    /// The recorded facts by name, in `CallFact` order.
    public var factValues: [(fact: CallFact, value: String)] {
        guard let facts, let object = try? JSONDecoder().decode([String: String].self, from: Data(facts.utf8)) else { return [] }
        return CallFact.allCases.compactMap { fact in object[fact.rawValue].map { (fact, $0) } }
    }

    /// Read by column name, not through `Decodable`: a month's report reads hundreds of thousands of calls.
    public init(row: Row) throws {
        id = row["id"]
        customerID = row["customer_id"]
        agent = row["agent"]
        startedAt = row["started_at"]
        endedAt = row["ended_at"]
        scriptVersion = row["script_version"]
        training = row["training"]
        context = row["context"]
        outcome = row["outcome"]
        lossReason = row["loss_reason"]
        lostTo = row["lost_to"]
        quote = row["quote"]
        facts = row["facts"]
    }

    enum CodingKeys: String, CodingKey {
        case id, agent, training, context, outcome, quote, facts
        case customerID = "customer_id"
        case startedAt = "started_at"
        case endedAt = "ended_at"
        case scriptVersion = "script_version"
        case lossReason = "loss_reason"
        case lostTo = "lost_to"
    }
}

/// What a call's row keeps of its end, so reports need not read the log: taken
/// from the chain's last state only, and taken again by `verify`, which
/// compares it with the row, so an UPDATE of the row shows. A new field of
/// the outcome (payment method, delivery) is added here, to the state, and
/// to the row's columns: nowhere else.
public struct CallEnding: Equatable, Sendable {
    public var endedAt: String?
    public var outcome: String?
    public var lossReason: String?
    public var lostTo: String?
    public var quote: String?
    /// The facts recorded in the call (covers, premium, payment, delivery...), as sorted JSON; set as they are recorded.
    public var facts: String?

    /// The row's columns, in the order of `arguments`.
    public static let columns = ["ended_at", "outcome", "loss_reason", "lost_to", "quote", "facts"]
    static let assignments = columns.map { $0 + " = ?" }.joined(separator: ", ")

    /// What the row must show after a step with this state, logged at `at`: its facts, and its ending
    /// (all nil while the call goes on). A destination recorded as a fact is where a lost customer went.
    init(state: CallState?, at: String) {
        guard let state else { return }
        facts = Self.factsText(state)
        guard let outcome = state.outcome else { return }
        endedAt = at
        self.outcome = outcome.kind.rawValue
        lossReason = outcome.lossReason?.rawValue
        lostTo = state.fact(.destination) ?? state.lostTo
        quote = state.quote
    }

    private static func factsText(_ state: CallState) -> String? {
        guard !state.facts.isEmpty else { return nil }
        let object = Dictionary(state.facts.map { ($0.fact.rawValue, $0.value) }, uniquingKeysWith: { $1 })
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(object)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// In the order of `columns`.
    var values: [String?] { [endedAt, outcome, lossReason, lostTo, quote, facts] }
    var arguments: StatementArguments { StatementArguments(values) }
}

/// One logged step: the agent's input, what the engine did (`CallLogCodec`) and the screen it led to.
public struct StepRecord: Sendable, Equatable, FetchableRecord {
    public var callID: Int64
    public var seq: Int
    public var at: String
    public var inputKind: String
    /// The input as `CallLogCodec` writes it, when its kind, answer, handler and note columns do not say it all.
    public var input: String?
    public var answerID: String?
    public var handlerID: String?
    public var note: String?
    public var stage: String
    public var node: String
    public var shown: String
    /// The events as `CallLogCodec` writes them (JSON on rows logged before v5).
    public var events: String
    /// What the step did, as the row's typed columns.
    public var columns: CallLogCodec.Columns
    /// The hash of the row's content and the call's step before it: 32 bytes (64 hex digits on rows before v5).
    public var hash: [UInt8]
    /// The row's place in the file and its link in the chain through every step (`LogChain`).
    public var id: Int64?
    public var link: [UInt8]?
    /// Kept only by rows logged before v5, which hashed them: the state after the step as JSON, and the call's previous hash in hex.
    public var state: String?
    public var prevHash: String?

    public init(callID: Int64, seq: Int, at: String, input: CallInput?, stage: String, node: String, shown: String, events: [CallEvent]) {
        self.callID = callID
        self.seq = seq
        self.at = at
        inputKind = input?.kind ?? "start"
        self.input = input.flatMap(CallLogCodec.text)
        answerID = input?.answerID
        handlerID = input?.handlerID
        note = input?.noteText
        self.stage = stage
        self.node = node
        self.shown = shown
        self.events = CallLogCodec.text(events)
        columns = CallLogCodec.Columns(events)
        hash = []
    }

    public init(row: Row) {
        callID = row["call_id"]
        seq = row["seq"]
        at = row["at"]
        inputKind = row["input_kind"]
        input = row["input"]
        answerID = row["answer_id"]
        handlerID = row["handler_id"]
        note = row["note"]
        stage = row["stage"]
        node = row["node"]
        shown = row["shown"]
        events = row["events"]
        columns = CallLogCodec.Columns([])
        columns.entered = row["entered"]
        columns.raised = row["raised"]
        columns.answered = row["answered"]
        columns.returnedTo = row["returned_to"]
        columns.outcome = row["outcome"]
        hash = Self.bytes(row["hash"])
        id = row["id"]
        link = Self.bytes(row["link"])
        state = row["state"]
        prevHash = row["prev_hash"]
    }

    private static func bytes(_ value: DatabaseValue) -> [UInt8] {
        switch value.storage {
        case .blob(let data): return Array(data)
        case .string(let text): return Array(text.utf8)
        default: return []
        }
    }

    /// Logged before v5: hashed and linked the way rows were then (`LogChain`).
    public var isBeforeV5: Bool { state != nil }

    /// The columns a v5 row's hash covers, in order, after the call's previous hash.
    static let hashedColumns = ["call_id", "seq", "at", "input_kind", "input", "answer_id", "handler_id", "note", "stage", "node",
                                "shown", "events"] + CallLogCodec.Columns.names
    /// The values of `hashedColumns`.
    var hashedValues: [String?] {
        [String(callID), String(seq), at, inputKind, input, answerID, handlerID, note, stage, node, shown, events] + columns.values
    }

    /// The input, read back by the codec; nil for a call's first step (or a row that does not read).
    public var decodedInput: CallInput? {
        CallLogCodec.input(kind: inputKind, text: input, answerID: answerID, handlerID: handlerID, note: note)
    }

    /// The events, read back by the codec; nil when they do not read.
    public var decodedEvents: [CallEvent]? { CallLogCodec.events(events) }

    /// The call's state after this step, from the state after the step before it (nil for a first step):
    /// kept as JSON on rows before v5, rebuilt from the events since.
    public func state(after previous: CallState?) -> CallState? {
        if let state { return CallLogCodec.state(state) }
        guard let events = decodedEvents else { return nil }
        guard seq > 1 else { return CallState.started(events) }
        return previous?.after(decodedInput, events)
    }

    /// The state after each of a call's steps, in order.
    public static func states(_ steps: [StepRecord]) -> [CallState?] {
        var previous: CallState?
        return steps.map { step in
            previous = step.state(after: previous)
            return previous
        }
    }
}

/// Writes one call's steps. Keeps the step number, the call's last hash and
/// the file's chain head as it last saw them, so a plain step costs one
/// prepared INSERT, committed on its own; the INSERT adds nothing when
/// another agent's step moved the head meanwhile, and is then made again
/// on the new head.
public final class CallLogWriter {
    public let callID: Int64
    private let store: Store
    private var seq: Int
    private var lastHash: [UInt8]
    /// The call's row as begun, which its first step's link covers; nil once that step is written.
    private var callRow: [String]?
    private var head: (id: Int64, link: [UInt8])?
    private let hasher = SHA256()
    /// The customer's do-not-call mark before this call set it, restored if the agent takes the ending back.
    private var markBeforeRemoval: Bool?
    /// A live call's start, the key of its rows for the report (`HandlerUses`); nil for a rehearsal, which never counts.
    private let reportKey: String?
    /// The objection handlers of the call's script: the report's rows are kept for these only (nil: for every node).
    public var handlers: Set<String>?
    private static let insert = """
        INSERT INTO call_steps (id, call_id, seq, at, input_kind, input, answer_id, handler_id, note, stage, node, shown, events,
          entered, raised, answered, returned_to, outcome, hash, link)
        SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20
        WHERE coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'call_steps'), 0) = ?1 - 1
        """

    init(store: Store, callID: Int64, seq: Int, lastHash: [UInt8], callRow: [String]? = nil, reportKey: String?) {
        self.store = store
        self.callID = callID
        self.reportKey = reportKey
        self.seq = seq
        self.lastHash = lastHash
        self.callRow = callRow
    }

    /// Commits one step; returns only when it is on disk for other processes to read.
    public func record(input: CallInput?, step: CallStep, stage: String, shown: String, at date: Date,
                       followUps: [FollowUpPlan]) throws(StoreError) {
        var row = StepRecord(callID: callID, seq: seq + 1, at: Timestamp.string(date), input: input, stage: stage, node: step.state.node,
                             shown: shown, events: step.events)
        guard let hash = hasher.digest(fields: row.hashedValues, after: lastHash) else {
            throw StoreError("the step could not be hashed for the call log (out of memory)")
        }
        row.hash = hash
        let ended = step.events.contains { if case .ended = $0 { return true } else { return false } }
        let reopened = step.events.contains { if case .reopened = $0 { return true } else { return false } }
        let recorded = step.events.contains { if case .factRecorded = $0 { return true } else { return false } }
        // The call's row follows its log: written when a step ends the call, takes the ending back, records a
        // fact, or adds to an ended call (a note or a fact typed after the goodbye), so verify finds it equal to
        // the last logged state.
        let rowFollows = ended || reopened || recorded || step.state.hasEnded
        let uses = reportKey == nil ? [] : HandlerUses.uses(of: row, handlers: handlers)
        let insert = { (db: Database) in try self.insertOnHead(&row, into: db) }
        if !rowFollows && followUps.isEmpty && uses.isEmpty {
            // One statement is its own transaction.
            try store.writeWithoutTransaction(insert)
        } else {
            let callID = callID
            markBeforeRemoval = try store.write { db in
                try insert(db)
                if let reportKey { try HandlerUses.record(uses, callID: callID, startedAt: reportKey, into: db) }
                if reopened { try Self.reopen(db, callID: callID, at: row.at, restoring: markBeforeRemoval) }
                let mark = try Self.recordConsequences(db, callID: callID, at: row.at, state: step.state, ended: ended, rowFollows: rowFollows,
                                                       followUps: followUps)
                if recorded { try Self.recordLead(db, callID: callID, state: step.state) }
                return mark ?? (reopened ? nil : markBeforeRemoval)
            }
        }
        seq = row.seq
        lastHash = row.hash
        callRow = nil
    }

    /// Inserts the row as the step after the file's head, reading the head again
    /// whenever another process's step took the place first.
    private func insertOnHead(_ row: inout StepRecord, into db: Database) throws {
        for _ in 0..<10_000 {
            let (id, previous) = try head ?? LogChain.head(db)
            guard let link = LogChain.link(hasher, id: id + 1, previous: previous[...], hash: row.hash[...],
                                           call: callRow.map { $0.map { ArraySlice($0.utf8) } }) else {
                throw StoreError("the step could not be hashed for the call log (out of memory)")
            }
            row.id = id + 1
            row.link = link
            if try Self.insert(row, into: db) {
                head = (id + 1, link)
                return
            }
            head = nil
        }
        throw StoreError("the call log's head kept moving under other agents' steps; the step was not saved")
    }

    /// The row's INSERT, its values bound through `StatementParameters`; false when the head had moved.
    private static func insert(_ row: StepRecord, into db: Database) throws -> Bool {
        var p = StatementParameters(try db.cachedStatement(sql: insert))
        p.bind(row.id); p.bind(row.callID); p.bind(Int64(row.seq)); p.bind(row.at); p.bind(row.inputKind); p.bind(row.input)
        p.bind(row.answerID); p.bind(row.handlerID); p.bind(row.note); p.bind(row.stage); p.bind(row.node)
        p.bind(row.shown); p.bind(row.events)
        for value in row.columns.values { p.bind(value) }
        p.bind(bytes: row.hash); p.bind(bytes: row.link ?? [])
        if let failure = p.run() { throw p.error(failure) }
        return db.changesCount == 1
    }

    /// A second vehicle the customer mentioned: a new customer row with this customer's name and
    /// phone, marked as a lead to check. (The facts themselves reach the row through `CallEnding`.)
    private static func recordLead(_ db: Database, callID: Int64, state: CallState) throws {
        if let vehicle = state.fact(.otherVehicle) {
            let words = vehicle.split(separator: " ").map(String.init)
            try db.execute(sql: """
                INSERT INTO customers (plate, name, honorific, phone, model, agent, lead_from_call)
                SELECT ?, u.name, u.honorific, u.phone, ?, c.agent, c.id FROM calls c JOIN customers u ON u.id = c.customer_id
                WHERE c.id = ? ON CONFLICT (plate) DO NOTHING
                """, arguments: [words[0].uppercased(), words.count > 1 ? words.dropFirst().joined(separator: " ") : nil, callID])
        }
    }

    /// The outcome on the call, do-not-call on the customer, follow-ups closed and booked.
    /// Returns the customer's do-not-call mark from before, when this step set it.
    private static func recordConsequences(_ db: Database, callID: Int64, at: String, state: CallState, ended: Bool, rowFollows: Bool,
                                           followUps: [FollowUpPlan]) throws -> Bool? {
        var markBefore: Bool?
        if rowFollows {
            let ending = CallEnding(state: state, at: at)
            try db.execute(sql: "UPDATE calls SET \(CallEnding.assignments) WHERE id = ?", arguments: ending.arguments + [callID])
        }
        if ended, let outcome = state.outcome, outcome.kind.removesFromFutureCalls {
            markBefore = try Bool.fetchOne(db, sql: "SELECT do_not_call FROM customers WHERE id = (SELECT customer_id FROM calls WHERE id = ?)",
                                           arguments: [callID])
            try db.execute(sql: "UPDATE customers SET do_not_call = 1 WHERE id = (SELECT customer_id FROM calls WHERE id = ?)",
                           arguments: [callID])
        }
        if ended, state.outcome?.kind == .wrongNumber {
            try db.execute(sql: "UPDATE customers SET phone_invalid = 1 WHERE id = (SELECT customer_id FROM calls WHERE id = ?)",
                           arguments: [callID])
        }
        for plan in followUps {
            try db.execute(sql: """
                UPDATE follow_ups SET done_at = ? WHERE done_at IS NULL
                  AND customer_id = (SELECT customer_id FROM calls WHERE id = ?) AND kind = ?
                """, arguments: [at, callID, plan.kind.rawValue])
            try db.execute(sql: """
                INSERT INTO follow_ups (customer_id, call_id, kind, due_at) SELECT customer_id, id, ?, ? FROM calls WHERE id = ?
                """, arguments: [plan.kind.rawValue, plan.due, callID])
        }
        return markBefore
    }

    /// The agent took the ending back while the call was open (its row then follows the log back to
    /// no outcome): a do-not-call mark it set is put back as it was, with an audit row saying so.
    private static func reopen(_ db: Database, callID: Int64, at: String, restoring markBefore: Bool?) throws {
        guard let markBefore else { return }
        try db.execute(sql: "UPDATE customers SET do_not_call = ? WHERE id = (SELECT customer_id FROM calls WHERE id = ?)",
                       arguments: [markBefore, callID])
        try db.execute(sql: """
            INSERT INTO audit (at, agent, action, customer_id, call_id, detail)
            SELECT ?, agent, 'do_not_call_undone', customer_id, id, 'taken back with .back during the call' FROM calls WHERE id = ?
            """, arguments: [at, callID])
    }
}

extension Store {
    /// Starts a call and logs its first screen.
    public func beginCall(customerID: Int64, agent: String, scriptVersion: String, context: CallContext,
                          training: Bool, at date: Date) throws(StoreError) -> CallLogWriter {
        let contextJSON = (try? String(decoding: JSONEncoder().encode(context), as: UTF8.self)) ?? "{}"
        let startedAt = Timestamp.string(date)
        let id = try write { db -> Int64 in
            try db.execute(sql: """
                INSERT INTO calls (customer_id, agent, started_at, script_version, training, context) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [customerID, agent, startedAt, scriptVersion, training, contextJSON])
            // A new live call closes the follow-ups it answers; new ones come from its outcome.
            if !training {
                try db.execute(sql: "UPDATE follow_ups SET done_at = ? WHERE customer_id = ? AND done_at IS NULL",
                               arguments: [Timestamp.string(date), customerID])
            }
            return db.lastInsertedRowID
        }
        // As `LogChain.callColumns` reads the row back.
        let row = [String(id), String(customerID), agent, startedAt, scriptVersion, training ? "1" : "0", contextJSON]
        return CallLogWriter(store: self, callID: id, seq: 0, lastHash: [], callRow: row, reportKey: training ? nil : startedAt)
    }

    /// Picks up a cut-off call's log where it stopped: its writer, its last step and the state that step left
    /// (nil when the log does not read). `handlers` is the script the call goes on with: its report rows are made
    /// again from its whole log for these handlers, so that every visit to a node is kept alike even when the call
    /// began under a script (or before v6) for which that node was (or was not) a handler.
    public func continueCall(_ call: CallRecord, handlers: Set<String>?) throws(StoreError) -> (CallLogWriter, StepRecord, CallState?) {
        let reportKey = call.training ? nil : call.startedAt
        let steps = try write { db in
            let steps = try StepRecord.fetchAll(db, sql: "SELECT * FROM call_steps WHERE call_id = ? ORDER BY seq", arguments: [call.id])
            if let reportKey, !steps.isEmpty { try HandlerUses.replace(callID: call.id, startedAt: reportKey, steps: steps, handlers: handlers, in: db) }
            return steps
        }
        guard let last = steps.last else {
            throw StoreError("call \(call.id) has no logged step to resume from")
        }
        let hash = last.isBeforeV5 ? LogChain.bytes(hex: last.hash) : last.hash
        let writer = CallLogWriter(store: self, callID: call.id, seq: last.seq, lastHash: hash, reportKey: reportKey)
        writer.handlers = handlers
        return (writer, last, StepRecord.states(steps).last ?? nil)
    }

    public func call(_ id: Int64) throws(StoreError) -> CallRecord? {
        try read { db in try CallRecord.fetchOne(db, sql: "SELECT * FROM calls WHERE id = ?", arguments: [id]) }
    }

    /// Live calls that never reached an outcome, newest first.
    public func unfinishedCalls(agent: String? = nil) throws(StoreError) -> [CallRecord] {
        try read { db in
            try CallRecord.fetchAll(db, sql: """
                SELECT * FROM calls WHERE outcome IS NULL AND training = 0 AND (? IS NULL OR agent = ?) ORDER BY started_at DESC, id DESC
                """, arguments: [agent, agent])
        }
    }

    /// A customer's calls, newest first.
    public func calls(ofCustomer customerID: Int64) throws(StoreError) -> [CallRecord] {
        try read { db in
            try CallRecord.fetchAll(db, sql: "SELECT * FROM calls WHERE customer_id = ? ORDER BY started_at DESC, id DESC",
                                    arguments: [customerID])
        }
    }

    public func steps(of callID: Int64) throws(StoreError) -> [StepRecord] {
        try read { db in
            try StepRecord.fetchAll(db, sql: "SELECT * FROM call_steps WHERE call_id = ? ORDER BY seq", arguments: [callID])
        }
    }

    /// Records something done on purpose that a supervisor must be able to see later.
    public func audit(agent: String, action: String, customerID: Int64?, callID: Int64?, detail: String?, at date: Date) throws(StoreError) {
        try write { db in
            try db.execute(sql: "INSERT INTO audit (at, agent, action, customer_id, call_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [Timestamp.string(date), agent, action, customerID, callID, detail])
        }
    }
}

extension CallInput {
    public var kind: String {
        switch self {
        case .answer: return "answer"
        case .objection: return "objection"
        case .back: return "back"
        case .note: return "note"
        case .quote: return "quote"
        case .callback: return "callback"
        case .end: return "end"
        case .fact: return "fact"
        }
    }

    var answerID: String? { if case .answer(let id) = self { return id } else { return nil } }
    var handlerID: String? { if case .objection(let id) = self { return id } else { return nil } }
    var noteText: String? { if case .note(let text) = self { return text } else { return nil } }
}

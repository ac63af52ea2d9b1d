import Foundation
import GRDB
import HuashuEngine
import HuashuCalendar

/// A follow-up the call leaves behind: a booked callback, a "thinking"
/// customer to chase, a payment to collect. `due` is local time, `yyyy-MM-dd HH:mm`.
public struct FollowUpPlan: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case callback, thinking, payment
        /// After a loss: did the customer insure elsewhere before the old policy ended (脱保核查)?
        case lapseCheck = "lapse_check"

        /// As the queue and report name it.
        public var chinese: String {
            switch self {
            case .callback: return "预约回访"
            case .thinking: return "考虑中跟进"
            case .payment: return "催缴保费"
            case .lapseCheck: return "脱保核查"
            }
        }
    }
    public let kind: Kind
    public let due: String

    public init(kind: Kind, due: String) {
        self.kind = kind
        self.due = due
    }
}

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

/// One logged step: the agent's input and the screen it led to.
public struct StepRecord: Sendable, Equatable, Codable, FetchableRecord {
    public var callID: Int64
    public var seq: Int
    public var at: String
    public var inputKind: String
    public var input: String?
    public var answerID: String?
    public var handlerID: String?
    public var note: String?
    public var stage: String
    public var node: String
    public var shown: String
    public var events: String
    public var state: String
    public var prevHash: String
    public var hash: String
    /// The row's place in the file and its link in the chain through every step (`LogChain`).
    public var id: Int64?
    public var link: String?

    enum CodingKeys: String, CodingKey {
        case id, link, seq, at, input, note, stage, node, shown, events, state, hash
        case callID = "call_id"
        case inputKind = "input_kind"
        case answerID = "answer_id"
        case handlerID = "handler_id"
        case prevHash = "prev_hash"
    }

    /// The hash of this row's content and the previous row's hash; nil when it cannot be computed.
    func hash(with hasher: SHA256) -> String? {
        hasher.hex(fields: [String(callID), String(seq), at, inputKind, input ?? "", answerID ?? "", handlerID ?? "", note ?? "",
                            stage, node, shown, events, state, prevHash])
    }

    public func decodedState() throws -> CallState {
        try JSONDecoder().decode(CallState.self, from: Data(state.utf8))
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
    private var lastHash: String
    /// The call's row as begun, which its first step's link covers; nil once that step is written.
    private var callRow: [String]?
    private var head: (id: Int64, link: String)?
    private let hasher = SHA256()
    /// The customer's do-not-call mark before this call set it, restored if the agent takes the ending back.
    private var markBeforeRemoval: Bool?
    private static let insert = """
        INSERT INTO call_steps (id, call_id, seq, at, input_kind, input, answer_id, handler_id, note, stage, node, shown, events, state,
          prev_hash, hash, link)
        SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17
        WHERE coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'call_steps'), 0) = ?1 - 1
        """

    init(store: Store, callID: Int64, seq: Int, lastHash: String, callRow: [String]? = nil) {
        self.store = store
        self.callID = callID
        self.seq = seq
        self.lastHash = lastHash
        self.callRow = callRow
    }

    /// Commits one step; returns only when it is on disk for other processes to read.
    public func record(input: CallInput?, step: CallStep, stage: String, shown: String, at date: Date,
                       followUps: [FollowUpPlan]) throws(StoreError) {
        var row = StepRecord(callID: callID, seq: seq + 1, at: Timestamp.string(date), inputKind: input?.kind ?? "start",
                             input: input.map(LogJSON.text), answerID: input?.answerID, handlerID: input?.handlerID,
                             note: input?.noteText, stage: stage, node: step.state.node, shown: shown,
                             events: LogJSON.text(step.events), state: LogJSON.text(step.state), prevHash: lastHash, hash: "")
        guard let hash = row.hash(with: hasher) else { throw StoreError("the step could not be hashed for the call log (out of memory)") }
        row.hash = hash
        let ended = step.events.contains { if case .ended = $0 { return true } else { return false } }
        let reopened = step.events.contains { if case .reopened = $0 { return true } else { return false } }
        let recorded = step.events.contains { if case .factRecorded = $0 { return true } else { return false } }
        // The call's row follows its log: written when a step ends the call, takes the ending back, records a
        // fact, or adds to an ended call (a note or a fact typed after the goodbye), so verify finds it equal to
        // the last logged state.
        let rowFollows = ended || reopened || recorded || step.state.hasEnded
        let insert = { (db: Database) in try self.insertOnHead(&row, into: db) }
        if !rowFollows && followUps.isEmpty {
            // One statement is its own transaction.
            try store.writeWithoutTransaction(insert)
        } else {
            let callID = callID
            markBeforeRemoval = try store.write { db in
                try insert(db)
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
            guard let link = LogChain.link(hasher, id: id + 1, previous: ArraySlice(previous.utf8), hash: ArraySlice(row.hash.utf8),
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
        p.bind(row.shown); p.bind(row.events); p.bind(row.state); p.bind(row.prevHash); p.bind(row.hash); p.bind(row.link)
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
        return CallLogWriter(store: self, callID: id, seq: 0, lastHash: "", callRow: row)
    }

    /// Picks up a cut-off call's log where it stopped.
    public func continueCall(_ call: CallRecord) throws(StoreError) -> (CallLogWriter, StepRecord) {
        guard let last = try steps(of: call.id).last else {
            throw StoreError("call \(call.id) has no logged step to resume from")
        }
        return (CallLogWriter(store: self, callID: call.id, seq: last.seq, lastHash: last.hash), last)
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

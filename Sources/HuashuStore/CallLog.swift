import Foundation
import GRDB
import HuashuEngine
import HuashuLedger

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

    enum CodingKeys: String, CodingKey {
        case seq, at, input, note, stage, node, shown, events, state, hash
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

/// Writes one call's steps. Keeps the step number and the chain's last hash,
/// so a plain step costs one prepared INSERT, committed on its own.
public final class CallLogWriter {
    public let callID: Int64
    private let store: Store
    private var seq: Int
    private var lastHash: String
    private let hasher = SHA256()
    private static let insert = """
        INSERT INTO call_steps (call_id, seq, at, input_kind, input, answer_id, handler_id, note, stage, node, shown, events, state, prev_hash, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    init(store: Store, callID: Int64, seq: Int, lastHash: String) {
        self.store = store
        self.callID = callID
        self.seq = seq
        self.lastHash = lastHash
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
        let recorded = step.events.contains { if case .factRecorded = $0 { return true } else { return false } }
        let insert = { (db: Database) in try Self.insert(row, into: db) }
        if !ended && !recorded && followUps.isEmpty {
            // One statement is its own transaction.
            try store.writeWithoutTransaction(insert)
        } else {
            try store.write { db in
                try insert(db)
                try Self.recordConsequences(db, callID: callID, at: row.at, state: step.state, ended: ended, followUps: followUps)
                if recorded { try Self.recordFacts(db, callID: callID, state: step.state) }
            }
        }
        seq = row.seq
        lastHash = row.hash
    }

    /// The row's INSERT, its values bound through `StatementParameters`.
    private static func insert(_ row: StepRecord, into db: Database) throws {
        var p = StatementParameters(try db.cachedStatement(sql: insert))
        p.bind(row.callID); p.bind(Int64(row.seq)); p.bind(row.at); p.bind(row.inputKind); p.bind(row.input)
        p.bind(row.answerID); p.bind(row.handlerID); p.bind(row.note); p.bind(row.stage); p.bind(row.node)
        p.bind(row.shown); p.bind(row.events); p.bind(row.state); p.bind(row.prevHash); p.bind(row.hash)
        if let failure = p.run() { throw p.error(failure) }
    }

    /// The call's facts where queries read them; the destination is also where a lost customer went.
    private static func recordFacts(_ db: Database, callID: Int64, state: CallState) throws {
        let object = Dictionary(state.facts.map { ($0.fact.rawValue, $0.value) }, uniquingKeysWith: { $1 })
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let text = String(decoding: try encoder.encode(object), as: UTF8.self)
        try db.execute(sql: "UPDATE calls SET facts = ?, lost_to = coalesce(?, lost_to) WHERE id = ?",
                       arguments: [text, state.fact(.destination), callID])
        // A second vehicle: a new customer row with this customer's name and phone, marked as a lead to check.
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
    private static func recordConsequences(_ db: Database, callID: Int64, at: String, state: CallState, ended: Bool,
                                           followUps: [FollowUpPlan]) throws {
        if ended, let outcome = state.outcome {
            try db.execute(sql: """
                UPDATE calls SET ended_at = ?, outcome = ?, loss_reason = ?, lost_to = ?, quote = ? WHERE id = ?
                """, arguments: [at, outcome.kind.rawValue, outcome.lossReason?.rawValue, state.lostTo, state.quote, callID])
            if outcome.kind == .doNotCall {
                try db.execute(sql: "UPDATE customers SET do_not_call = 1 WHERE id = (SELECT customer_id FROM calls WHERE id = ?)",
                               arguments: [callID])
            }
            if outcome.kind == .wrongNumber {
                try db.execute(sql: "UPDATE customers SET phone_invalid = 1 WHERE id = (SELECT customer_id FROM calls WHERE id = ?)",
                               arguments: [callID])
            }
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
    }
}

extension Store {
    /// Starts a call and logs its first screen.
    public func beginCall(customerID: Int64, agent: String, scriptVersion: String, context: CallContext,
                          training: Bool, at date: Date) throws(StoreError) -> CallLogWriter {
        let contextJSON = (try? String(decoding: JSONEncoder().encode(context), as: UTF8.self)) ?? "{}"
        let id = try write { db -> Int64 in
            try db.execute(sql: """
                INSERT INTO calls (customer_id, agent, started_at, script_version, training, context) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [customerID, agent, Timestamp.string(date), scriptVersion, training, contextJSON])
            // A new live call closes the follow-ups it answers; new ones come from its outcome.
            if !training {
                try db.execute(sql: "UPDATE follow_ups SET done_at = ? WHERE customer_id = ? AND done_at IS NULL",
                               arguments: [Timestamp.string(date), customerID])
            }
            return db.lastInsertedRowID
        }
        return CallLogWriter(store: self, callID: id, seq: 0, lastHash: "")
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

/// Times in the log: UTC, millisecond precision, sortable as text. Written
/// and read by hand: every logged step needs one, and Foundation's ISO 8601
/// formatter costs more than the step and loads ICU's calendar data.
public enum Timestamp {
    /// `2026-11-22T10:00:00.123Z`, written by hand: every logged step needs one.
    public static func string(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let perDay = 86_400_000
        let inDay = (milliseconds % perDay + perDay) % perDay
        let day = LedgerDate(daysSince1970: (milliseconds - inDay) / perDay)
        let fields: [(value: Int, digits: Int, then: UInt8)] = [
            (inDay / 3_600_000, 2, UInt8(ascii: ":")), (inDay / 60_000 % 60, 2, UInt8(ascii: ":")),
            (inDay / 1000 % 60, 2, UInt8(ascii: ".")), (inDay % 1000, 3, UInt8(ascii: "Z")),
        ]
        return day.description + "T" + String(unsafeUninitializedCapacity: 13) { out in
            var end = 0
            for field in fields {
                var value = field.value
                for position in stride(from: end + field.digits - 1, through: end, by: -1) {
                    out[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                out[end + field.digits] = field.then
                end += field.digits + 1
            }
            return end
        }
    }

    /// The moment a log timestamp names: `yyyy-MM-ddTHH:mm:ss`, optional fraction, `Z`.
    public static func date(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        /// At most nine digits, so the value cannot overflow.
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy(isDigit) else { return nil }
            return bytes[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        let separators: [(Int, Character)] = [(4, "-"), (7, "-"), (10, "T"), (13, ":"), (16, ":")]
        guard separators.allSatisfy({ bytes[$0.0] == $0.1.asciiValue }),
              let year = number(0..<4), let month = number(5..<7), let dayOfMonth = number(8..<10),
              let day = LedgerDate(year: year, month: month, day: dayOfMonth),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if bytes.count > 20 {
            // Up to nanoseconds counted; any further digits must still be digits.
            let kept = min(bytes.count - 21, 9)
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 21, let digits = number(20..<20 + kept),
                  bytes[20 + kept..<bytes.count - 1].allSatisfy(isDigit) else { return nil }
            fraction = Double(digits) / pow(10, Double(kept))
        } else {
            guard bytes[19] == UInt8(ascii: "Z") else { return nil }
        }
        let seconds = day.daysSince1970 * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
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

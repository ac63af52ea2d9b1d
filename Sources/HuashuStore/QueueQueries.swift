import Foundation
import GRDB
import GRDBSQLite
import HuashuCalendar
import HuashuLedger
import HuashuRenewal

/// Whose customers a call list holds: the ledger's agent column (专员), compared without surrounding spaces.
public enum QueueOwner: Sendable, Equatable {
    case anyone
    case agent(String)
    /// Customers the ledger gives no agent.
    case nobody

    /// Whether a customer the ledger gives `agent` is this owner's, as the queue's query asks (`QueueQuery`: SQLite's trim).
    public func owns(_ agent: String?) -> Bool {
        let trimmed = agent?.trimmingCharacters(in: CharacterSet(charactersIn: " "))
        switch self {
        case .anyone: return true
        case .agent(let name): return trimmed == name.trimmingSpaces
        case .nobody: return trimmed?.isEmpty ?? true
        }
    }
}

extension Store {
    /// A day's call list in the order of `RenewalQueueRule`, streamed: SQLite
    /// selects the customers, finds each one's latest calls and earliest open
    /// follow-up through their indexes, and sorts by the rule's key (the
    /// `huashu_queue_key` function), so memory holds one row at a time, not
    /// the ledger. `limit` stops after that many entries (`call --next` takes one).
    public func queue(today: LedgerDate, minute: Int, plan: RenewalPlan, owner: QueueOwner, limit: Int? = nil,
                      _ each: (Customer, QueueStanding) -> Void) throws(StoreError) {
        try read { db in
            db.add(function: QueueQuery.key(today: today, minute: minute, plan: plan))
            let statement = try db.makeStatement(sql: QueueQuery.sql(owner: owner, limited: limit != nil))
            try statement.setArguments(QueueQuery.arguments(owner: owner, limit: limit))
            let handle = statement.sqliteStatement
            sqlite3_reset(handle)
            defer { sqlite3_reset(handle) }
            let cursor = CustomerColumns.Cursor(handle)
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
                }
                cursor.column = 0
                var customer = Customer(id: cursor.integer(), plate: "", name: "")
                for column in CustomerColumns.all { column.read(&customer, cursor) }
                let candidate = QueueCandidate(customer, lastCallAt: cursor.text(), lastOutcome: cursor.text(), lastLossReason: cursor.text(),
                                               lastEndedAt: cursor.text(), lastEndedOutcome: cursor.text(),
                                               followUpKind: cursor.text(), followUpDue: cursor.text())
                guard let standing = RenewalQueueRule.standing(candidate, today: today, minute: minute, plan: plan) else { continue }
                each(customer, standing)
            }
        }
    }

    /// The plan SQLite chooses for `queue` (`EXPLAIN QUERY PLAN`, one line per step): the tests read it.
    public func queuePlan(owner: QueueOwner, limited: Bool) throws(StoreError) -> String {
        try read { db in
            db.add(function: QueueQuery.key(today: LedgerDate(daysSince1970: 0), minute: 0, plan: .dealer))
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + QueueQuery.sql(owner: owner, limited: limited),
                                    arguments: QueueQuery.arguments(owner: owner, limit: limited ? 1 : nil))
                .map { row -> String in row["detail"] }.joined(separator: "\n")
        }
    }
}

extension QueueCandidate {
    /// The rule's view of a stored customer: expiry cells read as the ledger writes them, call starts as
    /// log timestamps turned into the agent's local days.
    public init(_ customer: Customer, lastCallAt: String?, lastOutcome: String?, lastLossReason: String?,
                lastEndedAt: String?, lastEndedOutcome: String?, followUpKind: String?, followUpDue: String?) {
        self.init(commercialExpiry: customer.commercialExpiry, compulsoryExpiry: customer.compulsoryExpiry, grade: customer.grade,
                  leadFromCall: customer.leadFromCall, lastCallAt: lastCallAt, lastOutcome: lastOutcome, lastLossReason: lastLossReason,
                  lastEndedAt: lastEndedAt, lastEndedOutcome: lastEndedOutcome, followUpKind: followUpKind, followUpDue: followUpDue)
    }

    init(commercialExpiry: String?, compulsoryExpiry: String?, grade: String?, leadFromCall: Int64?, lastCallAt: String?,
         lastOutcome: String?, lastLossReason: String?, lastEndedAt: String?, lastEndedOutcome: String?,
         followUpKind: String?, followUpDue: String?) {
        func day(_ timestamp: String) -> LedgerDate? { Timestamp.date(timestamp).map(LocalDay.day) }
        self.init(grade: grade,
                  policies: VehiclePolicy.of(commercial: commercialExpiry, compulsory: compulsoryExpiry),
                  leadFromCall: leadFromCall,
                  lastCall: lastCallAt.map { Call(day: day($0), outcome: lastOutcome, lossReason: lastLossReason) },
                  lastEnded: lastEndedAt.map { Call(day: day($0), outcome: lastEndedOutcome) },
                  followUp: followUpKind.map { ($0, followUpDue ?? "") })
    }
}

extension VehiclePolicy {
    /// A stored customer's policies, their expiry cells read as the ledger writes dates.
    public static func of(_ customer: Customer) -> [VehiclePolicy] {
        of(commercial: customer.commercialExpiry, compulsory: customer.compulsoryExpiry)
    }

    static func of(commercial: String?, compulsory: String?) -> [VehiclePolicy] {
        of(commercial: commercial.flatMap { try? LedgerValue.date($0) }, compulsory: compulsory.flatMap { try? LedgerValue.date($0) })
    }
}

/// The call list's one query.
enum QueueQuery {
    /// Who is never on a list, whatever the day: do-not-call (勿扰), no valid phone, rehearsal customers.
    /// A customer's earliest follow-up is looked up among their own open ones (`INDEXED BY`): left to
    /// itself, SQLite walks every open follow-up in due order for each customer to save a sort of one or two.
    static func sql(owner: QueueOwner, limited: Bool) -> String {
        let ownerCondition: String
        switch owner {
        case .anyone: ownerCondition = ""
        case .agent: ownerCondition = "AND trim(c.agent) = :agent"
        case .nobody: ownerCondition = "AND (trim(c.agent) IS NULL OR trim(c.agent) = '')"
        }
        let customerColumns = CustomerColumns.names.map { "q." + $0 }.joined(separator: ", ")
        return """
            SELECT q.id, \(customerColumns),
                   l.started_at, l.outcome, l.loss_reason, e.started_at, e.outcome, f.kind, f.due_at,
                   huashu_queue_key(q.commercial_expiry, q.compulsory_expiry, q.grade, q.lead_from_call,
                                    l.started_at, e.started_at, e.outcome, f.kind, f.due_at) AS place
            FROM (
                SELECT c.id, \(CustomerColumns.names.map { "c." + $0 }.joined(separator: ", ")),
                       (SELECT k.id FROM calls k WHERE k.customer_id = c.id AND k.training = 0
                        ORDER BY k.started_at DESC, k.id DESC LIMIT 1) AS last_call,
                       (SELECT k.id FROM calls k WHERE k.customer_id = c.id AND k.training = 0 AND k.outcome IS NOT NULL
                        ORDER BY k.started_at DESC, k.id DESC LIMIT 1) AS last_ended,
                       (SELECT u.id FROM follow_ups u INDEXED BY follow_ups_open_by_customer
                        WHERE u.customer_id = c.id AND u.done_at IS NULL
                        ORDER BY u.due_at, u.id LIMIT 1) AS follow_up
                FROM customers c
                WHERE c.do_not_call = 0 AND c.training = 0 AND c.phone_invalid = 0 \(ownerCondition)
            ) q
            LEFT JOIN calls l ON l.id = q.last_call
            LEFT JOIN calls e ON e.id = q.last_ended
            LEFT JOIN follow_ups f ON f.id = q.follow_up
            WHERE place IS NOT NULL
            ORDER BY place, q.id
            \(limited ? "LIMIT :limit" : "")
            """
    }

    static func arguments(owner: QueueOwner, limit: Int?) -> StatementArguments {
        var arguments: StatementArguments = [:]
        if case .agent(let name) = owner { arguments += ["agent": name.trimmingSpaces] }
        if let limit { arguments += ["limit": limit] }
        return arguments
    }

    /// `RenewalQueueRule`'s key for one row on `today` at `minute`; NULL when the customer is not on the list.
    static func key(today: LedgerDate, minute: Int, plan: RenewalPlan) -> DatabaseFunction {
        DatabaseFunction("huashu_queue_key", argumentCount: 9, pure: true) { values in
            func text(_ index: Int) -> String? { String.fromDatabaseValue(values[index]) }
            let candidate = QueueCandidate(commercialExpiry: text(0), compulsoryExpiry: text(1), grade: text(2),
                                           leadFromCall: Int64.fromDatabaseValue(values[3]), lastCallAt: text(4), lastOutcome: nil,
                                           lastLossReason: nil, lastEndedAt: text(5), lastEndedOutcome: text(6),
                                           followUpKind: text(7), followUpDue: text(8))
            return RenewalQueueRule.standing(candidate, today: today, minute: minute, plan: plan)?.key
        }
    }
}

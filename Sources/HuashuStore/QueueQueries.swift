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

    /// The condition a list's query puts on its customers (`c`), the agent's name given as `agent` (a parameter).
    public func condition(agent: String) -> String {
        switch self {
        case .anyone: ""
        case .agent: "AND trim(c.agent) = \(agent)"
        case .nobody: "AND (trim(c.agent) IS NULL OR trim(c.agent) = '')"
        }
    }

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
    /// follow-up through their indexes, and sorts by the rule's key (`QueueQuery`),
    /// so memory holds one row at a time and the sorter's pages, not the ledger.
    /// `limit` stops after that many entries, whole customers (`call --next` takes
    /// a few); a whole list carries only the columns a list shows (`CustomerColumns.listed`).
    public func queue(today: LedgerDate, minute: Int, plan: RenewalPlan, owner: QueueOwner, limit: Int? = nil,
                      _ each: (Customer, QueueStanding) -> Void) throws(StoreError) {
        try read { db in
            db.add(function: QueueQuery.key(today: today, minute: minute, plan: plan))
            // Room for the indexes' upper pages while a million customers are looked up: a fixed 16 MB, not the ledger.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            try db.execute(sql: "PRAGMA cache_size = -16384")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            let rule = RenewalQueueSQL(today: today, minute: minute, plan: plan, dialect: .sqlite)
            let columns = limit == nil ? CustomerColumns.listed : CustomerColumns.all
            let statement = try db.makeStatement(sql: QueueQuery.sql(rule, owner: owner, columns: columns, limited: limit != nil))
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            let cursor = CustomerColumns.Cursor(handle)
            // A limited list that the rule in Swift thinned (a row edited by hand that the SQL placed) asks again,
            // further down, until it has `limit` entries or the list ends; rows already judged are passed over.
            var asked = limit, judged = 0, given = 0
            while true {
                try statement.setArguments(QueueQuery.arguments(owner: owner, limit: asked))
                sqlite3_reset(handle)
                var row = 0
                while true {
                    let code = sqlite3_step(handle)
                    if code == SQLITE_DONE { break }
                    guard code == SQLITE_ROW else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
                    }
                    row += 1
                    guard row > judged else { continue }
                    cursor.column = 1
                    var customer = Customer(id: cursor.integer(), plate: "", name: "")
                    for column in columns { column.read(&customer, cursor) }
                    let candidate = QueueCandidate(customer, lastCallAt: cursor.text(), lastOutcome: cursor.text(), lastLossReason: cursor.text(),
                                                   lastEndedAt: cursor.text(), lastEndedOutcome: cursor.text(),
                                                   followUpKind: cursor.text(), followUpDue: cursor.text())
                    guard let standing = RenewalQueueRule.standing(candidate, today: today, minute: minute, plan: plan) else { continue }
                    given += 1
                    each(customer, standing)
                }
                guard let limit, let wanted = asked, row == wanted, given < limit else { break }
                judged = row
                asked = row + (limit - given)
            }
        }
    }

    public func largestCustomerID() throws(StoreError) -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM customers") ?? 0 }
    }

    /// The plan SQLite chooses for `queue` (`EXPLAIN QUERY PLAN`, one line per step): the tests read it.
    public func queuePlan(owner: QueueOwner, limited: Bool) throws(StoreError) -> String {
        try read { db in
            let today = LedgerDate(daysSince1970: 0)
            db.add(function: QueueQuery.key(today: today, minute: 0, plan: .dealer))
            let rule = RenewalQueueSQL(today: today, minute: 0, plan: .dealer, dialect: .sqlite)
            let columns = limited ? CustomerColumns.all : CustomerColumns.listed
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + QueueQuery.sql(rule, owner: owner, columns: columns, limited: limited),
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
    /// Customers in the order of `RenewalQueueRule`, by its key in SQL (`RenewalQueueSQL`), in stages
    /// that SQLite runs as co-routines (`LIMIT -1 OFFSET 0` keeps a stage from being flattened into the
    /// next, which would evaluate its expressions again for each use): each customer's latest call, latest
    /// finished call (the latest itself when it has an outcome) and earliest open follow-up through their indexes, days to each expiry and since each
    /// call; which policies are due; the days the key goes by; the key. Only the listed customers are sorted (with
    /// what the rule shows of their calls), and their ledger rows read after, so memory holds the sorter's pages, not the ledger. A row whose dates are not as huashu
    /// writes them (a database edited by hand) is placed by the rule itself in Swift (`huashu_queue_key`).
    ///
    /// Who is never on a list, whatever the day: do-not-call (勿扰), no valid phone, rehearsal customers.
    /// A customer's earliest follow-up is looked up among their own open ones (`INDEXED BY`): left to
    /// itself, SQLite walks every open follow-up in due order for each customer to save a sort of one or two.
    static func sql(_ rule: RenewalQueueSQL, owner: QueueOwner, columns: [CustomerColumn], limited: Bool) -> String {
        let stage = "LIMIT -1 OFFSET 0"
        let julianToday = "\(rule.today.daysSince1970 + 2_440_587).5"
        func days(to column: String) -> String { "CAST(julianday(\(column)) - \(julianToday) AS INTEGER)" }
        func days(since column: String) -> String { "CAST(\(julianToday) - julianday(\(column), 'localtime', 'start of day') AS INTEGER)" }
        let years = LedgerValue.plausibleYears
        func expiryAsWritten(_ column: String) -> String {
            "(\(column) IS NULL OR (\(column) BETWEEN '\(years.lowerBound)-01-01' AND '\(years.upperBound)-12-31' AND date(\(column)) = \(column)))"
        }
        func timestampAsWritten(_ column: String) -> String { "(\(column) IS NULL OR strftime('%Y-%m-%dT%H:%M:%fZ', \(column)) = \(column))" }
        let shown = ["id", "last_at", "last_outcome", "last_loss_reason", "ended_at", "ended_outcome", "follow_up_kind", "follow_up_due"]
        let probe = """
            SELECT c.id, c.grade, c.lead_from_call, c.commercial_expiry, c.compulsory_expiry,
                   l.started_at AS last_at, l.outcome AS last_outcome, l.loss_reason AS last_loss_reason,
                   e.started_at AS ended_at, e.outcome AS ended_outcome, f.kind AS follow_up_kind, f.due_at AS follow_up_due,
                   \(days(to: "c.commercial_expiry")) AS days_c, \(days(to: "c.compulsory_expiry")) AS days_k,
                   \(days(since: "l.started_at")) AS since, \(days(since: "e.started_at")) AS ended_since,
                   \(expiryAsWritten("c.commercial_expiry")) AND \(expiryAsWritten("c.compulsory_expiry"))
                   AND \(timestampAsWritten("l.started_at")) AND \(timestampAsWritten("e.started_at"))
                   AND (f.due_at IS NULL OR strftime('%Y-%m-%d %H:%M', f.due_at) = f.due_at) AS as_written
            FROM customers c
            LEFT JOIN calls l ON l.id = (SELECT k.id FROM calls k WHERE k.customer_id = c.id AND k.training = 0
                                         ORDER BY k.started_at DESC, k.id DESC LIMIT 1)
            LEFT JOIN calls e ON e.id = CASE WHEN l.outcome IS NOT NULL THEN l.id WHEN l.id IS NOT NULL THEN
                (SELECT k.id FROM calls k WHERE k.customer_id = c.id AND k.training = 0 AND k.outcome IS NOT NULL
                 ORDER BY k.started_at DESC, k.id DESC LIMIT 1) END
            LEFT JOIN follow_ups f ON f.id = (SELECT u.id FROM follow_ups u INDEXED BY follow_ups_open_by_customer
                                              WHERE u.customer_id = c.id AND u.done_at IS NULL ORDER BY u.due_at, u.id LIMIT 1)
            WHERE c.do_not_call = 0 AND c.training = 0 AND c.phone_invalid = 0 \(owner.condition(agent: ":agent"))
            \(stage)
            """
        let odd = "huashu_queue_key(commercial_expiry, compulsory_expiry, grade, lead_from_call, last_at, ended_at, ended_outcome, "
            + "follow_up_kind, follow_up_due)"
        return """
            SELECT sorted.place, c.id, \(columns.map { "c." + $0.name }.joined(separator: ", ")), \(shown.dropFirst().map { "sorted." + $0 }.joined(separator: ", "))
            FROM (
                SELECT * FROM (\(rule.placed(probe, carrying: shown, otherwise: odd, stage: stage)))
                WHERE place IS NOT NULL
                ORDER BY place, id
                LIMIT \(limited ? ":limit" : "-1")
            ) sorted
            CROSS JOIN customers c ON c.id = sorted.id
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

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
            // A whole list: room for the sorter's runs, a fixed 16 MB whatever the ledger. A few entries (`call --next`)
            // are kept by the sorter itself and need no more than the default.
            let cacheSize = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            if limit == nil { try db.execute(sql: "PRAGMA cache_size = -16384") }
            defer { try? db.execute(sql: "PRAGMA cache_size = \(cacheSize)") }
            let rule = RenewalQueueSQL(today: today, minute: minute, plan: plan, dialect: .sqlite)
            let columns = limit == nil ? CustomerColumns.listed : CustomerColumns.all
            /// Steps `statement` while `body` asks for more; each row is a customer and where the rule places them (nil: not listed).
            func rows(_ statement: Statement, _ body: (() -> (Customer, QueueStanding?)) throws -> Bool) throws {
                let handle = statement.sqliteStatement
                defer { sqlite3_reset(handle) }
                let cursor = CustomerColumns.Cursor(handle)
                let judged = { () -> (Customer, QueueStanding?) in
                    cursor.column = 1
                    var customer = Customer(id: cursor.integer(), plate: "", name: "")
                    for column in columns { column.read(&customer, cursor) }
                    let candidate = QueueCandidate(customer, lastCallAt: cursor.text(), lastOutcome: cursor.text(), lastLossReason: cursor.text(),
                                                   lastEndedAt: cursor.text(), lastEndedOutcome: cursor.text(),
                                                   followUpKind: cursor.text(), followUpDue: cursor.text())
                    return (customer, RenewalQueueRule.standing(candidate, today: today, minute: minute, plan: plan))
                }
                sqlite3_reset(handle)
                while true {
                    let code = sqlite3_step(handle)
                    if code == SQLITE_DONE { return }
                    guard code == SQLITE_ROW else {
                        throw DatabaseError(resultCode: ResultCode(rawValue: code), message: db.lastErrorMessage, sql: statement.sql)
                    }
                    guard try body(judged) else { return }
                }
            }
            // An agent's (or nobody's) first few: the follow-ups due lead the list in due order, so when they alone fill
            // `limit` they are its first entries, read in the index's order and no further than the last one taken.
            if let limit, owner != .anyone {
                let statement = try db.makeStatement(sql: QueueQuery.sql(rule, owner: owner, columns: columns, reading: .dueFollowUps))
                try statement.setArguments(QueueQuery.arguments(owner: owner, limit: nil))
                var first: [(Customer, QueueStanding)] = []
                try rows(statement) { judged in
                    let (customer, standing) = judged()
                    if let standing, RenewalQueueRule.leadsTheList(standing) { first.append((customer, standing)) }
                    return first.count < limit
                }
                if first.count == limit { return first.forEach(each) }
            }
            let statement = try db.makeStatement(sql: QueueQuery.sql(rule, owner: owner, columns: columns, reading: limit == nil ? .whole : .first))
            // A limited list that the rule in Swift thinned (a row edited by hand that the SQL placed) asks again,
            // further down, until it has `limit` entries or the list ends; rows already judged are passed over.
            var asked = limit, judged = 0, given = 0
            while true {
                try statement.setArguments(QueueQuery.arguments(owner: owner, limit: asked))
                var row = 0
                try rows(statement) { judge in
                    row += 1
                    guard row > judged, case (let customer, let standing?) = judge() else { return true }
                    given += 1
                    each(customer, standing)
                    return true
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
    public func queuePlan(owner: QueueOwner, reading: QueueReading) throws(StoreError) -> String {
        try read { db in
            let today = LedgerDate(daysSince1970: 0)
            db.add(function: QueueQuery.key(today: today, minute: 0, plan: .dealer))
            let rule = RenewalQueueSQL(today: today, minute: 0, plan: .dealer, dialect: .sqlite)
            let columns = reading == .whole ? CustomerColumns.listed : CustomerColumns.all
            return try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + QueueQuery.sql(rule, owner: owner, columns: columns, reading: reading),
                                    arguments: QueueQuery.arguments(owner: owner, limit: reading == .first ? 1 : nil))
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

/// How the call list's query reads: the whole list sorted; its first few (`LIMIT`) sorted; or an owner's follow-ups in
/// due order, unsorted, for a reader that stops at the first few that lead the list (`RenewalQueueRule.leadsTheList`).
public enum QueueReading: Sendable {
    case whole, first, dueFollowUps
}

/// The call list's one query.
enum QueueQuery {
    /// Customers in the order of `RenewalQueueRule`, by its key in SQL (`RenewalQueueSQL`), in stages
    /// that SQLite runs as co-routines (`LIMIT -1 OFFSET 0` keeps a stage from being flattened into the
    /// next, which would evaluate its expressions again for each use): each customer's latest call, latest
    /// finished call and earliest open follow-up from the row kept beside the customer (`QueueFacts`), days to
    /// each expiry and since each call; which policies are due; the days the key goes by; the key. Only the
    /// listed customers are sorted, with what the list shows, so memory holds the sorter's pages, not the
    /// ledger. A row whose dates are not as huashu writes them (a database edited by hand) is placed by the
    /// rule itself in Swift (`huashu_queue_key`).
    ///
    /// Who is never on a list, whatever the day: do-not-call (勿扰), no valid phone, rehearsal customers.
    static func sql(_ rule: RenewalQueueSQL, owner: QueueOwner, columns: [CustomerColumn], reading: QueueReading) -> String {
        let stage = "LIMIT -1 OFFSET 0"
        let julianToday = "\(rule.today.daysSince1970 + 2_440_587).5"
        func days(to column: String) -> String { "CAST(julianday(\(column)) - \(julianToday) AS INTEGER)" }
        func days(since column: String) -> String { "CAST(\(julianToday) - julianday(\(column), 'localtime', 'start of day') AS INTEGER)" }
        let years = LedgerValue.plausibleYears
        func expiryAsWritten(_ column: String) -> String {
            "(\(column) IS NULL OR (\(column) BETWEEN '\(years.lowerBound)-01-01' AND '\(years.upperBound)-12-31' AND date(\(column)) = \(column)))"
        }
        let listable = "c.do_not_call = 0 AND c.training = 0 AND c.phone_invalid = 0 \(owner.condition(agent: ":agent"))"
        // Every customer of the owner, or (`dueFollowUps`) those with an open follow-up, in due order, from the rows kept
        // beside the customers by agent (`QueueFacts`). Those read end before tomorrow's date as huashu writes it: the list's
        // first entries are follow-ups due in this order, so the rows before it are the list's head, and a due text after
        // it (a later day, or one that cannot be read, sorted after digits) is left to the whole query.
        let tomorrow = LedgerDate(daysSince1970: rule.today.daysSince1970 + 1)
        let from = reading != .dueFollowUps ? "FROM customers c LEFT JOIN queue_facts x ON x.customer_id = c.id WHERE \(listable)" : """
            FROM queue_facts x INDEXED BY queue_facts_follow_ups_by_agent CROSS JOIN customers c ON c.id = x.customer_id
            WHERE x.follow_up_due IS NOT NULL AND x.agent \(owner == .nobody ? "IS NULL" : "= :agent") AND x.follow_up_due < '\(tomorrow)'
              AND \(listable)
            ORDER BY x.follow_up_due, x.customer_id
            """
        // The stages carry the key's inputs alone; what the list shows is read beside the placed row (`shown`).
        let probe = """
            SELECT c.id, c.grade, c.lead_from_call, x.ended_outcome, x.follow_up_due,
                   \(days(to: "c.commercial_expiry")) AS days_c, \(days(to: "c.compulsory_expiry")) AS days_k,
                   \(days(since: "x.last_at")) AS since, \(days(since: "x.ended_at")) AS ended_since,
                   \(expiryAsWritten("c.commercial_expiry")) AND \(expiryAsWritten("c.compulsory_expiry")) AND x.as_written IS NOT 0 AS as_written
            \(from)
            \(stage)
            """
        let placed = rule.placed(probe, carrying: ["id", "as_written"], otherwise: "NULL", stage: stage)
        let odd = """
            (SELECT huashu_queue_key(c.commercial_expiry, c.compulsory_expiry, c.grade, c.lead_from_call, x.last_at, x.ended_at, x.ended_outcome,
                                     x.follow_up_kind, x.follow_up_due)
             FROM customers c LEFT JOIN queue_facts x ON x.customer_id = c.id WHERE c.id = sorted.id)
            """
        // The rows that may be listed: placed by the key, or left to the rule in Swift (asked once per row: one it leaves
        // out is sorted first and passed over, as the rule in Swift judges every row again).
        let candidates = """
            SELECT sorted.id, (CASE WHEN sorted.as_written THEN sorted.place ELSE \(odd) END) AS place
            FROM (\(placed)) sorted WHERE sorted.place IS NOT NULL OR sorted.as_written IS NOT 1
            """
        let selected = "top.place, c.id, \(columns.map { "c." + $0.name }.joined(separator: ", ")), "
            + RenewalQueueSQL.shown.dropFirst().map { "x." + $0 }.joined(separator: ", ")
        let shown = "CROSS JOIN customers c ON c.id = top.id LEFT JOIN queue_facts x ON x.customer_id = top.id"
        switch reading {
        case .first:
            // A few entries (`call --next`): the sorter keeps the first few, and only their rows are read. The rows the
            // rule in Swift leaves out are dropped before the sorter (the stage asks it once per row): sorted first, they
            // would fill the `LIMIT`, and a list behind many of them would be sorted again for each few passed over.
            return """
                SELECT \(selected)
                FROM (SELECT * FROM (\(candidates) \(stage)) WHERE place IS NOT NULL ORDER BY 2, 1 LIMIT :limit) top
                \(shown)
                """
        case .dueFollowUps:
            // In the order read: the caller stops at the last entry it takes.
            return "SELECT \(selected) FROM (\(candidates) \(stage)) top \(shown)"
        case .whole:
            // A whole list: what the list shows is read beside each placed row, in the scan's order (pages just read),
            // and sorted with it, so SQLite's sorter spills in sorted runs. A `LIMIT` on a sorted subquery would make it
            // a temporary B-tree instead, each row an insert at a random page: three times slower here.
            return """
                SELECT \(selected)
                FROM (\(candidates) \(stage)) top
                \(shown)
                ORDER BY top.place, top.id
                """
        }
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

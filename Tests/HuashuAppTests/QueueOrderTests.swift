import Foundation
@testable import HuashuApp
import HuashuCalendar
import HuashuEngine
import HuashuLedger
@testable import HuashuRenewal
import HuashuScript
@testable import HuashuStore
import Testing

/// The queue is selected and sorted by SQLite (`Store.queue`); these prove it
/// lists the customers the rule lists, in the rule's order, and that it finds
/// them through indexes.
@Suite("Queue: the SQL order is the rule's order")
struct QueueOrderTests {
    /// A small deterministic generator (SplitMix64), so a failure can be replayed.
    struct Dice {
        var state: UInt64
        mutating func next(_ count: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(count))
        }
        mutating func pick<T>(_ values: [T]) -> T { values[next(values.count)] }
    }

    /// Customers of every kind the rule tells apart: both policies or one (交强险 only too), lapsed, far off, no expiry,
    /// do-not-call and no valid phone (left out); every
    /// grade and none; several agents spelled with spaces; calls of every outcome, unfinished ones, several
    /// per customer, on the same day; follow-ups overdue, due this morning, later today, on a later day, unreadable.
    static func ledger(seed: UInt64) throws -> QueueLedger {
        let ledger = try QueueLedger()
        var dice = Dice(state: seed)
        var customers: [Customer] = []
        for index in 1...240 {
            let expiry = dice.next(10) == 0 ? nil : dice.next(420) - 230
            let compulsory: Int? = dice.next(3) == 0 ? dice.next(200) - 100 : expiry
            customers.append(Customer(
                plate: "粤C\(String(format: "%05d", index))", name: "客户\(index)", phone: "1390000\(String(format: "%04d", index))",
                commercialExpiry: try expiry.map(QueueLedger.day), compulsoryExpiry: try compulsory.map(QueueLedger.day),
                grade: dice.pick(["A", "B", "C", "D", nil, "E"]), agent: dice.pick(["小李", " 小李 ", "小王", nil, ""]),
                doNotCall: dice.next(25) == 0, phoneInvalid: dice.next(30) == 0))
        }
        _ = try ledger.store.upsert(customers)
        let outcomes: [OutcomeKind?] = [nil, .won, .lost, .thinking, .callback, .noAnswer, .refused, .committed, .doNotCall, .wrongNumber]
        for customer in 1...Int64(customers.count) where dice.next(3) != 0 {
            for _ in 0..<(1 + dice.next(3)) {
                let daysAgo = dice.pick([0, 1, 2, 3, 5, 8, 15, 20, 40, 200, 300])
                let followUp: FollowUpPlan? = dice.next(4) == 0 ? nil : FollowUpPlan(
                    kind: dice.pick([.callback, .thinking, .payment, .lapseCheck]),
                    due: dice.next(20) == 0 ? "明天上午" : "\(try QueueLedger.day(dice.next(9) - 5)) \(dice.pick(["09:00", "11:30", "16:00", "20:00"]))")
                try ledger.call(customer, daysAgo: daysAgo, outcome: dice.pick(outcomes), hour: 8 + dice.next(10), followUp: followUp)
            }
        }
        return ledger
    }

    /// The rule applied to what the store holds, read without the queue's query.
    static func reference(_ ledger: QueueLedger, today: LedgerDate, minute: Int, plan: RenewalPlan, agent: String?) throws -> [QueueEntry] {
        let calls = try ledger.store.lastCalls()
        var followUps: [Int64: (kind: String, due: String)] = [:]
        for followUp in try ledger.store.openFollowUps() where followUps[followUp.customerID] == nil {
            followUps[followUp.customerID] = (followUp.kind, followUp.due)
        }
        let customers = try ledger.store.allCustomers().filter { customer in
            !customer.doNotCall && !customer.training && !customer.phoneInvalid
                && agent.map { customer.agent?.trimmingSpaces == $0 } ?? true
        }
        return RuleOrder.entries(customers, calls: calls.mapValues { history in
            (last: (history.last.startedAt, history.last.outcome, history.last.lossReason),
             ended: history.lastEnded.map { ($0.startedAt, $0.outcome ?? "") })
        }, followUps: followUps, today: today, minute: minute, plan: plan)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func theStoresListIsTheRulesListInTheRulesOrder(seed: UInt64) throws {
        let ledger = try Self.ledger(seed: seed)
        let today = try LedgerValue.date(QueueLedger.today)
        var kinds = Set<String>()
        for plan in RenewalPlan.allCases {
            for minute in [10 * 60, 12 * 60 + 30, RenewalQueueRule.wholeDay] {
                for agent in [nil, "小李"] as [String?] {
                    var streamed: [QueueEntry] = []
                    try RenewalQueue.each(store: ledger.store, today: today, minute: minute, plan: plan, owner: RenewalQueue.owner(agent)) {
                        streamed.append($0)
                    }
                    let expected = try Self.reference(ledger, today: today, minute: minute, plan: plan, agent: agent)
                    #expect(streamed.map(\.customer.plate) == expected.map(\.customer.plate), "\(plan) at minute \(minute), agent \(agent ?? "-")")
                    // A whole list carries only the columns a list shows: the same customers, standing where the rule puts them.
                    #expect(streamed.map(\.customer.id) == expected.map(\.customer.id))
                    #expect(streamed.map(\.standing) == expected.map(\.standing))
                    for entry in streamed {
                        switch entry.why {
                        case .followUp: kinds.insert(entry.notYetDue ? "later" : entry.overdue ? "overdue follow-up" : "follow-up")
                        case .timeline(let touch): kinds.insert(touch.overdueDays > 0 ? "overdue touch" : "touch")
                        case .lead: kinds.insert("lead")
                        }
                        kinds.insert("grade \(entry.customer.grade ?? "-")")
                        kinds.insert("urgency \(RenewalQueueRule.urgency(entry.daysToExpiry))")
                    }
                }
            }
        }
        // The ledger really is varied: every place on the list is taken by someone.
        for kind in ["later", "overdue follow-up", "follow-up", "overdue touch", "touch", "grade A", "grade D", "grade -",
                     "urgency 0", "urgency 1", "urgency 2", "urgency 3"] {
            #expect(kinds.contains(kind), "nobody on any list is \(kind)")
        }
    }

    @Test func callNextTakesTheFirstEntryOfTheList() throws {
        let ledger = try Self.ledger(seed: 4)
        let today = try LedgerValue.date(QueueLedger.today)
        var all: [QueueEntry] = [], first: [QueueEntry] = []
        try RenewalQueue.each(store: ledger.store, today: today, minute: 600, plan: .dealer, owner: .agent("小李")) { all.append($0) }
        try RenewalQueue.each(store: ledger.store, today: today, minute: 600, plan: .dealer, owner: .agent("小李"), limit: 1) { first.append($0) }
        #expect(!all.isEmpty)
        // `--next` reads whole customers, a whole list only what it shows: the same customer, standing the same.
        #expect(first.map(\.customer.id) == all.prefix(1).map(\.customer.id) && first.map(\.standing) == all.prefix(1).map(\.standing))
        #expect(first.first?.customer.phone != nil)
        var unassigned: [QueueEntry] = []
        try RenewalQueue.each(store: ledger.store, today: today, minute: 600, plan: .dealer, owner: .nobody) { unassigned.append($0) }
        #expect(!unassigned.isEmpty && unassigned.allSatisfy { ($0.customer.agent ?? "").trimmingSpaces.isEmpty })
    }

    /// `call --next`'s first few (an agent's, or those assigned to nobody) are the whole list's first few, whether the
    /// follow-ups due fill them (read in due order, stopping at the last taken) or the list's sorted head is needed:
    /// the same customers in the same order, standing the same, at any minute, on either plan, for any count.
    @Test(arguments: [UInt64(1), 2, 3])
    func theFirstFewAreTheListsFirstFew(seed: UInt64) throws {
        let ledger = try Self.ledger(seed: seed)
        let today = try LedgerValue.date(QueueLedger.today)
        var ledBy = Set<Bool>()
        for plan in RenewalPlan.allCases {
            for minute in [10 * 60, 12 * 60 + 30, RenewalQueueRule.wholeDay] {
                for owner in [QueueOwner.agent("小李"), .nobody] {
                    var all: [QueueEntry] = []
                    try RenewalQueue.each(store: ledger.store, today: today, minute: minute, plan: plan, owner: owner) { all.append($0) }
                    let due = all.prefix { RenewalQueueRule.leadsTheList($0.standing) }.count
                    for limit in Set([1, 2, 5, due, due + 1, all.count + 3].filter { $0 > 0 }) {
                        var first: [QueueEntry] = []
                        try RenewalQueue.each(store: ledger.store, today: today, minute: minute, plan: plan, owner: owner, limit: limit) { first.append($0) }
                        let expected = all.prefix(limit)
                        #expect(first.map(\.customer.id) == expected.map(\.customer.id) && first.map(\.standing) == expected.map(\.standing),
                                "\(plan) at minute \(minute), \(owner), first \(limit)")
                        ledBy.insert(limit <= due)
                    }
                }
            }
        }
        #expect(ledBy == [true, false], "both ways of reading were taken")
    }

    /// Rows edited by hand that the rule leaves off the list (an expiry written `2027/06/30`, next summer) are placed by the
    /// rule in Swift, and none of them may hold up `call --next`: its first few are still the list's first few, found by one
    /// run of the sorted query, not one more run for each few of them passed over.
    @Test func offListRowsEditedByHandDoNotHoldUpCallNext() throws {
        final class Heard: @unchecked Sendable {
            private let lock = NSLock()
            private var statements: [String] = []
            func add(_ sql: String) { lock.withLock { statements.append(sql) } }
            func take() -> [String] { lock.withLock { defer { statements = [] }; return statements } }
        }
        let ledger = try Self.ledger(seed: 4)
        _ = try ledger.store.upsert((1...200).map { index in
            Customer(plate: "粤D\(String(format: "%05d", index))", name: "手改\(index)", phone: "1370000\(String(format: "%04d", index))",
                     commercialExpiry: "2027-06-30", grade: "A", agent: index % 2 == 0 ? "小李" : nil)
        })
        try ledger.store.write { db in
            try db.execute(sql: "UPDATE customers SET commercial_expiry = replace(commercial_expiry, '-', '/') WHERE name LIKE '手改%'")
        }
        let heard = Heard()
        let store = try Store(path: ledger.database, busyWait: nil, statements: heard.add)
        let today = try LedgerValue.date(QueueLedger.today)
        for owner in [QueueOwner.agent("小李"), .nobody, .anyone] {
            var all: [QueueEntry] = []
            try RenewalQueue.each(store: store, today: today, minute: 600, plan: .dealer, owner: owner) { all.append($0) }
            #expect(!all.contains { $0.customer.name.hasPrefix("手改") }, "\(owner): next summer's renewals are not on today's list")
            let due = all.prefix { RenewalQueueRule.leadsTheList($0.standing) }.count
            for limit in Set([1, 3, due + 1, due + 2]) {
                _ = heard.take()
                var first: [QueueEntry] = []
                try RenewalQueue.each(store: store, today: today, minute: 600, plan: .dealer, owner: owner, limit: limit) { first.append($0) }
                #expect(first.map(\.customer.id) == all.prefix(limit).map(\.customer.id), "\(owner), first \(limit)")
                let sorted = heard.take().filter { $0.contains("ORDER BY 2, 1 LIMIT") }
                #expect(sorted.count == (limit <= due && owner != .anyone ? 0 : 1), "\(owner), first \(limit): the sorted query ran \(sorted.count) times")
            }
        }
    }

    /// A customer given to another agent in the ledger moves to that agent's follow-ups (the row kept beside them follows).
    @Test func aCustomerGivenToAnotherAgentMovesWithTheirFollowUp() throws {
        let ledger = try Self.ledger(seed: 2)
        let today = try LedgerValue.date(QueueLedger.today)
        func first(_ owner: QueueOwner) throws -> [Int64?] {
            var found: [Int64?] = []
            try RenewalQueue.each(store: ledger.store, today: today, minute: 600, plan: .dealer, owner: owner, limit: 1) { found.append($0.customer.id) }
            return found
        }
        var lead: [QueueEntry] = []
        try RenewalQueue.each(store: ledger.store, today: today, minute: 600, plan: .dealer, owner: .agent("小李"), limit: 1) { lead.append($0) }
        #expect(lead.allSatisfy { RenewalQueueRule.leadsTheList($0.standing) }, "the top is a follow-up due, read by the agent's kept rows")
        let top = try #require(lead.first?.customer.id)
        try ledger.store.write { db in try db.execute(sql: "UPDATE customers SET agent = ' 小张 ' WHERE id = ?", arguments: [top]) }
        #expect(try first(.agent("小张")) == [top])
        #expect(try first(.agent("小李")) != [top])
        try ledger.store.write { db in try db.execute(sql: "UPDATE customers SET agent = '' WHERE id = ?", arguments: [top]) }
        #expect(try first(.agent("小张")) != [top])
        var unassigned: [Int64?] = []
        try RenewalQueue.each(store: ledger.store, today: today, minute: 600, plan: .dealer, owner: .nobody) { unassigned.append($0.customer.id) }
        #expect(unassigned.contains(top))
    }

    /// A million customers: an agent's list is read through the agent index, each customer's calls and
    /// follow-ups from the row kept beside the customer (`queue_facts`), never from the calls or follow-ups
    /// themselves; only the customers on the list are sorted.
    @Test func theQueueIsAnsweredByIndexes() throws {
        let ledger = try QueueLedger()
        for owner in [QueueOwner.anyone, .agent("小李"), .nobody] {
            for reading in [QueueReading.whole, .first] {
                let plan = try ledger.store.queuePlan(owner: owner, reading: reading)
                #expect(plan.contains("SEARCH x USING INTEGER PRIMARY KEY") && !plan.contains("calls") && !plan.contains("follow_ups"), "\(plan)")
                #expect(!plan.contains("SCAN x") && !plan.contains("SCAN k") && !plan.contains("SCAN u"), "\(plan)")
                if owner != .anyone {
                    #expect(plan.contains("customers_by_agent") && !plan.contains("SCAN c"), "\(owner): \(plan)")
                }
            }
        }
        // `call --next`'s first look: the owner's follow-ups in due order from the kept rows' index, not sorted.
        for owner in [QueueOwner.agent("小李"), .nobody] {
            let plan = try ledger.store.queuePlan(owner: owner, reading: .dueFollowUps)
            #expect(plan.contains("SEARCH x USING INDEX queue_facts_follow_ups_by_agent (agent=") && plan.contains("SEARCH c USING INTEGER PRIMARY KEY"), "\(plan)")
            // It ends at tomorrow's follow-ups: next year's are never read.
            #expect(plan.contains("follow_up_due<?"), "\(plan)")
            #expect(!plan.contains("B-TREE") && !plan.contains("SCAN x") && !plan.contains("SCAN c"), "\(plan)")
        }
    }
}

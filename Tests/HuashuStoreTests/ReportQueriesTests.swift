import HuashuCalendar
import Foundation
import HuashuEngine
import HuashuScript
import HuashuStore
import Testing

/// The report's queries over logged rows written without any script: what
/// counts as a customer's result, a raised objection, a rebuttal; what never counts.
@Suite("Report queries")
struct ReportQueriesTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-report-\(UUID().uuidString)")

    func openStore() throws -> Store {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let store = try Store(path: folder.appendingPathComponent("db.sqlite").path)
        _ = try store.upsert([
            Customer(plate: "粤B00001", name: "甲", commercialExpiry: "2024-03-10", agent: "小李"),
            Customer(plate: "粤B00002", name: "乙", commercialExpiry: "2024-03-20", agent: "小李"),
            Customer(plate: "粤B00003", name: "丙", commercialExpiry: "2024-03-31", agent: ""),
            Customer(plate: "粤B00004", name: "丁", commercialExpiry: "2024-04-01", agent: "小王"),
            Customer(plate: "演练0001", name: "演练客户", commercialExpiry: "2024-03-15", agent: "小李", training: true),
        ])
        return store
    }

    static func utc(_ text: String) -> Date { Timestamp.date(text)! }

    /// One logged step: the input, the node after it, and the events.
    struct Step {
        var input: CallInput?
        var node: String
        var events: [CallEvent]
        var detours: [String] = []
    }

    /// Logs a call from steps a minute apart; the last step may end it.
    @discardableResult
    static func log(_ store: Store, customer: Int64, agent: String, at start: String, training: Bool = false,
                    _ steps: [Step], outcome: Outcome? = nil, lostTo: String? = nil) throws -> Int64 {
        let context = CallContext(customer: CustomerFacts(), agent: agent, dealer: "店")
        let begin = utc(start)
        let writer = try store.beginCall(customerID: customer, agent: agent, scriptVersion: "v", context: context, training: training, at: begin)
        for (index, step) in steps.enumerated() {
            var state = CallState(node: step.node)
            state.detours = step.detours
            var events = step.events
            if index == steps.count - 1, let outcome {
                state.outcome = outcome
                state.lostTo = lostTo
                events.append(.ended(outcome, lostTo: lostTo))
            }
            try writer.record(input: step.input, step: CallStep(state: state, events: events), stage: "s", shown: "说",
                              at: begin.addingTimeInterval(Double(index) * 60), followUps: [])
        }
        return writer.callID
    }

    static let start = Step(input: nil, node: "greet", events: [.entered(node: "greet", stage: "identity")])

    static func answer(_ id: String, to node: String) -> Step {
        Step(input: .answer(id), node: node, events: [.answered(answer: id), .entered(node: node, stage: "s")])
    }

    static func raise(_ handler: String, from: String, depth: Int = 1) -> Step {
        Step(input: .objection(handler), node: handler, events: [.objectionRaised(handler: handler, from: from), .entered(node: handler, stage: "objection")],
             detours: Array(repeating: from, count: depth))
    }

    static func back(_ id: String, to node: String, from: String) -> Step {
        Step(input: .answer(id), node: node, events: [.answered(answer: id), .returned(to: node, from: from), .entered(node: node, stage: "s")])
    }

    static func window(agent: String? = nil, handlers: [String] = []) -> ReportWindow {
        ReportWindow(firstDay: "2024-03-01", endDay: "2024-04-01", startUTC: "2024-03-01T00:00:00.000Z", endUTC: "2024-04-01T00:00:00.000Z",
                     today: "2024-03-25", nowLocal: "2024-03-25 12:00", quietBeforeUTC: "2024-03-22T12:00:00.000Z",
                     agent: agent, handlerIDs: handlers)
    }

    @Test func aCustomersResultIsTheLatestFinalOutcomeElseTheLatestOutcome() throws {
        let store = try openStore()
        // 甲: lost, then won back (竞回), then an unanswered call: won.
        try Self.log(store, customer: 1, agent: "小李", at: "2024-03-01T02:00:00.000Z", [Self.start], outcome: Outcome(.lost, lossReason: .price), lostTo: "平安")
        try Self.log(store, customer: 1, agent: "小李", at: "2024-03-05T02:00:00.000Z", [Self.start], outcome: Outcome(.won))
        try Self.log(store, customer: 1, agent: "小李", at: "2024-03-06T02:00:00.000Z", [Self.start], outcome: Outcome(.noAnswer))
        // 乙: thinking, then no answer: the latest outcome; then a call cut off, which changes nothing.
        try Self.log(store, customer: 2, agent: "小王", at: "2024-03-02T02:00:00.000Z", [Self.start], outcome: Outcome(.thinking))
        try Self.log(store, customer: 2, agent: "小王", at: "2024-03-03T02:00:00.000Z", [Self.start], outcome: Outcome(.noAnswer))
        try Self.log(store, customer: 2, agent: "小王", at: "2024-03-23T02:00:00.000Z", [Self.start])
        // 丙: only a rehearsal, won.
        try Self.log(store, customer: 3, agent: "小王", at: "2024-03-04T02:00:00.000Z", training: true, [Self.start], outcome: Outcome(.won))
        let due = try store.reportData(Self.window()).due
        #expect(due.map(\.plate) == ["粤B00001", "粤B00002", "粤B00003"], "丁 expires in April; the rehearsal customer is never due")
        #expect(due.map(\.outcome) == ["won", "no_answer", nil])
        #expect(due.map(\.calls) == [3, 3, 0])
        #expect(due.map(\.agent) == ["小李", "小李", nil], "the ledger's agent; an empty one falls back to the latest live call's")
        #expect(due.map(\.calledRecently) == [false, true, false])
        #expect(due[0].lossReason == nil && due[0].lostTo == nil, "the winning call's fields, not the lost one's")
    }

    @Test func aWinFromLastSeasonIsNotThisSeasonsResult() throws {
        let store = try openStore()
        // 乙 expires 2024-03-20: won a year earlier, thinking now. The season starts 180 days before expiry.
        try Self.log(store, customer: 2, agent: "小李", at: "2023-03-15T02:00:00.000Z", [Self.start], outcome: Outcome(.won))
        try Self.log(store, customer: 2, agent: "小李", at: "2024-03-02T02:00:00.000Z", [Self.start], outcome: Outcome(.thinking))
        // 甲 expires 2024-03-10: lost last year, nothing ended this season.
        try Self.log(store, customer: 1, agent: "小李", at: "2023-03-01T02:00:00.000Z", [Self.start], outcome: Outcome(.lost, lossReason: .price))
        let due = try store.reportData(Self.window()).due
        #expect(due.map(\.outcome) == [nil, "thinking", nil])
        #expect(due.map(\.calls) == [1, 2, 0], "every call still counts as work done")
    }

    @Test func refusedStepsAndReturnsAreNotRaisedObjections() throws {
        let store = try openStore()
        try Self.log(store, customer: 1, agent: "小李", at: "2024-03-01T02:00:00.000Z", [
            Self.start, Self.answer("greet>quote", to: "quote"),
            Self.raise("price", from: "quote"),
            Self.raise("think", from: "price", depth: 2),
            Self.back("think>return", to: "price", from: "think"),
            // Refused: the gate was closed; the node stays.
            Step(input: .objection("not_due"), node: "price", events: [.refused(reason: "不行")], detours: ["quote"]),
            Self.back("price>return", to: "quote", from: "price"),
            // The customer's answer leads into a handler nobody searched for.
            Self.answer("quote>cheaper", to: "cheaper"),
            Self.answer("cheaper>close", to: "close"),
        ], outcome: Outcome(.won))
        let searchedOnly = try store.reportData(Self.window())
        #expect(searchedOnly.objections.map(\.handler) == ["price", "think"], "not_due was refused; cheaper is not known to be a handler")
        #expect(searchedOnly.objections.map(\.raised) == [1, 1], "coming back to price is not raising it again")
        #expect(searchedOnly.rebuttals.map(\.answer) == ["price>return", "think>return"])
        let withScript = try store.reportData(Self.window(handlers: ["cheaper", "not_due"]))
        #expect(withScript.objections.map(\.handler) == ["cheaper", "price", "think"])
        #expect(withScript.rebuttals.map(\.answer) == ["cheaper>close", "price>return", "think>return"])
        #expect(withScript.rebuttals.map(\.won) == [1, 1, 1])
    }

    @Test func aRebuttalCountsOncePerEndedCall() throws {
        let store = try openStore()
        let twice = [Self.start, Self.raise("price", from: "greet"), Self.back("price>return", to: "greet", from: "price"),
                     Self.raise("price", from: "greet"), Self.back("price>return", to: "greet", from: "price")]
        try Self.log(store, customer: 1, agent: "小李", at: "2024-03-01T02:00:00.000Z", twice, outcome: Outcome(.won))
        try Self.log(store, customer: 2, agent: "小李", at: "2024-03-02T02:00:00.000Z", twice, outcome: Outcome(.lost, lossReason: .price))
        try Self.log(store, customer: 3, agent: "小李", at: "2024-03-03T02:00:00.000Z", twice)
        try Self.log(store, customer: 4, agent: "小李", at: "2024-03-04T02:00:00.000Z", training: true, twice, outcome: Outcome(.won))
        let data = try store.reportData(Self.window())
        #expect(data.objections == [ObjectionRow(handler: "price", raised: 6, calls: 3, wonCalls: 1)])
        #expect(data.rebuttals == [RebuttalRow(handler: "price", answer: "price>return", calls: 2, won: 1)])
    }

    @Test func callsOutsideTheMonthOrByAnotherAgentAreLeftOut() throws {
        let store = try openStore()
        try Self.log(store, customer: 1, agent: "小李", at: "2024-02-29T23:59:59.000Z", [Self.start], outcome: Outcome(.won))
        try Self.log(store, customer: 1, agent: "小李", at: "2024-03-01T00:00:00.000Z", [Self.start], outcome: Outcome(.refused))
        try Self.log(store, customer: 2, agent: "小王", at: "2024-03-31T23:59:59.999Z", [Self.start, Self.start], outcome: Outcome(.won))
        try Self.log(store, customer: 2, agent: "小王", at: "2024-04-01T00:00:00.000Z", [Self.start], outcome: Outcome(.lost, lossReason: .other))
        let data = try store.reportData(Self.window())
        #expect(data.outcomes.map(\.outcome) == ["refused", "won"])
        #expect(data.agents.map(\.agent) == ["小李", "小王"])
        #expect(data.agents.map(\.averageSeconds) == [0, 60])
        let li = try store.reportData(Self.window(agent: "小李"))
        #expect(li.agents.map(\.agent) == ["小李"])
        #expect(li.due.map(\.plate) == ["粤B00001", "粤B00002"])
    }

    @Test func theCallListFiltersAndShowsTheLastStep() throws {
        let store = try openStore()
        let first = try Self.log(store, customer: 1, agent: "小李", at: "2024-03-01T02:00:00.000Z", [Self.start], outcome: Outcome(.won))
        let open = try Self.log(store, customer: 2, agent: "小王", at: "2024-03-02T02:00:00.000Z", [Self.start, Self.start, Self.start])
        let rows = try store.listCalls(CallListFilter())
        #expect(rows.map(\.call.id) == [open, first])
        #expect(rows.map(\.lastStepAt) == ["2024-03-02T02:02:00.000Z", "2024-03-01T02:00:00.000Z"])
        #expect(rows.map(\.customerName) == ["乙", "甲"])
        #expect(try store.listCalls(CallListFilter(outcome: "unfinished")).map(\.call.id) == [open])
        #expect(try store.listCalls(CallListFilter(outcome: "won")).map(\.call.id) == [first])
        #expect(try store.listCalls(CallListFilter(customerIDs: [])).isEmpty)
        #expect(try store.listCalls(CallListFilter(since: "2024-03-02T00:00:00.000Z")).map(\.call.id) == [open])
    }
}

import Foundation
import GRDB
import HuashuCalendar
import HuashuEngine
import HuashuRenewal

/// What the supervisor's commands (calls, replay, report, verify, coverage, queue) read:
/// narrow enough for a second backend. The desk's SQLite `Store` answers it, and so does the
/// team's central store on PostgreSQL, with the same row types, so every command lays out
/// what either returns the same way.
public protocol SupervisorStore: AnyObject {
    func call(_ id: Int64) throws -> CallRecord?
    func steps(of callID: Int64) throws -> [StepRecord]
    func customer(id: Int64) throws -> Customer?
    func findCustomers(_ key: CustomerKey) throws -> [Customer]
    func listCalls(_ filter: CallListFilter) throws -> [CallListRow]
    func abandonedRehearsals() throws -> Set<Int64>
    func reportData(_ window: ReportWindow) throws -> ReportData
    func trainingSteps(agent: String?) throws -> [TrainingStepRow]
    func unfinishedRehearsals(agent: String?) throws -> [String: Int]
    func knowsAgent(_ agent: String) throws -> Bool
    func allCustomers() throws -> [Customer]
    /// The largest customer number (0 with none): it bounds both a list's row numbers and its customer numbers.
    func largestCustomerID() throws -> Int64
    func lastCalls() throws -> [Int64: LastCalls]
    /// Customers with no phone to dial (`phone_invalid`), rehearsal ones left out, each with their latest
    /// live call that ended: the report's and the queue's information-correction list (信息更正).
    func phoneCorrections() throws -> [(customer: Customer, lastEnded: CallSummary?)]
    func openFollowUps() throws -> [(customerID: Int64, kind: String, due: String)]
    func verifyChains(call: Int64?, seal: LogChain.Seal?) throws -> ChainReport
    /// The month's live calls that ended lost, or won or committed, oldest first; the `latest` most recent when given.
    func outcomeCalls(_ window: ReportWindow, lost: Bool, latest: Int?) throws -> [CallListRow]
    /// Every one of those calls oldest first, handed to `each` one at a time (read as written where the store can).
    func eachOutcomeCall(_ window: ReportWindow, lost: Bool, _ each: (CallListRow) throws -> Void) throws
    /// Leads found on the month's live calls, oldest first.
    func leads(_ window: ReportWindow) throws -> [LeadRow]
    /// A day's call list in the order of `RenewalQueueRule`, at most `limit` customers.
    func queue(today: LedgerDate, minute: Int, plan: RenewalPlan, owner: QueueOwner, limit: Int?,
               _ each: (Customer, QueueStanding) -> Void) throws
}

extension Store: SupervisorStore {}

extension SupervisorStore {
    /// From the whole list, for a store that does not read rows as they come (central).
    public func eachOutcomeCall(_ window: ReportWindow, lost: Bool, _ each: (CallListRow) throws -> Void) throws {
        for row in try outcomeCalls(window, lost: lost, latest: nil) { try each(row) }
    }

    /// From every customer and every call, for a store that does not ask for the few itself (central).
    public func phoneCorrections() throws -> [(customer: Customer, lastEnded: CallSummary?)] {
        let calls = try lastCalls()
        return try allCustomers().filter { $0.phoneInvalid && !$0.training }
            .map { customer in (customer, customer.id.flatMap { calls[$0]?.lastEnded }) }
    }
}

extension ReportData {
    /// The report's figures from its queries, whichever store runs them: the objection handlers
    /// are today's script's plus any the log shows raised by search (a handler searched for but
    /// not listed, from no script or one since removed, costs a second look at the steps).
    public static func gather(_ window: ReportWindow, due: () throws -> [DueCustomerRow],
                              outcomes: () throws -> [(outcome: String?, count: Int)], agents: () throws -> [AgentActivityRow],
                              followUps: () throws -> [FollowUpDisciplineRow],
                              entered: ([String]) throws -> [(row: ObjectionRow, searched: Bool)],
                              rebuttals: ([String]) throws -> [RebuttalRow]) throws -> ReportData {
        var handlers = window.handlerIDs
        var found = try entered(handlers)
        let unlisted = found.filter { $0.searched && !handlers.contains($0.row.handler) }.map(\.row.handler)
        if !unlisted.isEmpty {
            handlers += unlisted
            found = try entered(handlers)
        }
        let objections = found.map(\.row).sorted { ($0.raised, $1.handler) > ($1.raised, $0.handler) }
        let answers = try rebuttals(handlers).sorted { ($0.handler, $1.calls, $0.answer) < ($1.handler, $0.calls, $1.answer) }
        return ReportData(due: try due(), outcomes: try outcomes(), agents: try agents(), followUps: try followUps(),
                          objections: objections, rebuttals: answers)
    }

    /// The handler list as the report's queries bind it: a JSON array.
    public static func handlersJSON(_ handlers: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(handlers)) ?? Data("[]".utf8), as: UTF8.self)
    }
}

import Foundation
import GRDB
import HuashuCentral
import HuashuStore

/// The team's ledger between a desk and the central store: this desk's imports go
/// up, and the rows changed on central since the last pull come down, for this
/// desk's agent (every row when no agent is known), with the follow-ups other
/// desks booked for that agent's customers. Each batch moves its mark only once
/// applied, so a pull cut off anywhere resumes where it stopped.
struct CentralPull {
    /// Rows per round trip each way.
    static let batch = 5_000
    /// How far below its mark a pull of follow-ups done elsewhere asks again, for changes that committed late.
    static let doneOverlap: Int64 = 10_000

    let store: Store
    let central: CentralConnection
    let desk: String

    /// What one pull brought.
    struct Pulled {
        var customers = UpsertSummary()
        var followUps = 0
        /// This desk's own follow-ups that a call on another desk honoured.
        var doneElsewhere = 0

        var description: String {
            var parts: [String] = []
            if customers.inserted > 0 { parts.append("\(customers.inserted) new customer\(customers.inserted == 1 ? "" : "s")") }
            if customers.updated > 0 { parts.append("\(customers.updated) changed") }
            if followUps > 0 { parts.append("\(followUps) follow-up\(followUps == 1 ? "" : "s") from other desks") }
            let pulled = parts.isEmpty ? "nothing new from the team ledger" : parts.joined(separator: ", ") + " pulled"
            return pulled + (doneElsewhere > 0 ? "; \(doneElsewhere) of this desk's follow-up\(doneElsewhere == 1 ? "" : "s") done by a call on another desk" : "")
        }
    }

    /// Which ledger rows a pull brings, each from a mark of its own: `sync` and `call --next` the desk agent's
    /// (every row when no agent is known); an import every row, since the agent's pulls passed over the others'.
    enum Scope {
        case desk(agent: String?)
        case wholeLedger

        var mark: String {
            switch self {
            case .desk: "ledger"
            case .wholeLedger: "ledger_for_import"
            }
        }

        var agent: String? {
            if case .desk(let agent) = self { return agent }
            return nil
        }
    }

    /// The agent whose customers this desk pulls: $HUASHU_AGENT, else the config file's; nil pulls every customer.
    static func deskAgent(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment["HUASHU_AGENT"].flatMap { $0.isEmpty ? nil : $0 } ?? AgentConfig.read(AgentConfig.path(environment))["agent"]
    }

    /// Before `call --next`: the team's latest for this agent, when a central store is configured. Local-first:
    /// a store that cannot be reached or refuses is said in one line, and the queue is the desk's own.
    static func beforeNext(store: Store, agent: String, link: CentralLink, say: (String) -> Void) {
        do {
            guard let central = try link.connection() else { return }
            let desk = try DeskName.resolve(store: store, proposed: nil)
            try wrap { try central.enter(desk: desk) }
            _ = try CentralPull(store: store, central: central, desk: desk).pull(.desk(agent: agent))
        } catch {
            say("note: the team ledger was not pulled (\(error.description)); the queue is this desk's as last synced")
        }
    }

    /// Sends what this desk's imports added or changed since the last send (a customer at most once per batch),
    /// with their review rows; returns how many customers went up.
    func sendLedger() throws(UserError) -> Int {
        let (sent, level) = try wrap { try store.ledgerOutbox() }
        guard sent != level else { return 0 }
        var cursor: Int64 = 0, count = 0
        let review = try wrap { try store.ledgerReview(sent: sent, level: level) }
        while true {
            let rows = try wrap { try store.ledgerCustomers(sent: sent, level: level, after: cursor, limit: Self.batch) }
            guard let last = rows.last else { break }
            try wrap { try central.sendLedger(rows.map { Array($0.values.dropFirst()) }, review: cursor == 0 ? review : [], desk: desk) }
            cursor = last.id
            count += rows.count
        }
        if cursor == 0 && !review.isEmpty { try wrap { try central.sendLedger([], review: review, desk: desk) } }
        try wrap { try store.setLedgerSent(level) }
        return count
    }

    /// Marks done on central, on their booking desks' rows, the follow-ups other desks booked that a call here
    /// honoured (after the push, so the server finds the call); returns how many central marked, and how many it
    /// refused (no call of this desk to the customer on central yet): those stay to be sent at the next sync.
    func sendFollowUpsDone() throws(UserError) -> (marked: Int, refused: Int) {
        let done = try wrap { try store.followUpsDoneHere() }
        var marked = 0, refused = 0
        for start in stride(from: 0, to: done.count, by: Self.batch) {
            let part = Array(done[start..<min(start + Self.batch, done.count)])
            let answer = try wrap { try central.markFollowUpsDone(part.map { (origin: $0.origin, at: $0.at) }, desk: desk) }
            let settled = part.filter { answer.settled.contains($0.origin) }
            marked += answer.marked
            refused += part.count - settled.count
            try wrap { try store.clearFollowUpsDoneHere(settled.map(\.id)) }
        }
        return (marked, refused)
    }

    /// Pulls the ledger's changes since the scope's mark; for a desk, then its own follow-ups done on other
    /// desks and the follow-ups booked for its agent elsewhere.
    func pull(_ scope: Scope) throws(UserError) -> Pulled {
        var pulled = Pulled()
        var mark = try wrap { try store.pullMark(scope.mark) }
        while true {
            let rows = try wrap { try central.ledgerChanges(after: mark, agent: scope.agent, limit: Self.batch) }
            guard let last = rows.last else { break }
            let customers = try wrap { try rows.map { (seq: $0["seq"] as Int64, customer: try Customer(row: $0)) } }
            let summary = try wrap { try store.applyPulled(customers) }
            pulled.customers.inserted += summary.inserted
            pulled.customers.updated += summary.updated
            mark = last["seq"]
            try wrap { try store.setPullMark(scope.mark, to: mark) }
        }
        guard case .desk(let agent) = scope else { return pulled }
        // Central numbers changes from one sequence but commits them out of order: a lower number can land after a
        // pull passed a higher one. So ask again from `doneOverlap` below the mark; applying twice changes nothing.
        let doneMark = try wrap { try store.pullMark("follow_ups_done_elsewhere") }
        var after = max(0, doneMark - Self.doneOverlap)
        while true {
            let done = try wrap { try central.followUpsDoneElsewhere(desk: desk, after: after, limit: Self.batch) }
            guard let last = done.last else { break }
            pulled.doneElsewhere += try wrap { try store.applyDoneElsewhere(done.map { (id: $0.id, at: $0.at) }) }
            after = last.seq
            if after > doneMark { try wrap { try store.setPullMark("follow_ups_done_elsewhere", to: after) } }
        }
        guard let agent else { return pulled }
        var followUpMark = try wrap { try store.pullMark("follow_ups") }
        while true {
            let rows = try wrap { try central.followUps(for: desk, agent: agent, after: followUpMark, limit: Self.batch) }
            guard let last = rows.last else { break }
            for followUp in rows where try wrap({ try store.applyPulled(followUp) }) { pulled.followUps += 1 }
            followUpMark = last.seq
            try wrap { try store.setPullMark("follow_ups", to: followUpMark) }
        }
        return pulled
    }
}

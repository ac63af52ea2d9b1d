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

    let store: Store
    let central: CentralConnection
    let desk: String

    /// What one pull brought.
    struct Pulled {
        var customers = UpsertSummary()
        var followUps = 0

        var description: String {
            var parts: [String] = []
            if customers.inserted > 0 { parts.append("\(customers.inserted) new customer\(customers.inserted == 1 ? "" : "s")") }
            if customers.updated > 0 { parts.append("\(customers.updated) changed") }
            if followUps > 0 { parts.append("\(followUps) follow-up\(followUps == 1 ? "" : "s") from other desks") }
            return parts.isEmpty ? "nothing new from the team ledger" : parts.joined(separator: ", ") + " pulled"
        }
    }

    /// The agent whose customers this desk pulls: $HUASHU_AGENT, else the config file's; nil pulls every customer.
    static func deskAgent(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        environment["HUASHU_AGENT"].flatMap { $0.isEmpty ? nil : $0 } ?? AgentConfig.read(AgentConfig.path(environment))["agent"]
    }

    /// Before `call --next`: the team's latest for this agent, when a central store is configured. Local-first:
    /// a store that cannot be reached or refuses is said in one line, and the queue is the desk's own.
    static func beforeNext(store: Store, agent: String, say: (String) -> Void) {
        guard let url = CentralSync.url(option: nil) else { return }
        do {
            let central = try CentralSync.connect(url)
            let desk = try DeskName.resolve(store: store, proposed: nil)
            try wrap { try central.enter(desk: desk) }
            _ = try CentralPull(store: store, central: central, desk: desk).pull(agent: agent)
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

    /// Pulls the ledger's changes since this desk's mark, then the follow-ups booked for `agent` elsewhere.
    func pull(agent: String?) throws(UserError) -> Pulled {
        var pulled = Pulled()
        var mark = try wrap { try store.pullMark("ledger") }
        while true {
            let rows = try wrap { try central.ledgerChanges(after: mark, agent: agent, limit: Self.batch) }
            guard let last = rows.last else { break }
            let customers = try wrap { try rows.map { (seq: $0["seq"] as Int64, customer: try Customer(row: $0)) } }
            let summary = try wrap { try store.applyPulled(customers) }
            pulled.customers.inserted += summary.inserted
            pulled.customers.updated += summary.updated
            mark = last["seq"]
            try wrap { try store.setPullMark("ledger", to: mark) }
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

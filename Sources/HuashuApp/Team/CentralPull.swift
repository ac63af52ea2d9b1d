import Foundation
import GRDB
import HuashuCentral
import HuashuStore

/// The team's ledger between a desk and the central store: this desk's imports go
/// up, and the rows changed on central since the last pull come down, for this
/// desk's agent (every row when no agent is known), with the follow-ups other
/// desks booked for that agent's customers. Central hands each stream out in
/// change order, a change only once every transaction before it has ended
/// (`ChangeMark`), so one committed late is not passed over; each batch moves its
/// mark only once applied, so a pull cut off anywhere resumes where it stopped.
struct CentralPull {
    /// Rows per round trip each way.
    static let batch = 5_000

    let store: Store
    let central: CentralConnection
    let desk: String

    /// What one pull brought.
    struct Pulled {
        var customers = UpsertSummary()
        /// Follow-ups other desks booked for this desk's customers, new here.
        var followUps = 0
        /// Of those booked before, the ones now done on another desk, and those whose due time moved.
        var followUpsDone = 0
        var followUpsMoved = 0
        /// This desk's own follow-ups that a call on another desk honoured.
        var doneElsewhere = 0
        var drained = Drained()

        var description: String {
            var parts: [String] = []
            func plural(_ count: Int) -> String { count == 1 ? "" : "s" }
            if customers.inserted > 0 { parts.append("\(customers.inserted) new customer\(plural(customers.inserted))") }
            if customers.updated > 0 { parts.append("\(customers.updated) changed") }
            if followUps > 0 { parts.append("\(followUps) follow-up\(plural(followUps)) from other desks") }
            if followUpsDone > 0 { parts.append("\(followUpsDone) follow-up\(plural(followUpsDone)) of other desks now done") }
            if followUpsMoved > 0 { parts.append("\(followUpsMoved) follow-up\(plural(followUpsMoved)) of other desks moved") }
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
    /// refused (no call of this desk to the customer on central yet): those wait for this desk's next call to the
    /// customer, so a refusal is sent, and said, once per call rather than at every sync.
    func sendFollowUpsDone() throws(UserError) -> (marked: Int, refused: Int) {
        let done = try wrap { try store.followUpsDoneHere() }
        var marked = 0, refused = 0
        for start in stride(from: 0, to: done.count, by: Self.batch) {
            let part = Array(done[start..<min(start + Self.batch, done.count)])
            let answer = try wrap { try central.markFollowUpsDone(part.map { (origin: $0.origin, at: $0.at) }, desk: desk) }
            let settled = part.filter { answer.settled.contains($0.origin) }.map(\.id)
            let waiting = part.filter { !answer.settled.contains($0.origin) }.map(\.id)
            marked += answer.marked
            refused += waiting.count
            try wrap { try store.settleFollowUpsDoneHere(settled: settled, refused: waiting) }
        }
        return (marked, refused)
    }

    /// How a stream's pull ended, beyond the changes it applied.
    struct Drained {
        /// Changes of a transaction still open on central were applied, or some after one: the mark stays before
        /// them, so they are read (and applied, harmlessly) again until that transaction ends.
        var heldBack = false
        /// The mark was above central's transaction counter (central restored from a dump): the stream was read again from the start.
        var restarted = false

        mutating func add(_ other: Drained) {
            heldBack = heldBack || other.heldBack
            restarted = restarted || other.restarted
        }

        /// The summary's notes, `oldestOpen` saying since when a transaction holds the mark back.
        func notes(oldestOpen: () -> String?) -> String {
            (restarted ? "\nnote: central's transaction counter is behind this desk's mark (restored from a dump?); pulling again from the start" : "")
                + (heldBack ? "\nnote: a transaction open on central" + (oldestOpen().map { " since \($0)" } ?? "")
                    + " holds back the pull mark; changes still arrive, and those after it are read again" : "")
        }
    }

    /// Takes one of central's change streams from this desk's mark `name`, a batch at a time: `read` asks central for
    /// every visible change after a mark, in change order, and `apply` applies a batch here (applying one again changes
    /// nothing). The mark moves only over settled changes (`ChangeHorizon`), and only once they are applied, so a change
    /// that commits late below one taken is read at the next pull, and a pull cut off anywhere resumes where it stopped.
    @discardableResult
    func drain<Change>(_ name: String, read: (ChangeMark) throws(CentralError) -> [Change], mark: (Change) -> ChangeMark,
                       apply: ([Change]) throws(UserError) -> Void) throws(UserError) -> Drained {
        let horizon = try wrap { try central.changeHorizon() }
        var drained = Drained()
        var after = try wrap { try store.pullMark(name) }
        if after.xid >= horizon.xmax {
            drained.restarted = true
            after = .start
            try wrap { try store.setPullMark(name, to: after) }
        }
        while true {
            let changes = try wrap { try read(after) }
            guard let last = changes.last else { return drained }
            try apply(changes)
            after = mark(last)
            guard !drained.heldBack else { continue }
            // Settled changes come first in change order; the mark stops before the first unsettled one for good.
            if let settled = changes.last(where: { mark($0).xid < horizon.xmin }) {
                try wrap { try store.setPullMark(name, to: mark(settled)) }
            }
            drained.heldBack = after.xid >= horizon.xmin
        }
    }

    /// Pulls the ledger's changes since the scope's mark; for a desk, then its own follow-ups done on other
    /// desks and the follow-ups booked for its agent elsewhere.
    func pull(_ scope: Scope) throws(UserError) -> Pulled {
        var pulled = Pulled()
        pulled.drained.add(try drain(scope.mark, read: { mark throws(CentralError) in try central.ledgerChanges(after: mark, agent: scope.agent, limit: Self.batch) },
                  mark: { ChangeMark(xid: $0["change_xid"], seq: $0["change_seq"]) }) { rows throws(UserError) in
            let customers = try wrap { try rows.map { (seq: $0["seq"] as Int64, customer: try Customer(row: $0)) } }
            let summary = try wrap { try store.applyPulled(customers) }
            pulled.customers.inserted += summary.inserted
            pulled.customers.updated += summary.updated
        })
        guard case .desk(let agent) = scope else { return pulled }
        pulled.drained.add(try drain("follow_ups_done_elsewhere", read: { mark throws(CentralError) in
            try central.followUpsDoneElsewhere(desk: desk, after: mark, limit: Self.batch)
        }, mark: \.mark) { done throws(UserError) in
            pulled.doneElsewhere += try wrap { try store.applyDoneElsewhere(done.map { (id: $0.id, at: $0.at) }) }
        })
        guard let agent else { return pulled }
        pulled.drained.add(try drain("follow_ups", read: { mark throws(CentralError) in
            try central.followUps(for: desk, agent: agent, after: mark, limit: Self.batch)
        }, mark: \.mark) { followUps throws(UserError) in
            for followUp in followUps {
                switch try wrap({ try store.applyPulled(followUp) }) {
                case .booked: pulled.followUps += 1
                case .done: pulled.followUpsDone += 1
                case .moved: pulled.followUpsMoved += 1
                case .none: break
                }
            }
        })
        return pulled
    }
}

import HuashuCentral
import HuashuStore

/// `huashu import` on a desk given a central store: the desk first pulls the whole
/// team ledger, so the import's checks and review list reconcile each row with
/// what the team holds; what the import adds or changes then goes up to the
/// ledger, from where the other desks pull it. Nil without a central store.
struct TeamImport {
    let pull: CentralPull

    init?(database: String) throws(UserError) {
        guard let url = CentralSync.url(option: nil) else { return nil }
        let store = try openStore(.file(database))
        let central: CentralConnection
        do {
            central = try CentralSync.connect(url)
        } catch {
            throw UserError("this desk imports into the team's central store, which cannot be reached: \(error.description); nothing was imported")
        }
        let desk = try DeskName.resolve(store: store, proposed: nil)
        try wrap { try central.enter(desk: desk) }
        pull = CentralPull(store: store, central: central, desk: desk)
        _ = try pull.pull(agent: nil)
    }

    /// Sends the import to the team ledger; a failure leaves it on the desk's outbox for the next `huashu sync`.
    func send() throws(UserError) -> String {
        do {
            let sent = try pull.sendLedger()
            return "\(sent) customer\(sent == 1 ? "" : "s") sent to the team ledger on \(pull.central.url)\n"
        } catch {
            throw UserError("imported on this desk, but not yet into the team ledger: \(error.description); `huashu sync` sends it")
        }
    }
}

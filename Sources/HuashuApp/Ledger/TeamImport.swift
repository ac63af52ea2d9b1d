import HuashuCentral
import HuashuStore

/// `huashu import` on a desk given a central store: the desk first pulls the whole
/// team ledger (since the import's own mark: `sync` pulls only its agent's rows), so
/// the import's checks and review list reconcile each row with what the team holds;
/// what the import adds or changes then goes up to the ledger, from where the other
/// desks pull it. A dry run pulls into its scratch copy of the desk's file and sends
/// nothing. Nil without a central store.
struct TeamImport {
    let pull: CentralPull

    /// `store` is the file the import writes: the desk's own, or a dry run's scratch copy of it.
    init?(store: Store, dryRun: Bool) throws(UserError) {
        guard let url = CentralSync.url(option: nil) else { return nil }
        let central: CentralConnection
        do {
            central = try CentralSync.connect(url)
            // A dry run reads only: the desk is not registered nor its sync noted.
            if dryRun { try wrap { try CentralSchema.requireCurrent(central) } }
        } catch {
            throw UserError(dryRun
                ? "this desk imports into the team's central store, which cannot be reached: \(error.description); "
                    + "the dry run was not compared with the team ledger, and a real import would refuse too"
                : "this desk imports into the team's central store, which cannot be reached: \(error.description); nothing was imported")
        }
        let desk: String
        if dryRun {
            desk = ""
        } else {
            desk = try DeskName.resolve(store: store, proposed: nil)
            try wrap { try central.enter(desk: desk) }
        }
        pull = CentralPull(store: store, central: central, desk: desk)
        _ = try pull.pull(.wholeLedger)
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

    /// A dry run's last word: what it was compared with, and that nothing went anywhere.
    var compared: String {
        "compared with the team ledger on \(pull.central.url); nothing was sent\n"
    }
}

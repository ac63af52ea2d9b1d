import Foundation
import HuashuCentral
import HuashuStore

/// `huashu central init` and `huashu sync` as text.
public enum CentralSync {
    /// Rows per transaction on the central store: each commit waits for the server's disk, so fewer is faster.
    public static let defaultBatch = 20_000

    /// Creates or upgrades the central schema; says what to give desks and supervisors.
    public static func initialise(url: String?) throws(UserError) -> String {
        let central = try connect(url)
        let applied = try wrap { try CentralSchema.migrate(central) }
        let done = applied.isEmpty
            ? "\(central.url) already has huashu's central schema (version \(CentralSchema.version)); nothing to do\n"
            : "\(central.url): central schema now at version \(CentralSchema.version) (applied \(applied.joined(separator: "; ")))\n"
        return done + """

            For each desk:
              export HUASHU_CENTRAL='\(central.url)'
              export HUASHU_DESK=<a name unique to the desk>   (default: the machine's host name)
              huashu sync                                       (pushes the desk's calls, steps, follow-ups, audit)
            Passwords go in each desk's ~/.pgpass (mode 0600) or $PGPASSFILE, never in the address.
            For supervisors: huashu calls, replay, report, verify, coverage and queue read every desk with
              --db '\(central.url)'
            (customers are one by plate, calls numbered for the team). In SQL: the views team.calls,
            team.call_steps, team.customers and team.follow_ups; the desks' own rows keyed by (desk, id).
            Logins: huashu central grant LOGIN --role agent --desk DESK   (pushes and reads that desk only)
                    huashu central grant LOGIN --role supervisor          (reads every desk)
                    huashu central grant LOGIN --role trainer             (reads rehearsals)
            No role may change or delete a logged step, not even its owner: the log is append-only.

            """
    }

    /// Puts a login in a role on the central store, and says what to do next.
    public static func grant(url: String?, login: String, role: String, desk: String?) throws(UserError) -> String {
        guard let kind = CentralRole(rawValue: role.lowercased()) else {
            throw UserError("--role is " + CentralRole.allCases.map(\.rawValue).joined(separator: ", ") + "; got `\(role)`")
        }
        let central = try connect(url)
        let done = try wrap { try central.grant(kind, to: login, desk: desk) }
        return done.map { $0 + "\n" }.joined() + """
            Give \(login) a password on the server (psql: \\password \(login)), and \(login) keeps it in ~/.pgpass, never in the address.

            """
    }

    /// Pushes the desk's log; progress lines go to `progress`, the summary is returned.
    /// A push after a call, detached: nothing printed; an outage is left for the desk to say once.
    public static func backgroundSync(url: String?, database: StoreLocation) {
        guard case .file(let path) = database else { return }
        do {
            try pushAlone(path) { () throws(UserError) in _ = try sync(url: url, desk: nil, batch: defaultBatch, database: database) { _ in } }
            CentralBackgroundPush.note(database: path, failure: nil)
        } catch {
            CentralBackgroundPush.note(database: path, failure: error.description)
        }
    }

    public static func sync(url: String?, desk: String?, batch: Int, database: StoreLocation,
                            progress: (String) -> Void) throws(UserError) -> String {
        guard batch > 0 else { throw UserError("--batch wants a number of rows above 0; got \(batch)") }
        // A new desk's first sync makes its file: that is how it gets the team's customers.
        let path = try deskFile(database)
        let created = !FileManager.default.fileExists(atPath: path)
        let push = try pusher(url: url, desk: desk, batch: batch, database: database, mustExist: false)
        // This desk's own log first: a 勿扰 heard here since a supervisor's lift is a refusal standing, not lifted below.
        let sent = try wrap { try push.run(progress: progress) }
        CentralBackgroundPush.note(database: push.store.path, failure: nil)
        let counts = sent.map { "\($0.sent) \($0.table.noun)" }.joined(separator: ", ")
        // The team ledger: this desk's imports up, then what changed on central down.
        let ledger = CentralPull(store: push.store, central: push.central, desk: push.desk)
        let imported = try ledger.sendLedger()
        let doneHere = try ledger.sendFollowUpsDone()
        let pulledLedger = try ledger.pull(.desk(agent: CentralPull.deskAgent()))
        // Refusals heard on other desks come down with every sync, so an offline desk honours them from its next one.
        var marked = 0
        let refusals = try wrap { try push.central.refusals() }
        for refusal in refusals where try CallFloor.honour(refusal, in: push.store) { marked += 1 }
        // So do the 勿扰 a supervisor lifted, each once; one heard again since (a refusal standing) stays.
        let standing = Set(refusals.filter { $0.kind == "do_not_call" }.map(\.customerKey))
        var lifted = 0
        var drained = pulledLedger.drained
        drained.add(try ledger.drain("refusal_lifts", read: { mark throws(CentralError) in try push.central.lifts(after: mark, limit: CentralPull.batch) },
                         mark: \.mark) { lifts throws(UserError) in
            for lift in lifts where !standing.contains(lift.customerKey) {
                if try CallFloor.honour(lift, in: push.store) { lifted += 1 }
            }
        })
        // The customers these marks changed, and their audit rows, go up now rather than at the next sync.
        if marked + lifted > 0 { _ = try wrap { try push.run([.customers, .audit]) { _ in } } }
        return (created ? "a new desk: \(path) created\n" : "") + "desk \(push.desk) synced to \(push.central.url): \(counts) sent"
            + (imported > 0 ? "; \(imported) imported customer\(imported == 1 ? "" : "s") sent to the team ledger" : "")
            + (doneHere.marked > 0 ? "; \(doneHere.marked) follow-up\(doneHere.marked == 1 ? "" : "s") booked on other desks marked done there" : "")
            + (doneHere.refused > 0 ? "; \(doneHere.refused) follow-up\(doneHere.refused == 1 ? "" : "s") booked on other desks could not be marked done "
                + "there (central has no call of this desk to the customer); sent again after this desk's next call to the customer" : "")
            + "; \(pulledLedger.description)"
            + (marked > 0 ? "; \(marked) customer\(marked == 1 ? "" : "s") marked from other desks' refusals" : "")
            + (lifted > 0 ? "; \(lifted) customer\(lifted == 1 ? "'s" : "s'") 勿扰 lifted by a supervisor on central" : "")
            + drained.notes { (try? push.central.oldestOpenTransaction()) ?? nil } + "\n"
    }

    /// The push of a call in progress (`sync --follow`, started by the call with a pipe for its standard input): each
    /// byte read is a step committed; the call's calls and steps go up, and the steps that came meanwhile go with
    /// them, so a burst of steps costs one push. Ends when the call closes the pipe. Silent: an outage is noted as
    /// the background push notes it, and the next step tries again.
    public static func follow(url: String?, database: StoreLocation) {
        guard case .file(let path) = database else { return }
        var push: CentralPush?
        var signal = [UInt8](repeating: 0, count: 512)
        while read(0, &signal, signal.count) > 0 {
            var waiting = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            while poll(&waiting, 1, 0) > 0, read(0, &signal, signal.count) > 0 {}
            do throws(UserError) {
                let pushing: CentralPush
                if let push { pushing = push } else { pushing = try pusher(url: url, desk: nil, batch: defaultBatch, database: database) }
                push = pushing
                try pushAlone(path) { () throws(UserError) in _ = try wrap { try pushing.run([.calls, .callSteps]) { _ in } } }
                CentralBackgroundPush.note(database: path, failure: nil)
            } catch {
                push = nil
                CentralBackgroundPush.note(database: path, failure: error.description)
            }
        }
    }

    /// One push at a time per desk: a second waits, then finds little left to send.
    private static func pushAlone(_ database: String, _ body: () throws(UserError) -> Void) throws(UserError) {
        let lock = open(database + "-central-push.lock", O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { close(lock) } }
        try body()
    }

    /// The desk's file, the central store and the desk's name there, ready to push. A file that may be created
    /// (`mustExist` false) is created only once the central store answered.
    private static func pusher(url: String?, desk: String?, batch: Int, database: StoreLocation, mustExist: Bool = true) throws(UserError) -> CentralPush {
        let existing = mustExist ? try openStore(database, mustExist: true) : nil
        let central = try connect(url)
        let store: Store
        if let existing { store = existing } else { store = try openStore(database) }
        return CentralPush(store: store, central: central, desk: try DeskName.resolve(store: store, proposed: desk), batch: batch)
    }


    /// `--central`, else `$HUASHU_CENTRAL`, else `central = URL` in the config file; nil when none names one.
    public static func url(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        CentralConnection.url(option: option, environment: environment) ?? AgentConfig.read(AgentConfig.path(environment))["central"]
    }

    static func connect(_ option: String?) throws(UserError) -> CentralConnection {
        guard let url = url(option: option) else {
            throw UserError("no central store named: give --central postgresql://user@host/database, set $HUASHU_CENTRAL, "
                + "or write `central = URL` in \(AgentConfig.path(ProcessInfo.processInfo.environment))")
        }
        return try wrap { try CentralConnection(url: url) }
    }
}

import Foundation
import HuashuCentral
import HuashuStore

/// `huashu central init` and `huashu sync` as text.
public enum CentralSync {
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
            For supervisors: every desk's rows are in the tables calls, call_steps, follow_ups and audit,
            keyed by (desk, id); desks lists who has synced and when.
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
    public static func sync(url: String?, desk: String?, batch: Int, options: CallOptions,
                            progress: (String) -> Void) throws(UserError) -> String {
        guard batch > 0 else { throw UserError("--batch wants a number of rows above 0; got \(batch)") }
        let store = try openStore(options.database, mustExist: true)
        let central = try connect(url)
        let name = try DeskName.resolve(store: store, proposed: desk)
        let push = CentralPush(store: store, central: central, desk: name, batch: batch)
        let sent = try wrap { try push.run(progress: progress) }
        let counts = sent.map { "\($0.sent) \($0.table.noun)" }.joined(separator: ", ")
        // Refusals heard on other desks come down with every sync, so an offline desk honours them from its next one.
        let marked = try wrap { try central.refusals() }.filter { (try? CallFloor.honour($0, in: store)) == true }.count
        return "desk \(name) synced to \(central.url): \(counts) sent"
            + (marked > 0 ? "; \(marked) customer\(marked == 1 ? "" : "s") marked from other desks' refusals" : "") + "\n"
    }


    private static func connect(_ option: String?) throws(UserError) -> CentralConnection {
        guard let url = CentralConnection.url(option: option) else {
            throw UserError("no central store named: give --central postgresql://user@host/database, or set $HUASHU_CENTRAL")
        }
        return try wrap { try CentralConnection(url: url) }
    }
}

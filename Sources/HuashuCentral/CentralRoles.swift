/// Who may do what on the central store. `central init` creates one group
/// role per kind of user; a login joins one with `central grant`, and the
/// grants, row policies and triggers of the schema do the refusing, so even
/// SQL typed by hand in psql cannot do what the role may not.
public enum CentralRole: String, CaseIterable, Sendable {
    /// Pushes its own desks' rows and reads them; never changes a logged step.
    case agent
    /// Reads every desk.
    case supervisor
    /// Reads rehearsals (training calls) and their steps.
    case trainer

    /// The group role on the server.
    public var group: String { "huashu_\(rawValue)" }
}

extension CentralConnection {
    /// Makes `login` a member of `role`, creating the login (without a password) if the server has none by
    /// that name, and hands an agent its desk. Returns what was done, a line each.
    public func grant(_ role: CentralRole, to login: String, desk: String?) throws(CentralError) -> [String] {
        guard Self.isPlainName(login) else {
            throw CentralError("a login name is lower-case letters, digits and _ (at most 63, not starting with a digit); got `\(login)`")
        }
        guard desk == nil || role == .agent else { throw CentralError("only an agent pushes a desk: --desk goes with --role agent") }
        try CentralSchema.requireCurrent(self)
        return try transaction { () throws(CentralError) -> [String] in
            var done: [String] = []
            let exists = try execute("SELECT 1 FROM pg_roles WHERE rolname = $1", [login], what: "looking up login \(login)")
            if exists.isEmpty {
                try execute("CREATE ROLE \(login) LOGIN", what: "creating login \(login)")
                done.append("created login \(login) (no password yet)")
            }
            try execute("GRANT \(role.group) TO \(login)", what: "granting \(role.group) to \(login)")
            done.append("\(login) is a\(role == .agent ? "n" : "") \(role.rawValue) (\(role.group))")
            if let desk {
                try execute("""
                    INSERT INTO desks (name, owner) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner
                    """, [desk, login], what: "handing desk \(desk) to \(login)")
                done.append("desk \(desk) is pushed by \(login)")
            }
            return done
        }
    }

    /// A name that needs no quoting in SQL, so it can be written into `CREATE ROLE` as it is.
    static func isPlainName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), name.utf8.count <= 63 else { return false }
        return name.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") }
    }

    /// Refuses, in words, a push to a desk another login owns (the row policies would refuse it with a bare error).
    func requireOwnDesk(_ desk: String) throws(CentralError) {
        let owner = try execute("""
            SELECT d.owner::text FROM desks d
            WHERE d.name = $1 AND d.owner <> current_user AND pg_has_role('huashu_agent', 'MEMBER')
              AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            """, [desk], what: "checking who pushes desk \(desk)")
        if let row = owner.first, let name = row.first ?? nil {
            throw CentralError("desk \(desk) is pushed by \(name) on \(url), not by this login; "
                + "a supervisor hands it over with `huashu central grant LOGIN --role agent --desk \(desk)`")
        }
    }
}

import Foundation
import HuashuCentral

/// A PostgreSQL 15 server of the test's own, on a Unix socket in a temporary
/// folder, started and stopped through Scripts/pg-throwaway and removed when
/// the test lets go of it.
final class ThrowawayCluster {
    /// Short: a Unix socket's path may not be longer than 107 bytes.
    let folder = "/tmp/huashu-pg-" + UUID().uuidString.prefix(8).lowercased()
    let password: String?

    init(password: String? = nil) throws {
        self.password = password
        try run("start")
    }

    deinit { try? run("remove") }

    /// The central store's address as a desk is given it.
    var url: String { "postgresql://huashu@/postgres?host=\(folder)" }

    /// The address for another login (trust clusters take any role the server knows).
    func url(as login: String) -> String { "postgresql://\(login)@/postgres?host=\(folder)" }

    /// The environment of a desk that pushes here under `name`.
    func desk(_ name: String) -> [String: String] { ["HUASHU_CENTRAL": url, "HUASHU_DESK": name] }

    func stop() throws { try run("stop") }
    func start() throws { try run("start") }

    /// A connection from the test itself, to look at what the desks pushed (trust clusters only).
    func connect() throws -> CentralConnection { try CentralConnection(url: url) }

    /// One value of a query on the central store, as text.
    func value(_ sql: String) throws -> String? {
        try connect().execute(sql).first?.first ?? nil
    }

    /// A column of a query on the central store, as integers.
    func ids(_ sql: String) throws -> [Int64] {
        try connect().execute(sql).compactMap { $0.first.flatMap { $0.flatMap { Int64($0) } } }
    }

    private func run(_ action: String) throws {
        let script = Fixture.repository.appendingPathComponent("Scripts/pg-throwaway").path
        let result = try Fixture.run(script, [action, folder] + (action == "start" ? password.map { [$0] } ?? [] : []),
                                     environment: ["PATH": "/usr/bin:/bin:/usr/sbin:/sbin"])
        guard result.status == 0 else {
            throw CentralError("pg-throwaway \(action) \(folder) failed: \(result.output)")
        }
    }
}

import Foundation
import Testing

/// Bringing a large file from an older version up to date takes minutes (v7's and v8's tables are filled from every
/// call): the store says so on standard error, a line per migration, and says nothing for a small file. Each check
/// runs `huashu` on its own copy, the size that counts as large given in `HUASHU_MIGRATION_PROGRESS_BYTES`.
@Suite("Migration progress on a large file")
struct MigrationProgressTests {
    /// What `huashu calls` on a copy of the session-6 desk (written before v7) prints, standard error first.
    static func opened(largeFile: Int?) throws -> [String] {
        let desk = try FixtureDatabase("session-6")
        let result = try desk.huashu(["calls"], environment: largeFile.map { ["HUASHU_MIGRATION_PROGRESS_BYTES": String($0)] } ?? [:])
        #expect(result.status == 0, "\(result.output)")
        return result.output.split(separator: "\n").map(String.init)
    }

    @Test func aLargeFileSaysEachMigrationAsItRuns() throws {
        let lines = try Self.opened(largeFile: 0)
        #expect(lines.first?.hasPrefix("huashu: updating ") ?? false, "\(lines)")
        for migration in ["v7-report: the month's call", "v7-queue: ", "v7-report: month figures keyed", "v8-report: "] {
            #expect(lines.contains { $0.hasPrefix("  \(migration)") && $0.hasSuffix(" s") }, "\(migration): \(lines)")
        }
        #expect(lines.contains { $0.hasPrefix("huashu: the database is up to date") }, "\(lines)")
    }

    @Test func aSmallFileSaysNothing() throws {
        #expect(try Self.opened(largeFile: nil).allSatisfy { !$0.hasPrefix("huashu: updating") && !$0.hasPrefix("  v") })
        #expect(try Self.opened(largeFile: 1 << 40).allSatisfy { !$0.hasPrefix("huashu: updating") })
    }
}

import Foundation
@testable import HuashuStore
import Testing

/// Bringing a large file from an older version up to date takes minutes (v7's and v8's tables are filled from every
/// call): the store says so on standard error, a line per migration, and says nothing for a small file.
@Suite("Migration progress on a large file", .serialized)
struct MigrationProgressTests {
    /// What opening a copy of the session-6 desk (written before v7) says on standard error.
    static func opened(largeFile: Int) throws -> String {
        let fixture = try FixtureDatabase("session-6")
        let said = fixture.folder.appendingPathComponent("stderr").path
        let saved = dup(STDERR_FILENO)
        let file = open(said, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        dup2(file, STDERR_FILENO)
        let before = Store.largeFile
        Store.largeFile = largeFile
        defer {
            Store.largeFile = before
            dup2(saved, STDERR_FILENO)
            close(saved)
            close(file)
        }
        _ = try Store(path: fixture.database)
        return String(decoding: try Data(contentsOf: URL(fileURLWithPath: said)), as: UTF8.self)
    }

    @Test func aLargeFileSaysEachMigrationAsItRuns() throws {
        let said = try Self.opened(largeFile: 0)
        let lines = said.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("huashu: updating ") ?? false, "\(said)")
        for migration in ["v7-report: the month's call", "v7-queue: ", "v7-report: month figures keyed", "v8-report: "] {
            #expect(lines.contains { $0.hasPrefix("  \(migration)") && $0.hasSuffix(" s") }, "\(migration): \(said)")
        }
        #expect(lines.last?.hasPrefix("huashu: the database is up to date") ?? false, "\(said)")
    }

    @Test func aSmallFileSaysNothing() throws {
        #expect(try Self.opened(largeFile: Store.largeFile) == "")
    }
}

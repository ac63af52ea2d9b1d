import Foundation
import Testing

/// A database as the desks had it before the calendar, lookup-index and later
/// migrations: five calls (won after a price objection, lost to 人保,
/// a callback, thinking, do-not-call) and one left open, written by the
/// program as it was on 2026-12-06 (`Fixtures/before-session-4.sqlite`).
/// After migrating, every supervisor's command prints what it printed then
/// (`Fixtures/before-session-4/*.txt`), and the open call can be finished.
/// `HUASHU_RECORD_GOLDEN=1` rewrites the expected files after a deliberate change.
@Suite("A database written before the change")
struct OlderDatabaseTests {
    static let golden = FixtureDatabase.fixtures.appendingPathComponent("before-session-4")

    let desk: FixtureDatabase

    init() throws {
        desk = try FixtureDatabase("before-session-4")
    }

    func huashu(_ arguments: [String], input: String = "") throws -> (status: Int32, output: String) {
        try desk.huashu(arguments, input: input)
    }

    static let commands: [(name: String, arguments: [String])] = [
        ("calls", ["calls"]), ("verify", ["verify"]), ("queue", ["queue", "--date", "2026-12-08"]),
        ("report-csv", ["report", "--month", "2026-12", "--format", "csv"]),
    ] + (1...6).map { ("replay-\($0)", ["replay", String($0)]) }

    @Test(arguments: commands.map(\.name))
    func aSupervisorSeesWhatTheySawBefore(name: String) throws {
        let arguments = try #require(Self.commands.first { $0.name == name }).arguments
        let result = try huashu(arguments)
        #expect(result.status == 0, "\(name): \(result.output)")
        let expected = Self.golden.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["HUASHU_RECORD_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try result.output.write(to: expected, atomically: true, encoding: .utf8)
        }
        // As bytes: the CSV's byte-order mark is part of what Excel is given. A replay names today's
        // script beside the call's own, and today's script changes with every session.
        #expect(Self.withoutTodaysScript(result.output) == Self.withoutTodaysScript(String(decoding: try Data(contentsOf: expected), as: UTF8.self)),
                "\(name) changed")
    }

    static func withoutTodaysScript(_ text: String) -> String {
        text.replacingOccurrences(of: #"\((即当前脚本|当前脚本 [0-9a-f]+)\)"#, with: "(当前脚本)", options: .regularExpression)
    }

    @Test func theCallLeftOpenResumesAndEnds() throws {
        let resumed = try huashu(["resume", "6"], input: ".end won\n")
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.output.contains("通话结果: 成交"))
        #expect(try huashu(["calls", "--limit", "1"]).output.contains("#6 "))
        #expect(try huashu(["calls", "--limit", "1"]).output.contains("成交"))
        let verify = try huashu(["verify"])
        #expect(verify.status == 0, "\(verify.output)")
    }
}

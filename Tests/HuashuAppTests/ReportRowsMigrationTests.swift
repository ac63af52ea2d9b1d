import Foundation
import Testing

/// A database written by main before v6-report (`Fixtures/session-6.sqlite`, made by `Fixtures/session-6/make.sh`
/// with the program as it was on 2026-12-06): six calls through the shipped scripts, with objections raised by search
/// and by an answer, nested and refused ones, a step back out of a handler, an ending taken back, rebuttals onward and
/// back, and one call left open in a handler. After the migration fills the report's rows from the steps, the calls,
/// verify and every replay print what that program printed, and so do the report's figures read from the log
/// (sections 二, 六 and 八; the others depend on today's date). The open call then ends, and the report follows it.
@Suite("A database written before the report's rows")
struct ReportRowsMigrationTests {
    static let expected = FixtureDatabase.fixtures.appendingPathComponent("session-6")

    let desk: FixtureDatabase

    init() throws {
        desk = try FixtureDatabase("session-6")
    }

    func huashu(_ arguments: [String], input: String = "") throws -> (status: Int32, output: String) {
        try desk.huashu(arguments, input: input)
    }

    func expected(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: Self.expected.appendingPathComponent(name + ".txt")), as: UTF8.self)
    }

    /// The report's sections that come from the log alone, headings included.
    static func loggedSections(_ report: String) -> [String] {
        let lines = report.components(separatedBy: "\n")
        return ["二、", "六、", "八、"].map { heading in
            let section = lines.drop { !$0.hasPrefix(heading) }
            return ([section.first ?? ""] + section.dropFirst().prefix { $0.isEmpty || !"一二三四五六七八九十".contains($0.first!) })
                .joined(separator: "\n")
        }
    }

    @Test(arguments: ["calls", "verify"] + (1...6).map { "replay-\($0)" })
    func aSupervisorSeesWhatMainPrinted(name: String) throws {
        let arguments = name.hasPrefix("replay-") ? ["replay", String(name.dropFirst(7))] : [name]
        let result = try huashu(arguments)
        #expect(result.status == 0, "\(name): \(result.output)")
        #expect(OlderDatabaseTests.withoutTodaysScript(result.output) == OlderDatabaseTests.withoutTodaysScript(try expected(name)),
                "\(name) changed")
    }

    @Test func theReportsFiguresFromTheLogAreTheSame() throws {
        let result = try huashu(["report", "--month", "2026-12"])
        #expect(result.status == 0, "\(result.output)")
        let sections = Self.loggedSections(result.output)
        #expect(sections == Self.loggedSections(try expected("report")))
        #expect(sections[2].contains("价格高 [price]") && sections[2].contains("别家更便宜 [cheaper_elsewhere]"), "not a test of nothing")
    }

    @Test func theCallLeftOpenInAHandlerEndsAndTheReportFollows() throws {
        let objections = { () throws -> String in
            Self.loggedSections(try huashu(["report", "--month", "2026-12"]).output)[2]
                .split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        let before = try objections()
        #expect(before.contains("价格高 [price] 6 6 1 16.7%"), "\(before)")
        let resumed = try huashu(["resume", "6"], input: "1\n.end won\n")
        #expect(resumed.status == 0, "\(resumed.output)")
        let after = try objections()
        // Call 6 was in 价格高 when cut off; it is now a won call, and its answer there a rebuttal of a won call.
        #expect(after.contains("价格高 [price] 6 6 2 33.3%"), "\(after)")
        #expect(after.contains("比去年多了 [price>price_vs_last_year] 2 2 100.0%"), "\(after)")
        #expect(try huashu(["verify"]).status == 0)
    }
}

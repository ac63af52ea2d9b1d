import Foundation
import HuashuCalendar
import Testing

/// A call picked up again under a script that changed which nodes are objection handlers: its report rows are kept
/// as today's script counts every visit, so `verify` finds nothing and the report's figures are what the steps give.
@Suite("A call resumed under another script version", .serialized)
struct ResumedReportRowsTests {
    /// The shipped dialogues, with `price_value` (a step inside 价格高) turned into a handler of its own (or not).
    static func dialogues(_ fixture: Fixture, priceValueIsHandler: Bool) throws -> String {
        let folder = fixture.folder.appendingPathComponent(priceValueIsHandler ? "dialogues-v2" : "dialogues-v1")
        try FileManager.default.copyItem(at: Fixture.repository.appendingPathComponent("Dialogues"), to: folder)
        if priceValueIsHandler {
            let file = folder.appendingPathComponent("50-objections.huashu")
            let text = try String(contentsOf: file, encoding: .utf8)
            let changed = text.replacingOccurrences(of: "node price_value\n", with: "objection price_value 不值这个价\n  keys 不值这个价\n")
            #expect(changed != text)
            try changed.write(to: file, atomically: true, encoding: .utf8)
        }
        return folder.path
    }

    /// The report's objection section (八、), as printed and as counted from the steps alone (a copy of the file
    /// without its month rows, so the report cannot use them).
    static func objections(_ fixture: Fixture, dialogues: String) throws -> (kept: String, fresh: String) {
        let month = String(LocalDay.string(Date()).prefix(7))
        let report = { (database: String) throws -> String in
            let result = try fixture.piped(["report", "--month", month], input: "", environment: ["HUASHU_DB": database, "HUASHU_DIALOGUES": dialogues])
            #expect(result.status == 0, "\(result.output)")
            return ReportRowsMigrationTests.loggedSections(result.output)[2]
        }
        let copy = fixture.folder.appendingPathComponent("fresh.sqlite").path
        try? FileManager.default.removeItem(atPath: copy)
        _ = try Fixture.run("/usr/bin/sqlite3", [fixture.database, ".backup '\(copy)'"], environment: fixture.environment)
        _ = try Fixture.run("/usr/bin/sqlite3", [copy, "DELETE FROM report_month_outcomes"], environment: fixture.environment)
        return (try report(fixture.database), try report(copy))
    }

    @Test(arguments: [false, true])
    func aNodeThatChangedBetweenVersionsIsCountedForEveryVisit(becameHandler: Bool) throws {
        let fixture = try Fixture()
        let before = try Self.dialogues(fixture, priceValueIsHandler: !becameHandler)
        let after = try Self.dialogues(fixture, priceValueIsHandler: becameHandler)
        // To the quote, 太贵了 into 价格高, 就是觉得多 into price_value, and the line drops there.
        let input = (CallOutcomeTests.toQuote + ["太贵了", "", "3", ".quit"]).joined(separator: "\n") + "\n"
        #expect(try fixture.piped(["call", "粤B12345"], input: input, environment: ["HUASHU_DIALOGUES": before]).status == 0)
        // Picked up again at price_value: 还想再少点 to price_second_try, back by 发方案给你对比, then ended.
        let resumed = try fixture.piped(["resume", "1"], input: "2\n.end thinking\n", environment: ["HUASHU_DIALOGUES": after])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(try fixture.sqlite("SELECT count(*) FROM call_steps WHERE node = 'price_value'") != "0", "not a test of nothing")
        let verify = try fixture.piped(["verify"], input: "", environment: ["HUASHU_DIALOGUES": after])
        #expect(verify.status == 0, "\(verify.output)")
        let (kept, fresh) = try Self.objections(fixture, dialogues: after)
        #expect(kept == fresh)
        #expect(kept.contains("价格高 [price]"), "\(kept)")
    }
}

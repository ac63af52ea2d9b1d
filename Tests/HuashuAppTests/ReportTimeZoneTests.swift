import Foundation
import Testing

/// The report's month rows are keyed by the month's first moment in the writer's time zone: a file read, or a call
/// ended, in another zone must neither look tampered with nor give the report wrong figures.
@Suite("Month figures across time zones", .serialized)
struct ReportTimeZoneTests {
    static let shanghai = ["TZ": "Asia/Shanghai"]
    static let newYork = ["TZ": "America/New_York"]

    static func month(_ zone: String) -> String {
        let format = DateFormatter()
        format.timeZone = TimeZone(identifier: zone)
        format.dateFormat = "yyyy-MM"
        return format.string(from: Date())
    }

    static func monthStartUTC(_ zone: String) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone)!
        let start = calendar.date(from: calendar.dateComponents([.year, .month], from: Date()))!
        let format = DateFormatter()
        format.timeZone = TimeZone(identifier: "UTC")
        format.locale = Locale(identifier: "en_US_POSIX")
        format.dateFormat = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
        return format.string(from: start)
    }

    @Test func verifyInAnotherZoneComparesTotalsAndSaysSoOnce() throws {
        let fixture = try Fixture()
        #expect(try fixture.piped(["call", "粤B12345"], input: "1\n1\n.end lost price 平安\n", environment: Self.shanghai).status == 0)
        #expect(try fixture.piped(["call", "粤B67890"], input: "1\n.end thinking\n", environment: Self.shanghai).status == 0)
        #expect(try fixture.piped(["verify"], input: "", environment: Self.shanghai).status == 0)
        // Keyed by the first moment of Shanghai's month (the report window's start there), not that date at midnight UTC.
        #expect(try fixture.sqlite("SELECT DISTINCT month FROM report_month_outcomes") == Self.monthStartUTC("Asia/Shanghai"))
        let elsewhere = try fixture.piped(["verify"], input: "", environment: Self.newYork)
        #expect(elsewhere.status == 0, "\(elsewhere.output)")
        #expect(elsewhere.output.components(separatedBy: "kept in another time zone").count == 2, "\(elsewhere.output)")
        // A figure changed is still found when compared by totals.
        _ = try fixture.sqlite("UPDATE report_month_outcomes SET calls = calls + 1 WHERE outcome = 'thinking'")
        let changed = try fixture.piped(["verify"], input: "", environment: Self.newYork)
        #expect(changed.status != 0)
        #expect(changed.output.contains("report_month_outcomes all months: agent '小李', outcome 'thinking'"), "\(changed.output)")
    }

    /// The whole report, printed from the file as it stands and from a copy without its month rows (counted from the calls).
    static func reports(_ fixture: Fixture, month: String, zone: [String: String]) throws -> (kept: String, fresh: String) {
        let copy = fixture.folder.appendingPathComponent("fresh.sqlite").path
        try? FileManager.default.removeItem(atPath: copy)
        _ = try Fixture.run("/usr/bin/sqlite3", [fixture.database, ".backup '\(copy)'"], environment: fixture.environment)
        _ = try Fixture.run("/usr/bin/sqlite3", [copy, "DELETE FROM report_month_outcomes"], environment: fixture.environment)
        let report = { (database: String) throws -> String in
            let result = try fixture.piped(["report", "--month", month], input: "", environment: zone.merging(["HUASHU_DB": database]) { $1 })
            #expect(result.status == 0, "\(result.output)")
            return result.output
        }
        return (try report(fixture.database), try report(copy))
    }

    @Test(arguments: [true, false])
    func aCallBegunInOneZoneAndEndedInAnotherIsCountedFromTheCalls(readWhereBegun: Bool) throws {
        let fixture = try Fixture()
        // 太贵了 into 价格高, and the line drops there; picked up again (an answer there) and ended in another zone.
        let input = (CallOutcomeTests.toQuote + ["太贵了", "", ".quit"]).joined(separator: "\n") + "\n"
        #expect(try fixture.piped(["call", "粤B12345"], input: input, environment: Self.shanghai).status == 0)
        let resumed = try fixture.piped(["resume", "1"], input: "3\n.end thinking\n", environment: Self.newYork)
        #expect(resumed.status == 0, "\(resumed.output)")
        let zone = readWhereBegun ? Self.shanghai : Self.newYork
        let (kept, fresh) = try Self.reports(fixture, month: Self.month(zone["TZ"]!), zone: zone)
        #expect(kept == fresh)
        #expect(try fixture.piped(["verify"], input: "", environment: zone).status == 0)
    }
}

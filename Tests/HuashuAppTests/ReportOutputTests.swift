import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import HuashuApp
import HuashuRenewal
import HuashuStore
import Testing

/// RFC 4180 as Excel writes it, read independently of the writer under test.
enum CSVText {
    static func parse(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var cell = ""
        var quoted = false
        var characters = Array(text.unicodeScalars)
        if characters.first == "\u{FEFF}" { characters.removeFirst() }
        var index = 0
        while index < characters.count {
            let c = characters[index]
            if quoted {
                if c == "\"" {
                    if index + 1 < characters.count && characters[index + 1] == "\"" {
                        cell.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    cell.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                row.append(cell)
                cell = ""
            } else if c == "\r" && index + 1 < characters.count && characters[index + 1] == "\n" {
                row.append(cell)
                rows.append(row)
                row = []
                cell = ""
                index += 1
            } else {
                cell.unicodeScalars.append(c)
            }
            index += 1
        }
        if !cell.isEmpty || !row.isEmpty { row.append(cell); rows.append(row) }
        return rows
    }
}

@Suite("huashu report: CSV, HTML and the command")
struct ReportOutputTests {
    /// Runs the built huashu with extra environment variables.
    static func run(_ fixture: Fixture, _ arguments: [String], environment extra: [String: String] = [:]) throws -> (status: Int32, output: String) {
        try fixture.piped(arguments, input: "", environment: extra)
    }

    @Test func theRecordSheetRoundTripsWithTheSameNumbers() throws {
        let month = try ReportMonthFixture()
        let report = try month.report()
        let file = month.fixture.folder.appendingPathComponent("sheet.csv").path
        let result = try Self.run(month.fixture, ["report", "--month", "2024-03", "--format", "csv", "--out", file, "--targets", month.targets])
        #expect(result.status == 0)
        #expect(result.output == "已写入 \(file)(2024年3月,csv)\n")
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF], "a BOM, so Excel reads UTF-8")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasSuffix("\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF after every line")
        let rows = CSVText.parse(text)
        #expect(rows.first == ["客户", "车牌", "专员", "到期日", "跟进次数", "最后跟进", "结果", "战败原因", "去向"])
        // The record sheet first, then each list after a blank row under its title.
        let body = Array(rows.dropFirst().prefix { $0 != [""] })
        #expect(body == [
            ["孙五", "粤B00005", "小李", "2024-03-05", "0", "", "未跟进", "", ""],
            ["张一", "粤B00001", "小李", "2024-03-10", "1", "2024-02-20 10:00", "成交", "", ""],
            ["王二", "粤B00002", "小李", "2024-03-15", "1", "2024-03-05 10:00", "战败", "价格", "平安"],
            ["赵三", "粤B00003", "小王", "2024-03-25", "1", "2024-03-10 10:00", "考虑中", "", ""],
            ["钱四", "粤B00004", "小王", "2024-03-28", "1", "2024-03-19 09:00", "未接通", "", ""],
            ["吴七", "粤B00007", "小李", "2024-03-30", "2", "2024-03-19 09:30", "成交", "", ""],
            ["郑八", "粤B00008", "小王", "2024-03-31", "1", "2024-03-20 08:00", "跟进中", "", ""],
        ])
        // The figures again, from the sheet alone.
        #expect(body.count == report.due.count)
        #expect(body.filter { $0[6] == "成交" }.count == report.won)
        #expect(ReportFigures.ratio(body.filter { $0[6] == "成交" }.count, body.count) == report.renewalRate)
        #expect(ReportFigures.counted(body.filter { $0[6] == "战败" }.map { $0[7] }) == report.lossByReason)
        #expect(ReportFigures.counted(body.filter { $0[6] == "战败" }.map { $0[8] }) == report.lossByInsurer)
        #expect(body.map { Int($0[4])! }.reduce(0, +) == report.due.map(\.calls).reduce(0, +))
        #expect(body.filter { !["成交", "战败", "勿扰", "号码错误"].contains($0[6]) }.count == report.open)
        let stdout = try Self.run(month.fixture, ["report", "--month", "2024-03", "--format", "csv"])
        #expect(Array(stdout.output.utf8) == bytes, "standard output gets the same bytes")
    }

    @Test func theHTMLPageIsSelfContainedWithFourWellFormedCharts() throws {
        let month = try ReportMonthFixture()
        let html = try ReportPage.html(month.report().document)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        for fetch in ["<script", "<link", "src=", "url(", "https:", "@import"] {
            #expect(!html.contains(fetch), "nothing fetched: \(fetch)")
        }
        #expect(html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "").contains("http:") == false)
        let charts = html.components(separatedBy: "<svg").dropFirst().map { "<svg" + $0.components(separatedBy: "</svg>")[0] + "</svg>" }
        #expect(charts.count == 4, "outcomes, loss reasons, achievement, rebuttal win rates")
        for chart in charts {
            let parser = XMLParser(data: Data(chart.utf8))
            #expect(parser.parse(), "well-formed SVG: \(parser.parserError.map { "\($0)" } ?? "")")
        }
        #expect(charts.map { $0.contains("aria-label=\"通话结果\"") || $0.contains("aria-label=\"战败原因\"")
                || $0.contains("aria-label=\"目标达成率\"") || $0.contains("aria-label=\"应对成交率(95% Wilson 区间)\"") } == [true, true, true, true])
        #expect(html.contains("28.6%"))
        #expect(html.contains(ReportPage.escape(MonthlyReport.uncontrolledDefinition)))
        #expect(ReportPage.escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        // The rebuttal chart: one bar per rebuttal, whiskers for the interval.
        let rebuttals = try #require(charts.last)
        #expect(rebuttals.components(separatedBy: "<rect").count - 1 == 4)
        #expect(rebuttals.contains("50.0% · n=2"))
    }

    /// A headless Chromium, when the machine has one (`apt-get install chromium-headless-shell`).
    static let chromium: String? = ["/usr/bin/chromium-headless-shell", "/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Renders a page and returns the PNG's bytes.
    static func screenshot(_ html: String, in folder: URL, name: String) throws -> [UInt8] {
        let page = folder.appendingPathComponent(name + ".html")
        let png = folder.appendingPathComponent(name + ".png")
        try html.write(to: page, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(chromium))
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1000,1400",
                             "--screenshot=" + png.path, page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return [UInt8](try Data(contentsOf: png))
    }

    @Test(.enabled(if: chromium != nil, "needs a headless Chromium"))
    func theHTMLPageRendersInHeadlessChromium() throws {
        let month = try ReportMonthFixture()
        let full = try Self.screenshot(try ReportPage.html(month.report().document), in: month.fixture.folder, name: "full")
        let empty = try Self.screenshot(try ReportPage.html(month.report(month: "2024-06").document), in: month.fixture.folder, name: "empty")
        for png in [full, empty] {
            #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect([width, height] == [1000, 1400] as [Int])
        }
        // A blank page compresses to a few kilobytes; text, tables, tiles and bars do not.
        #expect(full.count > 60_000 && empty.count > 60_000)
        #expect(full != empty)
    }

    @Test func theCommandPrintsTheTableAndTakesTargetsFromTheEnvironment() throws {
        let month = try ReportMonthFixture()
        let table = try Self.run(month.fixture, ["report", "--month", "2024-03"], environment: ["HUASHU_TARGETS": month.targets])
        #expect(table.status == 0)
        #expect(table.output.hasPrefix("续保月报 2024年3月 · 统计日 "))
        #expect(table.output.contains("本月到期 7 人, 已续保(成交) 2 人, 续保率 28.6%"))
        #expect(table.output.contains("六、专员业绩(目标: \(month.targets))"))
        let li = try #require(table.output.split(separator: "\n").first { $0.hasPrefix("  小李 ") })
        #expect(Array(li.split(separator: " ").prefix(6)) == ["小李", "5", li.split(separator: " ")[2], "3", "2", "2"])
        #expect(li.hasSuffix("100.0%  ≥100%     50   100"))
        let noTargets = try Self.run(month.fixture, ["report", "--month", "2024-03", "--agent", "小赵"])
        #expect(noTargets.status == 0)
        #expect(noTargets.output.contains("续保月报 2024年3月 · 专员 小赵"))
        #expect(noTargets.output.contains("没有目标文件"))
        let html = month.fixture.folder.appendingPathComponent("report.html").path
        let page = try Self.run(month.fixture, ["report", "--month", "2024-03", "--format", "html", "--out", html, "--targets", month.targets])
        #expect(page.status == 0)
        #expect(try String(contentsOfFile: html, encoding: .utf8).contains("<svg"))
        // Scripts that cannot be read: the report still comes, and says what it lacks without them.
        let unscripted = try Self.run(month.fixture, ["report", "--month", "2024-03", "--dialogues", "/nonexistent/Dialogues"])
        #expect(unscripted.status == 0)
        #expect(unscripted.output.contains("huashu: warning: no such file or folder: /nonexistent/Dialogues; section 八 counts only the objection handlers the scripts name"),
                "\(unscripted.output)")
        #expect(unscripted.output.contains("续保月报 2024年3月"))
        let bad = try Self.run(month.fixture, ["report", "--format", "xml"])
        #expect(bad.status != 0)
        let missing = try Self.run(month.fixture, ["report", "--targets", "/nonexistent/targets.txt"])
        #expect(missing.status == 1)
        #expect(missing.output.contains("the targets file (from --targets or $HUASHU_TARGETS): cannot read /nonexistent/targets.txt: No such file or directory"))
    }
}

import HuashuCalendar
import Foundation
@testable import HuashuApp
import HuashuStore
import Testing

/// Stored text that tries to drive the terminal or a spreadsheet, fed in
/// through a ledger, a note and `.end lost`: every command writes it visibly,
/// never raw, and every CSV cell that would run as a formula starts with `'`.
@Suite("Hostile text in, safe bytes out", .serialized)
struct HostileTextTests {
    /// Retitles the window.
    static let name = "张\u{1B}]0;pwned\u{07}伟"
    /// Clears the screen and draws a fake line.
    static let model = "\u{1B}[2J\u{1B}[H客户已续保\u{9B}1m"
    /// A hidden link in a note, with a phone number written with separators.
    static let note = "\u{1B}]8;;http://evil.example\u{07}点我\u{1B}]8;;\u{07} 电话139-1234-5678 \u{202E}反向"

    static func ledger(_ fixture: Fixture, extraRow: String = "") throws -> String {
        let today = LocalDay.string(Date())
        let path = fixture.folder.appendingPathComponent("ledger.csv").path
        try """
            客户姓名,联系电话,车牌号,车型,上年承保公司,商业险到期日,备注
            "\(name)",13912345678,粤B99999,"\(model)","=HYPERLINK(""http://x"",""点我"")",\(today),@SUM(A1:A9)
            \(extraRow)
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func hasNoControlCodes(_ bytes: some Sequence<UInt8>, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = String(decoding: Array(bytes), as: UTF8.self)
        let raw = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n" && $0 != "\r") || (0x7F...0x9F).contains($0.value) || $0 == "\u{202E}" }
        #expect(raw.isEmpty, "\(what) wrote control codes raw: \(raw.map { String($0.value, radix: 16) })", sourceLocation: sourceLocation)
    }

    @Test func everyCommandWritesStoredTextVisibly() throws {
        let fixture = try Fixture()
        let imported = try fixture.piped(["import", try Self.ledger(fixture)], input: "")
        #expect(imported.status == 0, "\(imported.output)")
        let call = try fixture.piped(["call", "粤B99999"], input: "1\n.note \(Self.note)\n.end lost price 平\u{1B}[2J安\n")
        #expect(call.status == 0)
        Self.hasNoControlCodes(call.output.utf8, "the piped call screen")
        #expect(call.output.contains("张␛]0;pwned␇伟"))
        #expect(try fixture.store.steps(of: 1).contains { $0.note == Self.note }, "the log keeps the text as typed")

        let calls = try fixture.piped(["calls"], input: "")
        Self.hasNoControlCodes(calls.output.utf8, "calls")
        #expect(calls.output.contains("去向平␛[2J安"))

        let replay = try fixture.piped(["replay", "1"], input: "")
        Self.hasNoControlCodes(replay.output.utf8, "replay")
        #expect(replay.output.contains("备注: ␛]8;;http://evil.example␇点我␛]8;;␇ 电话139****5678 <U+202E>反向"))
        #expect(!replay.output.contains("1234"), "no phone digits in full")

        let table = try fixture.piped(["report"], input: "")
        #expect(table.status == 0)
        Self.hasNoControlCodes(table.output.utf8, "report")

        let sheet = fixture.folder.appendingPathComponent("report.csv").path
        #expect(try fixture.piped(["report", "--format", "csv", "--out", sheet], input: "").status == 0)
        let csv = try String(contentsOfFile: sheet, encoding: .utf8)
        Self.hasNoControlCodes(csv.utf8, "report --format csv")
        #expect(csv.contains("张␛]0;pwned␇伟"))
        #expect(try FileManager.default.attributesOfItem(atPath: sheet)[.posixPermissions] as? Int == 0o600)

        // The page escapes HTML and shows control codes as everywhere else: a page opened in a terminal pager stays a page.
        let page = try fixture.piped(["report", "--format", "html"], input: "")
        Self.hasNoControlCodes(page.output.utf8, "report --format html")
        #expect(page.output.contains("<td>张␛]0;pwned␇伟</td>"))
        #expect(page.output.contains("平␛[2J安"), "the destination typed at .end lost, in the lost calls' list")
    }

    @Test func formulaCellsAreNeutralisedInTheReportAndTheRejectedRows() throws {
        let fixture = try Fixture()
        let path = try Self.ledger(fixture, extraRow: "=1+2,123,粤8888,+cmd|' /C calc'!A0,-3,2026/13/45,@x")
        let imported = try fixture.piped(["import", "--skip-bad-rows", path], input: "")
        #expect(imported.status == 0, "\(imported.output)")
        _ = try fixture.piped(["call", "粤B99999"], input: "1\n.end lost price =2+3\n")
        let sheet = fixture.folder.appendingPathComponent("sheet.csv").path
        #expect(try fixture.piped(["report", "--format", "csv", "--out", sheet], input: "").status == 0)
        let csv = try String(contentsOfFile: sheet, encoding: .utf8)
        #expect(csv.contains(",'=2+3"), "the destination typed at .end lost")
        #expect(!csv.contains(",=2+3"))

        let rejected = fixture.folder.appendingPathComponent("ledger.rejected.csv").path
        let bytes = try String(contentsOfFile: rejected, encoding: .utf8)
        for cell in ["'=1+2", "'+cmd|' /C calc'!A0", "'-3", "'@x"] {
            #expect(bytes.contains(cell), "\(cell) in \(bytes)")
        }
        let cells = bytes.split(whereSeparator: { $0 == "," || $0 == "\n" || $0 == "\r\n" })
        #expect(!cells.contains { $0.first.map { "=+-@".contains($0) } == true })
        #expect(try FileManager.default.attributesOfItem(atPath: rejected)[.posixPermissions] as? Int == 0o600)
    }

    @Test func importErrorsNeverPrintAFullIDNumber() throws {
        let fixture = try Fixture()
        let path = fixture.folder.appendingPathComponent("ids.csv").path
        try "客户姓名,车牌号,联系电话,身份证号\n张伟,粤B99999,13912345678,440301199001011235\n李强,粤B99998,1391234567,44030119900101123X\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        // Both vehicles import; the bad ID number and the short phone are held for review, and said so.
        let result = try fixture.piped(["import", path], input: "")
        #expect(result.output.contains("held for review"), "\(result.output)")
        #expect(!result.output.contains("440301199001011235") && !result.output.contains("44030119900101123X"), "\(result.output)")
    }

    @Test func theCallScreenOnATerminalShowsLedgerCellsVisibly() throws {
        let fixture = try Fixture()
        #expect(try fixture.piped(["import", try Self.ledger(fixture)], input: "").status == 0)
        let terminal = try fixture.terminal("call", "粤B99999")
        terminal.waitFor("张␛]0;pwned␇伟")
        terminal.waitFor("␛[H客户已续保<U+009B>1m")
        terminal.type(".end lost price 平\u{1B}[2J安\r")
        #expect(terminal.waitForExit() == 0)
        let written = String(decoding: terminal.written, as: UTF8.self)
        #expect(!written.contains("\u{1B}]0;"), "no window title set")
        #expect(!written.contains("\u{1B}[2J") && !written.contains("\u{1B}[H客户"), "no screen cleared, no line drawn over")
        #expect(!written.contains("\u{9B}"))
    }

    @Test func inputWithNULOrAMegabyteIsRefusedWithAMessage() throws {
        let fixture = try Fixture()
        let long = String(repeating: "太贵了", count: 400_000)
        let result = try fixture.piped(["call", "粤B12345"], input: ".note 下周\u{0}再打\n\(long)\n.quit\n")
        #expect(result.status == 0)
        #expect(result.output.contains("这一行含有空字符(NUL),没有处理"))
        #expect(result.output.contains("这一行超过 2000 个字,没有处理"))
        #expect(try fixture.store.steps(of: 1).count == 1, "neither line was logged")
    }

    @Test func theHistoryFileKeepsCommandsAndSearchesMaskedNeverNotes() throws {
        let fixture = try Fixture()
        let history = fixture.folder.appendingPathComponent("history").path
        let terminal = try fixture.terminal("call", "粤B12345")
        terminal.waitFor("是我")
        for line in [".note 客户身份证440301199001011234住在南山", "。note 全角句号的备注 13912345678", "太贵了 他说139 1234 5678", ".objections"] {
            let mark = terminal.mark
            terminal.type(line + "\r")
            terminal.waitFor(line.hasPrefix(".o") ? "异议" : ">", since: mark)
        }
        terminal.type(".quit\r")
        #expect(terminal.waitForExit() == 0)
        let kept = try String(contentsOfFile: history, encoding: .utf8)
        #expect(!kept.contains("南山") && !kept.contains("全角句号"), "notes never reach the history file: \(kept)")
        #expect(!kept.contains("1234 5678") && !kept.contains("440301199001011234"))
        #expect(kept.contains("objections"))
        #expect(try FileManager.default.attributesOfItem(atPath: history)[.posixPermissions] as? Int == 0o600)
    }

    @Test func aHistoryFileAnOlderVersionWroteIsScrubbedAtTheNextCall() throws {
        let fixture = try Fixture()
        let history = fixture.folder.appendingPathComponent("history").path
        // libedit's own format, as an older huashu saved notes and unmasked searches.
        let old = "_HiStOrY_V2_\n.note\\040寄到南山区科技园\n.record\\040交付\\040寄到福田区\n太贵了\\040139\\0401234\\0405678\n.objections\n"
        try Data(old.utf8).write(to: URL(fileURLWithPath: history))
        let terminal = try fixture.terminal("call", "粤B12345")
        terminal.waitFor("是我")
        terminal.type(".quit\r")
        #expect(terminal.waitForExit() == 0)
        let kept = try String(contentsOfFile: history, encoding: .utf8)
        #expect(!kept.contains("南山") && !kept.contains("福田"), "old notes and records are gone: \(kept)")
        let search = try #require(kept.split(separator: "\n").first { $0.hasPrefix("太贵了") }, "the search stays: \(kept)")
        #expect(!search.contains("1234") && search.contains("5678"), "old searches are masked: \(search)")
        #expect(kept.contains("objections"))
    }
}

import Foundation
import HuashuCalendar
@testable import HuashuApp
import HuashuStore
import Testing

/// What the month's calls recorded, in `huashu report`'s every format: the
/// phones to fix, the second vehicles that became leads, the facts of sales
/// and losses; and the workbook read back by another program (openpyxl)
/// holding the same figures as the CSV.
@Suite("huashu report: corrections, leads, sales and losses, and the workbook", .serialized)
struct ReportListsTests {
    /// A desk after four calls: a committed sale with its facts and a second vehicle, a loss with a
    /// price gap, a wrong number; a ledger customer with no phone, and one whose name starts like a formula.
    static func desk() throws -> Fixture {
        let fixture = try Fixture()
        let today = LocalDay.string(Date())
        _ = try fixture.store.upsert([
            Customer(plate: "粤B55555", name: "赵敏", honorific: "女士", phone: "13600005555", commercialExpiry: today, grade: "B"),
            Customer(plate: "粤B66666", name: "=1+2", phone: nil, commercialExpiry: today, grade: "C", phoneInvalid: true),
        ])
        let sale = CallOutcomeTests.toQuote + [".record 险种 交强险 车损 三者100万", ".record 保费 4860", ".record 付款 扫码",
                                               ".record 交付 电子保单", ".record 另一台车 粤B99999 宝马X3", ".end committed"]
        for (plate, lines) in [("粤B12345", sale), ("粤B67890", [".end lost friend 太平洋 450"]), ("粤B55555", [".end wrong_number"])] {
            let result = try fixture.piped(["call", plate], input: lines.joined(separator: "\n") + "\n")
            #expect(result.status == 0, "\(plate): \(result.output)")
        }
        return fixture
    }

    @Test func theTableShowsEachList() throws {
        let fixture = try Self.desk()
        let table = try fixture.piped(["report"], input: "")
        #expect(table.status == 0, "\(table.output)")
        let lines = table.output.split(separator: "\n").map(String.init)
        func rows(under title: String) throws -> [String] {
            let start = try #require(lines.firstIndex { $0.hasPrefix(title) }, "\(title)")
            return Array(lines[(start + 1)...].prefix { $0.hasPrefix("  ") })
        }
        let corrections = try rows(under: "九、信息更正(待更正电话 2 人)")
        #expect(corrections.count == 3)
        #expect(corrections.contains { $0.contains("赵敏 #4") && $0.contains("136****5555") && $0.contains("号码错误") && $0.contains(LocalDay.string(Date())) })
        #expect(corrections.contains { $0.contains("=1+2 #5") && $0.contains("无电话") && $0.contains("缺少有效电话") })
        let leads = try rows(under: "十、新线索(本月通话中记下的另一台车 1 台)")
        #expect(leads.count == 2)
        #expect(leads[1].split(separator: " ").prefix(5) == ["粤B99999", "宝马X3", "张伟", "138****5678", "粤B12345"])
        let sales = try rows(under: "十一、成交记录(本月成交或已承诺的通话 1 通)")
        #expect(sales.count == 2)
        #expect(sales[1].contains("已承诺未付款        交强险 车损 三者100万  4860  扫码      电子保单"), "no quote typed: the premium recorded")
        let losses = try rows(under: "十二、战败记录(本月战败的通话 1 通)")
        #expect(losses.count == 2)
        #expect(losses[1].hasSuffix("王芳  粤B67890  小李  朋友/代理  太平洋   450"))
        #expect(!table.output.contains("13600005555") && !table.output.contains("13812345678"), "phones masked")

        let page = try fixture.piped(["report", "--format", "html"], input: "")
        #expect(page.output.contains("<h2>十、新线索(本月通话中记下的另一台车 1 台)</h2>"))
        #expect(page.output.contains("<td>交强险 车损 三者100万</td><td class=\"n\">4860</td><td>扫码</td><td>电子保单</td>"))
        #expect(page.output.contains("<td>朋友/代理</td><td>太平洋</td><td class=\"n\">450</td>"))
    }

    @Test func theCSVListsFollowTheRecordSheet() throws {
        let fixture = try Self.desk()
        let rows = CSVText.parse(try fixture.piped(["report", "--format", "csv"], input: "").output)
        #expect(rows.first == ["客户", "车牌", "专员", "到期日", "跟进次数", "最后跟进", "结果", "战败原因", "去向"])
        #expect(rows.contains(["'=1+2", "粤B66666", "", LocalDay.string(Date()), "0", "", "未跟进", "", ""]), "a formula-like name is neutralised")
        let titles = rows.filter { $0.count == 1 && $0 != [""] }.map { $0[0] }
        #expect(titles == ["九、信息更正(待更正电话 2 人)", "十、新线索(本月通话中记下的另一台车 1 台)",
                           "十一、成交记录(本月成交或已承诺的通话 1 通)", "十二、战败记录(本月战败的通话 1 通)"])
        let sale = try #require(rows.first { $0.first == "#1" })
        #expect(Array(sale.dropFirst(5)) == ["已承诺未付款", "", "交强险 车损 三者100万", "4860", "扫码", "电子保单"])
        let loss = try #require(rows.first { $0.first == "#2" })
        #expect(Array(loss.dropFirst(5)) == ["朋友/代理", "太平洋", "450"])
    }

    /// A month with more sales than the terminal lists: the table shows the most recent `ListedCalls.terminalLines`,
    /// oldest first, and a last line with how many more there are and the command that lists them all; a list under
    /// the cap is whole with no such line; CSV and HTML keep every call.
    @Test func theTableCutsALongListShortAndTheFilesKeepEveryCall() throws {
        let fixture = try Self.desk()
        let cap = ListedCalls.terminalLines, extra = cap + 17
        _ = try fixture.sqlite("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(extra + 3))
            INSERT INTO calls (customer_id, agent, started_at, ended_at, outcome, script_version, training, context)
            SELECT 1 + i % 2, CASE WHEN i % 5 = 0 THEN '小王' ELSE '小李' END,
                   strftime('%Y-%m-%dT%H:%M:%fZ', 'now', 'start of month', '+1 day', '+' || i || ' minutes'),
                   strftime('%Y-%m-%dT%H:%M:%fZ', 'now', 'start of month', '+1 day', '+' || i || ' minutes', '+90 seconds'),
                   CASE WHEN i > \(extra) THEN 'lost' WHEN i % 2 = 0 THEN 'won' ELSE 'committed' END, 'v', 0, '{}'
            FROM n
            """)
        let ids = try fixture.sqlite("SELECT group_concat(id) FROM (SELECT id FROM calls WHERE outcome IN ('won', 'committed') ORDER BY started_at, id)")
            .split(separator: ",").map { "#\($0)" }
        #expect(ids.count == extra + 1)

        let table = try fixture.piped(["report"], input: "")
        #expect(table.status == 0, "\(table.output)")
        let lines = table.output.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.hasPrefix("十一、成交记录(本月成交或已承诺的通话 \(extra + 1) 通)") }, "\(table.output)")
        let section = Array(lines[(start + 1)...].prefix { $0.hasPrefix("  ") })
        #expect(section.count == 1 + cap + 1, "a header, the capped rows and the pointer line")
        #expect(section.dropFirst().prefix(cap).map { String($0.dropFirst(2).prefix { $0 != " " }) } == Array(ids.suffix(cap)), "the most recent, oldest first")
        let month = String(LocalDay.string(Date()).prefix(7))
        #expect(section.last == "  只列出最近的 \(cap) 通, 另有 \(extra + 1 - cap) 通未列出; 全部: huashu report --month \(month) --format csv --out 文件.csv(或 --format html、xlsx)")
        let losses = try #require(lines.firstIndex { $0.hasPrefix("十二、战败记录(本月战败的通话 4 通)") })
        #expect(lines[(losses + 1)...].prefix { $0.hasPrefix("  ") }.count == 5, "a list under the cap is whole, with no pointer line")

        let agent = try fixture.piped(["report", "--agent", "小李"], input: "")
        #expect(agent.output.contains("全部: huashu report --month \(month) --agent 小李 --format csv"), "\(agent.output)")

        let csv = CSVText.parse(try fixture.piped(["report", "--format", "csv"], input: "").output)
        #expect(ids.allSatisfy { id in csv.contains { $0.first == id } }, "every sale in the CSV")
        #expect(!csv.contains { $0.first?.hasPrefix("只列出") ?? false })
        let page = try fixture.piped(["report", "--format", "html"], input: "").output
        #expect(ids.allSatisfy { page.contains("<td>\($0)</td>") }, "every sale in the page")
    }

    /// CSV and HTML are written as the month's calls are read (to standard output and to `--out`), byte for byte what
    /// the same document gathered whole gives: a long list of sales and losses, an agent's, and a month with none.
    @Test func theFilesWrittenAsReadAreTheBytesOfTheWholeReport() throws {
        let fixture = try Self.desk()
        _ = try fixture.sqlite("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 700)
            INSERT INTO calls (customer_id, agent, started_at, ended_at, outcome, loss_reason, lost_to, quote, script_version, training, context)
            SELECT 1 + i % 2, CASE WHEN i % 5 = 0 THEN '小王' ELSE '小李' END,
                   strftime('%Y-%m-%dT%H:%M:%fZ', 'now', 'start of month', '+1 day', '+' || (i / 3) || ' minutes'),
                   strftime('%Y-%m-%dT%H:%M:%fZ', 'now', 'start of month', '+1 day', '+' || (i / 3) || ' minutes', '+90 seconds'),
                   CASE i % 3 WHEN 0 THEN 'lost' WHEN 1 THEN 'won' ELSE 'committed' END, CASE WHEN i % 3 = 0 THEN 'price' END,
                   CASE WHEN i % 6 = 0 THEN '平安, "直销" <&>' END, 4000 + i, 'v', i % 50 = 0, '{}'
            FROM n
            """)
        let month = String(LocalDay.string(Date()).prefix(7))
        for (format, agent, when) in [(MonthlyReportCommand.Format.csv, nil, month), (.html, nil, month), (.csv, "小王", month), (.html, "小李", month),
                                      (.csv, nil, "2024-06"), (.html, nil, "2024-06")] {
            // Gathered whole: the workbook's way, every call read into memory first.
            let options = MonthlyReportCommand.Options(database: .file(fixture.database), dialogues: [Fixture.repository.appendingPathComponent("Dialogues").path],
                                                       month: when, agent: agent, format: .xlsx)
            let document = try MonthlyReportCommand.build(options).document
            let whole = try format == .csv ? ReportSheet.csv(document) : Array(ReportPage.html(document).utf8)
            let arguments = ["report", "--month", when, "--format", format.rawValue] + (agent.map { ["--agent", $0] } ?? [])
            let printed = try fixture.piped(arguments, input: "", environment: ["HUASHU_TARGETS": ""])
            #expect(printed.status == 0 && Array(printed.output.utf8) == whole, "\(arguments)")
            let file = fixture.folder.appendingPathComponent("report.\(format.rawValue)").path
            let written = try fixture.piped(arguments + ["--out", file], input: "", environment: ["HUASHU_TARGETS": ""])
            #expect(written.status == 0 && written.output.hasPrefix("已写入 \(file)"), "\(written.output)")
            #expect(try Array(Data(contentsOf: URL(fileURLWithPath: file))) == whole, "\(arguments) --out")
            // Not a test of nothing: the month's last call of the list (id 702, or 698 for 小王) is there.
            #expect(when != month || String(decoding: whole, as: UTF8.self).contains(agent == "小王" ? "#698" : "#702"), "\(arguments)")
        }
    }

    /// openpyxl's reading of every sheet: each cell's value, type (`n` number, `s` string, `f` formula) and number format.
    static let openpyxl = """
        import json, sys, datetime, openpyxl
        book = openpyxl.load_workbook(sys.argv[1])
        out = {}
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows():
                cells = []
                for cell in row:
                    value = cell.value
                    if isinstance(value, (datetime.datetime, datetime.date)): value = value.strftime('%Y-%m-%d')
                    elif isinstance(value, datetime.time): value = value.strftime('%M:%S')
                    cells.append([value, cell.data_type, cell.number_format])
                rows.append(cells)
            widths = {key: dim.width for key, dim in sheet.column_dimensions.items()}
            out[sheet.title] = {'rows': rows, 'widths': widths}
        json.dump({'order': book.sheetnames, 'sheets': out}, sys.stdout, ensure_ascii=False)
        """

    struct Workbook: Decodable {
        struct Sheet: Decodable {
            let rows: [[[Value]]]
            let widths: [String: Double]
        }

        enum Value: Decodable, Equatable {
            case text(String), number(Double), none

            init(from decoder: Decoder) throws {
                let container = try decoder.singleValueContainer()
                if container.decodeNil() { self = .none } else if let number = try? container.decode(Double.self) { self = .number(number) } else {
                    self = .text(try container.decode(String.self))
                }
            }

            /// As the CSV writes it (a whole number without a fraction).
            var csv: String {
                switch self {
                case .text(let text): return text
                case .number(let number): return number == number.rounded() ? String(Int(number)) : String(number)
                case .none: return ""
                }
            }
        }

        let order: [String]
        let sheets: [String: Sheet]
    }

    /// A CSV cell without the `'` that neutralised a formula-like start (`'=1+2`, `'-`).
    enum SpreadsheetCellText {
        static func plain(_ cell: String) -> String {
            cell.hasPrefix("'") && ["=", "+", "-", "@"].contains(cell.dropFirst().first) ? String(cell.dropFirst()) : cell
        }
    }

    static func read(_ path: String) throws -> Workbook {
        let result = try Fixture.run("/usr/bin/python3", ["-c", openpyxl, path], environment: ["LANG": "C.UTF-8"])
        #expect(result.status == 0, "\(result.output)")
        return try JSONDecoder().decode(Workbook.self, from: Data(result.output.utf8))
    }

    static let haveOpenpyxl = (try? Fixture.run("/usr/bin/python3", ["-c", "import openpyxl"], environment: [:]).status) == 0

    @Test(.enabled(if: haveOpenpyxl, "needs python3-openpyxl (Scripts/setup)"))
    func theWorkbookHoldsTheCSVsFiguresAsNumbers() throws {
        let fixture = try Self.desk()
        let path = fixture.folder.appendingPathComponent("月报.xlsx").path
        let written = try fixture.piped(["report", "--format", "xlsx", "--out", path], input: "")
        #expect(written.status == 0, "\(written.output)")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int == 0o600)
        let book = try Self.read(path)
        #expect(book.order == ["续保率", "通话结果", "战败原因", "失控客户", "脱保客户", "专员业绩", "回访纪律", "异议与应对",
                               "跟进记录", "信息更正", "新线索", "成交记录", "战败记录", "说明"])

        // Every CSV section, cell by cell, on its sheet: the record sheet first, then each list under its title.
        let csv = CSVText.parse(try fixture.piped(["report", "--format", "csv"], input: "").output)
        var sections: [[[String]]] = [[]]
        for row in csv {
            if row == [""] { sections.append([]) } else { sections[sections.count - 1].append(row) }
        }
        #expect(sections.count == 5)
        for (index, section) in sections.enumerated() {
            let sheet = try #require(book.sheets[["跟进记录", "信息更正", "新线索", "成交记录", "战败记录"][index]])
            // A sheet: its title, a blank row, the header, the rows. The CSV's first section has no title row.
            let table = index == 0 ? section : Array(section.dropFirst())
            if index > 0 { #expect(sheet.rows[0].first?.first?.csv == section[0][0]) }
            func trimmed(_ row: [String]) -> [String] { Array(row.reversed().drop { $0.isEmpty }.reversed()) }
            let cells = sheet.rows.dropFirst(2).prefix(table.count).map { trimmed($0.map { $0[0].csv }) }
            // The CSV neutralises a formula-like cell with `'`; the workbook needs not, its strings are never evaluated.
            #expect(cells == table.map { trimmed($0.map { SpreadsheetCellText.plain($0) }) }, "\(sheet)")
        }

        // Types: counts and amounts are numbers, dates are dates, a formula-like name is a string.
        let record = try #require(book.sheets["跟进记录"])
        let header = record.rows[2].map { $0[0].csv }
        for row in record.rows.dropFirst(3) {
            #expect(row[header.firstIndex(of: "跟进次数")!][1] == .text("n"))
            #expect(row[header.firstIndex(of: "到期日")!][2] == .text("yyyy-mm-dd"))
        }
        let named = try #require(record.rows.first { $0[0][0] == .text("=1+2") })
        #expect(named[0][1] == .text("s"), "a string, never a formula")
        let sales = try #require(book.sheets["成交记录"])
        #expect(sales.rows[3].map { $0[1] }[8] == .text("n"), "the premium is a number")
        #expect(sales.rows[3].map { $0[0] }[8] == .number(4860))

        // Summary figures are numbers too: percentages as ratios, shown as percentages.
        let outcomes = try #require(book.sheets["通话结果"])
        let table = try fixture.piped(["report"], input: "").output
        let shares = outcomes.rows.dropFirst(3).filter { $0.count >= 3 }
        #expect(!shares.isEmpty)
        for row in shares {
            guard case .number(let ratio) = row[2][0], case .number(let count) = row[1][0] else {
                Issue.record("not numbers: \(row)")
                continue
            }
            #expect(row[2][2] == .text("0.0%"))
            #expect(table.contains("\(row[0][0].csv)  ") && table.contains(String(format: "%.1f%%", ratio * 100)))
            #expect(count >= 1)
        }

        // Columns fit their Chinese text: two units a character.
        let widest = record.rows.dropFirst(2).map { $0[0][0].csv.displayWidth }.max() ?? 0
        #expect((record.widths["A"] ?? 0) >= Double(widest))
    }

    @Test func aWorkbookIsNotPrintedOnATerminal() throws {
        let fixture = try Fixture()
        let terminal = try fixture.terminal("report", "--format", "xlsx")
        terminal.waitFor("--out FILE.xlsx")
        #expect(terminal.waitForExit() == 1)
    }
}

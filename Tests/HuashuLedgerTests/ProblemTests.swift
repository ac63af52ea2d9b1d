import Testing
import HuashuLedger

/// A bad row is rejected, never imported half-right, and every problem says
/// where it is the way the agent will look for it: Excel's row number and
/// the column's header text.
@Suite("Row problems")
struct ProblemTests {
    let parse: LedgerParse

    init() throws {
        parse = try Fixture.read([
            "客户姓名,联系电话,身份证号,车牌号,商业险到期日,出险次数",
            "张三,13812345678,440301199003071230,粤B12345,2026/11/22,0",       // row 2: good
            "李四,1381234567,440301199003071230,粤B12346,2026/11/22,1",        // row 3: phone
            "王五,13812345679,440301199003071231,粤B12347,2026/11/22,0",       // row 4: ID check digit
            "赵六,13812345670,,粤12347,2026/11/22,0",                          // row 5: plate
            "孙七,13812345671,,粤B12348,2026/02/30,0",                         // row 6: date
            "周八,13812345672,,粤b 12345,2026/11/23,0",                        // row 7: duplicate of row 2
            ",13812345673,,粤B12349,2026/11/22,-1",                            // row 8: no name, bad count
            ",,,,,",                                                           // row 9: blank, skipped
            "吴九,13812345674,,,2026/11/22,",                                  // row 10: no plate
            "郑十,13812345675,,粤B12350,2026/11/22,0,多出来的",                 // row 11: a cell beyond the header
            "钱一,13812345676",                                                // row 12: short row, missing plate
            "冯二,13812345677,,粤B12351",                                      // row 13: short but complete
        ])
    }

    @Test func eachProblemNamesItsRowAndColumn() {
        #expect(parse.problems.map(\.description) == [
            "row 3, column 联系电话: `1381234567` is not a valid phone number (11-digit mobile starting with 1, or a landline with area code such as 020-12345678)",
            "row 4, column 身份证号: `440301199003071231` is not a valid ID number: the last character should be 0 for the 17 digits before it, so one of them is probably mistyped",
            "row 5, column 车牌号: `粤12347` is not a valid plate (a province character such as 粤, a letter, then 5 letters or digits, or 6 for a new-energy vehicle: 粤B12345, 粤BD12345)",
            "row 6, column 商业险到期日: `2026/02/30` is not a valid date (2026-02 has 28 days)",
            "row 7, column 车牌号: plate 粤B12345 already appears in row 2; keep one row per vehicle",
            "row 8, column 客户姓名: the customer name is empty",
            "row 8, column 出险次数: `-1` is not a whole number of times (0, 1, 2, ...)",
            "row 10, column 车牌号: the plate is empty; every customer needs the plate of the insured vehicle",
            "row 11, column column G: `多出来的` is outside the header's 6 columns; a cell may contain an unquoted comma",
            "row 12, column 车牌号: the plate is empty; every customer needs the plate of the insured vehicle",
        ])
    }

    @Test func onlyRowsWithoutProblemsBecomeRecords() {
        #expect(parse.records.map(\.row) == [2, 13])
        #expect(parse.records.map(\.name) == ["张三", "冯二"])
        #expect(parse.records.last?.commercialExpiry == nil)
    }

    @Test func rejectedRowsKeepTheirCellsAsRead() {
        #expect(parse.rejectedRows.map(\.row) == [3, 4, 5, 6, 7, 8, 10, 11, 12])
        #expect(parse.rejectedRows.first?.cells == ["李四", "1381234567", "440301199003071230", "粤B12346", "2026/11/22", "1"])
        #expect(parse.rejectedRows.last?.cells == ["钱一", "13812345676"])
    }

    @Test func problemsAreSortedByRow() {
        let rows = parse.problems.map(\.row)
        #expect(rows == rows.sorted())
    }

    @Test func aDuplicateIsFoundAfterNormalisingThePlate() throws {
        let problems = try Fixture.problems(header: "客户姓名,车牌号", rows: ["张三,粤B12345", "李四,粤b·12345", "王五,粤Ｂ１２３４５"])
        #expect(problems == [
            "row 3, column 车牌号: plate 粤B12345 already appears in row 2; keep one row per vehicle",
            "row 4, column 车牌号: plate 粤B12345 already appears in row 2; keep one row per vehicle",
        ])
    }

    @Test func aRowWithSeveralProblemsReportsThemAllInColumnOrder() throws {
        let problems = try Fixture.read([
            "车牌号,客户姓名,联系电话,客户等级,客户类型",
            "粤B1,,12345,E,挑剔",
        ]).problems
        #expect(problems.map(\.column) == ["车牌号", "客户姓名", "联系电话", "客户等级", "客户类型"])
        #expect(problems.allSatisfy { $0.row == 2 })
    }

    @Test func emptyCellsBeyondTheHeaderAreNotAProblem() throws {
        // Excel pads rows with commas when a cell far to the right was ever formatted.
        let parse = try Fixture.read(["客户姓名,车牌号", "张三,粤B12345,,,,"])
        #expect(parse.problems == [])
        #expect(parse.records.count == 1)
    }

    @Test func anUnclosedQuoteSwallowsTheRestAndSaysSo() throws {
        let parse = try Fixture.read([
            "客户姓名,车牌号,备注",
            "张三,粤B12345,\"要发票",
            "李四,粤B12346,",
        ])
        #expect(parse.records.isEmpty)
        #expect(parse.problems.map(\.description) == [
            "row 2, column 备注: a quoted cell starts here and its closing quote (\") is missing, so the rest of the file was read into it",
        ])
    }

    @Test func nulBytesInACellAreAProblemNotACrash() throws {
        let bytes = Array("客户姓名,车牌号\r\n张\u{0}三,粤B12345\r\n李四,粤B12346\r\n".utf8)
        let parse = try LedgerReader.read(bytes)
        #expect(parse.records.map(\.name) == ["李四"])
        #expect(parse.problems.map(\.column) == ["客户姓名"])
        #expect(parse.problems.first?.message.contains("NUL") == true)
    }

    @Test func longValuesAreShortenedInMessages() throws {
        let long = String(repeating: "1", count: 500)
        let problems = try Fixture.read(["客户姓名,车牌号,联系电话", "张三,粤B12345,\(long)"]).problems
        #expect(problems.count == 1)
        #expect((problems.first?.message.count ?? 0) < 200)
        #expect(problems.first?.message.contains("…") == true)
    }
}

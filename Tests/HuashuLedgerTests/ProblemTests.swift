import Testing
import HuashuLedger

/// Only a row that names no usable vehicle (or a damaged line) is rejected;
/// a bad cell elsewhere is held for review and left out of the record, and
/// every problem says where it is the way the agent will look for it: Excel's
/// row number and the column's header text.
@Suite("Row problems")
struct ProblemTests {
    let parse: LedgerParse

    init() throws {
        parse = try Fixture.read([
            "客户姓名,联系电话,身份证号,车牌号,商业险到期日,出险次数",
            "张三,13812345678,440301199003071230,粤B12345,2026/11/22,0",       // row 2: good
            "李四,1381234567,440301199003071230,粤B12346,2026/11/22,1",        // row 3: phone cut short: no phone
            "王五,13812345679,440301199003071231,粤B12347,2026/11/22,0",       // row 4: ID check digit
            "赵六,13812345670,,粤12347,2026/11/22,0",                          // row 5: plate
            "孙七,13812345671,,粤B12348,2026/02/30,0",                         // row 6: date
            "周八,13812345672,,粤b 12345,2026/11/23,0",                        // row 7: same plate as row 2 (the store merges)
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
            "row 5, column 车牌号: `粤12347` is not a valid plate (a province character such as 粤, a letter, then 5 letters or digits, or 6 for a new-energy vehicle: 粤B12345, 粤BD12345)",
            "row 10, column 车牌号: the plate is empty; every customer needs the plate of the insured vehicle",
            "row 11, column column G: `多出来的` is outside the header's 6 columns; a cell may contain an unquoted comma",
            "row 12, column 车牌号: the plate is empty; every customer needs the plate of the insured vehicle",
        ])
        #expect(parse.records.flatMap(\.held).map(\.description) == [
            "row 4, column 身份证号: `440301199003071231` is not a valid ID number: the last character should be 0 for the 17 digits before it, so one of them is probably mistyped",
            "row 6, column 商业险到期日: `2026/02/30` is not a valid date (2026-02 has 28 days)",
            "row 8, column 客户姓名: the customer name is empty",
            "row 8, column 出险次数: `-1` is not a whole number of times (0, 1, 2, ...)",
        ])
        #expect(parse.records.flatMap(\.heldCells) == ["440301199003071231", "2026/02/30", "", "-1"])
    }

    @Test func everyRowWithAUsablePlateBecomesARecordWithoutItsBadCells() {
        #expect(parse.records.map(\.row) == [2, 3, 4, 6, 7, 8, 13])
        #expect(parse.records.map(\.name) == ["张三", "李四", "王五", "孙七", "周八", "", "冯二"])
        #expect(parse.records[1].phone == nil, "a mobile number cut short is no phone, not a problem")
        #expect(parse.records[2].idNumber == nil && parse.records[2].phone == "13812345679")
        #expect(parse.records[3].commercialExpiry == nil)
        #expect(parse.records[5].claims == nil && parse.records[5].plate == "粤B12349")
        #expect(parse.records.last?.commercialExpiry == nil)
    }

    @Test func rejectedRowsKeepTheirCellsAsRead() {
        #expect(parse.rejectedRows.map(\.row) == [5, 10, 11, 12])
        #expect(parse.rejectedRows.first?.cells == ["赵六", "13812345670", "", "粤12347", "2026/11/22", "0"])
        #expect(parse.rejectedRows.last?.cells == ["钱一", "13812345676"])
    }

    @Test func problemsAreSortedByRow() {
        let rows = parse.problems.map(\.row)
        #expect(rows == rows.sorted())
    }

    @Test func rowsOfOnePlateAreAllRecordsHoweverThePlateIsWritten() throws {
        let parse = try Fixture.read(["客户姓名,车牌号", "张三,粤B12345", "李四,粤b·12345", "王五,粤Ｂ１２３４５"])
        #expect(parse.problems == [])
        #expect(parse.records.map(\.plate) == ["粤B12345", "粤B12345", "粤B12345"])
    }

    @Test func aRowWithSeveralBadCellsHoldsThemAllInColumnOrder() throws {
        let parse = try Fixture.read([
            "车牌号,客户姓名,联系电话,客户等级,客户类型",
            "粤B10001,,13812345,E,挑剔",
        ])
        #expect(parse.problems == [])
        #expect(parse.records.first?.held.map(\.column) == ["客户姓名", "客户等级", "客户类型"])
        #expect(parse.records.first?.phone == nil, "13812345 is a mobile cut short: no phone")
        let refused = try Fixture.read(["车牌号,客户姓名,联系电话", "粤B1,张三,abc"])
        #expect(refused.problems.map(\.column) == ["车牌号"], "a row without a usable plate is refused; its other cells are not checked twice")
    }

    @Test func placeholderPhonesAreNoPhoneAndOtherBadPhonesAreHeld() throws {
        let rows = ["无", "暂无", "00000000000", "0", "138", "-", "不详", "1381234567", "abc13812345678", "1.38123E+10", "13812345678/13912345678", "020-12345678"]
        let parse = try Fixture.read(["车牌号,客户姓名,联系电话"] + rows.enumerated().map { "粤B1\(String(format: "%04d", $0.offset)),张三,\($0.element)" })
        #expect(parse.problems == [])
        #expect(parse.records.map { $0.phone ?? "-" } == ["-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "020-12345678"])
        #expect(parse.records.map(\.held.count) == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0])
        #expect(parse.records[9].held.first?.message.contains("scientific notation") == true)
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
        let problems = try Fixture.read(["客户姓名,车牌号,联系电话", "张三,粤B12345,\(long)"]).records.flatMap(\.held)
        #expect(problems.count == 1)
        #expect((problems.first?.message.count ?? 0) < 200)
        #expect(problems.first?.message.contains("…") == true)
    }
}

import Testing
import HuashuLedger

/// The agent fixes rejected rows in Excel, not in Huashu: the rejected rows
/// go out as a CSV with a column saying what is wrong, and come back in.
@Suite("Rejected rows and the correction file")
struct CorrectionFileTests {
    let parse: LedgerParse

    init() throws {
        parse = try Fixture.read([
            "客户姓名,车牌号,联系电话,身份证号",
            "张三,粤B12345,13812345678,440301199003071230",
            "李四,粤B1234,1381234,440301199003071230",
            "王五,粤B12347,13912345678,11010519491231002X",
        ])
    }

    @Test func theRejectedRowIsKeptWithAllItsProblems() {
        #expect(parse.records.map(\.name) == ["张三", "王五"])
        #expect(parse.rejectedRows.count == 1)
        #expect(parse.rejectedRows.first?.row == 3)
        #expect(parse.rejectedRows.first?.cells == ["李四", "粤B1234", "1381234", "440301199003071230"])
        #expect(parse.problems.map(\.column) == ["车牌号"], "only the plate refuses a row")
    }

    @Test func theCorrectionFileSaysWhatIsWrongInALastColumn() throws {
        let text = String(decoding: parse.correctionCSV().dropFirst(3), as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        #expect(lines.first == "客户姓名,车牌号,联系电话,身份证号,导入问题")
        #expect(lines.count == 3)  // header, one rejected row, the final line end
        #expect(lines[1].hasPrefix("李四,粤B1234,1381234,=\"440301199003071230\",\"row 3: 车牌号: `粤B1234` is not a valid plate"))
    }

    @Test func aFixedCorrectionFileImportsCleanly() throws {
        let correction = try LedgerReader.read(parse.correctionCSV())
        #expect(correction.records.isEmpty)
        #expect(correction.problems.count == 1)  // still wrong, and the 导入问题 column is not one of them

        var fixed = correction.rejectedRows[0].cells
        fixed[1] = "粤B12346"
        fixed[2] = "13812345670"
        let again = try LedgerReader.read(ExcelCSV.write(header: correction.header, rows: [fixed]))
        #expect(again.problems == [])
        #expect(again.records.first?.plate == "粤B12346")
        #expect(again.records.first?.idNumber == "440301199003071230")
        #expect(again.records.first?.extra == [:])  // the problems column is not kept as data
    }
}

import Testing
import HuashuLedger

/// Files Huashu writes (rejected rows, exports) must open cleanly in Excel
/// on Chinese Windows and come back through the reader unchanged.
@Suite("Writing CSV")
struct CSVWriterTests {
    @Test func theOutputIsWhatExcelWrites() {
        let bytes = ExcelCSV.write(header: ["客户姓名", "备注"], rows: [["张三", "说\"再考虑\",下周打"], ["李四", "两行\n备注"]])
        let expected: [UInt8] = [0xEF, 0xBB, 0xBF]
            + Array("客户姓名,备注\r\n张三,\"说\"\"再考虑\"\",下周打\"\r\n李四,\"两行\n备注\"\r\n".utf8)
        #expect(bytes == expected)
    }

    @Test func recordsRoundTripThroughCSV() throws {
        let original = try Fixture.read([
            "客户姓名,车牌号,联系电话,身份证号,商业险到期日,上年保费,客户等级,客户类型,备注,家庭住址",
            "张三,粤B12345,13812345678,440301199003071230,2026/11/22,\"¥4,860\",A,价格敏感,\"老客户,\"\"VIP\"\"\n周末勿扰\",南山区",
            "李四,京A88888,020-12345678,,46348,4860.5,B,服务敏感型,,",
        ])
        #expect(original.problems == [])
        let fields = LedgerField.allCases.filter { $0 != .gender }
        let header = fields.map(\.title) + ["家庭住址"]
        let rows = original.records.map { record in fields.map { record.cell($0) } + [record.extra["家庭住址"] ?? ""] }
        let again = try LedgerReader.read(ExcelCSV.write(header: header, rows: rows))
        #expect(again.problems == [])
        #expect(again.records == original.records)
        #expect(again.records.first?.notes == "老客户,\"VIP\"\n周末勿扰")
    }

    @Test func arbitraryCellsRoundTripExactly() throws {
        let awkward = ["", " 前后空格 ", "a,b", "\"", "\"\"", "\r\n", "\r", "x\ty", "＝全角", "line1\nline2\n", "🚗"]
        var rows: [[String]] = []
        for (index, cell) in awkward.enumerated() {
            rows.append(["客户\(index)", "粤B\(10_000 + index)", cell])
        }
        let parse = try LedgerReader.read(ExcelCSV.write(header: ["客户姓名", "车牌号", "原样"], rows: rows))
        #expect(parse.problems == [])
        #expect(parse.records.count == awkward.count)
        // The reader trims cells it stores, so compare with the raw cells a rejected row would keep.
        let strict = try LedgerReader.read(ExcelCSV.write(header: ["客户姓名", "车牌号", "原样", "车牌号"],
                                                            rows: rows.map { [$0[0], "", $0[2], $0[1]] }))
        // Cells a spreadsheet would run are written with a leading ' (OWASP), which the reader drops again.
        #expect(strict.rejectedRows.map { $0.cells[2] } == awkward.map(SpreadsheetCell.inert))
    }

    @Test func longNumbersCanBeProtectedFromExcel() throws {
        let bytes = ExcelCSV.write(header: ["客户姓名", "车牌号", "身份证号", "联系电话"],
                                     rows: [["张三", "粤B12345", Fixture.manID, "07551234567"]],
                                     keepingLongNumbersAsText: true)
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.contains("=\"440301199003071230\""))
        #expect(text.contains("=\"07551234567\""))
        let record = try #require(try LedgerReader.read(bytes).records.first)
        #expect(record.idNumber == Fixture.manID)
        #expect(record.phone == "0755-1234567")
    }
}

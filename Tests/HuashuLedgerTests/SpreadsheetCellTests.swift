import HuashuLedger
import Testing

/// Cells a spreadsheet would run as formulas are written so that it shows them as text (OWASP: a leading `'`).
@Suite("CSV cells a spreadsheet never runs")
struct SpreadsheetCellTests {
    @Test(arguments: [
        ("=HYPERLINK(\"http://x\",\"点我\")", "'=HYPERLINK(\"http://x\",\"点我\")"),
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),
        ("-2+3", "'-2+3"),
        ("-120", "'-120"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),
        ("a\u{1B}[2Jb", "a␛[2Jb"),
        ("张伟", "张伟"),
        ("4860", "4860"),
        ("a=b", "a=b"),
    ])
    func formulaStartsAreNeutralised(cell: String, written: String) {
        #expect(SpreadsheetCell.inert(cell) == written)
    }

    @Test func theWriterUsesIt() {
        let bytes = ExcelCSV.write(header: ["客户", "备注"], rows: [["=cmd", "@x"], ["张伟", "-1"]])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text == "客户,备注\r\n'=cmd,'@x\r\n张伟,'-1\r\n")
    }
}

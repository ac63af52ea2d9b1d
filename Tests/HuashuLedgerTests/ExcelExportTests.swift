import Testing
import HuashuLedger

/// A ledger as Excel's "CSV UTF-8" writes it: BOM, CRLF, the dealer's own
/// column order, and a note cell holding a comma and a line break.
@Suite("Reading an Excel export")
struct ExcelExportTests {
    let file = Fixture.excelUTF8([
        "备注,车牌号,商业险到期日,客户姓名,联系电话,身份证号,客户等级,客户类型,上年保费,交强险到期日",
        "\"老客户,去年出险一次\n电话上午打\",粤B12345,2026/11/22,张三,138 1234 5678,440301199003071230,a,价格敏感,\"¥4,860\",2026-11-20",
        ",京a·88888,46348,李四,020-12345678,11010519491231002x,B,服务敏感型,4860.5元,",
    ])

    @Test func everyGoodRowBecomesARecord() throws {
        let parse = try LedgerReader.read(file)
        #expect(parse.problems == [])
        #expect(parse.records.count == 2)
        #expect(parse.encoding == .utf8)
        #expect(parse.header.first == "备注")  // the BOM is not part of the first header cell
    }

    @Test func cellsAreNormalisedWhateverTheColumnOrder() throws {
        let zhang = try #require(try LedgerReader.read(file).records.first)
        #expect(zhang.name == "张三")
        #expect(zhang.plate == "粤B12345")
        #expect(zhang.phone == "13812345678")
        #expect(zhang.idNumber == "440301199003071230")
        #expect(zhang.honorific == "先生")  // no 性别 column: from the ID number's sex digit
        #expect(zhang.grade == "A")
        #expect(zhang.type == "价格敏感型")
        #expect(zhang.lastPremium == "4860")
        #expect(zhang.commercialExpiry?.description == "2026-11-22")
        #expect(zhang.compulsoryExpiry?.description == "2026-11-20")
    }

    @Test func aQuotedCellKeepsItsCommaAndLineBreak() throws {
        let zhang = try #require(try LedgerReader.read(file).records.first)
        #expect(zhang.notes == "老客户,去年出险一次\n电话上午打")
    }

    @Test func rowNumbersCountRecordsNotLines() throws {
        // 张三's note spans two lines; 李四 is still on Excel's row 3.
        let records = try LedgerReader.read(file).records
        #expect(records.map(\.row) == [2, 3])
        #expect(records.map(\.name) == ["张三", "李四"])
    }

    @Test func theSecondRowShowsOtherSpellings() throws {
        let li = try #require(try LedgerReader.read(file).records.last)
        #expect(li.plate == "京A88888")
        #expect(li.phone == "020-12345678")
        #expect(li.idNumber == "11010519491231002X")
        #expect(li.honorific == "女士")
        #expect(li.commercialExpiry?.description == "2026-11-22")  // Excel serial 46348
        #expect(li.compulsoryExpiry == nil)
        #expect(li.notes == nil)
        #expect(li.lastPremium == "4860.50")
        #expect(li.type == "服务敏感型")
    }

    @Test func namesPaddedForAlignmentAreClosedUp() throws {
        let parse = try Fixture.read(["客户姓名,车牌号", "张\u{3000}三,粤B12345", "Zhang San,粤B12346", " 李娜 ,粤B12347"])
        #expect(parse.records.map(\.name) == ["张三", "Zhang San", "李娜"])
    }

    @Test func lineEndsMayBeCRLFOrLFOrALoneCR() throws {
        let rows = ["客户姓名,车牌号", "张三,粤B12345", "李四,粤B12346"]
        for lineEnd in ["\r\n", "\n", "\r"] {
            let parse = try LedgerReader.read(Fixture.excelUTF8(rows, lineEnd: lineEnd, bom: false))
            #expect(parse.records.map(\.plate) == ["粤B12345", "粤B12346"], "line end \(lineEnd.debugDescription)")
            #expect(parse.records.map(\.row) == [2, 3])
        }
    }

    @Test func theLastRowNeedsNoLineEnd() throws {
        let bytes = Array("客户姓名,车牌号\r\n张三,粤B12345".utf8)
        #expect(try LedgerReader.read(bytes).records.map(\.name) == ["张三"])
    }

    @Test func tabSeparatedTextIsReadToo() throws {
        let parse = try LedgerReader.read(Fixture.excelUTF8(["客户姓名\t车牌号\t备注", "张三\t粤B12345\t要发票,纸质"]))
        #expect(parse.problems == [])
        #expect(parse.records.first?.notes == "要发票,纸质")
    }
}

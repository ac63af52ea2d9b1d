import HuashuCalendar
@testable import HuashuLedger
import Testing

/// The workbook reader on parts written here by hand, in the shapes Excel,
/// WPS, openpyxl and LibreOffice write them (the files those programs wrote
/// are imported whole by `WorkbookImportTests`).
@Suite("Ledger: workbooks")
struct WorkbookTests {
    static let workbookXML = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
        <workbookPr/><sheets><sheet name="台帐" sheetId="1" r:id="rId1"/><sheet name="My sheet" sheetId="2" r:id="rId2"/></sheets></workbook>
        """
    static let relationships = """
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
        <Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>
        <Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
        <Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
        </Relationships>
        """
    /// Styles 1-9 show the built-in formats 14-22, style 10 a custom Chinese date, 11 a number, 12 an East Asian built-in date.
    static let styles = """
        <styleSheet><numFmts count="2"><numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>
        <numFmt numFmtId="177" formatCode="#,##0.00_);[Red]\\(#,##0.00\\)"/></numFmts>
        <cellXfs count="13"><xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="15"/><xf numFmtId="16"/><xf numFmtId="17"/>
        <xf numFmtId="18"/><xf numFmtId="19"/><xf numFmtId="20"/><xf numFmtId="21"/><xf numFmtId="22"/>
        <xf numFmtId="176" applyNumberFormat="1"/><xf numFmtId="177"/><xf numFmtId="31"/></cellXfs></styleSheet>
        """
    static let sharedStrings = """
        <sst count="4" uniqueCount="4"><si><t>客户姓名</t></si><si><t>车牌号</t></si>
        <si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">伟 </t></r><rPh sb="0" eb="1"><t>ちょう</t></rPh></si>
        <si><t>A&amp;B_x000D_</t></si></sst>
        """

    static func workbook(sheet: String, strings: String = sharedStrings, styles: String = styles,
                         workbookXML: String = workbookXML) throws(LedgerFileError) -> Workbook {
        let parts = ["xl/workbook.xml": workbookXML, "xl/_rels/workbook.xml.rels": relationships,
                     "xl/sharedStrings.xml": strings, "xl/styles.xml": styles,
                     "xl/worksheets/sheet1.xml": sheet, "xl/worksheets/sheet2.xml": "<worksheet><sheetData/></worksheet>"]
        return try Workbook { (name: String) throws(LedgerFileError) -> [UInt8]? in parts[name].map { Array($0.utf8) } }
    }

    static func sheet(_ rows: String) -> String {
        "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>\(rows)</sheetData></worksheet>"
    }

    static func records(_ rows: String) throws(LedgerFileError) -> [CSVRecord] {
        var sheet = try workbook(sheet: sheet(rows)).rows(ofSheet: nil)
        var records: [CSVRecord] = []
        while let record = try sheet.next() { records.append(record) }
        return records
    }

    @Test func sharedInlineAndRichTextStayText() throws {
        let records = try Self.records("""
            <row r="1"><c r="A1" t="s"><v>2</v></c><c r="B1" t="inlineStr"><is><r><t>粤B</t></r><r><t>12345</t></r></is></c>
            <c r="C1" t="s"><v>3</v></c><c r="D1" t="str"><f>A1</f><v>公式</v></c><c r="E1" t="b"><v>1</v></c></row>
            """)
        #expect(records.map(\.cells) == [["张伟 ", "粤B12345", "A&B\r", "公式", "TRUE"]])
        #expect(records[0].numbers.isEmpty)
    }

    @Test func everyDateFormatGivesTheDayAndOtherNumbersStayNumbers() throws {
        // 46452 is 2027-03-06; styles 1-9 are the built-in formats 14-22, 10 a custom 年月日 format, 12 built-in 31.
        let dates = (1...10).map { "<c r=\"\(LedgerColumns.letter($0 - 1))1\" s=\"\($0)\"><v>46452.75</v></c>" }.joined()
        let records = try Self.records("""
            <row r="1">\(dates)<c r="K1" s="12"><v>46452</v></c></row>
            <row r="2"><c r="A2" s="11"><v>4420.5</v></c><c r="B2"><v>13912345678</v></c><c r="C2"><v>4.40301198505052E+17</v></c>
            <c r="D2"><v>4420.0</v></c><c r="E2" t="n" s="0"><v>-3</v></c></row>
            """)
        #expect(records[0].cells == Array(repeating: "2027-03-06", count: 11))
        #expect(records[0].numbers.isEmpty)
        #expect(records[1].cells == ["4420.5", "13912345678", "4.40301198505052E+17", "4420", "-3"])
        #expect(records[1].numbers == [0, 1, 2, 3, 4])
    }

    @Test func the1904DateSystemIsHonoured() throws {
        let book = try Self.workbook(sheet: Self.sheet("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>44990</v></c></row>"),
                                     workbookXML: Self.workbookXML.replacingOccurrences(of: "<workbookPr/>", with: "<workbookPr date1904=\"1\"/>"))
        var rows = try book.rows(ofSheet: nil)
        #expect(try rows.next()?.cells == ["2027-03-06"])
    }

    @Test func gapsKeepColumnsAndRowNumbers() throws {
        var rows = try Self.workbook(sheet: Self.sheet("""
            <row r="3"><c r="C3" t="inlineStr"><is><t>x</t></is></c></row><row r="9" spans="1:3"><c t="inlineStr"><is><t>a</t></is></c><c t="inlineStr"><is><t>b</t></is></c></row>
            """)).rows(ofSheet: nil)
        #expect(try rows.next()?.cells == ["", "", "x"])
        #expect(rows.row == 3)
        #expect(try rows.next()?.cells == ["a", "b"])
        #expect(rows.row == 9)
        #expect(try rows.next() == nil)
    }

    @Test func customFormatsAreDatesOnlyWithDateCodes() {
        for code in ["yyyy/m/d", "[$-804]yyyy\"年\"m\"月\"d\"日\";@", "m/d/yy h:mm", "d-mmm-yy", "[DBNum1][$-804]yyyy\"年\"m\"月\""] {
            #expect(Workbook.isDateFormat(code), "\(code)")
        }
        for code in ["General", "0.00", "#,##0_);[Red](#,##0)", "\"ymd\"0", "0.00E+00", "@", "\\d0"] {
            #expect(!Workbook.isDateFormat(code), "\(code)")
        }
    }

    @Test func ledgerProblemsNameTheCellAsTheSheetDoes() throws {
        let sheet = Self.sheet("""
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>身份证号</t></is></c>
            <c r="D1" t="inlineStr"><is><t>联系电话</t></is></c></row>
            <row r="7"><c r="A7" t="inlineStr"><is><t>张伟</t></is></c><c r="B7" t="inlineStr"><is><t>粤B12345</t></is></c>
            <c r="C7"><v>440301199003071230</v></c><c r="D7"><v>13812345678</v></c></row>
            <row r="8"><c r="A8" t="inlineStr"><is><t>李强</t></is></c><c r="B8"><v>12</v></c><c r="D8"><v>1.3812345678901234E+17</v></c></row>
            """)
        var rows = try LedgerRows(Self.workbook(sheet: sheet).rows(ofSheet: nil))
        let records = try #require(try rows.next(rows: 10))
        #expect(records.map(\.phone) == ["13812345678"])
        #expect(records[0].idNumber == nil)
        #expect(records[0].held.map(\.description) == [
            "台帐!C7, column 身份证号: `440301199003071230` is an ID number stored in the workbook as a number, which keeps at most 15 digits and no leading 0 or X; format the column as Text in Excel, retype the numbers and save again",
        ])
        #expect(rows.problems.map(\.cell) == ["台帐!B8", "台帐!D8"])
        #expect(rows.problems.first?.description.hasPrefix("台帐!B8, column 车牌号: ") == true)
        #expect(rows.sheet == "台帐")
    }

    @Test func anUnknownSheetListsTheSheetsThere() {
        #expect(throws: LedgerFileError(.unknownSheet("Sheet1", ["台帐", "My sheet"]))) {
            try Self.workbook(sheet: Self.sheet("")).rows(ofSheet: "Sheet1")
        }
        #expect(LedgerFileError(.unknownSheet("Sheet1", ["台帐", "My sheet"])).description
                == "the workbook has no sheet named `Sheet1`; its sheets are: `台帐`, `My sheet`")
    }

    @Test func damagedPartsAreFileErrorsThatSayWhere() throws {
        let cases: [(sheet: String, strings: String, says: String)] = [
            (Self.sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>99</v></c></row>"), Self.sharedStrings, "台帐!A1 refers to shared string 99, which the workbook lacks"),
            (Self.sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>x</v></c></row>"), Self.sharedStrings, "refers to shared string x"),
            ("<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"s\"><v>1</v></c></row>", Self.sharedStrings, "ends in the middle of its rows"),
            ("<worksheet><sheetData><row r=\"1\"><c r=\"A1", Self.sharedStrings, "its part xl/worksheets/sheet1.xml is damaged at byte"),
            (Self.sheet("<row r=\"5\"></row><row r=\"2\"></row>"), Self.sharedStrings, "has row 2 after row 5"),
            (Self.sheet("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>"), Self.sharedStrings, "has a cell named 1A"),
            (Self.sheet(""), "<sst><si><t>unclosed", "its part xl/sharedStrings.xml is cut short"),
        ]
        for (sheet, strings, says) in cases {
            do {
                var rows = try Self.workbook(sheet: sheet, strings: strings).rows(ofSheet: nil)
                while try rows.next() != nil {}
                Issue.record("no error for \(sheet)")
            } catch {
                #expect(error.description.contains(says), "\(error.description)")
                #expect(error.description.contains("open it in Excel or WPS and save it again as .xlsx"))
            }
        }
        #expect(throws: LedgerFileError.self) { try Workbook { (_: String) throws(LedgerFileError) -> [UInt8]? in nil } }
    }

    @Test func theScannerSkipsWhatALedgerDoesNotUseAndDecodesReferences() throws {
        var scanner = XMLScanner(Array("<?xml version=\"1.0\"?><!DOCTYPE x><!-- c --><a b='1 &lt; 2'>&#x4E2D;&#25991;&bogus;&#0;<![CDATA[<t>]]></a>".utf8))
        var seen: [String] = []
        while let event = try scanner.next() {
            switch event {
            case .start(let name, let attributes, _): seen.append("<\(name) \(attributes.map { "\($0.name)=\($0.value)" }.joined())>")
            case .end(let name): seen.append("</\(name)>")
            case .text(let range): seen.append(scanner.text(range))
            case .cdata(let range): seen.append(scanner.text(range, entities: false))
            }
        }
        #expect(seen == ["<a b=1 < 2>", "中文&bogus;&#0;", "<t>", "</a>"])
    }
}

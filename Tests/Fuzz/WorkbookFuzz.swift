import HuashuLedger

/// libFuzzer entry: any bytes as a workbook's sheet (before the first 0xFF)
/// and shared strings (after it) must read to rows and problems, or a file
/// error, without trapping.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWorkbook(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let split = input.firstIndex(of: 0xFF) ?? input.count
    let parts: [String: [UInt8]] = [
        "xl/workbook.xml": Array(#"<workbook><sheets><sheet name="S" r:id="r1"/></sheets></workbook>"#.utf8),
        "xl/_rels/workbook.xml.rels": Array("""
            <Relationships><Relationship Id="r1" Type="/worksheet" Target="s.xml"/><Relationship Id="r2" Type="/sharedStrings" Target="t.xml"/>\
            <Relationship Id="r3" Type="/styles" Target="y.xml"/></Relationships>
            """.utf8),
        "xl/y.xml": Array(#"<styleSheet><cellXfs><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>"#.utf8),
        "xl/s.xml": Array(input[..<split]),
        "xl/t.xml": split < input.count ? Array(input[(split + 1)...]) : Array("<sst><si><t>客户姓名</t></si><si><t>车牌号</t></si></sst>".utf8),
    ]
    do {
        let workbook = try Workbook { (name: String) throws(LedgerFileError) -> [UInt8]? in parts[name] }
        var rows = try LedgerRows(workbook.rows(ofSheet: nil))
        while try rows.next(rows: 100) != nil {}
    } catch {}
    return 0
}

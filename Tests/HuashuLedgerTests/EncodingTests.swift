import Testing
import HuashuLedger

/// Excel on Chinese Windows saves plain "CSV" in GBK; "CSV UTF-8" adds a BOM;
/// other tools write UTF-8 without one. All three must just work.
@Suite("Encodings")
struct EncodingTests {
    let rows = [
        "客户姓名,车牌号,联系电话,上年承保公司,备注",
        "张三,粤B12345,13812345678,平安,喜欢𠮷野家",  // 𠮷 needs GB18030's four-byte form
        "欧阳娜娜,川A9K8J7,13912345678,人保,",
    ]

    @Test func gb18030IsDetectedWhenTheBytesAreNotUTF8() throws {
        let bytes = Fixture.excelGB18030(rows)
        #expect(bytes.count > 20)
        let parse = try LedgerReader.read(bytes)
        #expect(parse.encoding == .gb18030)
        #expect(parse.problems == [])
        #expect(parse.records.map(\.name) == ["张三", "欧阳娜娜"])
        #expect(parse.records.first?.lastInsurer == "平安")
        #expect(parse.records.first?.notes == "喜欢𠮷野家")
        #expect(parse.header == ["客户姓名", "车牌号", "联系电话", "上年承保公司", "备注"])
    }

    @Test func gb18030CanBeForced() throws {
        let parse = try LedgerReader.read(Fixture.excelGB18030(rows), encoding: .gb18030)
        #expect(parse.encoding == .gb18030)
        #expect(parse.records.map(\.plate) == ["粤B12345", "川A9K8J7"])
    }

    @Test func utf8WithAndWithoutBOMGiveTheSameRecords() throws {
        let withBOM = try LedgerReader.read(Fixture.excelUTF8(rows, bom: true))
        let withoutBOM = try LedgerReader.read(Fixture.excelUTF8(rows, bom: false))
        #expect(withBOM.encoding == .utf8)
        #expect(withBOM.records == withoutBOM.records)
        #expect(withBOM.records.count == 2)
    }

    @Test func anASCIIOnlyFileIsUTF8() throws {
        let parse = try LedgerReader.read(Array("name,plate\r\nZhang San,YUEB12345\r\n".utf8))
        #expect(parse.encoding == .utf8)
        #expect(parse.problems.map(\.column) == ["plate"])  // YUE is not a province character
    }

    @Test func forcingUTF8OnAGBKFileNamesTheFirstBadByteAndItsRow() throws {
        let bytes = Array("name,plate\r\nZhang,粤B12345\r\n".utf8) + Fixture.excelGB18030(["张三,粤B12346"])
        // 29 bytes of UTF-8 come first, so 张's first GBK byte is byte 30, on row 3.
        do {
            _ = try LedgerReader.read(bytes, encoding: .utf8)
            Issue.record("GBK bytes were accepted as UTF-8")
        } catch {
            #expect(error.reason == .undecodable(.utf8, byte: 30, row: 3))
            #expect(error.description == "byte 30 (row 3) is not valid UTF-8; if the file came from Excel on Chinese Windows, try --encoding gb18030")
        }
    }

    @Test func aDamagedByteInAUTF8FileIsNotMistakenForGBK() throws {
        // Plenty of Chinese before the bad byte: the file is UTF-8 with damage, not GBK.
        let bytes = Fixture.excelUTF8(["客户姓名,车牌号", "张三,粤B12345"], bom: false) + [0xFF] + Array(",粤B12346\r\n".utf8)
        do {
            _ = try LedgerReader.read(bytes)
            Issue.record("a damaged file was read")
        } catch {
            // 24 bytes of header, 18 of 张三's row: the 0xFF is byte 43.
            #expect(error.reason == .undecodable(.utf8, byte: 43, row: 3))
        }
    }

    @Test func aLongPlainASCIIStartDoesNotHideAGBKFile() throws {
        // Only ASCII in the first 64 KB checked up front: GBK further down still decides the encoding.
        let ascii = (0..<4_000).map { "Zhang\($0),粤B\(String(format: "%05d", $0))" }
        let bytes = Fixture.excelGB18030(["name,plate"] + ascii + ["张三,粤B99999"])
        #expect(bytes.count > 1 << 16)
        let parse = try LedgerReader.read(bytes)
        #expect(parse.encoding == .gb18030)
        #expect(parse.records.last?.name == "张三")
        #expect(parse.records.count == 4_001)
    }

    @Test func aDamagedByteFarDownAUTF8FileIsFoundAsItIsRead() throws {
        var bytes = Fixture.excelUTF8(["客户姓名,车牌号"] + (0..<4_000).map { "张三\($0),粤B\(String(format: "%05d", $0))" })
        #expect(bytes.count > 1 << 16, "the damage lies beyond the part checked up front")
        bytes[bytes.count - 5] = 0xC0
        do {
            _ = try LedgerReader.read(bytes)
            Issue.record("a damaged file was read")
        } catch {
            #expect(error.reason == .undecodable(.utf8, byte: bytes.count - 4, row: 4_001))
        }
    }

    /// The cells are checked as they are decoded, so every kind of bad UTF-8 must be caught there, in a plain
    /// cell, a quoted one, one with doubled quotes or text after its closing quote, and at the cell's end.
    /// "across": the cell's closing quote splits a character (`"前\xE4\xB8"\xAD`), so the quoted part and
    /// the text after it are each bad though joined they would spell 前中. The same damage near the start,
    /// in the part checked before reading, must give the same error.
    @Test(arguments: [
        ([0xFF], "plain"), ([0xC0, 0xAF], "plain"), ([0xED, 0xA0, 0x80], "plain"), ([0xF4, 0x90, 0x80, 0x80], "plain"),
        ([0xF0, 0x9F, 0x98], "end"), ([0xE4, 0xB8], "end"), ([0xFF], "quoted"), ([0xF0, 0x9F, 0x98], "escaped"), ([0xC0], "tail"),
        ([0xE4, 0xB8, 0x22, 0xAD], "across"), ([0xC3, 0x22, 0xA9], "across"), ([0xF0, 0x22, 0x9F, 0x98, 0x80], "across"),
        ([0xF0, 0x9F, 0x98, 0x22, 0x80, 0x41], "across"), ([0xE4, 0xB8, 0x22, 0xAD], "escaped"),
    ] as [([UInt8], String)])
    func aBadSequenceFarDownIsFoundWhereverItLies(_ damage: [UInt8], _ place: String) throws {
        for rowsBefore in [3_000, 3] {
            var bytes = Fixture.excelUTF8(["客户姓名,车牌号,备注"] + (0..<rowsBefore).map { "张三\($0),粤B\(String(format: "%05d", $0)),备注" })
            #expect((bytes.count > 1 << 16) == (rowsBefore > 3), "far down, the damage lies beyond the part checked up front")
            let prefix = Array("李四,粤C00001,".utf8)
            let cell: [UInt8] = switch place {
            case "plain": Array("前".utf8) + damage + Array("后".utf8)
            case "end": Array("前".utf8) + damage
            case "quoted": Array("\"前,".utf8) + damage + Array("\"".utf8)
            case "escaped": Array("\"前\"\"".utf8) + damage + Array("\"".utf8)
            case "across": Array("\"前".utf8) + damage
            default: Array("\"前\"".utf8) + damage + Array("后".utf8)
            }
            let offset = bytes.count + prefix.count + (place == "plain" || place == "end" ? 3 : place == "escaped" ? 6 : place == "across" ? 4 : 5)
            bytes += prefix + cell + Array("\r\n".utf8) + Array("王五,粤C00002,\r\n".utf8)
            do {
                _ = try LedgerReader.read(bytes)
                Issue.record("a damaged file was read (\(rowsBefore) rows before)")
            } catch {
                #expect(error.reason == .undecodable(.utf8, byte: offset + 1, row: rowsBefore + 2), "\(rowsBefore) rows before")
            }
        }
    }

    @Test func bytesThatAreNeitherUTF8NorGB18030AreAFileError() throws {
        let bytes: [UInt8] = [0x41, 0x2C, 0xFF, 0xFE, 0x41, 0x0D, 0x0A]
        do {
            _ = try LedgerReader.read(bytes)
            Issue.record("garbage was read as a ledger")
        } catch {
            #expect(error.reason == .undecodable(nil, byte: 3, row: 1))
            #expect(error.description.hasPrefix("byte 3 (row 1) is neither valid UTF-8 nor valid GB18030 (GBK)"))
        }
    }

    @Test func forcingGB18030OnAUTF8FileSuggestsUTF8() throws {
        let bytes = Fixture.excelUTF8(rows, bom: false)
        do {
            _ = try LedgerReader.read(bytes, encoding: .gb18030)
            Issue.record("mojibake headers were accepted")
        } catch {
            #expect(error.description.contains("try --encoding utf-8"))
        }
    }

    @Test func encodingNamesAgentsTypeAreAccepted() {
        #expect(LedgerEncoding(name: "gbk") == .gb18030)
        #expect(LedgerEncoding(name: "GB18030") == .gb18030)
        #expect(LedgerEncoding(name: "gb2312") == .gb18030)
        #expect(LedgerEncoding(name: "UTF-8") == .utf8)
        #expect(LedgerEncoding(name: "utf8") == .utf8)
        #expect(LedgerEncoding(name: "big5") == nil)
        #expect(LedgerEncoding.allCases.map(\.rawValue) == ["utf-8", "gb18030"])
    }

    @Test func aWorkbookOrUTF16FileIsNamedForWhatItIs() {
        let xlsx: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00]
        let utf16: [UInt8] = [0xFF, 0xFE, 0x22, 0x5B]
        for (bytes, word) in [(xlsx, ".xlsx"), (utf16, "UTF-16")] {
            do {
                _ = try LedgerReader.read(bytes)
                Issue.record("\(word) was read as CSV")
            } catch {
                #expect(error.description.contains(word))
                #expect(error.description.contains("CSV UTF-8"))
            }
        }
    }
}

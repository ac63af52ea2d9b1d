import Testing
import HuashuLedger

/// The scanner finds a cell's end eight bytes at a time and tells ASCII cells, which need no
/// UTF-8 check, from the others; the reader skips cleaning the cells the scanner saw need none.
/// These cases put every kind of cell end and every kind of byte at each place in a word.
@Suite("Cells of every length, with every end")
struct CellEndTests {
    /// A cell of `length` bytes: ASCII, Chinese (three bytes a character) at its start or end,
    /// or padded with blanks that the reader trims. Returns the cell and the value read from it.
    private static func cell(_ length: Int, _ shape: Int) -> (cell: String, value: String) {
        let ascii = String((0..<length).map { Character(Unicode.Scalar(UInt8(ascii: "a") + UInt8($0 % 26))) })
        switch shape {
        case 0: return (ascii, ascii)
        case 1:
            let text = String(repeating: "续", count: length / 3) + ascii.prefix(length % 3)
            return (text, text)
        case 2:
            let text = String(ascii.prefix(length % 3)) + String(repeating: "保", count: length / 3)
            return (text, text)
        default: return (" \(ascii)\u{3000}", ascii)
        }
    }

    @Test func everyLengthAndEveryLineEndReadsTheWholeCell() throws {
        let lineEnds = ["\r\n", "\n", "\r"]
        var text = "客户姓名,车牌号,备注,地区\r\n"
        var expected: [(notes: String?, area: String?)] = []
        var row = 0
        for length in 0...40 {
            for shape in 0..<4 {
                let (notesCell, notes) = Self.cell(length, shape)
                let (areaCell, area) = Self.cell(40 - length, (shape + 1) % 4)
                text += "张三,粤B\(String(format: "%05d", row)),\(notesCell),\(areaCell)" + lineEnds[row % lineEnds.count]
                expected.append((notes.isEmpty ? nil : notes, area.isEmpty ? nil : area))
                row += 1
            }
        }
        // The last row ends with the file, in the middle of a word.
        text += "李四,粤C00001,末行,abc"
        let parse = try LedgerReader.read(Array(text.utf8))
        #expect(parse.problems.isEmpty, "\(parse.problems.prefix(3))")
        try #require(parse.records.count == expected.count + 1)
        for (record, want) in zip(parse.records, expected) {
            #expect(record.notes == want.notes, "row \(record.row)")
            #expect(record.extra["地区"] == want.area, "row \(record.row)")
        }
        #expect(parse.records.last?.notes == "末行")
        #expect(parse.records.last?.extra["地区"] == "abc")
    }

    /// A bad byte anywhere in a long cell of ASCII text, in each of its eight-byte words, is found.
    @Test func aBadByteAtEveryPlaceOfALongCellIsFound() throws {
        let rows = ["客户姓名,车牌号,备注"] + (0..<3_000).map { "张三\($0),粤B\(String(format: "%05d", $0)),备注" }
        let start = Fixture.excelUTF8(rows)
        for place in 0..<20 {
            var cell = Array("abcdefghijklmnopqrst".utf8)
            cell[place] = 0xFF
            let prefix = Array("李四,粤C00001,".utf8)
            let bytes = start + prefix + cell + Array("\r\n王五,粤C00002,\r\n".utf8)
            do {
                _ = try LedgerReader.read(bytes)
                Issue.record("a damaged file was read (byte \(place) of the cell)")
            } catch {
                #expect(error.reason == .undecodable(.utf8, byte: start.count + prefix.count + place + 1, row: 3_002), "byte \(place) of the cell")
            }
        }
    }

    /// A rejected row keeps its cells as read, though the next rows are read into the same storage.
    @Test func aRejectedRowKeepsItsCellsWhenLaterRowsAreRead() throws {
        let parse = try Fixture.read(["客户姓名,车牌号,备注,地区", "张三,不是车牌,第一行的备注,南山", "李四,粤B00001,短", "王五,粤B00002,另一条备注,福田,"])
        #expect(parse.rejectedRows.map(\.cells) == [["张三", "不是车牌", "第一行的备注", "南山"]])
        #expect(parse.records.map(\.notes) == ["短", "另一条备注"])
        #expect(parse.records.map { $0.extra["地区"] } == [nil, "福田"])
    }
}

import Testing
import HuashuLedger

/// Whatever file an agent picks, Huashu answers with an error or with
/// problems; it never crashes.
@Suite("Files that are not ledgers")
struct RobustnessTests {
    @Test func emptyInputIsAFileError() {
        #expect(throws: LedgerFileError(.empty)) { try LedgerReader.read([]) }
        #expect(throws: LedgerFileError(.empty)) { try LedgerReader.read([0xEF, 0xBB, 0xBF]) }
        #expect(throws: LedgerFileError(.empty)) { try LedgerReader.read(Array("\r\n\r\n ,, \r\n".utf8)) }
    }

    @Test func aFileOfNULBytesIsEmpty() {
        do {
            _ = try LedgerReader.read([UInt8](repeating: 0, count: 4096))
            Issue.record("NULs were read as a ledger")
        } catch {
            #expect(error.reason == .empty)
            #expect(error.description.contains("4096 bytes are all blanks, NULs or line ends"))
        }
    }

    @Test func aTenMegabyteLineWithoutLineEnds() throws {
        let line = [UInt8](repeating: UInt8(ascii: "x"), count: 10_000_000)
        #expect(throws: LedgerFileError.self) { try LedgerReader.read(line) }
        let withHeader = Array("客户姓名,车牌号,备注\n张三,粤B12345,".utf8) + line
        let parse = try LedgerReader.read(withHeader)
        #expect(parse.records.first?.notes?.utf8.count == 10_000_000)
    }

    @Test func manyColumnsAndEmptyCellsAreFine() throws {
        let header = "客户姓名,车牌号" + String(repeating: ",", count: 5_000)
        let parse = try Fixture.read([header, "张三,粤B12345" + String(repeating: ",", count: 5_000)])
        #expect(parse.records.count == 1)
        #expect(parse.records.first?.extra == [:])
    }

    @Test func aLineOfTenMillionCommasIsRefusedWithoutExhaustingMemory() {
        let commas = [UInt8](repeating: UInt8(ascii: ","), count: 10_000_000)
        #expect(throws: LedgerFileError.self) { try LedgerReader.read(commas) }
    }

    @Test func textBeyondTheLastPossibleColumnIsAProblem() throws {
        let wide = "张三,粤B12345" + String(repeating: ",", count: 20_000) + "藏在远处"
        let parse = try Fixture.read(["客户姓名,车牌号", wide])
        #expect(parse.records.isEmpty)
        #expect(parse.problems.map(\.column) == ["column XFE"])
        #expect(parse.rejectedRows.first?.cells.count == 16_384)
    }

    @Test func randomBytesNeverCrash() {
        var generator = SeededGenerator(state: 2026)
        var outcomes = (errors: 0, parses: 0)
        for length in [1, 2, 3, 7, 64, 1_000, 20_000] {
            for _ in 0..<20 {
                let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                do {
                    _ = try LedgerReader.read(bytes)
                    outcomes.parses += 1
                } catch {
                    #expect(!error.description.isEmpty)
                    outcomes.errors += 1
                }
            }
        }
        #expect(outcomes.errors + outcomes.parses == 140)
    }

    @Test func damagedLedgersNeverCrash() throws {
        let good = Fixture.excelUTF8([
            "客户姓名,车牌号,联系电话,身份证号,商业险到期日,上年保费,出险次数,客户等级,备注",
            "张三,粤B12345,13812345678,440301199003071230,2026/11/22,\"¥4,860\",0,A,\"两行\n备注\"",
            "李四,京A88888,020-12345678,11010519491231002X,46348,4860.5,1,B,",
        ])
        let alphabet = Array("\",\r\n\0 =¥年月日1X粤".utf8) + [0xFF, 0x80, 0xE4]
        var generator = SeededGenerator(state: 7)
        var read = 0
        for _ in 0..<500 {
            var bytes = good
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let at = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[at] = alphabet.randomElement(using: &generator) ?? 0
                case 1: bytes.insert(alphabet.randomElement(using: &generator) ?? 0, at: at)
                default: bytes.remove(at: at)
                }
                if bytes.isEmpty { break }
            }
            if let parse = try? LedgerReader.read(bytes) {
                read += 1
                // Every rejected row has a problem, every problem belongs to a rejected row.
                #expect(Set(parse.problems.map(\.row)) == Set(parse.rejectedRows.map(\.row)))
                #expect(Set(parse.records.map(\.row)).isDisjoint(with: parse.rejectedRows.map(\.row)))
                #expect(parse.problems.map(\.row) == parse.problems.map(\.row).sorted())
            }
        }
        #expect(read > 0)
    }
}

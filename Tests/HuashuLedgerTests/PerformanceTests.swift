import Testing
import HuashuLedger

/// An insurer's ledger can hold 100,000 vehicles; importing it must feel
/// instant and show progress.
@Suite("A large ledger")
struct PerformanceTests {
    /// About 15 MB: every column filled, a quoted note on every tenth row.
    static func largeLedger(rows: Int) -> [UInt8] {
        var text = "客户姓名,联系电话,身份证号,车牌号,车型,上年承保公司,上年保费,商业险到期日,交强险到期日,出险次数,客户等级,客户类型,性别,专员,备注\r\n"
        let grades = ["A", "B", "C", "D"]
        let types = ["价格敏感型", "服务敏感型", "无所谓型"]
        for i in 0..<rows {
            let serial = String(100_000 + i).dropFirst()
            let phone = String(100_000_000 + i).dropFirst()
            let note = i % 10 == 0 ? "\"老客户,去年出险\n上午联系\"" : "续保意向强"
            text += "客户\(i),138\(phone),\(Fixture.manID),粤B\(serial),凯美瑞2.0G,平安,\(3000 + i % 5000).50,2026/\(1 + i % 12)/\(1 + i % 28),\(46000 + i % 700),\(i % 3),\(grades[i % 4]),\(types[i % 3]),男,王小明,\(note)\r\n"
        }
        return Array(text.utf8)
    }

    @Test func aHundredThousandRowsParseWithProgress() throws {
        let bytes = Self.largeLedger(rows: 100_000)
        #expect(bytes.count > 13_000_000)
        var reported: [Int] = []
        let clock = ContinuousClock()
        let start = clock.now
        let parse = try LedgerReader.read(bytes) { reported.append($0) }
        let elapsed = clock.now - start
        print("parsed 100,000 rows (\(bytes.count) bytes) in \(elapsed)")
        #expect(parse.problems.first == nil)
        #expect(parse.records.count == 100_000)
        #expect(parse.records.last?.row == 100_001)
        #expect(parse.records.last?.plate == "粤B99999")
        #expect(reported == Array(stride(from: 10_000, through: 100_000, by: 10_000)))
        // Generous enough for a debug build on a slow machine; a release build takes a fraction of a second.
        #expect(elapsed < .seconds(60))
    }
}

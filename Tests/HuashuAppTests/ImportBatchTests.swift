import Foundation
import HuashuStore
import Testing

/// An update import commits a batch at a time (so agents' steps are not held
/// behind it), yet a file refused part-way leaves the customers as they were.
@Suite("Update imports in batches", .serialized)
struct ImportBatchTests {
    static func ledger(_ fixture: Fixture, rows: Int, badLast: Bool) throws -> String {
        var text = "客户姓名,车牌号,上年保费\n张伟,粤B12345,9999\n"
        for i in 0..<rows { text += "客户\(i),粤D\(String(format: "%05d", i)),\(3000 + i)\n" }
        if badLast { text += "坏行,粤E00001,abc\n" }
        let path = fixture.folder.appendingPathComponent("update.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aFileRefusedAfterSeveralBatchesLeavesTheCustomersAsTheyWere() throws {
        let fixture = try Fixture()
        let before = try fixture.store.allCustomers()
        let refused = try fixture.piped(["import", try Self.ledger(fixture, rows: 2_500, badLast: true)], input: "")
        #expect(refused.status == 1)
        #expect(refused.output.contains("nothing was imported"))
        #expect(try fixture.store.allCustomers() == before)
    }

    @Test func aGoodFileIsImportedWhole() throws {
        let fixture = try Fixture()
        let imported = try fixture.piped(["import", try Self.ledger(fixture, rows: 2_500, badLast: false)], input: "")
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("2500 new, 1 updated"))
        #expect(try fixture.sqlite("SELECT count(*) FROM customers") == "2503")
        #expect(try fixture.sqlite("SELECT last_premium FROM customers WHERE plate = '粤B12345'") == "9999")
        #expect(try fixture.sqlite("SELECT do_not_call FROM customers WHERE plate = '粤A11111'") == "1", "do-not-call kept")
    }
}

import Foundation
@testable import HuashuApp
import HuashuStore
import Testing

/// An update import commits in short batches so an agent's step never waits
/// long behind it; each batch holds its customers, change-log rows and review
/// rows together, so a refused or killed import leaves whole batches only.
@Suite("Import: batched updates")
struct BatchedImportTests {
    let fixture: Fixture

    init() throws {
        fixture = try Fixture()
    }

    /// A ledger of `rows` vehicles (粤D00000…), each premium `premium`; `badClaims` adds a cell held for review to every row.
    func ledger(_ name: String, rows: Int, premium: Int, badClaims: Bool = false) -> String {
        var text = "客户姓名,车牌号,联系电话,上年保费,出险次数\r\n"
        for index in 0..<rows {
            text += "客户\(index),粤D\(String(format: "%05d", index)),1390000\(String(format: "%04d", index % 10_000)),\(premium),\(badClaims ? "很多" : "0")\r\n"
        }
        let path = fixture.folder.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Customers whose new premium, change-log row and review row do not go together: none when batches are whole.
    func splitCustomers(premium: Int) throws -> String {
        try fixture.sqlite("""
            SELECT count(*) FROM customers c WHERE plate LIKE '粤D%' AND (
              (last_premium = '\(premium)') != EXISTS (SELECT 1 FROM customer_changes WHERE customer_id = c.id AND field = 'last_premium')
              OR (last_premium = '\(premium)') != EXISTS (SELECT 1 FROM ledger_review WHERE customer_id = c.id))
            """)
    }

    @Test func aKilledUpdateImportLeavesWholeBatchesAndTheNextImportFinishesIt() throws {
        let rows = 20_000
        #expect(try fixture.piped(["import", ledger("first.csv", rows: rows, premium: 1000)], input: "").status == 0)
        let update = ledger("update.csv", rows: rows, premium: 2000, badClaims: true)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixture.binary)
        process.arguments = ["import", update]
        process.environment = fixture.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed as soon as a batch is in.
        while process.isRunning, try fixture.sqlite("SELECT count(*) FROM customer_changes") == "0" { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "the import was killed while it ran")

        let changed = try #require(Int(try fixture.sqlite("SELECT count(*) FROM customers WHERE last_premium = '2000'")))
        #expect(changed > 0 && changed < rows, "\(changed) of \(rows) updated when killed")
        #expect(try splitCustomers(premium: 2000) == "0", "every updated customer has its change and review rows, and no other has any")
        #expect(try fixture.sqlite("PRAGMA integrity_check") == "ok")

        let again = try fixture.piped(["import", update], input: "")
        #expect(again.status == 0, "\(again.output)")
        #expect(again.output.hasSuffix("0 new, \(rows - changed) updated (\(rows - changed) fields changed), \(changed) unchanged; \(rows) cells held for review (see `huashu review list`)\n"))
        #expect(try fixture.sqlite("SELECT count(*) FROM customers WHERE last_premium = '2000'") == "\(rows)")
        #expect(try fixture.sqlite("SELECT count(*) FROM customer_changes") == "\(rows)", "no change recorded twice")
        #expect(try fixture.sqlite("SELECT count(*) FROM ledger_review") == "\(rows)", "no question put on the list twice")
        #expect(try splitCustomers(premium: 2000) == "0")
    }

    @Test func aRefusedBatchIsUndoneWithItsChangeAndReviewRowsAndTheEarlierBatchesStay() throws {
        let rows = 6_000
        #expect(try fixture.piped(["import", ledger("first.csv", rows: rows, premium: 1000)], input: "").status == 0)
        _ = try fixture.sqlite("""
            CREATE TRIGGER refuse BEFORE UPDATE ON customers WHEN NEW.plate = '粤D05000' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;
            """)
        let result = try fixture.piped(["import", ledger("update.csv", rows: rows, premium: 2000, badClaims: true)], input: "")
        #expect(result.status == 1)
        #expect(result.output.contains("refused by the test"), "\(result.output)")

        let changed = try #require(Int(try fixture.sqlite("SELECT count(*) FROM customers WHERE last_premium = '2000'")))
        #expect(changed > 0 && changed < 5_000, "the batches before the refused one stay: \(changed)")
        #expect(try splitCustomers(premium: 2000) == "0")
        #expect(try fixture.sqlite("""
            SELECT last_premium, (SELECT count(*) FROM customer_changes WHERE customer_id = c.id), (SELECT count(*) FROM ledger_review WHERE customer_id = c.id)
            FROM customers c WHERE plate = '粤D05000'
            """) == "1000|0|0")
        #expect(try fixture.sqlite("SELECT count(*) FROM customers WHERE plate LIKE '粤D%'") == "\(rows)")
    }

    @Test func anUpdateFileWithABadRowStillImportsNothing() throws {
        #expect(try fixture.piped(["import", ledger("first.csv", rows: 3_000, premium: 1000)], input: "").status == 0)
        var text = try String(contentsOfFile: ledger("update.csv", rows: 3_000, premium: 2000), encoding: .utf8)
        text += "没有车牌,,13900000000,2000,0\r\n"
        let path = fixture.folder.appendingPathComponent("bad.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try fixture.piped(["import", path], input: "")
        #expect(result.status == 1 && result.output.contains("nothing was imported"), "\(result.output)")
        #expect(try fixture.sqlite("SELECT count(*) FROM customers WHERE last_premium = '2000'") == "0")
        #expect(try fixture.sqlite("SELECT count(*) FROM customer_changes") == "0")
    }
}

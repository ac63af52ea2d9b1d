import Foundation
import HuashuEngine
import HuashuScript
import HuashuLedger
@testable import HuashuStore
import Testing

@Suite("The SQLite store")
struct StoreTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-store-\(UUID().uuidString)")

    func openStore() throws -> Store {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try Store(path: folder.appendingPathComponent("nested/db.sqlite").path)
    }

    func sqlite(_ store: Store, _ sql: String) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [store.path, sql]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Start-up is measured: a file already up to date is opened with one transaction on the writer, the look at its
    /// migrations, and the migrator is not asked again.
    @Test func anUpToDateFileOpensWithOneWriterTransaction() throws {
        let path = try openStore().path
        let heard = QueryPlanTests.Heard()
        _ = try Store(path: path, busyWait: nil, statements: heard.add)
        // GRDB's own first transaction on a WAL file aside, the transactions that look at the migrations.
        let all = heard.take()
        let transactions = all.split { $0.uppercased().hasPrefix("BEGIN") }.dropFirst()
        #expect(transactions.filter { $0.contains { $0.contains("grdb_migrations") } }.count == 1, "\(all)")
    }

    @Test func theFileIsCreatedReadableByItsOwnerOnly() throws {
        let store = try openStore()
        let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    /// The column table is the one place a ledger column is stored: a text field without its line there fails here.
    @Test func everyLedgerTextFieldHasAStoredColumnAndComesBackFromARecord() throws {
        #expect(CustomerColumns.ledgerTextBySlot.count == LedgerField.textFields.count)
        var record = LedgerRecord(row: 2, name: "张伟", plate: "粤B12345")
        for field in LedgerField.textFields { record[text: field] = "值\(field.rawValue)" }
        var customer = Customer.blank
        customer.fill(from: record)
        let stored = CustomerColumns.all.filter { $0.field.map(LedgerField.textFields.contains) ?? false }
        #expect(stored.count == LedgerField.textFields.count)
        for column in stored { #expect(column.text(customer) == "值\(column.field!.rawValue)") }
    }

    @Test func everyColumnIsBoundInTheTablesOrder() throws {
        let store = try openStore()
        let customer = Customer(plate: "粤B12345", name: "张伟", honorific: "先生", phone: "13812345678", idNumber: "110105194912310029",
                                model: "凯美瑞", lastInsurer: "平安", lastPremium: "4860", commercialExpiry: "2027-01-01",
                                compulsoryExpiry: "2027-02-02", claims: 3, violations: 4, grade: "A", type: "价格敏感型", agent: "小李",
                                vehicleUse: "家庭自用", notes: "备注", contact: "李明", holderType: "单位", lastCover: "三者",
                                sumInsured: "1000000", address: "南山区", extra: #"{"x":"y"}"#, doNotCall: true, phoneInvalid: true)
        _ = try store.upsert([customer])
        var expected = customer
        expected.id = 1
        #expect(try store.allCustomers() == [expected])
        #expect(CustomerColumns.all.count == Mirror(reflecting: customer).children.count - 1, "a column for every field but the id")
    }

    @Test func importingTheSameCustomersTwiceChangesNothing() throws {
        let store = try openStore()
        let customer = Customer(plate: "粤B12345", name: "张伟", lastPremium: "4860")
        #expect(try store.upsert([customer]) == UpsertSummary(inserted: 1, updated: 0, unchanged: 0))
        #expect(try store.upsert([customer]) == UpsertSummary(inserted: 0, updated: 0, unchanged: 1))
        var changed = customer
        changed.lastPremium = "5000"
        #expect(try store.upsert([changed], dryRun: true) == UpsertSummary(
            inserted: 0, updated: 1, unchanged: 0, changes: [FieldChange(plate: "粤B12345", row: 0, field: "last_premium", old: "4860", new: "5000")]))
        #expect(try store.allCustomers().first?.lastPremium == "4860", "a dry run writes nothing")
    }

    func load(_ store: Store, _ customers: [Customer]) throws -> UpsertSummary {
        var pending: [LedgerEntry]? = customers.map { LedgerEntry(customer: $0, row: 0) }
        return try store.upsert(batches: { defer { pending = nil }; return pending }, keep: { true }, firstLoad: true)
    }

    func logSize(_ store: Store) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: store.path + "-wal")[.size] as? Int) ?? 0
    }

    /// The first load into a file of its own writes each page once, with a rollback journal; later
    /// loads keep the write-ahead log. Either way the file is left in WAL mode, which agents' processes need.
    @Test func aFirstLoadWritesItsPagesOnceAndLeavesTheFileInWALMode() throws {
        let store = try openStore()
        let customers = (0..<500).map { Customer(plate: "粤B\(10_000 + $0)", name: "客户\($0)") }
        // Asked first, as `huashu import` does: the asking must leave no connection that keeps the log.
        #expect(try !store.hasCustomers())
        #expect(try load(store, customers).inserted == 500)
        #expect(logSize(store) == 0, "the pages went straight into the file, not through the log")
        #expect(try sqlite(store, "PRAGMA journal_mode; SELECT count(*) FROM customers").1 == "wal\n500\n")
        #expect(!FileManager.default.fileExists(atPath: store.path + "-journal"))
        #expect(try load(store, [Customer(plate: "粤B67890", name: "王芳")]).inserted == 1)
        #expect(logSize(store) > 0, "a file with customers is loaded through the log")
    }

    /// A first load builds the lookup indexes after its last row but keeps the partial ones (leads, numbers
    /// to correct) as it goes: either way every index is there afterwards and holds exactly its rows.
    @Test func aFirstLoadLeavesEveryIndexWholeAndTheSame() throws {
        let store = try openStore()
        let indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' ORDER BY name"
        let before = try sqlite(store, indexes).1
        var customers = (0..<300).map { Customer(plate: "粤B\(10_000 + $0)", name: "客户\($0)", phone: "138\(10_000_000 + $0)", agent: " 小李 ") }
        customers[7].phone = nil
        customers[7].phoneInvalid = true
        customers[8].leadFromCall = 42
        #expect(try load(store, customers).inserted == 300)
        #expect(try sqlite(store, indexes).1 == before)
        #expect(try sqlite(store, "PRAGMA integrity_check").1 == "ok\n")
        #expect(try sqlite(store, """
            SELECT plate FROM customers INDEXED BY customers_phone_invalid WHERE phone_invalid = 1;
            SELECT plate FROM customers INDEXED BY customers_leads WHERE lead_from_call IS NOT NULL;
            SELECT count(*) FROM customers INDEXED BY customers_by_agent WHERE trim(agent) = '小李';
            SELECT plate FROM customers INDEXED BY customers_by_phone WHERE phone = '13810000009';
            """).1 == "粤B10007\n粤B10008\n300\n粤B10009\n")
    }

    /// With another process's connection open, even a first load keeps the log, and does not wait for the other.
    @Test func aFirstLoadBesideAnotherConnectionKeepsTheLogWithoutWaiting() throws {
        let store = try openStore()
        let other = try Store(path: store.path)
        #expect(try other.allCustomers().isEmpty)
        let started = Date()
        #expect(try load(store, [Customer(plate: "粤B12345", name: "张伟")]).inserted == 1)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(logSize(store) > 0, "loaded through the log")
        #expect(try other.allCustomers().map(\.name) == ["张伟"])
        #expect(try sqlite(store, "PRAGMA journal_mode").1 == "wal\n")
    }

    @Test func theCallLogIsAppendOnlyAndHashChained() throws {
        let store = try openStore()
        _ = try store.upsert([Customer(plate: "粤B12345", name: "张伟")])
        let context = CallContext(customer: CustomerFacts(), agent: "小李", dealer: "店")
        let log = try store.beginCall(customerID: 1, agent: "小李", scriptVersion: "v", context: context, training: false, at: Date())
        var state = CallState(node: "greet")
        try log.record(input: nil, step: CallStep(state: state, events: [.entered(node: "greet", stage: "identity")]),
                       stage: "identity", shown: "您好", at: Date(), followUps: [])
        state.mark("identity")
        try log.record(input: .note("客户在开车"), step: CallStep(state: state, events: [.noteTaken("客户在开车"), .flagMarked("identity")]),
                       stage: "identity", shown: "您好", at: Date(), followUps: [])
        let steps = try store.steps(of: 1)
        #expect(steps.map(\.seq) == [1, 2])
        #expect(steps.map(\.prevHash) == [nil, nil], "the previous hash is not repeated on a row")
        #expect(steps.map(\.hash.count) == [32, 32], "hashes are kept as bytes")
        #expect(steps.map(\.columns.entered) == ["greet", nil])
        #expect(steps[1].decodedInput == .note("客户在开车"))
        #expect(StepRecord.states(steps).last == state, "the state is rebuilt from the events")
        let (status, output) = try sqlite(store, "UPDATE call_steps SET note = '改过' WHERE seq = 2")
        #expect(status != 0)
        #expect(output.contains("append-only"))
    }

    /// An import not kept in the end (a bad row found late) leaves the customers as they were.
    @Test func anUpdateImportNotKeptChangesNothing() throws {
        let store = try openStore()
        _ = try store.upsert([Customer(plate: "粤B12345", name: "张伟", lastPremium: "4860", doNotCall: true)])
        let before = try store.allCustomers()
        let customers = ([Customer(plate: "粤B12345", name: "张伟", lastPremium: "9999")]
            + (0..<2_500).map { Customer(plate: "粤D\(10_000 + $0)", name: "客户\($0)") }).map { LedgerEntry(customer: $0, row: 0) }
        var pending: [LedgerEntry]? = customers
        let summary = try store.upsert(batches: { defer { pending = nil }; return pending }, keep: { false }, firstLoad: true)
        #expect(summary.inserted == 2_500 && summary.updated == 1)
        #expect(try store.allCustomers() == before)
        pending = customers
        _ = try store.upsert(batches: { defer { pending = nil }; return pending }, keep: { true }, firstLoad: true)
        #expect(try store.allCustomers().count == 2_501)
        #expect(try store.allCustomers().first { $0.plate == "粤B12345" }?.doNotCall == true, "an import never clears do-not-call")
    }

    @Test func aFileThatIsNotADatabaseIsAClearError() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("notes.txt").path
        try "这不是数据库".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.self) { try Store(path: path) }
        do { _ = try Store(path: path) } catch { #expect(error.description.contains("is not a huashu database")) }
    }

    @Test func theDatabaseIsResolvedFromTheOptionTheEnvironmentOrTheDefault() {
        #expect(StoreLocation(nil, environment: ["HUASHU_DB": "/x/y.sqlite"]) == .file("/x/y.sqlite"))
        #expect(StoreLocation(nil, environment: ["XDG_DATA_HOME": "/d", "HOME": "/h"]) == .file("/d/huashu/huashu.sqlite"))
        #expect(StoreLocation(nil, environment: ["HOME": "/h"]) == .file("/h/.local/share/huashu/huashu.sqlite"))
        #expect(StoreLocation("", environment: ["HOME": "/h", "HUASHU_DB": ""]) == .file("/h/.local/share/huashu/huashu.sqlite"))
        #expect(StoreLocation("a.sqlite", environment: ["HUASHU_DB": "/x/y.sqlite"]) == .file("a.sqlite"))
        #expect(StoreLocation("postgresql://boss@db/huashu", environment: ["HUASHU_DB": "/x/y.sqlite"]) == .central(url: "postgresql://boss@db/huashu"))
        #expect(StoreLocation(nil, environment: ["HUASHU_DB": "postgres://db/huashu"]) == .central(url: "postgres://db/huashu"))
        // A file whose name merely mentions PostgreSQL is still a file.
        #expect(StoreLocation("postgresql.sqlite", environment: [:]) == .file("postgresql.sqlite"))
        #expect(StoreLocation("./postgresql://x", environment: [:]) == .file("./postgresql://x"))
    }
}

import Foundation
@testable import HuashuApp
import HuashuCalendar
import HuashuStore
import Testing

/// A vehicle's 商业险 and 交强险 each keep their own insurer and premium, whether
/// the ledger gives them in columns of their own or as two rows of one plate.
@Suite("Import: insurer and premium per policy")
struct PolicyImportTests {
    let fixture: Fixture

    init() throws {
        fixture = try Fixture()
    }

    func file(_ name: String, _ text: String) -> String {
        let path = fixture.folder.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    static func inDays(_ days: Int) -> String { LedgerReimportTests.inDays(days) }

    /// `huashu customer`'s field lines as title → value.
    func record(_ plate: String) throws -> [String: String] {
        var fields: [String: String] = [:]
        for line in try fixture.piped(["customer", plate], input: "").output.split(separator: "\n") where line.hasPrefix("  ") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        return fields
    }

    @Test func twoRowsOfOnePlateKeepEachPolicysInsurerAndPremium() throws {
        let path = file("two-rows.csv", """
            客户姓名,车牌号,联系电话,商业险到期日,交强险到期日,上年承保公司,上年保费
            周八,粤E12345,13611112222,\(Self.inDays(30)),,平安,4420
            周八,粤E12345,13611112222,,\(Self.inDays(40)),人保,950

            """)
        let result = try fixture.piped(["import", path], input: "")
        #expect(result.output.hasSuffix("1 new, 1 updated (3 fields changed), 0 unchanged\n"), "\(result.output)")
        let shown = try record("粤E12345")
        #expect(shown["商业险承保公司"] == "平安" && shown["商业险保费"] == "4420")
        #expect(shown["交强险承保公司"] == "人保" && shown["交强险保费"] == "950")
        #expect(shown["上年承保公司"] == "平安" && shown["上年保费"] == "4420", "the vehicle's own figures stay its 商业险's")
        let customer = try #require(try fixture.store.findCustomers("粤E12345").first)
        #expect(CallView.lastYear(customer) == "上年 商业险 平安 4420元 · 交强险 人保 950元")

        // A 交强险 export a month later: its premium changes, the 商业险's stays, and the change is recorded.
        let later = file("compulsory.csv", """
            客户姓名,车牌号,交强险到期日,上年承保公司,上年保费
            周八,粤E12345,\(Self.inDays(40)),人保,980

            """)
        #expect(try fixture.piped(["import", later, "--dry-run"], input: "").output.hasPrefix("row 2 粤E12345 交强险保费: 950 → 980\n"))
        #expect(try fixture.piped(["import", later], input: "").output.hasSuffix("0 new, 1 updated (1 field changed), 0 unchanged\n"))
        let after = try record("粤E12345")
        #expect(after["交强险保费"] == "980" && after["商业险保费"] == "4420" && after["上年保费"] == "4420")
        #expect(try fixture.sqlite("SELECT field, old, new FROM customer_changes WHERE file LIKE '%compulsory.csv'") == "compulsory_premium|950|980")
    }

    @Test func columnsOfTheirOwnGiveEachPolicyInOneRow() throws {
        let path = file("columns.csv", """
            车牌号,客户姓名,商业险到期日,交强险到期日,商业险承保公司,商业险保费,交强险保险公司,交强险保费,上年总保费
            粤E22222,吴九,\(Self.inDays(20)),\(Self.inDays(20)),太平洋,"3,150.00",国寿财,855,4005
            粤E33333,郑十,\(Self.inDays(25)),,,abc,,,

            """)
        let result = try fixture.piped(["import", path], input: "")
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("row 3, column 商业险保费: "), "a bad premium is held, the vehicle imported: \(result.output)")
        let customer = try #require(try fixture.store.findCustomers("粤E22222").first)
        #expect(customer.commercialInsurer == "太平洋" && customer.compulsoryInsurer == "国寿财")
        #expect(customer.compulsoryPremium == "855" && customer.lastPremium == "4005")
        #expect(customer.commercialPremium == "3150.00" || customer.commercialPremium == "3150")
        #expect(CallView.lastYear(customer).hasPrefix("上年 商业险 太平洋 3150"))
        let single = try #require(try fixture.store.findCustomers("粤E33333").first)
        #expect(single.commercialPremium == nil && CallView.lastYear(single) == "上年 承保公司未知 保费未知")
    }

    @Test func aDatabaseFromBeforeGivesItsSinglePolicyVehiclesTheirFigures() throws {
        // The fixture's customers were stored with a 商业险 date only.
        let zhang = try #require(try fixture.store.customer(id: 1))
        #expect(zhang.lastInsurer == "平安" && zhang.commercialInsurer == nil, "stored by this version's code, not migrated")
        _ = try fixture.sqlite("""
            UPDATE customers SET commercial_insurer = NULL, commercial_premium = NULL;
            DELETE FROM grdb_migrations WHERE identifier LIKE 'v5-ledger:%';
            ALTER TABLE customers DROP COLUMN commercial_insurer; ALTER TABLE customers DROP COLUMN commercial_premium;
            ALTER TABLE customers DROP COLUMN compulsory_insurer; ALTER TABLE customers DROP COLUMN compulsory_premium;
            """)
        let migrated = try Store(path: fixture.database)
        let customer = try #require(try migrated.customer(id: 1))
        #expect(customer.commercialInsurer == "平安" && customer.commercialPremium == "4860" && customer.compulsoryInsurer == nil)
    }
}

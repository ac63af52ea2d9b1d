import Foundation
@testable import HuashuApp
import HuashuStore
import Testing

/// `huashu import` on workbooks written by other programs: openpyxl, and the
/// same ledger converted by LibreOffice to .xlsx and to CSV
/// (Fixtures/ledger-workbook/make.sh remakes them). All three must give the
/// same customers; bad workbooks must say so and import nothing.
@Suite("Import: Excel workbooks")
struct WorkbookImportTests {
    static let fixtures = Fixture.repository.appendingPathComponent("Tests/HuashuAppTests/Fixtures/ledger-workbook")

    static func fixture(_ name: String) -> String {
        fixtures.appendingPathComponent(name).path
    }

    /// The stored customers without their ids, and the review list's fields and values.
    static func imported(_ file: String) throws -> (output: String, customers: [Customer], review: String) {
        let fixture = try Fixture()
        let result = try fixture.piped(["import", file], input: "")
        #expect(result.status == 0, "\(result.output)")
        let customers = try fixture.store.allCustomers().map { customer in
            var customer = customer
            customer.id = nil
            return customer
        }
        return (result.output, customers, try fixture.sqlite("SELECT field, given FROM ledger_review ORDER BY id"))
    }

    @Test func aWorkbookFromOpenpyxlItsLibreOfficeCopyAndItsCSVGiveTheSameCustomers() throws {
        let openpyxl = try Self.imported(Self.fixture("ledger-openpyxl.xlsx"))
        let libreOffice = try Self.imported(Self.fixture("ledger-libreoffice.xlsx"))
        let csv = try Self.imported(Self.fixture("ledger-libreoffice.csv"))
        #expect(openpyxl.customers.count == 8, "3 of the fixture's, 5 vehicles from 6 rows")
        #expect(openpyxl.customers == libreOffice.customers)
        #expect(openpyxl.customers == csv.customers)
        #expect(openpyxl.output.hasSuffix("(sheet 续保台帐): 5 new, 0 updated, 1 unchanged; 1 cell held for review (see `huashu review list`)\n"))
        #expect(openpyxl.output.contains("续保台帐!D4, column 身份证号: `4403*******5052e+17` is an ID number stored in the workbook as a number"))
        #expect(libreOffice.output.contains("续保台帐!D4, column 身份证号: "))
        #expect(csv.output.contains("row 4, column 身份证号: "))

        let zhang = try #require(openpyxl.customers.first { $0.plate == "粤B10001" })
        #expect(zhang.commercialExpiry == "2027-03-08" && zhang.compulsoryExpiry == "2027-03-20", "two rows, one vehicle, dates from date cells")
        #expect(zhang.lastPremium == "4420.50" && zhang.idNumber == "11010519491231002X")
        #expect(zhang.extra == #"{"车架号":"LSVAB12345678901"}"#)
        let li = try #require(openpyxl.customers.first { $0.plate == "粤B10002" })
        #expect(li.phone == "13912345678" && li.idNumber == nil, "an exact phone number is kept; an ID number stored as a number is held")
        #expect(li.commercialExpiry == "2027-05-01")
        let wang = try #require(openpyxl.customers.first { $0.plate == "粤A20003" })
        #expect(wang.phone == nil && wang.phoneInvalid && wang.compulsoryExpiry == "2027-02-01" && wang.commercialExpiry == nil)
        #expect(openpyxl.customers.first { $0.plate == "粤C30004" }?.phone == "020-12345678")
        #expect(openpyxl.review == "身份证号|4.40301198505052e+17")
    }

    @Test func theSheetIsChosenByNameAndAnUnknownNameListsTheSheets() throws {
        let fixture = try Fixture()
        let file = Self.fixture("ledger-openpyxl.xlsx")
        let unknown = try fixture.piped(["import", file, "--sheet", "Sheet1"], input: "")
        #expect(unknown.status != 0)
        #expect(unknown.output == "huashu: \(file): the workbook has no sheet named `Sheet1`; its sheets are: `续保台帐`, `说明`\n")
        let notes = try fixture.piped(["import", file, "--sheet", "说明"], input: "")
        #expect(notes.status != 0)
        #expect(notes.output.contains("no column for the plate"))
        #expect(try fixture.piped(["import", file, "--sheet", "续保台帐", "--dry-run"], input: "").output.contains("would import 6 customers"))
        let csv = try fixture.piped(["import", Self.fixture("ledger-libreoffice.csv"), "--sheet", "续保台帐"], input: "")
        #expect(csv.status != 0 && csv.output.contains("--sheet is for a workbook (.xlsx)"))
        #expect(try fixture.sqlite("SELECT count(*) FROM customers") == "3", "nothing imported")
    }

    @Test func aDamagedOrLockedWorkbookIsRefusedInWords() throws {
        let fixture = try Fixture()
        let whole = try Data(contentsOf: URL(fileURLWithPath: Self.fixture("ledger-libreoffice.xlsx")))
        var flipped = whole
        for index in stride(from: 200, to: flipped.count - 200, by: 97) { flipped[index] ^= 0x5A }
        let compound = Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + Array(repeating: 0, count: 600))
        let cases: [(name: String, bytes: Data, says: String)] = [
            ("cut.xlsx", whole.prefix(whole.count / 2), "the workbook cannot be read: it is not a readable ZIP archive"),
            ("flipped.xlsx", flipped, "the workbook cannot be read: "),
            ("header-only.xlsx", Data([0x50, 0x4B, 0x03, 0x04] + Array(repeating: 0, count: 100)), "the workbook cannot be read: "),
            ("locked.xlsx", compound, "or a workbook saved with a password"),
        ]
        for (name, bytes, says) in cases {
            let path = fixture.folder.appendingPathComponent(name).path
            _ = FileManager.default.createFile(atPath: path, contents: bytes)
            let result = try fixture.piped(["import", path], input: "")
            #expect(result.status == 1, "\(name): \(result.output)")
            #expect(result.output.hasPrefix("huashu: \(path): "), "\(name): \(result.output)")
            #expect(result.output.contains(says), "\(name): \(result.output)")
            #expect(!result.output.contains("Fatal error"))
        }
        #expect(try fixture.sqlite("SELECT count(*) FROM customers") == "3")
    }
}

import CoreFoundation
import Foundation
import HuashuEngine
import HuashuStore
import Testing

/// `huashu import` run as an agent runs it, on files made the way Excel and
/// WPS make them. The fixture's database already holds three customers:
/// 张伟 粤B12345 (#1), 王芳 粤B67890 (#2) and 李强 粤A11111 (#3, do-not-call).
@Suite("Import: the customer ledger")
struct ImportCommandTests {
    let fixture: Fixture

    init() throws {
        fixture = try Fixture()
    }

    /// Writes a ledger file into the fixture's folder and returns its path.
    func file(_ name: String, _ bytes: [UInt8]) -> String {
        let path = fixture.folder.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return path
    }

    func file(_ name: String, _ text: String) -> String {
        file(name, Array(text.utf8))
    }

    func huashu(_ arguments: String...) throws -> (status: Int32, output: String) {
        try fixture.piped(arguments, input: "")
    }

    /// The customers the import added, after the fixture's three.
    func imported() throws -> [Customer] {
        Array(try fixture.store.allCustomers().dropFirst(3))
    }

    static let gb18030 = String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(
        CFStringEncoding(CFStringEncodings.GB_18030_2000.rawValue)))

    @Test func aGB18030FileSavedAsPlainCSVOnChineseWindows() throws {
        let text = """
            客户姓名,性别,联系电话,车牌号,车型,商业险到期日,交强险到期日,上年保费,上年承保公司,出险次数,客户等级,客户类型,备注\r
            赵敏,女,13600002222,粤B22222,日产天籁,2026/12/05,2026/12/05,4420,平安,2,D,价格敏感型,去年两次小刮蹭\r
            陈杰,男,13500003333,粤B33333,丰田汉兰达,2027/1/12,2027/1/12,6890,人保,0,A,服务敏感型,\r

            """
        let bytes = try #require(text.data(using: Self.gb18030))
        #expect(String(data: bytes, encoding: .utf8) == nil, "really GB18030, not UTF-8")
        let path = file("台帐.csv", [UInt8](bytes))

        let result = try huashu("import", path)
        #expect(result.status == 0)
        #expect(result.output == "imported 2 customers from \(path) (gb18030): 2 new, 0 updated, 0 unchanged\n")
        #expect(try imported() == [
            Customer(id: 4, plate: "粤B22222", name: "赵敏", honorific: "女士", phone: "13600002222", model: "日产天籁",
                     lastInsurer: "平安", lastPremium: "4420", commercialExpiry: "2026-12-05", compulsoryExpiry: "2026-12-05",
                     claims: 2, grade: "D", type: "价格敏感型", notes: "去年两次小刮蹭"),
            Customer(id: 5, plate: "粤B33333", name: "陈杰", honorific: "先生", phone: "13500003333", model: "丰田汉兰达",
                     lastInsurer: "人保", lastPremium: "6890", commercialExpiry: "2027-01-12", compulsoryExpiry: "2027-01-12",
                     claims: 0, grade: "A", type: "服务敏感型"),
        ])
        #expect(try huashu("import", path, "--encoding", "gbk").output.hasSuffix("0 new, 0 updated, 2 unchanged\n"))

        let forced = try huashu("import", path, "--encoding", "utf-8")
        #expect(forced.status == 1)
        #expect(forced.output.hasPrefix("huashu: \(path): byte "))
        #expect(forced.output.hasSuffix("is not valid UTF-8; if the file came from Excel on Chinese Windows, try --encoding gb18030\n"))
    }

    @Test func aMissingFileOrAFolderIsAClearError() throws {
        let missing = fixture.folder.appendingPathComponent("没有这个文件.csv").path
        #expect(try huashu("import", missing) == (1, "huashu: cannot read \(missing): No such file or directory\n"))
        #expect(try huashu("import", fixture.folder.path) == (1, "huashu: cannot read \(fixture.folder.path): Is a directory\n"))
        #expect(try imported().isEmpty)
        // The database is opened while the file is read: an unreadable file still leaves no new one behind.
        let fresh = fixture.folder.appendingPathComponent("new.sqlite").path
        #expect(try huashu("import", missing, "--db", fresh) == (1, "huashu: cannot read \(missing): No such file or directory\n"))
        #expect(!FileManager.default.fileExists(atPath: fresh) && !FileManager.default.fileExists(atPath: fresh + "-wal"))
    }

    @Test func aDatabaseThatCannotBeOpenedIsSaidAfterTheLedgerIsRead() throws {
        let ledger = fixture.folder.appendingPathComponent("ok.csv").path
        _ = FileManager.default.createFile(atPath: ledger, contents: Data("客户姓名,车牌号\n钱一,粤B60001\n".utf8))
        let folder = fixture.folder.appendingPathComponent("no-such-folder-here", isDirectory: true).path
        try Data().write(to: URL(fileURLWithPath: folder))  // a file where the database's folder should be
        let result = try huashu("import", ledger, "--db", folder + "/calls.sqlite")
        #expect(result.status == 1)
        #expect(result.output == "huashu: cannot create the database \(folder)/calls.sqlite: Not a directory\n")
        #expect(try huashu("import", fixture.folder.appendingPathComponent("missing.csv").path, "--db", folder + "/calls.sqlite").output
            .hasPrefix("huashu: cannot read"), "a bad ledger is still said first")
    }

    @Test func aLedgerPipedInLongerThanOneRead() throws {
        let rows = (0..<2_000).map { "客户\($0),粤C\(String(format: "%05d", $0)),备注写得长一些好让文件超过一次读取的大小\r\n" }
        let ledger = "\u{FEFF}客户姓名,车牌号,备注\r\n" + rows.joined()
        #expect(ledger.utf8.count > 1 << 17)
        let result = try fixture.piped(["import", "/dev/stdin"], input: ledger)
        #expect(result.output == "imported 2000 customers from /dev/stdin (utf-8): 2000 new, 0 updated, 0 unchanged\n")
        #expect(try imported().map(\.name).first == "客户0")
        #expect(try imported().map(\.plate).last == "粤C01999")
    }

    /// A long file is checked for UTF-8 as it is read; a damaged byte far down still refuses the whole file.
    @Test func aDamagedByteFarDownALongFileRefusesItAll() throws {
        var bytes = Array("客户姓名,车牌号,备注\r\n".utf8)
        var badOffset = 0
        for row in 0..<3_000 {
            if row == 2_500 { badOffset = bytes.count }
            bytes += Array("客户\(row),粤D\(String(format: "%05d", row)),一行备注写得长一些\r\n".utf8)
        }
        bytes[badOffset] = 0xFF
        #expect(bytes.count > 2 << 16)
        let path = file("长台帐.csv", bytes)
        let expected = "huashu: \(path): byte \(badOffset + 1) (row 2502) is not valid UTF-8; the text before it is UTF-8, "
            + "so this byte is probably damaged: retype that cell, or if the file came from Excel on Chinese Windows, try --encoding gb18030\n"

        for options in [[], ["--skip-bad-rows"], ["--dry-run"]] {
            let result = try fixture.piped(["import", path] + options, input: "")
            #expect(result.status == 1)
            #expect(result.output == expected)
        }
        let forced = try huashu("import", path, "--encoding", "utf-8")
        #expect(forced.output.hasSuffix("is not valid UTF-8; if the file came from Excel on Chinese Windows, try --encoding gb18030\n"))
        #expect(try imported().isEmpty)

        let fresh = fixture.folder.appendingPathComponent("fresh.sqlite").path
        #expect(try fixture.piped(["import", path, "--db", fresh], input: "").status == 1)
        #expect(!FileManager.default.fileExists(atPath: fresh), "a refused file leaves no new database behind")
    }

    @Test func aUTF8FileWithBOMAndCRLFQuotedCellsEnglishHeadersAndColumnsHuashuDoesNotKnow() throws {
        let path = file("ledger.csv", [0xEF, 0xBB, 0xBF] + Array("""
            plate,name,phone,expiry,premium,grade,notes,地址,年审\r
            粤B55555,"Li, Ming",13912345678,2026-11-22,"5,230.50",B,"老客户,每年保养\r
            周末联系",广州市天河区,已审\r
            "粤B66666",黄磊,13200006666,2026.12.01,¥4390,A,"他说""再考虑""\",,\r

            """.utf8))
        let result = try huashu("import", path)
        #expect(result.output == "imported 2 customers from \(path) (utf-8): 2 new, 0 updated, 0 unchanged\n")
        let stored = try imported()
        #expect(stored.map(\.plate) == ["粤B55555", "粤B66666"])
        #expect(stored[0].name == "Li, Ming", "a comma inside quotes")
        #expect(stored[0].lastPremium == "5230.50", "thousands separator")
        #expect(stored[0].notes == "老客户,每年保养\r\n周末联系", "a line break inside quotes")
        #expect(stored[0].extra == #"{"地址":"广州市天河区","年审":"已审"}"#, "unknown columns are kept, not dropped")
        #expect(stored[1].notes == #"他说"再考虑""#, "doubled quotes")
        #expect(stored[1].lastPremium == "4390")
        #expect(stored[1].commercialExpiry == "2026-12-01")
        #expect(stored[1].extra == nil)
    }

    @Test func excelSerialDatesAndEveryOtherWayOfWritingADay() throws {
        let path = file("dates.csv", """
            客户姓名,车牌号,商业险到期日,交强险到期日
            甲,粤B00001,46348,46349
            乙,粤B00002,2026年12月1日,2026/12/1
            丙,粤B00003,2026.12.01,20261201
            丁,粤B00004,２０２６／１２／０２, 2026-12-03\u{3000}

            """)
        #expect(try huashu("import", path).status == 0)
        #expect(try imported().map { "\($0.plate) \($0.commercialExpiry ?? "-") \($0.compulsoryExpiry ?? "-")" } == [
            "粤B00001 2026-11-22 2026-11-23",
            "粤B00002 2026-12-01 2026-12-01",
            "粤B00003 2026-12-01 2026-12-01",
            "粤B00004 2026-12-02 2026-12-03",
        ])
    }

    static let badLedger = """
        客户姓名,联系电话,身份证号,车牌号,商业险到期日,上年保费
        张三,13812345678,110101199003074514,粤B70001,2026/11/22,4860
        王五,1381234,110101199003074515,粤B 7002,2026-13-01,abc
        李四,13700001111,,粤b70001,46348,3980
        刘洋,020-12345678,,粤A70004,2026年11月22日, 4150

        """

    @Test func aFileWithARowWithoutAUsablePlateIsRefusedWholeEveryProblemNamedByRowAndColumn() throws {
        let path = file("bad.csv", Self.badLedger)
        let result = try huashu("import", path)
        #expect(result.status == 1)
        #expect(result.output == """
            huashu: \(path): row 3, column 身份证号: `1101**********4515` is not a valid ID number: the last character should be 4 for the 17 digits before it, so one of them is probably mistyped
            \(path): row 3, column 车牌号: `粤B 7002` is not a valid plate (a province character such as 粤, a letter, then 5 letters or digits, or 6 for a new-energy vehicle: 粤B12345, 粤BD12345)
            \(path): row 3, column 商业险到期日: `2026-13-01` is not a valid date (there is no month 13)
            \(path): row 3, column 上年保费: `abc` is not an amount (write it as 4860 or 4860.50; ¥, thousands commas and 元 are allowed)
            1 of 4 rows have problems; nothing was imported. Fix them, or import the good rows with --skip-bad-rows (the bad ones go to a CSV for correction).

            """)
        #expect(try imported().isEmpty, "nothing written, not even the good rows")
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("bad.rejected.csv").path))

        let fresh = fixture.folder.appendingPathComponent("never.sqlite").path
        #expect(try huashu("import", path, "--db", fresh).status == 1)
        #expect(!FileManager.default.fileExists(atPath: fresh), "a refused import does not even create the database")
    }

    @Test func rowsOfOnePlateMakeOneVehicleHoweverThePlateIsWritten() throws {
        let path = file("dup.csv", """
            客户姓名,车牌号,上年保费
            张三,粤B·70001,
            张三,粤b 70001,4860
            王五,粤B70001,

            """)
        let result = try huashu("import", path)
        #expect(result.status == 0)
        #expect(result.output.hasSuffix("""
            imported 3 customers from \(path) (utf-8): 1 new, 1 updated (1 field changed), 1 unchanged; 1 conflict held for review (see `huashu review list`)

            """))
        #expect(try imported().map { "\($0.plate) \($0.name) \($0.lastPremium ?? "-")" } == ["粤B70001 张三 4860"])
    }

    @Test func skipBadRowsImportsTheRestAndHandsTheBadOnesBackForCorrection() throws {
        let path = file("bad.csv", Self.badLedger)
        let result = try huashu("import", path, "--skip-bad-rows")
        let rejected = fixture.folder.appendingPathComponent("bad.rejected.csv").path
        #expect(result.status == 0)
        #expect(result.output.hasSuffix("""
            \(path): row 3, column 上年保费: `abc` is not an amount (write it as 4860 or 4860.50; ¥, thousands commas and 元 are allowed)
            the 1 rejected rows are in \(rejected), with the problem in the last column
            imported 3 customers from \(path) (utf-8): 2 new, 1 updated (2 fields changed), 0 unchanged; 1 row skipped; 2 conflicts held for review (see `huashu review list`)

            """))
        // Row 4 is row 2's vehicle: its other owner and phone are held, its new premium taken (46348 is its same expiry).
        #expect(try imported().map { "\($0.plate) \($0.name) \($0.phone ?? "-") \($0.lastPremium ?? "-")" }
            == ["粤B70001 张三 13812345678 3980", "粤A70004 刘洋 020-12345678 4150"])

        // The rejected row as it was, for Excel (BOM, CRLF, long digits kept as text), with what is wrong.
        let bytes = try #require(FileManager.default.contents(atPath: rejected))
        #expect(bytes.starts(with: [0xEF, 0xBB, 0xBF]))
        let lines = String(decoding: bytes.dropFirst(3), as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines[0] == "客户姓名,联系电话,身份证号,车牌号,商业险到期日,上年保费,导入问题")
        #expect(lines[1].hasPrefix(#"王五,1381234,="110101199003074515",粤B 7002,2026-13-01,abc,"row 3: 身份证号: `110101199003074515` is not"#))
        #expect(lines.count == 3 && lines[2].isEmpty)

        // Fixed in the sheet and imported again: the extra column is ignored.
        let fixed = file("fixed.csv", String(decoding: bytes, as: UTF8.self)
            .replacingOccurrences(of: "1381234,", with: "13812340000,").replacingOccurrences(of: "074515", with: "074514")
            .replacingOccurrences(of: "粤B 7002", with: "粤B70002").replacingOccurrences(of: "2026-13-01", with: "2026-12-01")
            .replacingOccurrences(of: ",abc,", with: ",5000,"))
        #expect(try huashu("import", fixed).output == "imported 1 customers from \(fixed) (utf-8): 1 new, 0 updated, 0 unchanged\n")
        #expect(try imported().count == 3)
    }

    @Test func badRowsAreHandedBackOnlyOnceTheGoodOnesAreStored() throws {
        let path = file("bad.csv", Self.badLedger)
        let notADatabase = file("notes.sqlite", "not a database")
        let failed = try huashu("import", path, "--skip-bad-rows", "--db", notADatabase)
        #expect(failed.status == 1)
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("bad.rejected.csv").path))

        // A refused file leaves no database behind where there was none.
        let fresh = fixture.folder.appendingPathComponent("new.sqlite").path
        #expect(try huashu("import", path, "--db", fresh).status == 1)
        #expect(!FileManager.default.fileExists(atPath: fresh))
    }

    @Test func aDryRunSaysWhatWouldHappenAndWritesNothing() throws {
        let good = file("good.csv", """
            客户姓名,车牌号,上年保费
            张伟,粤B12345,5100
            新客户,粤B80001,3000

            """)
        let before = try fixture.store.allCustomers()
        #expect(try huashu("import", good, "--dry-run").output == """
            row 2 粤B12345 上年保费: 4860 → 5100
            would import 2 customers from \(good) (utf-8): 1 new, 1 updated (1 field changed), 0 unchanged

            """)
        #expect(try fixture.store.allCustomers() == before)

        let bad = file("bad.csv", Self.badLedger)
        let skipping = try huashu("import", bad, "--dry-run", "--skip-bad-rows")
        #expect(skipping.status == 0)
        #expect(skipping.output.hasSuffix("would import 3 customers from \(bad) (utf-8): 2 new, 1 updated (2 fields changed), 0 unchanged; 1 row skipped; 2 conflicts held for review (see `huashu review list`)\n"))
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("bad.rejected.csv").path))
        #expect(try fixture.store.allCustomers() == before)

        let fresh = fixture.folder.appendingPathComponent("not-yet.sqlite").path
        #expect(try huashu("import", good, "--dry-run", "--db", fresh).output.hasSuffix("2 new, 0 updated, 0 unchanged\n"))
        #expect(!FileManager.default.fileExists(atPath: fresh), "a dry run does not create the database")
    }

    @Test func aLedgerRefusedAtOnceLeavesAnOlderDatabaseAndMissingFoldersAsTheyWere() throws {
        let older = fixture.folder.appendingPathComponent("older.sqlite").path
        try FileManager.default.copyItem(atPath: FixtureDatabase.fixtures.appendingPathComponent("session-6.sqlite").path, toPath: older)
        let migrations = { try Fixture.run("/usr/bin/sqlite3", [older, "SELECT count(*) FROM grdb_migrations"], environment: [:]).output }
        let before = try migrations()
        let headless = file("headless.csv", "a,b\n1,2\n")
        #expect(try huashu("import", headless, "--db", older).status == 1)
        #expect(try huashu("import", headless, "--db", older, "--encoding", "latin-1").status == 1)
        #expect(try migrations() == before, "a refused file does not migrate the database")
        let nested = fixture.folder.appendingPathComponent("new-folder/sub/calls.sqlite").path
        #expect(try huashu("import", headless, "--db", nested).status == 1)
        #expect(!FileManager.default.fileExists(atPath: fixture.folder.appendingPathComponent("new-folder").path), "no folder is made for nothing")
    }

    @Test func aDryRunDoesNotMigrateADatabaseFromAnOlderVersion() throws {
        // A database as an older huashu left it (two migrations; see OlderDatabaseTests).
        let older = fixture.folder.appendingPathComponent("older.sqlite").path
        try FileManager.default.copyItem(atPath: FixtureDatabase.fixtures.appendingPathComponent("before-session-4.sqlite").path, toPath: older)
        let schema = { try Fixture.run("/usr/bin/sqlite3", [older, "SELECT count(*) FROM grdb_migrations; SELECT count(*) FROM pragma_table_info('calls')"],
                                       environment: [:]).output }
        let before = try schema()
        let good = file("good.csv", "客户姓名,车牌号\n新客户,粤B80001\n")
        #expect(try huashu("import", good, "--dry-run", "--db", older).output
            == "would import 1 customers from \(good) (utf-8): 1 new, 0 updated, 0 unchanged\n")
        #expect(try schema() == before, "the file keeps its older schema")
        #expect(try Fixture.run("/usr/bin/sqlite3", [older, "SELECT count(*) FROM customers"], environment: [:]).output == "5\n")
    }

    @Test func importingTheSameFileTwiceChangesNothing() throws {
        let path = file("ledger.csv", """
            客户姓名,联系电话,车牌号,商业险到期日,客户等级,专员,地址
            赵敏,13600002222,粤B22222,2026-12-05,D,小李,天河区
            陈杰,13500003333,粤B33333,2027-01-12,A,小王,

            """)
        #expect(try huashu("import", path).output.hasSuffix("2 new, 0 updated, 0 unchanged\n"))
        let once = try fixture.store.allCustomers()
        #expect(try huashu("import", path).output.hasSuffix("0 new, 0 updated, 2 unchanged\n"))
        #expect(try fixture.store.allCustomers() == once)
    }

    @Test func aChangedRowUpdatesTheCustomerKeepsTheirCallsAndWhatTheFileHasNoColumnFor() throws {
        _ = try fixture.store.beginCall(customerID: 1, agent: "小李", scriptVersion: "test",
                                        context: CallContext(customer: CustomerFacts(), agent: "小李", dealer: "店"), training: false, at: Date())
        let before = try #require(try fixture.store.customer(id: 1))
        let path = file("update.csv", """
            车牌号,客户姓名,联系电话,上年保费
            粤B12345,张伟,13812349999,5100
            粤A11111,李强,13700001111,3980

            """)
        #expect(try huashu("import", path).output.hasSuffix("0 new, 1 updated (1 field changed), 1 unchanged; 1 conflict held for review (see `huashu review list`)\n"))
        let after = try #require(try fixture.store.customer(id: 1))
        #expect(after.phone == "13812345678", "another phone for the plate waits for review")
        #expect(after.lastPremium == "5100")
        #expect(after.model == before.model && after.model == "丰田凯美瑞", "no 车型 column: the stored model stays")
        #expect(after.grade == "A" && after.commercialExpiry == before.commercialExpiry)
        #expect(try fixture.store.calls(ofCustomer: 1).count == 1, "the call history stays with the customer")
        #expect(try fixture.store.customer(id: 3)?.doNotCall == true, "the do-not-call mark stays")
    }

    @Test func theStoreKeepsOnePlateOneCustomerEvenWhenGivenAPlateTwiceInOneBatch() throws {
        // The reader refuses such a file; the store does not rely on it.
        let summary = try fixture.store.upsert([
            Customer(plate: "粤B90001", name: "甲", lastPremium: "3000"),
            Customer(plate: "粤B90001", name: "甲", lastPremium: "3100"),
            Customer(plate: "粤B90001", name: "甲", lastPremium: "3100"),
        ])
        #expect(summary == UpsertSummary(inserted: 1, updated: 1, unchanged: 1,
                                         changes: [FieldChange(plate: "粤B90001", row: 0, field: "last_premium", old: "3000", new: "3100")]))
        #expect(try imported().map { "\($0.id ?? 0) \($0.plate) \($0.lastPremium ?? "-")" } == ["4 粤B90001 3100"])
    }

    @Test func aLargeLedgerKeepsFileOrderAndOneProblemFarDownStillRefusesIt() throws {
        let rows = 9_000
        // About 1.6 MB, UTF-8 with BOM and CRLF as Excel writes it, every seventh note quoted over two lines.
        // (The 100,000-row timing is Scripts/bench's: a debug build would take too long here.)
        var text = "\u{FEFF}客户姓名,联系电话,车牌号,车型,上年承保公司,商业险到期日,上年保费,客户等级,备注,地址\r\n"
        for i in 0..<rows {
            let note = i % 7 == 0 ? "\"第\(i)行,\r\n多行\"\"备注\"\"\"" : "续保意向强价格敏感每年在店保养"
            text += "客户\(i),138\(String(format: "%08d", i)),粤C\(String(format: "%05d", i)),丰田凯美瑞2.0G豪华版,中国人民财产保险,"
                + "2027/\(1 + i % 12)/\(1 + i % 28),\(3000 + i),\("ABCD".map(String.init)[i % 4]),\(note),地址\(i)\r\n"
        }
        let path = file("big.csv", text)
        #expect(try huashu("import", path).output == "imported \(rows) customers from \(path) (utf-8): \(rows) new, 0 updated, 0 unchanged\n")
        let stored = try imported()
        #expect(stored.count == rows)
        for (i, customer) in stored.enumerated() where i % 997 == 0 || i == rows - 1 {
            #expect(customer.plate == "粤C" + String(format: "%05d", i), "in file order")
            #expect(customer.name == "客户\(i)")
            #expect(customer.notes == (i % 7 == 0 ? "第\(i)行,\r\n多行\"备注\"" : "续保意向强价格敏感每年在店保养"))
            #expect(customer.commercialExpiry == String(format: "2027-%02d-%02d", 1 + i % 12, 1 + i % 28))
            #expect(customer.extra == #"{"地址":"地址\#(i)"}"#)
        }
        #expect(try huashu("import", path).output.hasSuffix("0 new, 0 updated, \(rows) unchanged\n"))

        // A row without a usable plate near the end refuses the whole file with the true row number.
        let late = file("late.csv", text.replacingOccurrences(of: "客户8888,13800008888,粤C08888", with: "客户8888,13800008888,粤C888"))
        let refused = try huashu("import", late)
        #expect(refused.status == 1)
        #expect(refused.output.hasPrefix("huashu: \(late): row 8890, column 车牌号: `粤C888` is not a valid plate"))
        // A plate repeated far apart is the same vehicle: its other owner, phone and 商业险 date are held for review,
        // with the true row number.
        let repeated = file("repeated.csv", text.replacingOccurrences(of: "粤C08999", with: "粤C00001"))
        #expect(try huashu("import", repeated).output.hasSuffix("3 conflicts held for review (see `huashu review list`)\n"))
        #expect(try fixture.sqlite("SELECT row || ' ' || stored || ' ' || given FROM ledger_review WHERE field = 'name'") == "9001 客户1 客户8999")
        #expect(try imported().count == rows, "no customer added")
    }
}

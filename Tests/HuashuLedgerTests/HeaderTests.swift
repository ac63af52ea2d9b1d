import HuashuCalendar
import Testing
import HuashuLedger

/// Every dealer's sheet names its columns a little differently; the header is
/// matched by aliases, and columns Huashu does not know are kept, not dropped.
@Suite("Headers and columns")
struct HeaderTests {
    @Test func englishHeadersInAnyCaseAndOrder() throws {
        let parse = try Fixture.read([
            "Plate,NAME,Phone,ID_Number,Commercial Expiry,compulsory_expiry,Last_Premium,last-insurer,Claims,Violations,Grade,Type,Gender,Agent,Vehicle_Use,Notes,Model",
            "粤B12345,Zhang San,13812345678,11010519491231002X,2026-11-22,2026-11-20,4860,PICC,1,2,b,无所谓,男,小王,家庭自用,call after 6pm,Camry 2.0",
        ])
        #expect(parse.problems == [])
        let record = try #require(parse.records.first)
        #expect(record == LedgerRecord(
            row: 2, name: "Zhang San", plate: "粤B12345", phone: "13812345678", idNumber: "11010519491231002X",
            honorific: "先生",  // the 性别 column wins over the ID number's sex digit
            model: "Camry 2.0", lastInsurer: "PICC", lastPremium: "4860",
            commercialExpiry: LedgerDate(year: 2026, month: 11, day: 22), compulsoryExpiry: LedgerDate(year: 2026, month: 11, day: 20),
            claims: 1, violations: 2, grade: "B", type: "无所谓型", agent: "小王", vehicleUse: "家庭自用", notes: "call after 6pm"))
    }

    @Test(arguments: [
        ("客户姓名", LedgerField.name), ("姓名", .name), ("客户名称", .name), ("联系电话", .phone), ("手机", .phone),
        ("手机号", .phone), ("电话", .phone), ("身份证号", .idNumber), ("证件号码", .idNumber), ("车牌号", .plate),
        ("车牌", .plate), ("号牌号码", .plate), ("车型", .model), ("品牌型号", .model), ("商业险到期日", .commercialExpiry),
        ("到期日", .commercialExpiry), ("expiry", .commercialExpiry), ("交强险到期日", .compulsoryExpiry),
        ("上年保费", .lastPremium), ("保费", .lastPremium), ("上年承保公司", .lastInsurer), ("保险公司", .lastInsurer),
        ("出险次数", .claims), ("理赔次数", .claims), ("违章次数", .violations), ("客户等级", .grade), ("等级", .grade),
        ("客户类型", .type), ("类型", .type), ("性别", .gender), ("专员", .agent), ("续保专员", .agent),
        ("业务员", .agent), ("使用性质", .vehicleUse), ("备注", .notes),
        (" 车牌号 ", .plate), ("*车牌号", .plate), ("上年保费（元）", .lastPremium), ("ＰＨＯＮＥ", .phone), ("Id Number", .idNumber),
    ])
    func headerAliasesAreRecognised(header: String, field: LedgerField) {
        #expect(LedgerField(header: header) == field)
    }

    @Test func unknownColumnsGoToExtraByTheirHeaderText() throws {
        let record = try #require(try Fixture.single(
            header: "客户姓名,车牌号,家庭住址,年审是否通过,实收保费,空列",
            row: "张三,粤B12345,深圳市南山区,是,4500,"))
        #expect(record.extra == ["家庭住址": "深圳市南山区", "年审是否通过": "是", "实收保费": "4500"])
    }

    @Test func aSecondColumnForTheSameFieldIsKeptAsExtra() throws {
        let record = try #require(try Fixture.single(header: "客户姓名,车牌号,手机,电话", row: "张三,粤B12345,13812345678,0755-12345678"))
        #expect(record.phone == "13812345678")
        #expect(record.extra == ["电话": "0755-12345678"])
    }

    @Test func aColumnWithoutAHeaderIsNamedByItsLetter() throws {
        let record = try #require(try Fixture.single(header: "客户姓名,车牌号,,备注", row: "张三,粤B12345,VIP,老客户"))
        #expect(record.extra == ["column C": "VIP"])
        #expect(record.notes == "老客户")
    }

    @Test func aFormOfAddressThatIsNotMrOrMsIsKeptAsWritten() throws {
        let record = try #require(try Fixture.single(header: "客户姓名,车牌号,称呼", row: "王建国,粤B12345,王总"))
        #expect(record.honorific == nil)
        #expect(record.extra == ["称呼": "王总"])
        let miss = try #require(try Fixture.single(header: "客户姓名,车牌号,称呼,性别", row: "李娜,粤B12345,李小姐,男"))
        #expect(miss.honorific == "女士")  // 称呼 says it directly; it wins over 性别
        #expect(miss.extra == [:])
    }

    @Test func titleRowsAboveTheHeaderAreSkipped() throws {
        let parse = try Fixture.read([
            "2026年11月续保电子台帐,,,",
            "",
            "客户姓名,车牌号,联系电话,备注",
            "张三,粤B12345,13812345678,",
        ])
        #expect(parse.headerRow == 3)
        #expect(parse.records.map(\.row) == [4])
    }

    @Test func aFileWithoutAPlateColumnIsAFileError() throws {
        do {
            _ = try Fixture.read(["客户姓名,联系电话,车型", "张三,13812345678,凯美瑞"])
            Issue.record("a ledger without plates was read")
        } catch {
            #expect(error.reason == .missingColumn(.plate, row: 1, header: ["客户姓名", "联系电话", "车型"]))
            #expect(error.description.hasPrefix("row 1: no column for the plate (车牌号); the header has: 客户姓名, 联系电话, 车型"))
        }
    }

    @Test func aFileWithoutANameColumnIsAFileError() throws {
        do {
            _ = try Fixture.read(["车牌号,联系电话", "粤B12345,13812345678"])
            Issue.record("a ledger without names was read")
        } catch {
            #expect(error.reason == .missingColumn(.name, row: 1, header: ["车牌号", "联系电话"]))
            #expect(error.description.hasPrefix("row 1: no column for the customer name (客户姓名)"))
        }
    }

    @Test func theErrorPointsAtTheRowThatLooksMostLikeAHeader() throws {
        do {
            _ = try Fixture.read(["续保台帐", "姓名,电话,车型", "张三,13812345678,凯美瑞"])
            Issue.record("a ledger without plates was read")
        } catch {
            #expect(error.reason == .missingColumn(.plate, row: 2, header: ["姓名", "电话", "车型"]))
        }
    }

    @Test func aHeaderOnlyFileHasNoRecordsAndNoProblems() throws {
        let parse = try Fixture.read(["客户姓名,车牌号,联系电话"])
        #expect(parse.records.isEmpty)
        #expect(parse.problems.isEmpty)
        #expect(parse.header == ["客户姓名", "车牌号", "联系电话"])
    }

    @Test func fieldTitlesAreTheirFirstAlias() {
        #expect(LedgerField.plate.title == "车牌号")
        #expect(LedgerField.name.title == "客户姓名")
        #expect(Set(LedgerField.allCases.map(\.title)).count == LedgerField.allCases.count)
    }
}

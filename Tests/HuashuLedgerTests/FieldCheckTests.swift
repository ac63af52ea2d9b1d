import Testing
import HuashuLedger

/// The checks behind each column, one value at a time. They are the same
/// functions the reader uses, so a number typed in by hand meets the same rules.
@Suite("Field checks")
struct FieldCheckTests {
    // MARK: The short way and the long way

    /// Plain cells (the usual case) are read straight from their bytes; the
    /// same cell with a blank around it goes the long way. Both must agree,
    /// on the value and on the message.
    @Test(arguments: [
        "13812345678", "12812345678", "1381234567", "02012345678",
        "440301198003070016", "44030119800307001X", "440301198003070017", "440301198013070016", "91440300MA5ABCDE1X",
        "粤B12345", "粤BD12345", "港B12345", "粤b12345", "粤B1234", "使123456",
        "2027/3/15", "2027-03-15", "2027.3.5", "2027/02/30", "1026/3/15", "2027/3/15/1", "20270315", "27/3/15", "2027/123/1",
        "3000.50", "0.50", "0", "00.50", "3000.5", "3000.505", "3000", "1234567890",
        "2", "000000", "1234567", "A", "E", "价格敏感型", "无所谓型", "price",
    ])
    func aPlainCellReadsAsTheSameCellWithBlanksAround(text: String) {
        let spaced = "\u{3000}" + text + " "
        func same<T: Equatable>(_ check: (String) throws(LedgerValueError) -> T) {
            let short = Result { () throws(LedgerValueError) -> T in try check(text) }
            let long = Result { () throws(LedgerValueError) -> T in try check(spaced) }
            #expect(short == long, "\(text)")
        }
        same(LedgerValue.phone)
        same(LedgerValue.idNumber)
        same(LedgerValue.plate)
        same(LedgerValue.date)
        same(LedgerValue.premium)
        same(LedgerValue.count)
        same(LedgerValue.grade)
        same(LedgerValue.customerType)
    }

    // MARK: Phone numbers

    @Test(arguments: [
        ("13812345678", "13812345678"), ("138 1234 5678", "13812345678"), ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"), ("8613812345678", "13812345678"), ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("020-12345678", "020-12345678"), ("02012345678", "020-12345678"), ("(020)12345678", "020-12345678"),
        ("0755 1234 5678", "0755-12345678"), ("0755-1234567", "0755-1234567"), ("010-62345678", "010-62345678"),
    ])
    func phoneNumbersAreStoredAsDiallableDigits(text: String, stored: String) throws {
        #expect(try LedgerValue.phone(text) == stored)
    }

    /// A cell of plain digits is judged from its bytes; with a blank around it, or in full-width
    /// digits, the long way. Both must agree, and say the same as before the short way existed.
    @Test(arguments: [
        ("13812345678", false), ("00000000000", true), ("0", true), ("", true), ("123456", true), ("1381234567", true),
        ("1234567", true), ("2345678", false), ("02012345678", false), ("07551234567", false), ("138123456789", false), ("8613812345678", false),
        ("000", true), ("0000000001", false),
    ])
    func placeholderPhonesAreTheSameReadEitherWay(text: String, placeholder: Bool) {
        #expect(LedgerValue.isPlaceholderPhone(text) == placeholder, "\(text)")
        #expect(LedgerValue.isPlaceholderPhone("\u{3000}" + text + " ") == placeholder, "\(text)")
        let fullWidth = String(String.UnicodeScalarView(text.unicodeScalars.map { Unicode.Scalar($0.value + 0xFEE0)! }))
        #expect(LedgerValue.isPlaceholderPhone(fullWidth) == placeholder, "\(fullWidth)")
    }

    @Test(arguments: [("无", true), ("暂无", true), ("不详", true), ("138-1234-5678", false), ("0755-1234567", false), ("1.38123E+10", false),
                      ("138 1234", true), ("+86 0", true)])
    func placeholderPhonesWrittenInWords(text: String, placeholder: Bool) {
        #expect(LedgerValue.isPlaceholderPhone(text) == placeholder, "\(text)")
    }

    @Test(arguments: ["1381234567", "12812345678", "23812345678", "12345678", "020-1234", "138123456789", "电话", "+852 9123 4567"])
    func badPhoneNumbersAreRefused(text: String) {
        #expect(throws: LedgerValueError.self) { try LedgerValue.phone(text) }
    }

    @Test func phoneMessagesSayWhatAGoodNumberLooksLike() {
        #expect(throws: LedgerValueError("`1381234567` is not a valid phone number (11-digit mobile starting with 1, or a landline with area code such as 020-12345678)")) {
            try LedgerValue.phone("1381234567")
        }
        #expect(throws: LedgerValueError("`13812345678/13912345678` holds more than one phone number; keep one here and move the others to 备注")) {
            try LedgerValue.phone("13812345678/13912345678")
        }
        #expect(throws: LedgerValueError("`1.38123E+10` is a number Excel shortened to scientific notation, which loses digits; format the column as Text in Excel, retype the numbers and export again")) {
            try LedgerValue.phone("1.38123E+10")
        }
    }

    // MARK: ID numbers

    @Test func idNumbersWithAValidCheckDigitAreAccepted() throws {
        #expect(try LedgerValue.idNumber(Fixture.manID) == Fixture.manID)
        #expect(try LedgerValue.idNumber("11010519491231002x") == "11010519491231002X")
        #expect(try LedgerValue.idNumber("4403 0119 9003 0712 30") == Fixture.manID)
        #expect(try LedgerValue.idNumber(Fixture.oldManID) == Fixture.oldManID)  // 15-digit cards have no check digit
        #expect(try LedgerValue.idNumber("91440300708461136T") == "91440300708461136T")  // a company's credit code
    }

    @Test func aMistypedDigitIsCaughtByTheCheckDigit() {
        #expect(throws: LedgerValueError("`440301199003071231` is not a valid ID number: the last character should be 0 for the 17 digits before it, so one of them is probably mistyped")) {
            try LedgerValue.idNumber("440301199003071231")
        }
        #expect(throws: LedgerValueError.self) { try LedgerValue.idNumber("440301199003071330") }
    }

    @Test func anIDNumberMustHoldARealBirthDate() {
        #expect(throws: LedgerValueError("`440301199013071236` is not a valid ID number: 19901307 is not a birth date")) {
            try LedgerValue.idNumber("440301199013071236")
        }
        #expect(throws: LedgerValueError("`440301901307123` is not a valid ID number: 19901307 is not a birth date")) {
            try LedgerValue.idNumber("440301901307123")
        }
    }

    @Test(arguments: ["44030119900307123", "4403011990030712300", "44030119900307123Y", "4.40301E+17"])
    func wrongShapesAreRefused(text: String) {
        #expect(throws: LedgerValueError.self) { try LedgerValue.idNumber(text) }
    }

    // MARK: Plates

    @Test(arguments: [
        ("粤B12345", "粤B12345"), ("粤b12345", "粤B12345"), ("粤B 12345", "粤B12345"), ("粤B·12345", "粤B12345"),
        ("粤Ｂ１２３４５", "粤B12345"), ("粤BD12345", "粤BD12345"), ("粤B12345F", "粤B12345F"), ("京A8K9J2", "京A8K9J2"),
        ("粤B1234学", "粤B1234学"), ("粤Z1234港", "粤Z1234港"), ("沪A1234挂", "沪A1234挂"), ("使123456", "使123456"),
    ])
    func platesAreKeptInOneSpelling(text: String, stored: String) throws {
        #expect(try LedgerValue.plate(text) == stored)
    }

    @Test(arguments: ["粤12345", "B12345", "粤B1234", "粤B1234567", "港B12345", "粤B12#45", "未上牌", "粤B1234中"])
    func badPlatesAreRefused(text: String) {
        #expect(throws: LedgerValueError.self) { try LedgerValue.plate(text) }
    }

    // MARK: Numbers, grades and types

    @Test(arguments: [
        ("4860", "4860"), ("¥4,860", "4860"), ("￥4860", "4860"), ("4860元", "4860"), ("4,860.50", "4860.50"),
        ("4860.5", "4860.50"), ("４８６０", "4860"), (" 4860 ", "4860"), ("0", "0"), ("04860", "4860"),
    ])
    func premiumsBecomePlainAmounts(text: String, stored: String) throws {
        #expect(try LedgerValue.premium(text) == stored)
    }

    @Test(arguments: ["-100", "四千", "4860.505", "4.8k", "", "¥"])
    func badPremiumsAreRefused(text: String) {
        #expect(throws: LedgerValueError.self) { try LedgerValue.premium(text) }
    }

    @Test func countsAreWholeNumbersOfTimes() throws {
        #expect(try LedgerValue.count("2") == 2)
        #expect(try LedgerValue.count("２") == 2)
        #expect(try LedgerValue.count(" 3次 ") == 3)
        #expect(try LedgerValue.count("无") == 0)
        #expect(throws: LedgerValueError("`-1` is not a whole number of times (0, 1, 2, ...)")) { try LedgerValue.count("-1") }
        #expect(throws: LedgerValueError.self) { try LedgerValue.count("1.5") }
        #expect(throws: LedgerValueError.self) { try LedgerValue.count("两次") }
    }

    @Test func gradesAreAToD() throws {
        #expect(try LedgerValue.grade("a") == "A")
        #expect(try LedgerValue.grade("Ｄ") == "D")
        #expect(try LedgerValue.grade("B类") == "B")
        #expect(try LedgerValue.grade("C级客户") == "C")
        #expect(throws: LedgerValueError("`E` is not a customer grade (A, B, C or D)")) { try LedgerValue.grade("E") }
        #expect(throws: LedgerValueError.self) { try LedgerValue.grade("AB") }
    }

    @Test func customerTypesAreTheThreeOfTheScripts() throws {
        #expect(try LedgerValue.customerType("价格敏感") == "价格敏感型")
        #expect(try LedgerValue.customerType("服务敏感型") == "服务敏感型")
        #expect(try LedgerValue.customerType("无所谓") == "无所谓型")
        #expect(throws: LedgerValueError("`挑剔型` is not a customer type (价格敏感型, 服务敏感型 or 无所谓型)")) {
            try LedgerValue.customerType("挑剔型")
        }
    }

    @Test func honorificsComeFromGenderOrAFormOfAddress() throws {
        #expect(try LedgerValue.honorific(gender: "男") == "先生")
        #expect(try LedgerValue.honorific(gender: "女") == "女士")
        #expect(try LedgerValue.honorific(gender: "F") == "女士")
        #expect(try LedgerValue.honorific(gender: "未知") == nil)
        #expect(throws: LedgerValueError.self) { try LedgerValue.honorific(gender: "男女") }
        #expect(LedgerValue.honorific(salutation: "张先生") == "先生")
        #expect(LedgerValue.honorific(salutation: "李小姐") == "女士")
        #expect(LedgerValue.honorific(salutation: "王总") == nil)
    }
}

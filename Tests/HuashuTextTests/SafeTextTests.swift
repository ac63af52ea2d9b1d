import HuashuText
import Testing

@Suite("Stored text on a terminal, personal numbers masked")
struct SafeTextTests {
    @Test(arguments: [
        ("\u{1B}]0;owned\u{07}张伟", "␛]0;owned␇张伟"),
        ("\u{1B}[2J\u{1B}[H客户已续保", "␛[2J␛[H客户已续保"),
        ("a\u{0}b\u{7F}c", "a␀b␡c"),
        ("\u{9B}31m", "<U+009B>31m"),
        ("平安\u{202E}保人", "平安<U+202E>保人"),
        ("\u{2066}x\u{2069}", "<U+2066>x<U+2069>"),
        ("line\nnext\r", "line␊next␍"),
        ("普通的备注 ok", "普通的备注 ok"),
    ])
    func controlCodesAreShownNeverSent(stored: String, shown: String) {
        #expect(TerminalText.visible(stored) == shown)
        let visible = TerminalText.visible(stored)
        #expect(!visible.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
    }

    @Test func lineBreaksKeptWhenAsked() {
        #expect(TerminalText.visible("a\u{1B}\nb", keeping: .lineBreaks) == "a␛\nb")
        #expect(TerminalText.visible("a\tb\r\nc\u{7}", keeping: .cellLayout) == "a\tb\r\nc␇")
    }

    @Test(arguments: [
        ("13912345678", "139****5678"),
        ("139-1234-5678", "139****5678"),
        ("139 1234 5678", "139****5678"),
        ("+8613912345678", "139****5678"),
        ("+86 139 1234 5678", "139****5678"),
        ("8613912345678", "139****5678"),
        ("0086-139-1234-5678", "139****5678"),
        ("１３９１２３４５６７８", "139****5678"),
        ("电话:１３９－１２３４－５６７８。", "电话:139****5678。"),
        ("440301199001011234", "4403**********1234"),
        ("44030119900101123X", "4403**********123X"),
        ("44030119900101123x", "4403**********123X"),
        ("4403 0119 9001 0112 34", "4403**********1234"),
        ("4403-0119-9001-0112-3x", "4403**********123X"),
        ("440301900101123", "4403*******1123"),
        ("客户说身份证是440301199001011234,手机13912345678。", "客户说身份证是4403**********1234,手机139****5678。"),
        ("/tmp/13912345678.csv", "/tmp/139****5678.csv"),
    ])
    func everyFormOfPhoneAndIDIsMasked(typed: String, masked: String) {
        #expect(PersonalData.masked(typed) == masked)
    }

    @Test(arguments: ["报价4860元", "单号20240310", "2026-11-02 10:15", "粤B12345", "第3次", "139", "预算 5000-6000",
                      // A temporary folder's UUID and a seal's digest hold digit runs that read like a phone or an ID.
                      "/tmp/huashu-test-14CE8B34-8C10-4317-4542-1D2B28F2B87F/late.csv: row 8890",
                      "seal 3f2a13912345678e4401011990030712340000000000aa11 ok"])
    func otherNumbersAreKept(text: String) {
        #expect(PersonalData.masked(text) == text)
    }

    @Test func fieldsMaskAsBefore() {
        #expect(PersonalData.phone("13812345678") == "138****5678")
        #expect(PersonalData.phone("020-87654321") == "020*****4321")
        #expect(PersonalData.idNumber("44010119900307123X") == "4401**********123X")
        #expect(PersonalData.phone(nil) == nil)
    }

    @Test func nulIsFound() {
        #expect(TerminalText.hasNUL("a\u{0}b"))
        #expect(!TerminalText.hasNUL("ab"))
    }
}

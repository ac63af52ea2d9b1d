import HuashuText
import Testing

@Suite("Chinese text in a terminal")
struct TextTests {
    @Test func chineseTakesTwoCells() {
        #expect("价格".displayWidth == 4)
        #expect("a价b".displayWidth == 4)
        #expect("，：".displayWidth == 4)
    }

    @Test func wrappingNeverSplitsACharacterNorOverflows() {
        let lines = TextWrap.lines("您好请问是张伟先生吗", width: 7)
        #expect(lines == ["您好请", "问是张", "伟先生", "吗"])
        #expect(lines.allSatisfy { $0.displayWidth <= 7 })
    }

    @Test func fullWidthInputFolds() {
        #expect(InputNormalisation.foldFullWidth("．ｎｏｔｅ：１２") == ".note:12")
        #expect(InputNormalisation.integer("１２") == 12)
        #expect(InputNormalisation.integer("1a") == nil)
    }

    @Test func pinyinAndInitials() {
        #expect(Pinyin("价格").full == "jiage")
        #expect(Pinyin("价格").initials == "jg")
    }
}

@Suite("Wrapping by display width")
struct WrapTests {
    @Test func aHangingIndentGivesLaterLinesLessRoom() {
        #expect(TextWrap.lines("说: 您好请问是张伟先生吗", width: 10, following: 6) == ["说: 您好请", "问是张", "伟先生", "吗"])
    }

    @Test func aNewlineAlwaysStartsALine() {
        #expect(TextWrap.lines("第一行\n第二行", width: 40) == ["第一行", "第二行"])
    }

    @Test func combiningMarksAndEmojiStayWithTheirCharacter() {
        let text = "e\u{301}e\u{301}e\u{301}👍🏽👍🏽"
        let lines = TextWrap.lines(text, width: 4)
        #expect(lines.joined() == text)
        #expect(lines == ["e\u{301}e\u{301}e\u{301}", "👍🏽👍🏽"])
        #expect(TextWrap.lines("ｶﾞｶﾞｶﾞ", width: 2) == ["ｶﾞｶﾞ", "ｶﾞ"])
    }
}

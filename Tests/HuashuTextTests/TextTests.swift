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

    @Test func polyphonesAreReadInTheirWords() {
        #expect(Pinyin("便宜").syllables == ["pian", "yi"])
        #expect(Pinyin("便宜").initials == "py")
        #expect(Pinyin("方便").full == "fangbian")
        #expect(Pinyin("还是").full == "haishi")
        #expect(Pinyin("还钱").full == "huanqian")
        #expect(Pinyin("重新").full == "chongxin")
        #expect(Pinyin("重要").full == "zhongyao")
        #expect(Pinyin("银行").full == "yinhang")
        #expect(Pinyin("行不行").full == "xingbuxing")
        #expect(Pinyin("太便宜了").full == "taipianyile", "a word inside a sentence keeps its reading")
    }

    @Test func umlautIsWrittenV() {
        #expect(Pinyin("考虑").full == "kaolv")
        #expect(Pinyin("费率").full == "feilv")
        #expect(Pinyin("绿").full == "lv")
    }

    @Test func everyReadingOfAPolyphoneIsKnown() {
        #expect(Pinyin.readings(of: "还") == ["hai", "huan"])
        #expect(Pinyin.readings(of: "行").contains("hang"))
        #expect(Pinyin.readings(of: "重").contains("chong"))
        #expect(Pinyin.readings(of: "a") == [])
    }

    @Test func otherTextStaysAsTyped() {
        #expect(Pinyin("tai贵").syllables == ["tai", "gui"])
        #expect(Pinyin("4S店").syllables == ["4s", "dian"])
        #expect(Pinyin("").syllables == [])
    }

    @Test func fillersAreKnown() {
        #expect(SpokenFiller.isFiller("那个"))
        #expect(SpokenFiller.isFiller("嗯，吧"))
        #expect(!SpokenFiller.isFiller("太贵"))
    }
}

@Suite("Wrapping by display width")
struct WrapTests {
    @Test func aHangingIndentGivesLaterLinesLessRoom() {
        #expect(TextWrap.lines("说: 您好请问是张伟先生吗", width: 10, following: 6) == ["说: 您好请", "问是张", "伟先生", "吗"])
    }

    @Test(arguments: ["。", "，", "、", "？", "！", "：", "；", "）", "」", "》", "…", ",", ".", "?", ")"])
    func punctuationThatClosesAPhraseNeverStartsALine(_ mark: String) {
        // Four CJK characters fill eight cells: the mark would be alone on the next line.
        let lines = TextWrap.lines("写上去向" + mark, width: 8)
        #expect(lines.count == 2 && !lines[1].hasPrefix(mark), "\(lines)")
        #expect(lines.joined() == "写上去向" + mark)
        #expect(lines.allSatisfy { $0.displayWidth <= 8 })
        // The same through the grapheme walk (an emoji with a modifier sends text there).
        let joined = TextWrap.lines("👍🏽写上去" + mark, width: 8)
        #expect(!joined[1].hasPrefix(mark), "\(joined)")
        // A line that is only one character and the mark cannot give one up.
        #expect(TextWrap.lines("写" + mark, width: 2).joined() == "写" + mark)
    }

    @Test func aLatinWordThatDoesNotFitGoesDownWhole() {
        let lines = TextWrap.lines("挂机前记下地址: .record 交付 寄到 地址", width: 20)
        #expect(lines == ["挂机前记下地址: ", ".record 交付 寄到 地", "址"], "\(lines)")
        // A word longer than a line is still cut where the line is full.
        #expect(TextWrap.lines("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
        // The same through the grapheme walk (an emoji with a modifier sends text there).
        #expect(TextWrap.lines("👍🏽记下: .record 交付", width: 12) == ["👍🏽记下: ", ".record 交付"])
        // Between Chinese characters there is no space to go back to: the line is full where it is full.
        #expect(TextWrap.lines("报价4860元", width: 6) == ["报价48", "60元"])
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

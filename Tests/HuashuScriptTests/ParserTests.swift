import Foundation
import HuashuScript
import Testing

/// Compiles one file and returns its diagnostics as `line:col code` strings.
func diagnose(_ text: String) -> [String] {
    ScriptCompiler.compile([SourceText(name: "t.huashu", text: text)]).diagnostics.map {
        "\($0.location.line):\($0.location.column) \($0.code.rawValue)"
    }
}

let minimal = """
    stage identity 确认身份
    node greet
      say 您好,{name}
      - 是本人 -> done
    node done
      do outcome won
    """

@Suite("Parser: every syntax error with its line and column")
struct ParserTests {
    @Test func aCleanScriptHasNoDiagnostics() {
        #expect(diagnose(minimal) == [])
    }

    @Test func unknownStatementPointsAtTheWord() {
        #expect(diagnose(minimal + "\n  sya 你好") == ["7:3 H010"])
    }

    @Test func missingAndInvalidIDs() {
        #expect(diagnose("stage\n") == ["1:1 H011"])
        #expect(diagnose("stage s 阶段\nnode 价格\n").contains("2:6 H012"))
    }

    @Test func statementsOutsideTheirContainer() {
        #expect(diagnose("say 你好\n" + minimal).contains("1:1 H014"))
        #expect(diagnose("node a\n" + minimal).contains("1:1 H015"))
        #expect(diagnose(minimal + "\n  keys 贵").contains("7:3 H016"))
    }

    @Test func answerErrors() {
        #expect(diagnose(minimal + "\n  - 没有箭头").contains("7:9 H017"), "at the end, where the arrow is missing")
        #expect(diagnose(minimal + "\n  - 没有目标 ->").contains("7:10 H018"))
    }

    @Test func conditionErrors() {
        #expect(diagnose(minimal + "\n  say [grade=A 你好").contains("7:7 H019"))
        #expect(diagnose(minimal + "\n  say [grade=E] 你好").contains("7:8 H020"))
        #expect(diagnose(minimal + "\n  say [colour=red] 你好").contains("7:8 H020"))
        #expect(diagnose(minimal + "\n  say [claims>=x] 你好").contains("7:8 H020"))
        #expect(diagnose(minimal + "\n  say [type>价格敏感型] 你好").contains("7:8 H020"))
    }

    @Test func placeholderErrorsCountCharactersNotBytes() {
        #expect(diagnose(minimal + "\n  say 您好您好{nmae}") == ["7:11 H022"])
        #expect(diagnose(minimal + "\n  say 您好{name") == ["7:9 H021"])
    }

    @Test func actionErrors() {
        #expect(diagnose(minimal + "\n  do outcome lost").contains("7:6 H023"))
        #expect(diagnose(minimal + "\n  do outcome lost cheap").contains("7:6 H023"))
        #expect(diagnose(minimal + "\n  do outcome winn").contains("7:14 H023"))
        #expect(diagnose(minimal + "\n  do dance").contains("7:6 H023"))
        #expect(diagnose(minimal + "\n  - 好 -> done do outcome won").contains("7:18 H023"))
    }

    @Test func aRecordActionNamesAFieldAndAValueItCanHold() {
        #expect(diagnose(minimal + "\n  do record payment 扫码") == [])
        #expect(diagnose(minimal + "\n  do record 交付 寄到 深圳市南山区") == [])
        #expect(diagnose(minimal.replacingOccurrences(of: "-> done", with: "-> done do record 付款 链接")) == [], "on an answer too")
        #expect(diagnose(minimal + "\n  do record payment 微信") == ["7:21 H023"], "the value, where it is")
        #expect(diagnose(minimal + "\n  do record colour 红") == ["7:13 H023"], "the field, where it is")
        #expect(diagnose(minimal + "\n  do record price_gap 很多") == ["7:23 H023"])
        #expect(diagnose(minimal + "\n  do record payment") == ["7:6 H023"], "a field without a value is no action")
    }

    @Test func badBytesEmptyFilesAndHugeInputAreErrorsNotTraps() {
        let bad = SourceText(name: "gbk.huashu", bytes: Array("stage a 阶段\nsay ".utf8) + [0xC4, 0xE3, 0xBA, 0xC3])
        let result = ScriptCompiler.compile([bad])
        #expect(result.diagnostics.map(\.code) == [.notUTF8])
        #expect(result.diagnostics.first?.location.line == 2)
        #expect(result.diagnostics.first?.location.column == 5)
        #expect(diagnose("") == ["1:1 H003"])
        #expect(diagnose("  \n\n") == ["1:1 H003"])
        let huge = SourceText(name: "big.huashu", bytes: [UInt8](repeating: 0x61, count: 10 * 1024 * 1024))
        #expect(ScriptCompiler.compile([huge]).diagnostics.map(\.code) == [.fileTooLarge])
        let longLine = minimal + "\n  say " + String(repeating: "长", count: 100_000)
        #expect(diagnose(longLine) == ["7:1 H005"])
    }

    @Test func aCRLFFileWithABOMParses() {
        let text = "\u{FEFF}" + minimal.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(diagnose(text) == [])
    }
}

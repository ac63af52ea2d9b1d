import Foundation
import HuashuApp
import HuashuEngine
import HuashuScript
import Testing

@Suite("huashu lint and the shipped scripts")
struct LintCommandTests {
    @Test func theShippedScriptsAreClean() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["lint", Fixture.repository.appendingPathComponent("Dialogues").path], input: "")
        #expect(result.status == 0)
        #expect(result.output == "")
    }

    @Test func aBrokenCopyPrintsLocatedErrorsAndExits1() throws {
        let fixture = try Fixture()
        let copy = fixture.folder.appendingPathComponent("Dialogues")
        try FileManager.default.copyItem(at: Fixture.repository.appendingPathComponent("Dialogues"), to: copy)
        let file = copy.appendingPathComponent("30-close.huashu")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "-> ask_payment", with: "-> ask_paymnt")
            .replacingOccurrences(of: "do outcome won", with: "do outcome wonn")
            .write(to: file, atomically: true, encoding: .utf8)
        // A trainer's machine: Chinese by default, whatever the (C) locale.
        let result = try fixture.piped(["lint", copy.path], input: "")
        #expect(result.status == 1)
        #expect(result.output.contains("30-close.huashu:15:"))
        #expect(result.output.contains("错误: 没有 ID 为 `ask_paymnt` 的步骤 [H032]"))
        #expect(result.output.contains("= 提示: 是不是要写 `ask_payment`？"))
        #expect(result.output.contains("错误: `wonn` 不是通话结果 [H023]"))
        #expect(result.output.contains(" 个错误，"))
        // English on request, or from an English locale; `--lang` wins over the locale.
        for (arguments, environment) in [(["--lang", "en"], [:]), ([], ["LANG": "en_US.UTF-8"]), ([], ["LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"]),
                                         ([], ["HUASHU_LANG": "en", "LANG": "zh_CN.UTF-8"])] {
            let english = try fixture.piped(["lint"] + arguments + [copy.path], input: "", environment: environment)
            #expect(english.status == 1)
            #expect(english.output.contains("error: unknown target `ask_paymnt` [H032]"), "\(arguments) \(environment)")
            #expect(english.output.contains("hint: did you mean `ask_payment`?"))
            #expect(english.output.contains("error: `wonn` is not an outcome [H023]"))
            #expect(english.output.contains(" errors, "))
        }
        let chinese = try fixture.piped(["lint", "--lang", "zh", copy.path], input: "", environment: ["LANG": "en_US.UTF-8"])
        #expect(chinese.output.contains("错误: `wonn` 不是通话结果 [H023]"))
        let unknown = try fixture.piped(["lint", "--lang", "fr", copy.path], input: "")
        #expect(unknown.status != 0)
        #expect(unknown.output.contains("unknown language `fr`: use zh or en"))
    }

    @Test func theCompleteExampleInTheTrainersGuideIsAValidScript() throws {
        let guide = try String(contentsOf: Fixture.repository.appendingPathComponent("Dialogues/README.md"), encoding: .utf8)
        let start = try #require(guide.range(of: "# demo.huashu"))
        let example = String(guide[start.lowerBound...].prefix { $0 != "`" })
        let result = ScriptCompiler.compile([SourceText(name: "demo.huashu", text: example)])
        #expect(result.diagnostics == [])
        #expect(result.script?.nodes.count == 6)
    }

    @Test func explainingACode() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["lint", "--explain", "h032"], input: "")
        #expect(result.status == 0)
        #expect(result.output == """
            H032 (错误): 回答通往一个不存在的步骤。请检查 ID 的拼写。
              错误写法:
                  - 那就办吧 -> dnoe
              正确写法:
                  - 那就办吧 -> done

            """)
        let english = try fixture.piped(["lint", "--explain", "H032", "--lang", "en"], input: "")
        #expect(english.output.hasPrefix("H032 (error): The answer leads to a step that does not exist."))
        #expect(english.output.contains("  wrong:\n      - 那就办吧 -> dnoe\n"))
    }

    /// The trainers' guide's small script with some of its lines changed, linted as a trainer runs it.
    static func lintGuideExample(_ fixture: Fixture, _ edit: (String) -> String, language: [String] = []) throws -> (status: Int32, output: String) {
        let guide = try String(contentsOf: Fixture.repository.appendingPathComponent("Dialogues/README.md"), encoding: .utf8)
        let start = try #require(guide.range(of: "# demo.huashu"))
        let file = fixture.folder.appendingPathComponent("demo.huashu")
        try edit(String(guide[start.lowerBound...].prefix { $0 != "`" })).write(to: file, atomically: true, encoding: .utf8)
        return try fixture.piped(["lint"] + language + [file.path], input: "")
    }

    @Test func arrowsTypedWithAChineseInputMethodAreAccepted() throws {
        let fixture = try Fixture()
        for arrow in ["－＞", "-＞", "－>", "—>", "-》", "→", "⟶", "->"] {
            let result = try Self.lintGuideExample(fixture) { $0.replacingOccurrences(of: "- 同意 -> done", with: "- 同意 \(arrow) done") }
            #expect(result == (0, ""), "\(arrow)")
        }
        // The other full-width forms around an answer: a condition in ［］, an answer name after ＠.
        let fullWidth = try Self.lintGuideExample(fixture) {
            $0.replacingOccurrences(of: "- 同意 -> done", with: "- ［grade=A|B］同意 －＞ done ＠agree")
        }
        #expect(fullWidth == (0, ""))
        // Something that is no arrow is named, with the marker on it; no arrow at all is marked where it is missing.
        let stray = try Self.lintGuideExample(fixture) { $0.replacingOccurrences(of: "- 同意 -> done", with: "- 同意 => done") }
        #expect(stray.status == 1)
        #expect(stray.output.contains("demo.huashu:18:8: 错误: `=>` 不是箭头，请写 `->` [H017]\n 18 |   - 同意 => done\n    |          ^~\n"))
        let missing = try Self.lintGuideExample(fixture) { $0.replacingOccurrences(of: "- 同意 -> done", with: "- 同意 done") }
        #expect(missing.output.contains("demo.huashu:18:12: 错误: 回答没有 `->`，不知道通往哪一步 [H017]\n 18 |   - 同意 done\n    |              ^\n"))
        let english = try Self.lintGuideExample(fixture, { $0.replacingOccurrences(of: "- 同意 -> done", with: "- 同意 >> done") }, language: ["--lang", "en"])
        #expect(english.output.contains("demo.huashu:18:9: error: `>` is not an arrow: write `->` [H017]"))
    }

    @Test func aHandlerWhoseReturnWasDeletedIsAWarning() throws {
        let fixture = try Fixture()
        let result = try Self.lintGuideExample(fixture) { $0.replacingOccurrences(of: "  - 接受 -> return\n", with: "") }
        #expect(result.status == 0, "a warning: the script still loads")
        #expect(result.output.contains("warning") == false)
        #expect(result.output.contains("demo.huashu:32:11: 警告: 异议处理 `price` 的每条路都会结束通话：没有一条用 `return` 回去，也没有一条继续通话 [H043]"))
        #expect(result.output.hasSuffix("0 个错误，1 个警告\n"))
        // A handler that leads on into the call (not only to endings) is fine without `return`.
        let onward = try Self.lintGuideExample(fixture) { $0.replacingOccurrences(of: "  - 接受 -> return\n", with: "  - 接受 -> quote\n") }
        #expect(onward == (0, ""))
    }

    @Test func anAnswerThatLeadsBackToItsOwnStepIsAWarningUnlessNamed() throws {
        let fixture = try Fixture()
        let loop = try Self.lintGuideExample(fixture) { $0.replacingOccurrences(of: "  - 再考虑 -> thinking\n", with: "  - 再考虑 -> thinking\n  - 没听清 -> quote\n") }
        #expect(loop.status == 0)
        #expect(loop.output.contains("警告: 这个回答回到 `quote` 自己，也不做任何事：坐席会再看到同一屏 [H044]"))
        let named = try Self.lintGuideExample(fixture) { $0.replacingOccurrences(of: "  - 再考虑 -> thinking\n", with: "  - 再考虑 -> thinking\n  - 没听清 -> quote @again\n") }
        #expect(named == (0, ""))
        let marking = try Self.lintGuideExample(fixture) { $0.replacingOccurrences(of: "  - 再考虑 -> thinking\n", with: "  - 再考虑 -> thinking\n  - 有疑问 -> quote do mark doubts\n") }
        #expect(marking == (0, ""))
    }

    @Test func typedChineseAndPinyinFindThePriceHandlerInTheShippedScripts() throws {
        let script = try ScriptFiles.load([Fixture.repository.appendingPathComponent("Dialogues").path])
        let finder = ObjectionFinder(script: script)
        #expect(finder.rank("太贵了").first?.handlerID == "price")
        #expect(finder.rank("jg").first?.handlerID == "price")
        #expect(finder.rank("考虑一下").first?.handlerID == "think")
        #expect(finder.rank("已经买了").first?.handlerID == "already_bought")
        #expect(finder.rank("车卖了").first?.handlerID == "vehicle_sold")
        #expect(finder.rank("还没到期").first?.handlerID == "not_due")
        #expect(script.objections.count >= 14)
    }
}

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
        let result = try fixture.piped(["lint", copy.path], input: "")
        #expect(result.status == 1)
        #expect(result.output.contains("30-close.huashu:14:"))
        #expect(result.output.contains("error: unknown target `ask_paymnt` [H032]"))
        #expect(result.output.contains("hint: did you mean `ask_payment`?"))
        #expect(result.output.contains("error: `wonn` is not an outcome [H023]"))
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
        #expect(result.output.hasPrefix("H032 (error): The answer leads to a step that does not exist."))
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

import Foundation
import HuashuScript
import HuashuText
import Testing

@Suite("Checker: references, shape and flow")
struct CheckerTests {
    @Test func unknownTargetSuggestsTheClosestID() throws {
        let result = ScriptCompiler.compile([SourceText(name: "t.huashu", text: minimal + "\n  - 还是贵 -> donee")])
        let diagnostic = try #require(result.diagnostics.first)
        #expect(diagnostic.code == .unknownTarget)
        #expect(diagnostic.hint?.en == "did you mean `done`?")
        #expect(result.script == nil)
    }

    @Test func duplicateNodeAndAnswerIDs() {
        #expect(diagnose(minimal + "\nnode done\n  do outcome won").contains("7:6 H030"))
        #expect(diagnose(minimal.replacingOccurrences(of: "  - 是本人 -> done", with: "  - 是 -> done\n  - 对 -> done")) == ["5:10 H031"])
        #expect(diagnose(minimal.replacingOccurrences(of: "  - 是本人 -> done", with: "  - 是 -> done\n  - 对 -> done @yes")) == [])
    }

    @Test func returnOnlyInsideAnObjectionStage() {
        #expect(diagnose(minimal + "\n  - 返回 -> return") == ["7:11 H033"])
        let handler = minimal + "\nstage objection 异议\nobjection price 价格高\n  keys 贵\n  - 好 -> return"
        #expect(diagnose(handler) == [])
    }

    @Test func unreachableDeadEndEmptyStageAndKeylessObjection() {
        #expect(diagnose(minimal + "\nnode orphan\n  do outcome won") == ["7:6 H034"])
        #expect(diagnose(minimal.replacingOccurrences(of: "  do outcome won", with: "  say 好的")) == ["2:6 H038", "5:6 H035"])
        #expect(diagnose(minimal + "\nstage close 成交") == ["7:7 H036"])
        #expect(diagnose(minimal + "\nstage objection 异议\nobjection price 价格高\n  - 好 -> return") == ["8:11 H037"])
    }

    @Test func twoHandlersSharingAKeyAreAWarning() {
        let handlers = minimal + "\nstage objection 异议\nobjection price 价格高\n  keys 贵, 便宜\n  - 好 -> return"
            + "\nobjection cheaper 别家便宜\n  keys 便宜, 别家\n  - 好 -> return"
        #expect(diagnose(handlers) == ["11:11 H042"])
        let result = ScriptCompiler.compile([SourceText(name: "t.huashu", text: handlers)])
        #expect(result.diagnostics.first?.message.en == "key `便宜` of objection `cheaper` is also a key of `price`")
        #expect(result.script != nil, "a warning does not stop the script from loading")
        let spelledApart = minimal + "\nstage objection 异议\nobjection price 价格高\n  keys TooHigh\n  - 好 -> return"
            + "\nobjection cheaper 别家便宜\n  keys ｔｏｏｈｉｇｈ\n  - 好 -> return"
        #expect(diagnose(spelledApart) == ["11:11 H042"], "the search folds full-width letters and case, so the check does")
    }

    @Test func aCallThatCanNeverEnd() {
        let loop = "stage s 阶段\nnode a\n  - x -> b\nnode b\n  - y -> a\n"
        #expect(diagnose(loop) == ["2:6 H038"])
    }

    @Test func aNodeFromWhichNoPathEnds() {
        let trap = minimal + "\n  - 陷阱 -> trap\nnode trap\n  - 绕圈 -> trap"
        #expect(diagnose(trap) == ["8:6 H041", "9:11 H044"])
    }

    @Test func aGateOnAFlagNobodyMarks() {
        #expect(diagnose(minimal + "\n  need identiy: 先确认") == ["7:8 H039"])
        #expect(diagnose(minimal.replacingOccurrences(of: "- 是本人 -> done", with: "- 是本人 -> done do mark identity") + "\n  need identity: 先确认") == [])
    }

    @Test func allProblemsInOneRunSortedByPlace() {
        let many = "stage s 阶段\nnode a\n  say {x}\n  - 1 -> nowhere\n  - 2 -> a\nbogus\n"
        #expect(diagnose(many) == ["2:6 H038", "3:7 H022", "4:10 H032", "5:10 H044", "6:1 H010"])
    }

    @Test func answersGetStableIDsAndTheScriptAVersion() throws {
        let script = try #require(ScriptCompiler.compile([SourceText(name: "t.huashu", text: minimal)]).script)
        #expect(script.nodes["greet"]?.answers.map(\.id) == ["greet>done"])
        #expect(script.startNodeID == "greet")
        #expect(script.version.count == 16)
        let edited = try #require(ScriptCompiler.compile([SourceText(name: "t.huashu", text: minimal + "\n# edit")]).script)
        #expect(edited.version != script.version)
    }
}

@Suite("Diagnostics formatter")
struct FormatterTests {
    @Test func theMarkerSitsUnderTheChineseCharacterByDisplayWidth() {
        let text = minimal + "\n  say 您好您好{nmae}"
        let source = SourceText(name: "t.huashu", text: text)
        let output = DiagnosticsFormatter(sources: [source], language: .en).format(ScriptCompiler.compile([source]).diagnostics)
        #expect(output == """
            t.huashu:7:11: error: unknown placeholder `{nmae}` [H022]
             7 |   say 您好您好{nmae}
               |               ^~~~~~
               = hint: did you mean `{name}`?

            """)
    }

    /// A script is text from anywhere: ESC, BEL and bidi controls in its lines or names are shown, never sent,
    /// and the marker still sits under the spot as shown.
    @Test func controlCodesInTheScriptAreShownVisiblyWithTheMarkerInPlace() {
        for (code, shown) in [("\u{1B}]0;x\u{07}", "␛]0;x␇"), ("\u{202E}", "<U+202E>"), ("\u{1B}[2J", "␛[2J")] {
            let text = minimal + "\n  say 您\(code)好{nmae}"
            let source = SourceText(name: "t\u{1B}.huashu", text: text)
            let output = DiagnosticsFormatter(sources: [source], language: .en).format(ScriptCompiler.compile([source]).diagnostics)
            #expect(!output.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" } && !output.contains("\u{202E}"), "\(output)")
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("t␛.huashu:7:") == true)
            #expect(lines[1] == " 7 |   say 您\(shown)好{nmae}")
            let caret = lines[2].firstIndex(of: "^").map { lines[2][..<$0].displayWidth }
            #expect(caret == " 7 |   say 您\(shown)好".displayWidth, "\(output)")
        }
    }
}

@Suite("Checker: nothing half-filled is read aloud")
struct CallbackGateTests {
    static let withLater = minimal.replacingOccurrences(of: "  - 是本人 -> done", with: "  - 是本人 -> done\n  - 不方便 -> later")

    @Test func aLineSayingTheCallbackNeedsTheBookedGate() {
        #expect(diagnose(Self.withLater + "\nnode later\n  say 那我{callback}再打给您。\n  do outcome callback") == ["8:6 H049"])
        #expect(diagnose(Self.withLater + "\nnode later\n  say 好的。\n  - [days>1] {callback}见 -> done") == ["8:6 H049"])
        #expect(diagnose(Self.withLater + "\nnode later\n  need callback_booked: 先约时间。\n  say 那我{callback}再打给您。\n  do outcome callback") == [])
        #expect(diagnose(Self.withLater + "\nnode later\n  say 那我明天再打给您。\n  do outcome callback") == [])
    }

    @Test func aLineSayingTheQuoteNeedsTheQuotedGateOrItsOwnQuestion() {
        // Reached before any premium is typed: the line would read 【缺:报价】 aloud.
        #expect(diagnose(Self.withLater + "\nnode later\n  say 一共{quote}元。\n  do outcome thinking") == ["8:6 H049"])
        #expect(diagnose(Self.withLater + "\nnode later\n  need quoted: 先报价。\n  say 一共{quote}元。\n  do outcome thinking") == [])
        // The step asks for the premium itself: its line waits until the agent types it.
        #expect(diagnose(Self.withLater + "\nnode later\n  say 一共{quote}元。\n  do quote\n  - 好 -> done") == [])
        #expect(diagnose(Self.withLater + "\nnode later\n  say 那我{callback}再打给您。\n  do callback\n  - 好 -> done") == [])
        // An answer is shown while the step waits, so only the gate makes it safe.
        #expect(diagnose(Self.withLater + "\nnode later\n  say 好。\n  do quote\n  - {quote}元可以 -> done") == ["8:6 H049"])
    }

    @Test func everyShippedStepSayingACallFilledValueWaitsForIt() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Dialogues")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".huashu") }.sorted()
        let sources = try files.map { SourceText(name: $0, text: try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) }
        let script = try #require(ScriptCompiler.compile(sources).script)
        let saying = script.nodes.values.filter { !$0.callFilledUses.isEmpty }
        #expect(Set(saying.flatMap { $0.callFilledUses.map(\.placeholder) }) == [.quote, .callback])
        for node in saying {
            for (placeholder, inAnswer) in node.callFilledUses {
                let gated = node.gates.contains { $0.flag == placeholder.flagWhenKnown }
                #expect(gated || (!inAnswer && node.asks(for: placeholder)), "\(node.id) \(placeholder)")
            }
        }
    }
}

import HuashuScript
import Testing

@Suite("Cues: weighted words that steer the objection search")
struct CueTests {
    let handler = minimal + """

        stage objection 异议
        objection price 价格高
          keys 贵
          cue 3 太贵, 便宜点
          cue -4 别家
          - 好 -> return
        """

    @Test func cuesKeepTheirWeightsAndPlaces() throws {
        let result = ScriptCompiler.compile([SourceText(name: "t.huashu", text: handler)])
        #expect(result.diagnostics == [])
        let price = try #require(result.script?.nodes["price"])
        #expect(price.cues.map(\.text) == ["太贵", "便宜点", "别家"])
        #expect(price.cues.map(\.weight) == [3, 3, -4])
        #expect(price.cues.map { "\($0.location.line):\($0.location.column)" } == ["10:9", "10:13", "11:10"])
    }

    @Test func aWeightMustBeAWholeNumberFromMinusNineToNineNotZero() {
        for weight in ["0", "10", "-10", "高", "1.5"] {
            #expect(diagnose(handler + "\n  cue \(weight) 贵") == ["13:7 H073"], "weight \(weight)")
        }
        #expect(diagnose(handler + "\n  cue") == ["13:3 H073"])
        #expect(diagnose(handler + "\n  cue 2") == ["13:7 H013"])
    }

    @Test func aCueBelongsToAnObjection() {
        #expect(diagnose(minimal + "\n  cue 2 贵").contains("7:3 H016"))
    }

    @Test func aCueOfFillerWordsIsReported() {
        #expect(diagnose(handler + "\n  cue 2 那个, 吧") == ["13:9 H074", "13:13 H074"])
        #expect(diagnose(handler + "\n  cue -2 那个") == [], "a negative cue may be anything")
        #expect(DiagnosticCode.fillerCue.severity == .warning)
    }
}

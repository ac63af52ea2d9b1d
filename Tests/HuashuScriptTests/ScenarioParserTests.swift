import HuashuScript
import Testing

@Suite("Scenario files: parsing and the names they use")
struct ScenarioParserTests {
    static let sample = """
        # shared words
        says price 太贵了
        says price “能便宜点吗？”

        scenario haggler 嫌贵的老客户
          name 张伟
          honorific 先生
          grade b
          type 价格敏感
          claims 1
          days -3
          model 丰田凯美瑞
          premium 4,860元
          insurer 平安
          callback 后天下午
          at greet -> confirm_car
          at quote say "比去年还贵？" -> objection price
          at price -> return
          weight 3 at addons -> @glass_only
          weight 1 at addons -> addons>quote
          says quote>close_confirm 行，办吧
        """

    @Test func aScenarioWithProfileSequenceWeightsAndWords() throws {
        let book = ScenarioParser.parse([SourceText(name: "s.scenario", text: Self.sample)])
        #expect(book.diagnostics == [])
        let scenario = try #require(book.scenario("haggler"))
        #expect(scenario.title == "嫌贵的老客户")
        let p = scenario.profile
        #expect([p.name, p.honorific, p.model, p.lastInsurer, p.lastPremium] == ["张伟", "先生", "丰田凯美瑞", "平安", "4860"])
        #expect(p.grade == .b && p.type == .priceSensitive && p.claims == 1 && p.daysToExpiry == -3)
        #expect(p.callback == ScenarioCallback(daysAhead: 2, afternoon: true))
        #expect(scenario.sequence.map(\.move) == [.answer("greet>confirm_car"), .objection("price"), .answer("price>return")])
        #expect(scenario.sequence.map(\.node) == ["greet", "quote", "price"])
        #expect(scenario.sequence[1].words == "比去年还贵？")
        #expect(scenario.sequence[1].wordsLocation?.column == 17)
        #expect(scenario.weighted.map(\.move) == [.answer("addons>@glass_only"), .answer("addons>quote")])
        #expect(scenario.weighted.map(\.weight) == [3, 1])
        #expect(book.shared.map(\.text) == ["太贵了", "能便宜点吗？"])
        #expect(book.words(for: "price", in: scenario) == ["太贵了", "能便宜点吗？"])
        #expect(book.words(for: "quote>close_confirm", in: scenario) == ["行，办吧"])
    }

    @Test func everyMistakeIsReportedWithItsPlace() {
        let text = """
            name 无主
            scenario bad 坏例子
              grade E
              type 随便型
              days soon
              callback 下周
              atx greet -> confirm_car
              at greet confirm_car
              at greet -> objection
              weight 0 at greet -> confirm_car
              at greet yell 喂 -> confirm_car
            scenario bad 重复
              name 李四
              type 无所谓型
            """
        let book = ScenarioParser.parse([SourceText(name: "b.scenario", text: text)])
        #expect(book.diagnostics.map { "\($0.location.line):\($0.location.column) \($0.code.rawValue)" } == [
            "1:1 H063", "2:10 H062", "3:9 H061", "4:8 H061", "5:8 H061", "6:12 H061", "7:3 H060", "8:23 H064",
            "9:15 H064", "10:10 H064", "11:12 H064", "12:10 H070",
        ])
        #expect(book.diagnostics.first { $0.code == .scenarioUnknownStatement }?.hint?.en == "did you mean `at`?")
        #expect(book.diagnostics.first { $0.code == .scenarioMissingProfile }?.message.en == "scenario `bad` has no name and type")
    }

    @Test func namesTheScriptNoLongerHasAreFound() {
        let script = ScriptCompiler.compile([SourceText(name: "t.huashu", text: """
            stage identity 确认身份
            node greet
              - 是我 -> done
              - 太贵 -> price
            node done
              do outcome won
            stage objection 异议
            objection price 价格高
              keys 贵
              - 好 -> return
            """)]).script!
        let book = ScenarioParser.parse([SourceText(name: "s.scenario", text: """
            says prise 太贵了
            says greet>don 好
            scenario s 例子
              name 张三
              type 无所谓型
              at gret -> done
              at greet -> donee
              at greet -> objection prize
              at greet -> objection done
              at done -> greet
            """)])
        let found = ScenarioReferences.check(book, script: script).map { "\($0.location.line):\($0.location.column) \($0.code.rawValue) \($0.hint?.en ?? "")" }
        #expect(found == [
            "6:6 H065 did you mean `greet`?",
            "7:15 H066 did you mean `greet>done`?",
            "8:25 H067 did you mean `price`?",
            "9:25 H067 an objection names a handler from the objection stage",
            "10:14 H066 give the reaction to an earlier step",
            "1:6 H067 did you mean `price`?",
            "2:6 H066 did you mean `greet>done`?",
        ])
    }
}

import HuashuEngine
import HuashuScript
import Testing

@Suite("Scenarios checked against the script: names, words, and played as test plans")
struct ScenarioCheckTests {
    static let script = """
        stage identity 确认身份
        node greet
          - 是我 -> quote
          - 再说一遍 -> greet @again
          - 打错了 -> wrong
          - 太贵 -> price
        node wrong
          do outcome wrong_number
        stage needs 报价
        node quote
          - 可以 -> done
          - 不要 -> lost
        node done
          do outcome won
        node lost
          do outcome lost price
        stage objection 异议
        objection price 价格高
          keys 贵, 便宜
          - 好 -> return
        objection think 还要考虑
          keys 考虑, 想想
          - 好 -> return
        """

    static func check(_ scenario: String, script: String = script) -> [String] {
        let compiled = ScriptCompiler.compile([SourceText(name: "t.huashu", text: script)])
        #expect(compiled.diagnostics == [])
        let (_, diagnostics) = ScenarioChecker.lint([SourceText(name: "s.scenario", text: scenario)], script: compiled.script)
        return diagnostics.map { "\($0.location.line):\($0.location.column) \($0.code.rawValue) \($0.message.en)" }
    }

    static let head = "scenario s 例子\n  name 张三\n  type 无所谓型\n"

    @Test func theShippedScenariosFitTheShippedScript() {
        #expect(ShippedRehearsal.book.scenarios.count >= 6)
        #expect(ShippedRehearsal.book.diagnostics == [])
        #expect(ScenarioChecker.check(ShippedRehearsal.book, script: ShippedRehearsal.script) == [])
        let types = Set(ShippedRehearsal.book.scenarios.compactMap(\.profile.type))
        #expect(types == Set(CustomerType.allCases), "one scenario per customer type at least")
        for scenario in ShippedRehearsal.book.scenarios {
            for seed in ScenarioChecker.seeds {
                let run = ScenarioChecker.play(scenario, book: ShippedRehearsal.book, script: ShippedRehearsal.script, seed: seed)
                #expect(run.final.outcome != nil, "\(scenario.id) with seed \(seed) ends")
                #expect(run.sequenceUsed == scenario.sequence.count && run.skipped.isEmpty)
            }
        }
    }

    @Test func theHardCasesRaiseTheirObjections() {
        func objections(_ id: String) -> [String] {
            let run = ScenarioChecker.play(ShippedRehearsal.book.scenario(id)!, book: ShippedRehearsal.book, script: ShippedRehearsal.script, seed: 1)
            return run.turns.compactMap { if case .objection(let handler) = $0.intent { return handler } else { return nil } }
        }
        #expect(objections("two_objections") == ["price", "think"])
        #expect(objections("already_bought") == ["already_bought"])
        #expect(objections("wrong_person") == ["not_owner"])
        #expect(objections("service_grudge") == ["bad_service", "think"])
        #expect(objections("price_haggler") == ["price"])
    }

    @Test func wordsThatFindAnotherHandlerAreReported() {
        #expect(Self.check("says price 我再考虑一下\n" + Self.head + "  at quote say 太贵了 -> objection think\n") == [
            "1:12 H068 the customer's words `我再考虑一下` find `think` (还要考虑) first, not `price`",
            "5:16 H068 the customer's words `太贵了` find `price` (价格高) first, not `think`",
        ])
        #expect(Self.check(Self.head + "  at greet -> objection price\n") == [
            "4:25 H071 the customer raises `price` but no words are written for it",
        ])
    }

    @Test func aScenarioThatNoLongerFitsIsReportedWhereItBreaks() {
        // The answer exists, but a reaction before it leads the call elsewhere.
        #expect(Self.check(Self.head + "  at greet -> wrong\n  at quote -> done\n") == [
            "5:6 H069 the rehearsal never gets to `at quote`: the call went greet → wrong and ended (wrong_number)",
        ])
        // Nested as written, the detour returns where it should.
        #expect(Self.check(Self.head + "  at greet -> quote\n  at quote say 贵 -> objection price\n  at price -> return\n  at quote -> lost\n") == [])
        // Entered by an answer instead, the handler has nowhere to return to: the script refuses.
        #expect(Self.check(Self.head + "  at greet -> price\n  at price -> return\n") == [
            "1:10 H069 the customer has nothing the script allows to say at `price`",
            "5:3 H069 at `price` the script refuses this reaction: 没有可返回的步骤:这不是从别处跳来的异议。",
        ])
        let renamed = Self.script.replacingOccurrences(of: "node quote", with: "node offer").replacingOccurrences(of: "-> quote", with: "-> offer")
        #expect(Self.check(Self.head + "  at quote -> done\n", script: renamed) == [
            "4:6 H065 the script has no step `quote`",
        ])
    }

    @Test func aCustomerWhoGoesRoundInCirclesIsAWarning() {
        let found = Self.check(Self.head + "  weight 1 at greet -> @again\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("1:10 H072 after 300 steps the rehearsal still has not ended: the call went … → greet → greet") == true)
        #expect(found.first?.hasSuffix("(seed 1)") == true)
    }

    @Test func lintReportsFileSyntaxEvenWithoutAScript() {
        let (book, diagnostics) = ScenarioChecker.lint([SourceText(name: "s.scenario", text: "scenario s 例子\n  name 张三\n")], script: nil)
        #expect(book.scenarios.count == 1)
        #expect(diagnostics.map(\.code) == [.scenarioMissingProfile])
    }
}

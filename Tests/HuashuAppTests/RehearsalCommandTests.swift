import Foundation
import HuashuApp
import HuashuEngine
import HuashuRenewal
import HuashuScript
import HuashuStore
import Testing

/// What a trainee types in a rehearsal, worked out beforehand by playing the
/// same scenario and seed through the engine: the customer's words expected
/// on each screen, and the lines that respond to them.
struct RehearsalPlan {
    struct Exchange {
        /// What the customer says (nil on the quote screen, where the trainee types the premium).
        var customer: String?
        var typed: [String]
    }

    var exchanges: [Exchange] = []

    var lines: [String] { exchanges.flatMap(\.typed) }

    static let dialogues = Fixture.repository.appendingPathComponent("Dialogues").path

    /// Plays the scenario as a trainee who responds as the script means, except that for the
    /// handlers in `wrongFirst` the trainee first types `wrongWords`, takes that handler, and steps back.
    static func make(_ scenarioID: String, seed: UInt64, premium: String = "4860",
                     wrongFirst: [String: String] = [:]) throws -> RehearsalPlan {
        let script = try ScriptFiles.load([dialogues])
        let book = ScenarioParser.parse(try ScriptFiles.read([dialogues], fileExtension: "scenario"))
        let scenario = try #require(book.scenario(scenarioID))
        let engine = CallEngine(script: script, context: CallContext(customer: scenario.profile.facts(), agent: "小李", dealer: "鹏程丰田"))
        let finder = ObjectionFinder(script: script)
        var customer = SimulatedCustomer(scenario: scenario, book: book, engine: engine, seed: seed)
        var state = engine.start().state
        var plan = RehearsalPlan()
        func apply(_ input: CallInput) {
            let step = engine.step(state, input)
            customer.trainee(input, before: state, after: step, time: 0)
            state = step.state
        }
        while !state.hasEnded {
            if state.awaiting == .quote {
                plan.exchanges.append(Exchange(customer: nil, typed: [premium]))
                apply(.quote(premium))
                continue
            }
            let turn = try #require(customer.speak(at: state, time: 0)?.turn)
            var typed: [String] = []
            switch turn.intent {
            case .answer(let id):
                let number = try #require(engine.visibleAnswers(state).firstIndex { $0.id == id }) + 1
                typed.append(String(number))
            case .callback(let slot):
                typed.append(String(try #require(CallbackTime.closedChoices.firstIndex(of: slot)) + 1))
            case .objection(let handler):
                if let wrong = wrongFirst[handler] {
                    let taken = try #require(finder.rank(wrong).first?.handlerID)
                    apply(.objection(taken))
                    apply(.back)
                    typed += [wrong, "", ".back"]
                }
                #expect(finder.rank(turn.words).first?.handlerID == handler)
                typed += [turn.words, ""]
            }
            plan.exchanges.append(Exchange(customer: turn.words, typed: typed))
            apply(turn.input)
        }
        return plan
    }
}

extension Fixture {
    /// Rehearses through a pipe, typing the plan's lines.
    func rehearse(_ scenario: String, seed: UInt64, plan: RehearsalPlan, agent: String = "小李") throws -> (status: Int32, output: String) {
        var environment = self.environment
        environment["HUASHU_AGENT"] = agent
        return try piped(["rehearse", "--scenario", scenario, "--seed", String(seed), "--agent", agent],
                         input: plan.lines.joined(separator: "\n") + "\n")
    }

    /// The output without what changes from run to run: the call clock and the time taken.
    static func steady(_ output: String) -> String {
        output.replacingOccurrences(of: #"通话 \d\d:\d\d"#, with: "通话 --:--", options: .regularExpression)
            .replacingOccurrences(of: #"用时 \d\d:\d\d"#, with: "用时 --:--", options: .regularExpression)
            .replacingOccurrences(of: #"huashu resume \d+"#, with: "huashu resume N", options: .regularExpression)
    }
}

@Suite("huashu rehearse", .serialized)
struct RehearsalCommandTests {
    @Test func aWholeRehearsalThroughAPseudoTerminal() throws {
        let fixture = try Fixture()
        let plan = try RehearsalPlan.make("two_objections", seed: 42, premium: "3980")
        let terminal = try fixture.terminal("rehearse", "--scenario", "two_objections", "--seed", "42")
        terminal.waitFor("演练：连环异议：嫌贵，话没说完又要考虑 [two_objections]")
        terminal.waitFor("【演练】刘洋先生 · 演练-连环异议 · 日产轩逸")
        var mark = 0
        for exchange in plan.exchanges {
            // The customer speaks under the screen the last line led to.
            terminal.waitFor(exchange.customer.map { "客户: " + $0 } ?? "报价金额> ", since: mark)
            for line in exchange.typed {
                terminal.pump(milliseconds: 100)
                mark = terminal.mark
                terminal.type(line + "\r")
                if !line.isEmpty && Int(line) == nil { terminal.waitFor("选择异议 1-", since: mark) }
            }
        }
        terminal.waitFor("通话结果: 成交")
        terminal.waitFor("══ 演练评分 ══")
        terminal.waitFor("异议 2 个，一次找对 2 个：")
        terminal.waitFor("出错：没有。")
        #expect(terminal.waitForExit() == 0)
        #expect(plan.exchanges.compactMap(\.customer).prefix(1) == ["我就是，你哪位？"])
        #expect(plan.exchanges.compactMap(\.customer).contains("比去年贵了这么多？"))
        #expect(plan.exchanges.compactMap(\.customer).contains("算了算了，我还是再考虑考虑吧。"))

        let call = try #require(try fixture.store.call(1))
        #expect(call.training)
        #expect(call.outcome == "won")
        let customer = try #require(try fixture.store.customer(id: call.customerID))
        #expect(customer.plate == "演练-连环异议")
        #expect(customer.training, "the rehearsal customer is training-only")
        let steps = try fixture.store.steps(of: 1)
        #expect(steps[1].note == "演练[场景:two_objections 种子:42]")
        let said = steps.compactMap(\.note).filter { $0.hasPrefix("客户[") }
        #expect(said.count == plan.exchanges.filter { $0.customer != nil }.count)
        #expect(said.contains("客户[异议:price] 比去年贵了这么多？"))
        #expect(try fixture.stepSummary(1).filter { $0.hasPrefix("objection") } == ["objection price -> price", "objection think -> think"])
    }

    @Test func theSameSeedGivesTheSameRehearsalAndAnotherSeedAnother() throws {
        let fixture = try Fixture()
        let plan = try RehearsalPlan.make("indifferent", seed: 11)
        let first = try fixture.rehearse("indifferent", seed: 11, plan: plan)
        let second = try fixture.rehearse("indifferent", seed: 11, plan: plan)
        #expect(first.status == 0 && second.status == 0)
        #expect(first.output.contains("客户: "))
        #expect(first.output.contains("══ 演练评分 ══"))
        #expect(first.output.contains("出错：没有。"))
        #expect(Fixture.steady(first.output) == Fixture.steady(second.output))
        #expect(try fixture.store.steps(of: 1).map(\.note) == fixture.store.steps(of: 2).map(\.note))

        let otherPlan = try RehearsalPlan.make("indifferent", seed: 12)
        #expect(otherPlan.exchanges.compactMap(\.customer) != plan.exchanges.compactMap(\.customer))
        let other = try fixture.rehearse("indifferent", seed: 12, plan: otherPlan)
        #expect(other.status == 0)
        #expect(Fixture.steady(other.output) != Fixture.steady(first.output))
        #expect(other.output.contains("种子 12"))
        #expect(!other.output.contains("\u{1B}"), "no escape codes through a pipe")
    }

    @Test func aSeedAloneDrawsTheScenarioAndTheCustomerTypeNarrowsIt() throws {
        let fixture = try Fixture()
        let listed = try fixture.piped(["rehearse", "--list"], input: "")
        #expect(listed.status == 0)
        for id in ["price_haggler", "service_grudge", "indifferent", "two_objections", "already_bought", "wrong_person"] {
            #expect(listed.output.contains(id))
        }
        var drawn: Set<String> = []
        for seed in 1...8 {
            let run = try fixture.piped(["rehearse", "--seed", String(seed), "--customer-type", "服务敏感型"], input: "")
            #expect(run.output.contains("[service_grudge]"))
            let any = try fixture.piped(["rehearse", "--seed", String(seed)], input: "")
            if let range = any.output.range(of: #"\[[a-z_]+\] · 客户"#, options: .regularExpression) { drawn.insert(String(any.output[range])) }
        }
        #expect(drawn.count >= 3, "different seeds draw different scenarios")
        let unknown = try fixture.piped(["rehearse", "--scenario", "nope"], input: "")
        #expect(unknown.status == 1)
        #expect(unknown.output.contains("no scenario `nope`"))
        let badType = try fixture.piped(["rehearse", "--customer-type", "挑剔型"], input: "")
        #expect(badType.status == 1)
    }

    @Test func mistakesAreOnTheScoreSheetWithWhatTheScriptSaysInstead() throws {
        let fixture = try Fixture()
        let plan = try RehearsalPlan.make("price_haggler", seed: 7, wrongFirst: ["price": "别家"])
        let run = try fixture.rehearse("price_haggler", seed: 7, plan: plan)
        #expect(run.status == 0)
        let objection = try #require(plan.exchanges.first { $0.typed.first == "别家" }?.customer)
        #expect(run.output.contains("客户: 我刚才说的是：\(objection)（上一步没对上，可以 .back 退回）"))
        #expect(run.output.contains("异议 1 个，一次找对 0 个："))
        #expect(run.output.contains("  1. 价格高 [price] · ✓ 错了 1 次后找对 · 3 步 · "))
        #expect(run.output.contains("""
            出错 1 处：
              1. 在 报价 [quote]，客户说“\(objection)”，你进了 别家更便宜 [cheaper_elsewhere]。
                 脚本：应该进 价格高 [price]：我明白，谁都想花得值。
            """))
    }

    @Test func eachScreenSaysWhatToTypeAndAPipedRunTimesItselfFromItsInput() throws {
        let fixture = try Fixture()
        let plan = try RehearsalPlan.make("price_haggler", seed: 7)
        let run = try fixture.rehearse("price_haggler", seed: 7, plan: plan)
        #expect(run.status == 0)
        #expect(run.output.contains("请输入：答案编号 1-"))
        #expect(run.output.contains("客户: 今年续保要多少钱？\n请输入：报价金额（元，例如 4860）\n"))
        // Three seconds to read each screen and one per character typed: the same input always takes the same time.
        let seconds = plan.lines.reduce(0) { $0 + 3 + $1.trimmingCharacters(in: .whitespaces).count }
        #expect(run.output.contains(String(format: "用时 %02d:%02d", seconds / 60, seconds % 60)), "\(seconds) s")
        #expect(!run.output.contains("用时 00:00"))
        let again = try fixture.rehearse("price_haggler", seed: 7, plan: plan)
        #expect(Fixture.steady(again.output).replacingOccurrences(of: "#[0-9]+", with: "", options: .regularExpression)
                == Fixture.steady(run.output).replacingOccurrences(of: "#[0-9]+", with: "", options: .regularExpression))
        // The log carries the same clock, so coverage times the finding of a handler from it.
        let span = try fixture.sqlite("SELECT CAST(round((julianday(max(at)) - julianday(min(at))) * 86400) AS INTEGER) FROM call_steps WHERE call_id = (SELECT min(id) FROM calls)")
        #expect(Int(span) ?? 0 > 30)
    }

    @Test func aRehearsalLeftBeforeItsEndIsMarkedAbandonedAndLeftOutOfCoverage() throws {
        let fixture = try Fixture()
        let plan = try RehearsalPlan.make("price_haggler", seed: 7)
        let left = try fixture.piped(["rehearse", "--scenario", "price_haggler", "--seed", "7"], input: plan.lines.prefix(3).joined(separator: "\n") + "\n.quit\n")
        #expect(left.status == 0)
        #expect(left.output.contains("结果 中途退出（通话 #1 记为已放弃，不计入 huashu coverage）"))
        #expect(try fixture.sqlite("SELECT training, outcome IS NULL, abandoned_at IS NOT NULL FROM calls") == "1|1|1")
        let coverage = try fixture.piped(["coverage", "--agent", "小李"], input: "")
        #expect(coverage.output.contains("演练 0 通"), "\(coverage.output)")
        #expect(coverage.output.contains("中途放弃 1 通，不计入"))
        #expect(try fixture.piped(["calls"], input: "").output.contains("【演练】已放弃"))
    }

    @Test func aBrokenScenarioStopsTheRehearsalAndLintNamesTheLine() throws {
        let fixture = try Fixture()
        let copy = fixture.folder.appendingPathComponent("Dialogues")
        try FileManager.default.copyItem(at: Fixture.repository.appendingPathComponent("Dialogues"), to: copy)
        let file = copy.appendingPathComponent("scenarios/40-two-objections.scenario")
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "at price_vs_last_year -> return", with: "at price_vs_last_yr -> return")
            .write(to: file, atomically: true, encoding: .utf8)
        let rehearse = try fixture.piped(["rehearse", "--dialogues", copy.path, "--scenario", "two_objections"], input: "")
        #expect(rehearse.status == 1)
        #expect(rehearse.output.contains("the rehearsal scenarios have errors"))
        #expect(rehearse.output.contains("40-two-objections.scenario:22:6: 错误: 话术里没有步骤 `price_vs_last_yr` [H065]"))
    }
}

import Foundation
import HuashuEngine
import HuashuRenewal
import HuashuScript
import Testing

/// The shipped script and scenarios, read from the repository.
enum ShippedRehearsal {
    static let dialogues = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Dialogues")

    static func sources(extension ext: String) -> [SourceText] {
        let walker = FileManager.default.enumerator(atPath: dialogues.path)!
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix("." + ext) }.sorted().map { name in
            SourceText(name: "Dialogues/" + name, bytes: [UInt8](FileManager.default.contents(atPath: dialogues.appendingPathComponent(name).path)!))
        }
    }

    static let script: Script = ScriptCompiler.compile(sources(extension: "huashu")).script!
    static let book: ScenarioBook = ScenarioParser.parse(sources(extension: "scenario"))

    static func engine(_ scenario: Scenario) -> CallEngine {
        CallEngine(script: script, context: CallContext(customer: scenario.profile.facts(expiry: "2026-12-18"), agent: "小李", dealer: "鹏程丰田"))
    }

    static func customer(_ id: String, seed: UInt64) throws -> SimulatedCustomer {
        let scenario = try #require(book.scenario(id))
        return SimulatedCustomer(scenario: scenario, book: book, engine: engine(scenario), seed: seed)
    }
}

/// A rehearsal driven through the engine: the customer speaks, the test types
/// as a trainee would, the clock moves as the test says.
struct EngineRehearsal {
    var customer: SimulatedCustomer
    var state: CallState
    var clock: Double = 1_000
    /// `客户: …` and `学员: …` lines, in order.
    var transcript: [String] = []

    init(_ customer: SimulatedCustomer) {
        self.customer = customer
        state = customer.engine.start().state
    }

    var engine: CallEngine { customer.engine }

    /// What the customer says on the current screen (drawn twice, as a terminal may).
    mutating func listen() -> CustomerTurn? {
        guard let line = customer.speak(at: state, time: clock) else { return nil }
        #expect(customer.speak(at: state, time: clock) == SimulatedCustomer.Line(text: line.text, turn: line.turn, isNew: false))
        if line.isNew || customer.insisting { transcript.append("客户: " + line.text) }
        return line.turn
    }

    /// The customer's new turn; fails the test when the customer says nothing.
    mutating func hear(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> CustomerTurn {
        let turn = listen()
        return try #require(turn, sourceLocation: sourceLocation)
    }

    /// What the customer says now, as the screen would show it.
    mutating func line() -> SimulatedCustomer.Line? {
        customer.speak(at: state, time: clock)
    }

    /// Types an input and checks how the customer took it.
    mutating func type(_ input: CallInput, after seconds: Double = 3, expect verdict: RehearsalScore.Verdict,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let got = type(input, after: seconds)
        #expect(got == verdict, sourceLocation: sourceLocation)
    }

    @discardableResult
    mutating func type(_ input: CallInput, after seconds: Double = 3) -> RehearsalScore.Verdict {
        clock += seconds
        let step = engine.step(state, input)
        let verdict = customer.trainee(input, before: state, after: step, time: clock)
        transcript.append("学员: \(input) -> \(step.state.node)")
        state = step.state
        return verdict
    }

    /// Responds to everything exactly as the script means until the call ends.
    mutating func playRight(quote: String = "4860", limit: Int = 100) {
        for _ in 0..<limit where !state.hasEnded {
            if state.awaiting == .quote {
                type(.quote(quote))
                continue
            }
            guard let turn = listen() else { return }
            type(turn.input)
        }
    }

    /// Each turn as `node intent words`.
    var turns: [String] {
        customer.score.turns.map { turn in
            let intent: String
            switch turn.turn.intent {
            case .answer(let id): intent = id
            case .objection(let handler): intent = "objection " + handler
            case .callback(let slot): intent = "callback " + slot.slotName
            }
            return "\(turn.turn.node) \(intent) \(turn.turn.words)"
        }
    }
}

@Suite("Rehearsal: the simulated customer and the score, through the engine")
struct RehearsalEngineTests {
    @Test func splitMix64GivesThePublishedSequence() {
        var random = SplitMix64(seed: 0)
        #expect([random.next(), random.next(), random.next()] == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F])
        var bounded = SplitMix64(seed: 7)
        let draws = (0..<1_000).map { _ in bounded.below(6) }
        #expect(Set(draws) == Set(0..<6))
        var weighted = SplitMix64(seed: 7)
        let picks = (0..<1_000).map { _ in weighted.pick(weights: [1, 9]) }
        #expect(picks.filter { $0 == 1 }.count > 800)
    }

    @Test func twoObjectionsInARowPlayedRightWithAFixedSeed() throws {
        var rehearsal = EngineRehearsal(try ShippedRehearsal.customer("two_objections", seed: 42))
        rehearsal.playRight(quote: "3980")
        #expect(rehearsal.state.outcome == Outcome(.won))
        #expect(rehearsal.turns == [
            "greet greet>confirm_car 我就是，你哪位？",
            "confirm_car confirm_car>call_purpose 是啊，还是那台车。",
            "call_purpose call_purpose>recap 行，你说吧。",
            "recap recap>needs_city 平时就上下班开开。",
            "needs_city needs_city>recommend 停地库的。",
            "recommend recommend>addons 行，就按你说的来。",
            "addons addons>quote 两样都加。",
            "quote objection price 比去年贵了这么多？",
            "price objection think 算了算了，我还是再考虑考虑吧。",
            "think think>return 没什么，你接着说。",
            "price price>price_vs_last_year 比去年多了不少啊。",
            "price_vs_last_year price_vs_last_year>return 哦，这样啊，明白了。",
            "quote quote>close_confirm 没问题，给我办了吧。",
            "close_confirm close_confirm>ask_payment 对，就这些。",
            "ask_payment ask_payment>ask_id 你发个链接，我手机上付。",
            "ask_id ask_id>delivery 我念一下号码，你记一下。",
            "delivery delivery>end_won 快递到家吧。",
        ])
        let score = rehearsal.customer.score
        #expect(score.mistakes.isEmpty)
        #expect(score.objections.map(\.turn.intent) == [.objection("price"), .objection("think")])
        #expect(score.objections.allSatisfy { $0.rightFirstTime && $0.steps == 1 && $0.seconds == 3 })
        let sheet = score.sheet(title: "场景 two_objections · 种子 42", engine: rehearsal.engine, state: rehearsal.state)
        #expect(sheet == """
            ══ 演练评分 ══
            场景 two_objections · 种子 42
            客户开口 17 次：一次就对 17 次，改正后对 0 次，没有接上 0 次。
            异议 2 个，一次找对 2 个：
              1. 价格高 [price] · ✓ 一次找对 · 1 步 · 3 秒
                 客户：比去年贵了这么多？
              2. 还要考虑 [think] · ✓ 一次找对 · 1 步 · 3 秒
                 客户：算了算了，我还是再考虑考虑吧。
            出错：没有。

            """)
    }

    @Test func theSameSeedGivesTheSameRehearsalAndAnotherSeedAnother() throws {
        func transcript(_ id: String, _ seed: UInt64) throws -> [String] {
            var rehearsal = EngineRehearsal(try ShippedRehearsal.customer(id, seed: seed))
            rehearsal.playRight()
            return rehearsal.transcript
        }
        for id in ShippedRehearsal.book.scenarios.map(\.id) {
            #expect(try transcript(id, 2024) == transcript(id, 2024), "scenario \(id)")
        }
        #expect(try transcript("indifferent", 1) != transcript("indifferent", 2))
        #expect(try transcript("price_haggler", 1) != transcript("price_haggler", 2))
        // The weighted customer takes different paths under different seeds.
        let paths = try Set((1...20).map { try transcript("indifferent", $0).filter { $0.hasPrefix("学员") } })
        #expect(paths.count >= 3)
    }

    @Test func aWrongHandlerIsScoredAndTheCustomerKeepsToWhatWasSaid() throws {
        var rehearsal = EngineRehearsal(try ShippedRehearsal.customer("price_haggler", seed: 7))
        for _ in 0..<7 { rehearsal.type(try rehearsal.hear().input) }
        #expect(rehearsal.state.node == "quote")
        let waiting = rehearsal.listen()
        #expect(waiting == nil, "the customer waits for the quote")
        let prompt = rehearsal.line()
        #expect(prompt?.text == SimulatedCustomer.quotePrompt)
        rehearsal.type(.quote("4860"))
        let objection = try rehearsal.hear()
        #expect(objection.intent == .objection("price"))
        rehearsal.type(.objection("cheaper_elsewhere"), after: 10, expect: .mistake)
        let insistedLine = rehearsal.line()
        let insisted = try #require(insistedLine)
        #expect(insisted.text == "我刚才说的是：\(objection.words)（上一步没对上，可以 .back 退回）")
        rehearsal.type(.back, after: 2, expect: .neutral)
        let again = rehearsal.line()
        #expect(again?.text == objection.words)
        rehearsal.type(.objection("price"), after: 5, expect: .handled)
        rehearsal.playRight()
        #expect(rehearsal.state.outcome != nil)

        let score = rehearsal.customer.score
        let price = try #require(score.objections.first)
        #expect(!price.rightFirstTime && price.handled)
        #expect(price.wrongTries == 1 && price.steps == 3 && price.seconds == 17)
        let sheet = score.sheet(title: "t", engine: rehearsal.engine, state: rehearsal.state)
        #expect(sheet.contains("  1. 价格高 [price] · ✓ 错了 1 次后找对 · 3 步 · 17 秒\n     客户：\(objection.words)\n"))
        #expect(sheet.contains("""
            出错 1 处：
              1. 在 报价 [quote]，客户说“\(objection.words)”，你进了 别家更便宜 [cheaper_elsewhere]。
                 脚本：应该进 价格高 [price]：我明白，谁都想花得值。我先帮您找找差在哪儿：是比去年多了，还是别家报得更低？
            """))
    }

    @Test func aWrongAnswerAnAnswerBeforeTheCustomerSpeaksAndARefusedStep() throws {
        var rehearsal = EngineRehearsal(try ShippedRehearsal.customer("price_haggler", seed: 7))
        let greeting = try rehearsal.hear()
        #expect(greeting.intent == .answer("greet>confirm_car"))
        rehearsal.type(.answer("greet>busy"), expect: .mistake)
        rehearsal.type(.back, expect: .neutral)
        rehearsal.type(.answer("greet>confirm_car"), expect: .handled)
        rehearsal.type(.answer("confirm_car>call_purpose"), expect: .mistake)
        let sheet = rehearsal.customer.score.sheet(title: "t", engine: rehearsal.engine, state: rehearsal.state)
        #expect(sheet.contains("  1. 在 问候核实 [greet]，客户说“\(greeting.words)”，你选了“正忙着呢” [greet>busy]。\n"
                               + "     脚本：应该选“是我” [greet>confirm_car]，接着说：张伟先生，跟您核对一下："))
        #expect(sheet.contains("  2. 在 核对车辆 [confirm_car]，客户还没开口，你选了“是，我在开” [confirm_car>call_purpose]。\n"
                               + "     脚本：客户还没开口，先等客户回应。"))

        var refused = EngineRehearsal(try ShippedRehearsal.customer("price_haggler", seed: 7))
        _ = try refused.hear()
        refused.type(.answer("greet>quote"), expect: .mistake)
        #expect(refused.customer.score.mistakes.first?.refused == "这一步没有这个选项。")
    }

    @Test func theCustomerNamesACallbackTimeAndTheTraineeMustBookIt() throws {
        var rehearsal = EngineRehearsal(try ShippedRehearsal.customer("wrong_person", seed: 3))
        let first = try rehearsal.hear()
        #expect(first.intent == .objection("not_owner"))
        #expect(first.words == "我不是车主，这是我老公的车。")
        // Picking the greeting's answer that leads to the same handler is right too.
        rehearsal.type(.answer("greet>not_owner"), expect: .handled)
        #expect(try rehearsal.hear().intent == .answer("not_owner>book_owner"))
        rehearsal.type(.answer("not_owner>book_owner"))
        let slot = try rehearsal.hear()
        #expect(slot.intent == .callback(CallbackTime(daysAhead: 1, minute: 900)))
        #expect(slot.words.contains("明天下午"))
        rehearsal.type(.callback(CallbackTime(daysAhead: 2, minute: 600)), expect: .mistake)
        rehearsal.type(.callback(CallbackTime(daysAhead: 1, minute: 900)), expect: .handled)
        rehearsal.playRight()
        #expect(rehearsal.state.outcome == Outcome(.callback))
        let sheet = rehearsal.customer.score.sheet(title: "t", engine: rehearsal.engine, state: rehearsal.state)
        #expect(sheet.contains("你约了后天上午。\n     脚本：应该约明天下午（回访时间选 2）"))
    }

    @Test func aTurnSurvivesTheCallLogAsANote() {
        let turns = [
            CustomerTurn(node: "quote", intent: .objection("price"), words: "太贵了]，便宜点", origin: .firstAnswer),
            CustomerTurn(node: "quote", intent: .answer("quote>close_confirm"), words: "行", origin: .sequence(2)),
            CustomerTurn(node: "book_callback", intent: .callback(CallbackTime(daysAhead: 2, minute: 900)), words: "后天下午吧。",
                         origin: .callback),
        ]
        #expect(turns.map(\.note) == ["客户[异议:price] 太贵了]，便宜点", "客户[答:quote>close_confirm] 行", "客户[回访:后天下午] 后天下午吧。"])
        for turn in turns {
            let back = CustomerTurn(note: turn.note, node: turn.node)
            #expect(back?.intent == turn.intent && back?.words == turn.words && back?.origin == .logged)
        }
        #expect(CustomerTurn(note: "客户说了点别的", node: "quote") == nil)
        #expect(CustomerTurn(note: "演练[场景:x 种子:1]", node: "greet") == nil)
    }
}

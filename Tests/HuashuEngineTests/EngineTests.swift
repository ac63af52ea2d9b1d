import HuashuEngine
import HuashuRenewal
import Foundation
import HuashuScript
import Testing

let engineScript = """
    stage identity 确认身份
    node greet
      say 您好,请问是{name}{honorific}吗?
      say [grade=A|B] 感谢您一直在本店保养。
      tip 先确认人和车。
      - 是本人 -> needs do mark identity
      - [claims>=1] 问出险影响 -> claims_info
      - 不方便 -> book
      - 直接要报价 -> quote
    node claims_info
      say 去年出过{claims}次险,今年保费会有上浮。
      - 明白 -> needs do mark identity
    node book
      say 那我明天还是后天给您打?
      do callback
      - 约好了 -> end_callback
    node end_callback
      need callback_booked: 先约好回访时间。
      say 好的,{callback}再联系您。
      do outcome callback

    stage needs 需求报价
    node needs
      say [type=价格敏感型] 今年有专属优惠。
      say [type=服务敏感型] 出险后我们全程跟进。
      say [days<=30] 离到期只剩{days}天了。
      - 好的 -> quote
    node quote
      need identity: 还没确认身份,先核对车主。
      say 报价是{quote}元,车型{model}。
      do quote
      - 同意 -> close
      - 不要了 -> lost_price

    stage close 成交
    node close
      need quoted: 还没报价。
      say 那我就按{quote}元给您出单。
      do outcome won

    stage wrapup 结束
    node lost_price
      do outcome lost price

    stage objection 异议处理
    objection price 价格高
      keys 贵, 太贵, 便宜, 价格, 优惠
      say 我理解,同样保障比一比。
      - 接受 -> return
      - 还是贵 -> price_second_try
      - 不要了 -> lost_price
    node price_second_try
      say 我再帮您申请一下。
      - 好 -> return
    objection think 还要考虑
      keys 考虑, 想想, 再说
      say 您主要是考虑服务还是价格?
      - 好 -> return
    objection not_due 尚未到期
      keys 还没到期, 不急, 到期
      say 早办早安心。
      - 好 -> return
    """

func makeEngine(_ facts: CustomerFacts = CustomerFacts(grade: .a, type: .priceSensitive, claims: 1, daysToExpiry: 20,
                                                        values: ["name": "张伟", "honorific": "先生"])) throws -> CallEngine {
    let result = ScriptCompiler.compile([SourceText(name: "engine.huashu", text: engineScript)])
    #expect(result.diagnostics == [])
    let script = try #require(result.script)
    return CallEngine(script: script, context: CallContext(customer: facts, agent: "小李", dealer: "鹏程丰田"))
}

/// Runs inputs in order and returns the final step.
func run(_ engine: CallEngine, _ inputs: [CallInput]) -> CallStep {
    inputs.reduce(engine.start()) { step, input in engine.step(step.state, input) }
}

@Suite("Call engine")
struct EngineTests {
    @Test func backTakesBackOnlyAnEndingThatRemovesTheCustomer() throws {
        let engine = try makeEngine()
        let removed = run(engine, [.answer("greet>needs"), .end(Outcome(.doNotCall), lostTo: nil)])
        #expect(removed.state.hasEnded)
        let back = engine.step(removed.state, .back)
        #expect(back.events == [.reopened(Outcome(.doNotCall)), .steppedBack(to: "greet"), .entered(node: "greet", stage: "identity")])
        #expect(!back.state.hasEnded && back.state.node == "greet")
        let won = run(engine, [.answer("greet>needs"), .end(Outcome(.won), lostTo: nil)])
        #expect(engine.step(won.state, .back).events == [.refused(reason: "通话已结束,不能再继续。")])
    }

    @Test func aWholeCallFromGreetingToWon() throws {
        let engine = try makeEngine()
        let step = run(engine, [.answer("greet>needs"), .answer("needs>quote"), .quote("4860"), .answer("quote>close")])
        #expect(step.state.outcome == Outcome(.won))
        #expect(step.events.contains(.ended(Outcome(.won), lostTo: nil)))
        #expect(engine.screen(step.state).says == ["那我就按4860元给您出单。"])
    }

    @Test func gatesRefuseAndSayWhy() throws {
        let engine = try makeEngine()
        let early = run(engine, [.answer("greet>quote")])
        #expect(early.events == [.refused(reason: "还没确认身份,先核对车主。")])
        #expect(early.state.node == "greet")
        let noQuote = run(engine, [.answer("greet>needs"), .answer("needs>quote"), .answer("quote>close")])
        #expect(noQuote.events == [.refused(reason: "还没报价。")])
    }

    @Test func aDetourInsideADetourReturnsOneLevelAtATime() throws {
        let engine = try makeEngine()
        var step = run(engine, [.answer("greet>needs"), .objection("price"), .objection("think")])
        #expect(step.state.detours == ["needs", "price"])
        #expect(engine.screen(step.state).detourDepth == 2)
        step = engine.step(step.state, .answer("think>return"))
        #expect(step.state.node == "price")
        step = engine.step(step.state, .answer("price>price_second_try"))
        step = engine.step(step.state, .answer("price_second_try>return"))
        #expect(step.state.node == "needs")
        #expect(step.state.detours == [])
        #expect(step.state.objectionsRaised == ["price", "think"])
    }

    @Test func leavingTheObjectionStageDropsTheDetours() throws {
        let engine = try makeEngine()
        let step = run(engine, [.answer("greet>needs"), .objection("price"), .answer("price>lost_price")])
        #expect(step.events.contains(.leftDetours(count: 1)))
        #expect(step.state.outcome == Outcome(.lost, lossReason: .price))
    }

    @Test func conditionsChooseLinesAndAnswersPerCustomer() throws {
        let priceA = try makeEngine()
        #expect(priceA.screen(priceA.start().state).says.count == 2)
        #expect(priceA.visibleAnswers(priceA.start().state).map(\.id).contains("greet>claims_info"))
        let needsA = run(priceA, [.answer("greet>needs")])
        #expect(priceA.screen(needsA.state).says == ["今年有专属优惠。", "离到期只剩【缺:剩余天数】天了。"])

        let serviceD = try makeEngine(CustomerFacts(grade: .d, type: .serviceSensitive, claims: 0, daysToExpiry: 45, values: ["name": "王芳"]))
        let start = serviceD.start().state
        #expect(serviceD.screen(start).says == ["您好,请问是王芳吗?"])
        #expect(!serviceD.visibleAnswers(start).map(\.id).contains("greet>claims_info"))
        #expect(serviceD.screen(run(serviceD, [.answer("greet>needs")]).state).says == ["出险后我们全程跟进。"])
    }

    @Test func aCallbackIsBookedWithAClosedQuestion() throws {
        let engine = try makeEngine()
        var step = run(engine, [.answer("greet>book")])
        #expect(step.state.awaiting == .callback)
        // The goodbye that says the time is not reached before a time is booked.
        #expect(engine.step(step.state, .answer("book>end_callback")).events == [.refused(reason: "先约好回访时间。")])
        step = engine.step(step.state, .callback(CallbackTime(daysAhead: 2, minute: 900)))
        #expect(step.events == [.callbackBooked(CallbackTime(daysAhead: 2, minute: 900)), .flagMarked("callback_booked")])
        step = engine.step(step.state, .answer("book>end_callback"))
        #expect(engine.screen(step.state).says == ["好的,后天 15:00再联系您。"])
        #expect(step.state.outcome == Outcome(.callback))
    }

    @Test func anAnswerRecordsTheFactsItStates() throws {
        let text = engineScript.replacingOccurrences(of: "  - 同意 -> close", with: "  - 同意，扫码付 -> close do record payment 扫码; record 交付 电子保单")
        let script = try #require(ScriptCompiler.compile([SourceText(name: "engine.huashu", text: text)]).script)
        let engine = CallEngine(script: script, context: CallContext(customer: CustomerFacts(values: ["name": "张伟"]), agent: "小李", dealer: "鹏程丰田"))
        let step = run(engine, [.answer("greet>needs"), .answer("needs>quote"), .quote("4860"), .answer("quote>close")])
        #expect(step.state.fact(.payment) == "扫码")
        #expect(step.state.fact(.delivery) == "电子保单")
        #expect(step.events.prefix(3) == [.answered(answer: "quote>close"), .factRecorded(.payment, "扫码"), .factRecorded(.delivery, "电子保单")])
        #expect(step.state.outcome == Outcome(.won))
    }

    @Test func aLineSayingTheQuoteWaitsUntilItsStepHasOne() throws {
        let engine = try makeEngine(CustomerFacts(values: ["name": "张伟", "model": "卡罗拉"]))
        let asking = run(engine, [.answer("greet>needs"), .answer("needs>quote")])
        #expect(asking.state.awaiting == .quote)
        #expect(engine.screen(asking.state).says == [], "nothing with a gap is read aloud")
        let quoted = engine.step(asking.state, .quote("4860"))
        #expect(engine.screen(quoted.state).says == ["报价是4860元,车型卡罗拉。"])
    }

    @Test func backStepsAndNotes() throws {
        let engine = try makeEngine()
        var step = run(engine, [.answer("greet>needs"), .objection("price")])
        step = engine.step(step.state, .back)
        #expect(step.state.node == "needs")
        #expect(step.state.detours == [])
        step = engine.step(step.state, .note("客户在开车"))
        #expect(step.events == [.noteTaken("客户在开车")])
        #expect(engine.step(engine.start().state, .back).events == [.refused(reason: "已经是第一步了。")])
    }

    @Test func endingByHandNeedsAReasonWhenLost() throws {
        let engine = try makeEngine()
        let start = engine.start().state
        #expect(engine.step(start, .end(Outcome(.lost), lostTo: nil)).events == [.refused(reason: "战败需要注明原因。")])
        let lost = engine.step(start, .end(Outcome(.lost, lossReason: .friend), lostTo: "平安"))
        #expect(lost.state.lostTo == "平安")
        #expect(engine.step(lost.state, .answer("greet>needs")).events == [.refused(reason: "通话已结束,不能再继续。")])
    }

    @Test func quotesAcceptWhatAnInputMethodTypes() throws {
        let engine = try makeEngine()
        let start = engine.start().state
        #expect(engine.step(start, .quote("４８６０元")).state.quote == "4860")
        #expect(engine.step(start, .quote("4,860.5")).state.quote == "4860.5")
        #expect(engine.step(start, .quote("很多")).events.first == .refused(reason: "报价金额要写数字,例如 4860 或 4860.50。"))
    }

    @Test func theStateSerialisesAndTheSameInputsGiveTheSameCall() throws {
        let engine = try makeEngine()
        let inputs: [CallInput] = [.answer("greet>needs"), .objection("price"), .answer("price>return"), .answer("needs>quote"), .quote("4860")]
        let once = run(engine, inputs)
        let twice = run(engine, inputs)
        #expect(once == twice)
        let data = try JSONEncoder().encode(once.state)
        let decoded = try JSONDecoder().decode(CallState.self, from: data)
        #expect(decoded == once.state)
        #expect(engine.step(decoded, .answer("quote>close")) == engine.step(once.state, .answer("quote>close")))
    }
}

@Suite("Objection search")
struct ObjectionFinderTests {
    @Test func chineseWordsPinyinAndInitialsFindThePriceHandler() throws {
        let finder = ObjectionFinder(script: try makeEngine().script)
        #expect(finder.rank("太贵了").first?.handlerID == "price")
        #expect(finder.rank("jg").first?.handlerID == "price")
        #expect(finder.rank("jiage").first?.handlerID == "price")
        #expect(finder.rank("taigui").first?.handlerID == "price")
        #expect(finder.rank("我再考虑一下").first?.handlerID == "think")
        #expect(finder.rank("还没到期呢").first?.handlerID == "not_due")
        #expect(finder.rank("ｊｇ").first?.handlerID == "price")
    }

    /// Three handlers sharing words, one with a negative cue, one that can mark the customer 勿扰.
    static let sharing = """
        stage identity 确认身份
        node greet
          say 您好
          - 好 -> done
        node done
          do outcome won
        node never
          do outcome do_not_call
        stage objection 异议
        objection cost 嫌贵
          keys 太贵
          cue 2 便宜
          cue 1 重
          - 好 -> return
        objection other 别家
          keys 别家
          cue 1 便宜
          cue -4 买了
          - 好 -> return
        objection stop 别打
          keys 别再打了
          cue 1 便宜
          - 好 -> never
          - 你说 -> return
        """

    func sharingFinder() throws -> ObjectionFinder {
        let result = ScriptCompiler.compile([SourceText(name: "sharing.huashu", text: Self.sharing)])
        #expect(result.diagnostics == [])
        return ObjectionFinder(script: try #require(result.script))
    }

    @Test func aWordManyHandlersShareCountsLessThanOneThatNamesOne() throws {
        let finder = try sharingFinder()
        #expect(finder.rank("便宜").map(\.handlerID) == ["cost", "other", "stop"], "便宜 is in three handlers: the weightier cue wins, the refusal never first")
        #expect(finder.rank("别家便宜").first?.handlerID == "other")
        let cost = try #require(finder.rank("便宜").first)
        #expect(cost.cues.map(\.label) == ["便宜×2"])
    }

    @Test func aOneCharacterPolyphoneIsFoundByEachReading() throws {
        let finder = try sharingFinder()
        #expect(finder.rank("zhong").first?.handlerID == "cost")
        #expect(finder.rank("chong").first?.handlerID == "cost")
    }

    @Test func aNegativeCuePullsItsHandlerDown() throws {
        let finder = try sharingFinder()
        #expect(finder.rank("别家便宜").first?.handlerID == "other")
        #expect(!finder.rank("别家便宜，我已经买了").contains { $0.handlerID == "other" })
    }

    @Test func aHandlerThatCanMarkDoNotCallComesFirstOnlyWhenTheWordsAreUnmistakable() throws {
        let finder = try sharingFinder()
        let weak = finder.rank("便宜").last
        #expect(weak?.handlerID == "stop" && weak?.removesCustomer == true && weak?.unmistakable == false)
        let strong = try #require(finder.rank("别再打了").first)
        #expect(strong.handlerID == "stop" && strong.unmistakable)
    }

    @Test func nothingMatchesNonsense() throws {
        let finder = ObjectionFinder(script: try makeEngine().script)
        #expect(finder.rank("???").isEmpty)
        #expect(finder.rank("xq").isEmpty)
    }
}

import HuashuCalendar
import Foundation
@testable import HuashuApp
import HuashuLedger
import HuashuStore
import Testing

/// Outcomes that hold their facts: where a lost customer went, how a sale is
/// paid and delivered, a wrong number; on the screen, in the replay, in the
/// queue and in the database.
@Suite("Call outcomes with their facts", .serialized)
struct CallOutcomeTests {
    /// greet 是我, confirm_car 是, call_purpose 方便, recap 先说多少钱, then the premium.
    static let toQuote = ["1", "1", "1", "1", "4860"]

    @Test func aLossByTheScriptsOwnEndingAsksWhereTheCustomerWentAndBooksALapseCheck() throws {
        let fixture = try Fixture()
        let input = (Self.toQuote + ["太贵了", "", "1", "3", "3", "", "人保 300"]).joined(separator: "\n") + "\n"
        let result = try fixture.piped(["call", "粤B12345"], input: input)
        #expect(result.status == 0)
        #expect(result.output.contains("一定赶在到期前续上"), "the goodbye warns to insure before the old policy ends")
        #expect(result.output.contains("客户去了哪家保险公司?"))
        #expect(result.output.contains("已记录去向: 人保。"))
        #expect(result.output.contains("已记录差价: 300。"))
        let call = try #require(try fixture.store.call(1))
        #expect([call.outcome, call.lossReason, call.lostTo] == ["lost", "price", "人保"])
        #expect(call.factValues.map { "\($0.fact.rawValue)=\($0.value)" } == ["destination=人保", "price_gap=300"])
        let expiry = try #require(try fixture.store.customer(id: 1)?.commercialExpiry)
        let dayAfter = try LedgerDateText.dayAfter(expiry)
        #expect(try fixture.store.openFollowUps().map { "\($0.kind) \($0.due)" } == ["lapse_check \(dayAfter) 10:00"])
        let replay = try fixture.piped(["replay", "1"], input: "").output
        #expect(replay.contains("去向: 人保") && replay.contains("差价: 300"))
        #expect(replay.contains("战败(价格,去向人保)"))
    }

    @Test func aLossThroughEndNeedsTheInsurerAndTakesThePriceGap() throws {
        let fixture = try Fixture()
        var agent = Agent(terminal: try fixture.terminal("call", "粤B67890"))
        agent.terminal.waitFor("是我")
        agent.type(".end lost price", thenSee: "战败要写客户去了哪家保险公司")
        agent.type(".end lost friend 太平洋 450", thenSee: "通话结果: 战败 (朋友/代理)")
        #expect(agent.terminal.waitForExit() == 0)
        let call = try #require(try fixture.store.call(1))
        #expect([call.outcome, call.lossReason, call.lostTo] == ["lost", "friend", "太平洋"])
        #expect(call.factValues.map(\.value) == ["450"])
        #expect(try fixture.store.openFollowUps().map(\.kind) == ["lapse_check"])
    }

    @Test func aCommittedSaleRecordsPaymentDeliveryAndCoversAndBooksOnePaymentFollowUp() throws {
        let fixture = try Fixture()
        let input = (Self.toQuote + [
            ".record 付款 支付宝", ".record 付款 扫码", ".record 交付 寄到", ".record 交付 寄到 天河区体育西路1号",
            ".record 险种 交强险 车损 三者100万", ".record payment 转账", ".end committed",
        ]).joined(separator: "\n") + "\n"
        let result = try fixture.piped(["call", "粤B12345"], input: input)
        #expect(result.output.contains("不能这样做: 付款方式写 转账、扫码、刷卡、到店、链接 之一。"))
        #expect(result.output.contains("不能这样做: 交付写 寄到 地址、来店取 或 电子保单。"))
        #expect(result.output.contains("已记录付款方式: 扫码。"))
        #expect(result.output.contains("通话结果: 已承诺未付款"))
        let call = try #require(try fixture.store.call(1))
        #expect(call.factValues.map { "\($0.fact.chinese)=\($0.value)" } == ["险种=交强险 车损 三者100万", "付款方式=转账", "交付=寄到 天河区体育西路1号"])
        #expect(try fixture.store.openFollowUps().map(\.kind) == ["payment"])
        // The facts, refused ones too, are steps of the hash-chained log.
        #expect(try fixture.store.steps(of: 1).filter { $0.inputKind == "fact" }.count == 6)
        #expect(try fixture.piped(["verify"], input: "").status == 0)
        let replay = try fixture.piped(["replay", "1"], input: "").output
        #expect(replay.contains("付款方式 转账") && replay.contains("交付 寄到 天河区体育西路1号"))
        let calls = try fixture.piped(["calls"], input: "").output
        #expect(calls.contains("险种 交强险 车损 三者100万  付款方式 转账  交付 寄到 天河区体育西路1号"))
    }

    @Test func aSaleEndedWithoutItsFactsAsksForEachMissingOneBeforeTheCallCloses() throws {
        let fixture = try Fixture()
        // The payment is recorded during the call, so only the covers and the delivery are asked;
        // an empty line and a refused value ask again.
        // A command typed at a question is obeyed, not taken as the answer.
        let input = (Self.toQuote + [".record 付款 扫码", ".end won", "", ".record 险种 交强险 车损", ".note 发票抬头写公司", "快递", "寄到 福田区深南大道88号"])
            .joined(separator: "\n") + "\n"
        let result = try fixture.piped(["call", "粤B12345"], input: input)
        #expect(result.status == 0)
        #expect(!result.output.contains("客户怎么付款?"), "a recorded fact is not asked again")
        #expect(result.output.contains("客户买了哪些险种?"))
        #expect(result.output.contains("不能这样做: 交付写 寄到 地址、来店取 或 电子保单。"))
        #expect(result.output.contains("已记录交付: 寄到 福田区深南大道88号。"))
        let call = try #require(try fixture.store.call(1))
        #expect(call.outcome == "won")
        #expect(call.factValues.map { "\($0.fact.chinese)=\($0.value)" } == ["险种=交强险 车损", "付款方式=扫码", "交付=寄到 福田区深南大道88号"])
        #expect(try fixture.store.steps(of: 1).contains { $0.note == "发票抬头写公司" })
        #expect(try fixture.piped(["verify"], input: "").status == 0)

        // `.quit` at a question closes the ended call; there is nothing to resume.
        let quit = try Fixture()
        let left = try quit.piped(["call", "粤B12345"], input: (Self.toQuote + [".end won", ".quit"]).joined(separator: "\n") + "\n")
        #expect(left.status == 0 && left.output.contains("通话结束") && !left.output.contains("huashu resume"))
        #expect(try quit.store.call(1)?.outcome == "won")

        // Piped input that ends before the answers leaves the call closed, with what it has.
        let short = try Fixture()
        let ended = try short.piped(["call", "粤B12345"], input: (Self.toQuote + [".end won", "电子保单"]).joined(separator: "\n") + "\n")
        #expect(ended.status == 0)
        #expect(try short.store.call(1)?.factValues.map(\.fact) == [.covers], "the answer goes to the fact asked, the covers")

        // Outcomes with nothing to ask close at once.
        let refused = try Fixture()
        let closed = try refused.piped(["call", "粤B12345"], input: (Self.toQuote + [".end refused"]).joined(separator: "\n") + "\n")
        #expect(closed.output.contains("通话结束") && !closed.output.contains("(Ctrl-C 跳过)"))
    }

    @Test func aWrongNumberThroughTheScriptLeavesTheQueueForTheCorrectionList() throws {
        let fixture = try Fixture()
        var agent = Agent(terminal: try fixture.terminal("call", "粤B12345"))
        agent.terminal.waitFor("是我")
        agent.choose("打错了", thenSee: "通话结果: 号码错误")
        #expect(agent.terminal.waitForExit() == 0)
        #expect(try fixture.store.customer(id: 1)?.phoneInvalid == true)
        #expect(!(try fixture.piped(["queue"], input: "").output.contains("张伟")))
        let corrections = try fixture.piped(["queue", "--corrections"], input: "").output
        #expect(corrections.contains("张伟 #1") && corrections.contains("138****5678"))
        let next = try fixture.piped(["call", "--next"], input: ".quit\n").output
        #expect(!next.contains("张伟"))
    }
}

enum LedgerDateText {
    static func dayAfter(_ day: String) throws -> String {
        try HuashuLedger.LedgerValue.date(day).adding(days: 1).description
    }
}

@Suite("The agent's and dealer's names before the first call", .serialized)
struct AgentNameTests {
    @Test func askedOnceOnATerminalKeptInTheConfigFileAndUsedThroughAPipe() throws {
        let fixture = try Fixture()
        var environment = fixture.environment
        environment["HUASHU_AGENT"] = nil
        environment["HUASHU_DEALER"] = nil
        environment["XDG_CONFIG_HOME"] = fixture.folder.appendingPathComponent("config").path
        let terminal = try PseudoTerminal([Fixture.binary, "call", "粤B12345"], environment: environment)
        terminal.waitFor("你的名字")
        terminal.type("小陈\r")
        terminal.waitFor("门店名称")
        terminal.type("鹏程丰田\r")
        terminal.waitFor("鹏程丰田的续保顾问小陈")
        terminal.type(".quit\r")
        #expect(terminal.waitForExit() == 0)
        let file = fixture.folder.appendingPathComponent("config/huashu/config").path
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "agent = 小陈\ndealer = 鹏程丰田\n")
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int == 0o600)

        let piped = try Fixture.run(Fixture.binary, ["call", "粤B67890"], environment: environment, input: ".quit\n")
        #expect(piped.output.contains("鹏程丰田的续保顾问小陈"))
        #expect(!piped.output.contains("你的名字"))
    }

    @Test func withoutANameTheGreetingNeverSaysAgent() throws {
        let fixture = try Fixture()
        var environment = fixture.environment
        environment["HUASHU_AGENT"] = nil
        environment["USER"] = nil
        environment["XDG_CONFIG_HOME"] = fixture.folder.path
        let piped = try Fixture.run(Fixture.binary, ["call", "粤B12345"], environment: environment, input: ".quit\n")
        #expect(!piped.output.contains("顾问agent"))
        #expect(piped.output.contains("鹏程丰田的续保顾问"))
    }
}

@Suite("A second vehicle becomes a lead", .serialized)
struct SecondVehicleTests {
    @Test func aSecondVehicleMentionedIsANewCustomerMarkedForReviewOnTheQueue() throws {
        let fixture = try Fixture()
        let input = ".record 另一台车 宝马\n.record 另一台车 粤b99999 宝马X3\n.end thinking\n"
        let result = try fixture.piped(["call", "粤B12345"], input: input)
        #expect(result.output.contains("不能这样做: 另一台车写 车牌 [车型]"))
        #expect(result.output.contains("已记录另一台车: 粤b99999 宝马X3。"))
        let lead = try #require(try fixture.store.findCustomers("粤B99999").first)
        #expect([lead.name, lead.phone, lead.model, lead.agent] == ["张伟", "13812345678", "宝马X3", "小李"])
        #expect(lead.leadFromCall == 1)
        let queue = try fixture.piped(["queue"], input: "").output
        #expect(queue.contains("新线索(通话#1提到的另一台车) 待核实"))
        // The ledger bringing the vehicle makes it an ordinary customer.
        _ = try fixture.store.upsert([Customer(plate: "粤B99999", name: "张伟", commercialExpiry: "2027-03-01")])
        #expect(try fixture.store.findCustomers("粤B99999").first?.leadFromCall == nil)
    }
}

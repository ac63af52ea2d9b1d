import HuashuCalendar
import Foundation
@testable import HuashuApp
import HuashuStore
import Testing

/// A call driven through a real terminal, step by step, the way an agent
/// works: read the screen, type, wait for the next screen.
struct Agent {
    let terminal: PseudoTerminal
    /// Every line typed, to replay the same call through a pipe.
    var typed: [String] = []

    mutating func choose(_ answer: String, thenSee expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let mark = terminal.mark
        typed.append(terminal.choose(answer, sourceLocation: sourceLocation))
        terminal.waitFor(expected, since: mark, sourceLocation: sourceLocation)
    }

    mutating func type(_ line: String, thenSee expected: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let mark = terminal.mark
        typed.append(line)
        terminal.type(line + "\r")
        terminal.waitFor(expected, since: mark, sourceLocation: sourceLocation)
    }

    /// From the greeting to the quote, with the premium typed in.
    mutating func reachQuote() {
        terminal.waitFor("是我")
        choose("是我", thenSee: "是，我在开")
        choose("是，我在开", thenSee: "方便，你说吧")
        choose("方便，你说吧", thenSee: "先说多少钱")
        choose("先说多少钱", thenSee: "报价金额>")
        type("4860", thenSee: "一共4860元")
    }
}

@Suite("huashu call through a pseudo-terminal", .serialized)
struct LiveCallTests {
    @Test func aWholeCallFromGreetingToWon() throws {
        let fixture = try Fixture()
        var agent = Agent(terminal: try fixture.terminal("call", "粤B12345"))
        agent.terminal.waitFor("张伟先生 · 粤B12345 · 丰田凯美瑞")
        agent.terminal.waitFor("138****5678")
        agent.reachQuote()
        agent.choose("可以，办吧", thenSee: "没问题")
        agent.choose("没问题", thenSee: "发链接")
        agent.choose("发链接", thenSee: "报了号码")
        agent.choose("报了号码", thenSee: "快递到家")
        agent.choose("快递到家", thenSee: "客户买了哪些险种?")
        agent.type("交强险 车损 三者100万", thenSee: "保单怎么交给客户?")
        agent.type("寄到 天河区体育西路1号", thenSee: "通话结束")
        #expect(agent.terminal.waitForExit() == 0)

        let call = try #require(try fixture.store.call(1))
        #expect(call.outcome == "won")
        #expect(call.quote == "4860")
        #expect(call.factValues.map { "\($0.fact.rawValue)=\($0.value)" } == ["covers=交强险 车损 三者100万", "payment=链接", "delivery=寄到 天河区体育西路1号"],
                "the answer 发链接 records how the customer pays; the ending asks for the covers and the address")
        #expect(try fixture.stepSummary(1) == [
            "start  -> greet", "answer greet>confirm_car -> confirm_car", "answer confirm_car>call_purpose -> call_purpose",
            "answer call_purpose>recap -> recap", "answer recap>quote -> quote", "quote  -> quote",
            "answer quote>close_confirm -> close_confirm", "answer close_confirm>ask_payment -> ask_payment",
            "answer ask_payment>ask_id -> ask_id", "answer ask_id>delivery -> delivery", "answer delivery>end_won -> end_won",
            "fact  -> end_won", "fact  -> end_won",
        ])

        let replay = try Fixture()
        let piped = try replay.piped(["call", "粤B12345"], input: agent.typed.joined(separator: "\n") + "\n")
        #expect(piped.status == 0)
        #expect(!piped.output.contains("\u{1B}"), "no escape codes when the input is a pipe")
        #expect(try replay.stepSummary(1) == fixture.stepSummary(1), "a pipe gives the same rows as a terminal")
        #expect(try replay.store.steps(of: 1).map(\.shown) == fixture.store.steps(of: 1).map(\.shown))
    }

    @Test func twoNestedObjectionsFoundByTypedChineseWords() throws {
        let fixture = try Fixture()
        var agent = Agent(terminal: try fixture.terminal("call", "粤B12345"))
        agent.reachQuote()
        agent.type("太贵了", thenSee: "价格高  [price]")
        agent.type("", thenSee: "异议:价格高")
        agent.type("我要考虑一下", thenSee: "还要考虑  [think]")
        agent.type("", thenSee: "异议第2层")
        agent.choose("没什么，你接着说", thenSee: "异议:价格高")
        agent.choose("那行，你接着说", thenSee: "[需求报价]")
        agent.type(".objections", thenSee: "还要考虑 [think] ×1")
        agent.type(".end thinking", thenSee: "通话结果: 考虑中")
        #expect(agent.terminal.waitForExit() == 0)

        let steps = try fixture.stepSummary(1)
        #expect(Array(steps.suffix(5)) == [
            "objection price -> price", "objection think -> think", "answer think>return -> price",
            "answer price>return -> quote", "end  -> quote",
        ])
        #expect(try fixture.store.call(1)?.outcome == "thinking")
        #expect(try fixture.store.openFollowUps().map(\.kind) == ["thinking"])
    }

    @Test func aLostCallKeepsItsReasonAndTheInsurer() throws {
        let fixture = try Fixture()
        var agent = Agent(terminal: try fixture.terminal("call", "粤B12345"))
        agent.reachQuote()
        agent.type(".end lost", thenSee: "战败要写原因")
        agent.type(".end 战败 价格 平安", thenSee: "通话结果: 战败 (价格)")
        #expect(agent.terminal.waitForExit() == 0)
        let call = try #require(try fixture.store.call(1))
        #expect([call.outcome, call.lossReason, call.lostTo] == ["lost", "price", "平安"])
    }

    @Test func aCallbackIsBookedForAClosedQuestionSlot() throws {
        let fixture = try Fixture()
        var agent = Agent(terminal: try fixture.terminal("call", "粤B12345"))
        agent.terminal.waitFor("是我")
        agent.choose("是我", thenSee: "是，我在开")
        agent.choose("是，我在开", thenSee: "现在不方便")
        agent.choose("现在不方便", thenSee: "回访时间>")
        agent.type("4", thenSee: "已约回访: " + LocalDay.day(Date()).adding(days: 2).chinese + " 15:00")
        agent.choose("约好了", thenSee: "通话结果: 约回访")
        #expect(agent.terminal.waitForExit() == 0)
        let due = LocalDay.string(Date().addingTimeInterval(2 * 86_400)) + " 15:00"
        #expect(try fixture.store.openFollowUps().map(\.due) == [due])
        #expect(try fixture.store.call(1)?.outcome == "callback")
    }

    @Test func aKilledCallResumesWhereItStoppedInsideItsDetour() throws {
        let fixture = try Fixture()
        var agent = Agent(terminal: try fixture.terminal("call", "粤B12345"))
        agent.reachQuote()
        agent.type("太贵了", thenSee: "价格高  [price]")
        agent.type("", thenSee: "异议:价格高")
        agent.terminal.kill(signal: SIGKILL)
        let before = try fixture.stepSummary(1)
        #expect(before.last == "objection price -> price")

        var resumed = Agent(terminal: try fixture.terminal("resume"))
        resumed.terminal.waitFor("继续通话 #1")
        resumed.terminal.waitFor("异议:价格高")
        resumed.choose("那行，你接着说", thenSee: "[需求报价]")
        resumed.choose("可以，办吧", thenSee: "没问题")
        resumed.type(".end won", thenSee: "客户买了哪些险种?")
        let mark = resumed.terminal.mark
        resumed.terminal.type("\u{3}")
        resumed.terminal.waitFor("客户怎么付款?", since: mark)
        resumed.terminal.type("\u{4}")
        #expect(resumed.terminal.waitForExit() == 0, "Ctrl-C skips the fact asked, Ctrl-D closes the call without the rest")

        let steps = try fixture.store.steps(of: 1)
        #expect(steps.map(\.seq) == Array(1...steps.count), "no step lost or repeated")
        #expect(Array(try fixture.stepSummary(1).prefix(before.count)) == before)
        #expect(try fixture.store.call(1)?.outcome == "won")
    }

    @Test func lineEditingCtrlCCtrlDAndTab() throws {
        let fixture = try Fixture()
        let terminal = try fixture.terminal("call", "粤B12345")
        var agent = Agent(terminal: terminal)
        // Keys that libedit itself handles are typed only once its prompt is up.
        func atPrompt(_ keys: String, thenSee expected: String) {
            terminal.waitFor("确认身份> ", since: max(terminal.mark - 12, 0))
            terminal.pump(milliseconds: 200)
            let mark = terminal.mark
            terminal.type(keys)
            terminal.waitFor(expected, since: mark)
        }
        atPrompt("随便打的字", thenSee: "随便打的字")
        let beforeInterrupt = terminal.mark
        terminal.type("\u{03}")
        terminal.waitFor("^C", since: beforeInterrupt)
        atPrompt("太贵了", thenSee: "太贵了")
        atPrompt("\u{7F}\r", thenSee: "价格高  [price]")
        do {
            terminal.waitFor("选择异议 1-")
            terminal.pump(milliseconds: 200)
            let mark = terminal.mark
            terminal.type("\u{03}")
            terminal.waitFor("^C", since: mark)
        }
        atPrompt(".his\t", thenSee: ".history ")
        agent.type("", thenSee: "这是第一次给这位客户打电话")
        atPrompt("\u{04}", thenSee: "通话还没有结果")
        agent.type("n", thenSee: "[确认身份]")
        atPrompt("\u{04}", thenSee: "通话还没有结果")
        agent.type("y", thenSee: "huashu resume 1")
        #expect(terminal.waitForExit() == 0)
        #expect(try fixture.store.call(1)?.outcome == nil)
        #expect(try fixture.stepSummary(1) == ["start  -> greet"], "cancelled lines and searches log nothing")
        let history = try String(contentsOfFile: fixture.folder.appendingPathComponent("history").path, encoding: .utf8)
        #expect(history.contains(".history"))
    }

    @Test func doNotCallNeedsAnOverride() throws {
        let fixture = try Fixture()
        let refused = try fixture.piped(["call", "粤A11111"], input: "")
        #expect(refused.status == 1)
        #expect(refused.output.contains("asked not to be called (勿扰)"))
        let overridden = try fixture.piped(["call", "粤A11111", "--override-do-not-call"], input: ".end refused\n")
        #expect(overridden.status == 0)
        #expect(try fixture.store.call(1)?.outcome == "refused")
        #expect(try fixture.sqlite("SELECT agent, action, customer_id, detail FROM audit") == "小李|do_not_call_override|3|粤A11111")
    }

    @Test func returningFromAHandlerNamesTheStepInChinese() throws {
        let fixture = try Fixture()
        // Greeting, then the customer objects to the price and the agent returns to where the call was.
        let result = try fixture.piped(["call", "粤B12345"], input: "太贵了\n\n4\n.end thinking\n")
        #expect(result.status == 0)
        #expect(result.output.contains("回到刚才的步骤：问候核实"))
        #expect(!result.output.contains("回到刚才的步骤: greet"))
    }

    @Test func aCustomerCanBeNamedByNumber() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["call", "#2"], input: ".end thinking\n")
        #expect(result.status == 0)
        #expect(result.output.contains("王芳女士 · 粤B67890"))
    }

    @Test func commandsTypedWithAChineseInputMethodWork() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["call", "粤B12345"], input: "１\n。note 客户在开车\n．objections\n／end 考虑中\n")
        #expect(result.status == 0)
        #expect(result.output.contains("已记下备注。"))
        #expect(result.output.contains("本次通话还没有提出异议。"))
        #expect(try fixture.stepSummary(1) == ["start  -> greet", "answer greet>confirm_car -> confirm_car", "note  -> confirm_car",
                                               "end  -> confirm_car"])
        #expect(try fixture.sqlite("SELECT note FROM call_steps WHERE seq = 3") == "客户在开车")
    }

    /// A script (or `expect`) that answers each screen as it comes must see the screen before the call waits
    /// for its answer: piped output is held only while more input is already waiting.
    @Test func aScriptDrivingAPipedCallSeesEachScreenBeforeItAnswers() throws {
        let fixture = try Fixture()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Fixture.binary)
        process.arguments = ["call", "粤B12345"]
        process.environment = fixture.environment
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let screen = PipedScreen(stdout.fileHandleForReading.fileDescriptor)
        #expect(screen.waitFor(" 1) 是我"), "the first screen, before any answer")
        stdin.fileHandleForWriting.write(Data("1\n".utf8))
        #expect(screen.waitFor("确认身份> 1\n"), "the answer echoed")
        #expect(screen.waitFor("现在还是您在开"), "the second screen, before the next answer")
        stdin.fileHandleForWriting.write(Data(".quit\n".utf8))
        try stdin.fileHandleForWriting.close()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(try fixture.stepSummary(1) == ["start  -> greet", "answer greet>confirm_car -> confirm_car"])
    }

    /// Lines from Windows (CRLF) and a last line without its ending are read like any other.
    @Test func crlfLinesAndALastLineWithoutItsEndingAreRead() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["call", "粤B12345"], input: "1\r\n.note 开车中\r\n.end 考虑中")
        #expect(result.status == 0)
        #expect(result.output.contains("确认身份> 1\n"))
        #expect(result.output.contains("> .end 考虑中\n"))
        #expect(try fixture.sqlite("SELECT note FROM call_steps WHERE seq = 3") == "开车中")
        #expect(try fixture.store.call(1)?.outcome == "thinking")
    }
}

/// What a piped call has printed so far, read as it comes.
final class PipedScreen {
    private let descriptor: Int32
    private var output: [UInt8] = []

    init(_ descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Reads until the text has been printed, or gives up after the timeout.
    func waitFor(_ text: String, timeout: TimeInterval = 15) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !String(decoding: output, as: UTF8.self).contains(text) {
            guard Date() < deadline else { return false }
            var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&ready, 1, 100) > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(descriptor, &chunk, chunk.count)
            guard count > 0 else { return false }
            output += chunk[..<count]
        }
        return true
    }
}

import Foundation
@testable import HuashuApp
import HuashuStore
import Testing

/// 勿扰 (do-not-call) removes a customer from every future call list: it is
/// never taken by a slip, can be taken back while the call is open, and a
/// supervisor can lift it later with who and why on record.
@Suite("Do-not-call is never taken by accident", .serialized)
struct RefusalSafetyTests {
    func doNotCall(_ fixture: Fixture, plate: String = "粤B12345") throws -> String {
        try fixture.sqlite("SELECT do_not_call FROM customers WHERE plate = '\(plate)'")
    }

    @Test func enterOnARefusalAsksFirstAndNoCancelsIt() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["call", "粤B12345"], input: "别再打了\n\nn\n.end thinking\n")
        #expect(result.status == 0)
        #expect(result.output.contains("⚠勿扰,需确认"))
        #expect(result.output.contains("进入「别再打了」会把客户标为勿扰:以后所有拨打名单都不再有这位客户。确定? (y/N) n"))
        #expect(result.output.contains("已取消:没有进入「别再打了」。"))
        #expect(try fixture.stepSummary(1) == ["start  -> greet", "end  -> greet"])
        #expect(try doNotCall(fixture) == "0")
    }

    @Test func enterNeverTakesARefusalTheWordsDoNotMakeUnmistakable() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["call", "粤B12345"], input: "烦\n\n.end thinking\n")
        #expect(result.output.contains("回车不会默认选「别再打了」(勿扰)"))
        #expect(try fixture.stepSummary(1) == ["start  -> greet", "end  -> greet"])
    }

    @Test func enterOnARenewedCustomersWordsTakesAlreadyBought() throws {
        let fixture = try Fixture()
        _ = try fixture.piped(["call", "粤B12345"], input: "保险我办完了,你们别惦记了\n\n.end thinking\n")
        #expect(try fixture.stepSummary(1).contains("objection already_bought -> already_bought"))
    }

    @Test func backTakesADoNotCallEndingBackWhileTheCallIsOpen() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["call", "粤B12345"], input: "别再打了\n\ny\n1\n.back\n.end thinking\n")
        #expect(result.status == 0)
        #expect(result.output.contains("已标记勿扰"))
        #expect(result.output.contains("勿扰> 回车结束通话,.back 撤销> .back"))
        #expect(try doNotCall(fixture) == "0", "the database holds no do-not-call mark")
        #expect(try fixture.store.call(1)?.outcome == "thinking")
        #expect(try fixture.sqlite("SELECT agent, action, customer_id, call_id FROM audit") == "小李|do_not_call_undone|1|1")
        #expect(try fixture.stepSummary(1).suffix(3) == ["answer do_not_call>end_do_not_call -> end_do_not_call", "back  -> do_not_call",
                                                       "end  -> do_not_call"])
        let verify = try fixture.piped(["verify"], input: "")
        #expect(verify.status == 0, "\(verify.output)")
        #expect(try fixture.piped(["replay", "1"], input: "").output.contains("撤销结果: 勿扰"))
    }

    @Test func endingAsDoNotCallByCommandAsksToo() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["call", "粤B12345"], input: ".end 勿扰\nn\n.end do_not_call\ny\n\n")
        #expect(result.output.contains("结束为勿扰会把客户标为勿扰"))
        #expect(result.output.contains("已取消:没有结束为勿扰。"))
        #expect(try fixture.store.call(1)?.outcome == "do_not_call")
        #expect(try doNotCall(fixture) == "1")
    }

    @Test func takingItBackRestoresAMarkTheCustomerHadBefore() throws {
        let fixture = try Fixture()
        let result = try fixture.piped(["call", "粤A11111", "--override-do-not-call"], input: "别再打了\n\ny\n1\n.back\n.end refused\n")
        #expect(result.status == 0)
        #expect(try doNotCall(fixture, plate: "粤A11111") == "1", "the customer had asked before this call")
    }

    @Test func enterClosesTheCallAndASupervisorLiftsItWithWhoAndWhy() throws {
        let fixture = try Fixture()
        _ = try fixture.piped(["call", "粤B12345"], input: "以后不要再给我打电话了\n\ny\n1\n\n")
        #expect(try fixture.store.call(1)?.outcome == "do_not_call")
        #expect(try doNotCall(fixture) == "1")
        #expect(try fixture.piped(["call", "粤B12345"], input: "").status == 1, "no call without an override")

        let missing = try fixture.piped(["lift-do-not-call", "粤B12345", "--by", "王主管"], input: "")
        #expect(missing.status != 0 && missing.output.contains("--reason"))
        let lifted = try fixture.piped(["lift-do-not-call", "粤B12345", "--by", "王主管", "--reason", "客户来电要求继续提醒"], input: "")
        #expect(lifted.status == 0, "\(lifted.output)")
        #expect(lifted.output.contains("张伟 (粤B12345) may be called again"))
        #expect(try doNotCall(fixture) == "0")
        #expect(try fixture.sqlite("SELECT agent, action, customer_id, detail, at != '' FROM audit") == "王主管|do_not_call_lifted|1|客户来电要求继续提醒|1")
        let again = try fixture.piped(["lift-do-not-call", "粤B12345", "--by", "王主管", "--reason", "again"], input: "")
        #expect(again.status == 1 && again.output.contains("is not marked do-not-call"))
        let nobody = try fixture.piped(["lift-do-not-call", "粤Z00000", "--by", "王主管", "--reason", "x"], input: "")
        #expect(nobody.status == 1 && nobody.output.contains("no customer matches"))
    }

    @Test func theSearchModeShowsInThePromptAndEndsOnEscCtrlCAScreenOrAStep() throws {
        let fixture = try Fixture()
        let terminal = try fixture.terminal("call", "粤B12345")
        var agent = Agent(terminal: terminal)
        terminal.waitFor("确认身份> ")
        agent.type("太贵了", thenSee: "选择异议 1-")
        // Esc alone leaves the pick mode: the stage's prompt comes back and a number answers the step.
        var mark = terminal.mark
        terminal.pump(milliseconds: 200)
        terminal.type("\u{1B}")
        terminal.waitFor("确认身份> ", since: mark)
        agent.type("1", thenSee: "是，我在开")
        agent.type("考虑一下", thenSee: "选择异议 1-")
        agent.type(".screen", thenSee: "确认身份> ")
        agent.type("考虑一下", thenSee: "选择异议 1-")
        mark = terminal.mark
        terminal.pump(milliseconds: 200)
        terminal.type("\u{03}")
        terminal.waitFor("确认身份> ", since: mark)
        agent.type("太贵了", thenSee: "选择异议 1-")
        agent.type("1", thenSee: "异议处理> ")
        agent.type(".help", thenSee: "Esc、Ctrl-C、.screen 或走下一步退出")
        agent.type(".quit", thenSee: "huashu resume 1")
        #expect(terminal.waitForExit() == 0)
        #expect(try fixture.stepSummary(1) == ["start  -> greet", "answer greet>confirm_car -> confirm_car", "objection price -> price"])
    }
}

import Foundation
import HuashuCalendar
import HuashuCentral
@testable import HuashuApp
@testable import HuashuStore
import Testing

/// The wallboard's frame from a board value: what a wall screen shows, without a server.
@Suite("the wallboard's frame")
struct WallboardTests {
    let now = LocalTime.date(LedgerDate(year: 2026, month: 12, day: 7)!, hour: 10, minute: 15).addingTimeInterval(2)

    func board(live: [FloorBoard.LiveCall], today: [AgentActivityRow] = [], callbacks: [String: Int] = [:]) -> FloorBoard {
        FloorBoard(live: live, today: today, callbacks: callbacks, monthDue: 40, monthWon: 9)
    }

    @Test func callsInProgressAreMaskedNamedByTheScriptAndLinedUpForChineseText() throws {
        let started = Int64(now.timeIntervalSince1970)
        let frame = Wallboard(board: board(live: [
            .init(desk: "desk-a", agent: "小李", customerName: "张伟", plate: "粤B12345", stage: "objection", lastObjection: "price", startedAt: started - 192),
            .init(desk: "desk-b", agent: "Ann", customerName: "欧阳娜娜", plate: "粤A1", stage: "close", lastObjection: nil, startedAt: started - 3_725),
            .init(desk: "desk-c", agent: "王大力", customerName: "李强", plate: "京N88888", stage: "gone_stage", lastObjection: "gone_handler", startedAt: started - 5),
        ], today: [
            AgentActivityRow(agent: "小李", calls: 12, averageSeconds: nil, reached: 9, won: 3),
            AgentActivityRow(agent: "Ann", calls: 4, averageSeconds: nil, reached: 2, won: 0),
        ], callbacks: ["小李": 2]), now: now, names: Wallboard.Names(stages: ["objection": "异议处理", "close": "成交"], objections: ["price": "价格高"])).text
        #expect(frame == """
            现场看板 · 2026-12-07 10:15:02 · 本月续保率 22.5%(9 / 40 人到期)

            通话中 (3)
              坐席    客户   车牌      阶段        通话时长  最近异议
              小李    张*    粤B***45  异议处理       03:12  价格高
              Ann     欧***  粤A1      成交           62:05
              王大力  李*    京N***88  gone_stage     00:05  gone_handler

            今日各坐席
              坐席  通话  接通  成交  约回访
              小李    12     9     3       2
              Ann      4     2     0       0
              合计    16    11     3       2

            """, "\n\(frame)")
        #expect(!frame.contains("张伟") && !frame.contains("12345"), "customers are masked on a screen the room sees")
    }

    @Test func anEmptyFloorAndAServerThatWentAwayAreSaidInWords() {
        let frame = Wallboard(board: FloorBoard(live: [], today: [], callbacks: [:], monthDue: 0, monthWon: 0), now: now, names: .init(),
                              notice: "中心库连接断开(lost),正在重连").text
        #expect(frame == """
            现场看板 · 2026-12-07 10:15:02 · 本月续保率 —(0 / 0 人到期)
            中心库连接断开(lost),正在重连

            通话中 (0)
              没有进行中的通话

            今日各坐席
              今天还没有通话

            """, "\n\(frame)")
    }

    @Test func controlCodesInAnAgentsNameAreShownNotSent() {
        let frame = Wallboard(board: board(live: [.init(desk: "d", agent: "小李\u{1B}[2J", customerName: "张伟", plate: "粤B12345", stage: "s",
                                                        lastObjection: nil, startedAt: Int64(now.timeIntervalSince1970))]),
                              now: now, names: .init()).text
        #expect(!frame.contains("\u{1B}"))
    }
}

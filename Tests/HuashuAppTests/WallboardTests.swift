import Foundation
import HuashuCalendar
import HuashuCentral
@testable import HuashuApp
@testable import HuashuStore
import HuashuTerminal
import HuashuText
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

    @Test func aFrameLargerThanTheScreenIsCutToItNeverScrolledOrWrapped() {
        let started = Int64(now.timeIntervalSince1970)
        let live = (1...30).map { n in
            FloorBoard.LiveCall(desk: "desk-\(n)", agent: "坐席\(n)号", customerName: "欧阳娜娜", plate: "粤B\(10_000 + n)", stage: "objection",
                                lastObjection: "price_too_high_compared_with_the_dealer_down_the_road", startedAt: started - Int64(n))
        }
        let text = Wallboard(board: board(live: live), now: now, names: .init(stages: ["objection": "异议处理"])).text
        for size in [TerminalSize(columns: 60, rows: 12), TerminalSize(columns: 33, rows: 7), TerminalSize(columns: 200, rows: 80)] {
            let fitted = Wallboard.fitted(text, to: size)
            let lines = fitted.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let whole = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1  // the frame ends in a newline
            #expect(lines.count == min(size.rows, whole), "\(size): \(lines.count) lines")
            #expect(lines.allSatisfy { $0.displayWidth <= size.columns }, "\(size)\n\(fitted)")
            if size.rows < whole {
                #expect(lines.last!.hasPrefix("…… 另有 \(whole - (size.rows - 1)) 行放不下"), "\(size): \(lines.last!)")
            } else {
                #expect(fitted == String(text.dropLast()), "a frame that fits is drawn as it is")
            }
        }
        #expect(Wallboard.fitted(text, to: TerminalSize(columns: 60, rows: 12)).contains("…\n"), "a cut line says it was cut")
    }
}

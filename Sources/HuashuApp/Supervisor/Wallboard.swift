import Foundation
import HuashuCalendar
import HuashuCentral
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuText

/// One frame of the wallboard, drawn from a `FloorBoard` value and the time:
/// the same text on a wall screen and from `watch --once`. Customers are
/// masked (the screen faces the room); columns line up by display width.
struct Wallboard {
    /// The script's names for stage and objection ids; an id the script lacks shows as it is.
    struct Names {
        var stages: [String: String] = [:]
        var objections: [String: String] = [:]

        init(stages: [String: String] = [:], objections: [String: String] = [:]) {
            self.stages = stages
            self.objections = objections
        }

        init(_ script: Script?) {
            guard let script else { return }
            for stage in script.stages { stages[stage.id] = stage.title }
            for node in script.objections { objections[node.id] = node.title }
        }
    }

    let board: FloorBoard
    let now: Date
    let names: Names
    /// Said under the title: the server went away and is being called again, or came back.
    var notice: String?

    var text: String { ReportTable.text(document) }

    var document: ReportDocument {
        var meta = LocalTime(now).secondText + " · 本月续保率 " + ReportCell.percentText(ReportFigures.ratio(board.monthWon, board.monthDue))
            + "(\(board.monthWon) / \(board.monthDue) 人到期)"
        if let notice { meta += "\n" + notice }
        return ReportDocument(title: "现场看板", meta: meta, sections: [live, today])
    }

    private var live: ReportSection {
        let rows = board.live.map { call -> [ReportCell] in
            [.text(call.agent), .text(PersonalData.name(call.customerName)), .text(PersonalData.plate(call.plate)),
             .text(names.stages[call.stage] ?? call.stage), .duration(now.timeIntervalSince1970 - Double(call.startedAt)),
             .text(call.lastObjection.map { names.objections[$0] ?? $0 } ?? "")]
        }
        let grid = ReportGrid(columns: [ReportColumn("坐席"), ReportColumn("客户"), ReportColumn("车牌"), ReportColumn("阶段"),
                                        ReportColumn("通话时长", .duration), ReportColumn("最近异议")],
                              rows: rows, empty: "没有进行中的通话")
        return ReportSection(title: "通话中 (\(board.live.count))", blocks: [.table(grid)])
    }

    private var today: ReportSection {
        var rows = board.today.map { agent -> [ReportCell] in
            [.text(agent.agent), .count(agent.calls), .count(agent.reached), .count(agent.won), .count(board.callbacks[agent.agent] ?? 0)]
        }
        if board.today.count > 1 {
            rows.append([.text("合计"), .count(board.today.map(\.calls).reduce(0, +)), .count(board.today.map(\.reached).reduce(0, +)),
                         .count(board.today.map(\.won).reduce(0, +)), .count(board.callbacks.values.reduce(0, +))])
        }
        let grid = ReportGrid(columns: [ReportColumn("坐席"), ReportColumn("通话", .count), ReportColumn("接通", .count),
                                        ReportColumn("成交", .count), ReportColumn("约回访", .count)],
                              rows: rows, empty: "今天还没有通话")
        return ReportSection(title: "今日各坐席", blocks: [.table(grid)])
    }
}

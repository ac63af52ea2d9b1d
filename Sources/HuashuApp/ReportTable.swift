import Foundation
import HuashuStore
import HuashuText

/// The monthly report for the terminal: numbered sections, aligned columns
/// (by display width, so Chinese lines up), definitions under the figures.
enum ReportTable {
    static func text(_ r: MonthlyReport) -> String {
        var out: [String] = []
        out.append("续保月报 \(r.month.title)" + (r.agent.map { " · 专员 \($0)" } ?? "") + " · 统计日 \(r.today) · 演练通话不计")
        out.append("")

        out.append("一、续保率")
        out.append("  本月到期 \(r.due.count) 人, 已续保(成交) \(r.won) 人, 续保率 \(MonthlyReport.percent(r.renewalRate)); "
                   + "尚无最终结果 \(r.open) 人"
                   + (r.compulsoryDue == 0 ? "" : "; 其中交强险单独到期 \(r.compulsoryDue) 单, 成交 \(r.compulsoryWon) 单")
                   + (r.noPhone == 0 ? "" : "; 缺少有效电话 \(r.noPhone) 人(不进拨号队列, 请补录电话)"))
        if !r.byUse.isEmpty {
            out += grid(["使用性质", "到期", "成交", "续保率"],
                        r.byUse.map { [$0.use, String($0.due), String($0.won), MonthlyReport.percent(MonthlyReport.ratio($0.won, $0.due))] },
                        right: [1, 2, 3])
        }
        out.append("")

        out.append("二、通话结果(本月通话 \(r.totalCalls) 通)")
        if r.outcomes.isEmpty {
            out.append("  本月没有通话。")
        } else {
            out += grid(["结果", "通话", "占比"],
                        r.outcomes.map { [$0.label, String($0.count), MonthlyReport.percent(MonthlyReport.ratio($0.count, r.totalCalls))] },
                        right: [1, 2])
        }
        out.append("")

        out.append("三、战败原因分析(本月到期客户中战败 \(r.lost) 人)")
        if r.lost == 0 {
            out.append("  没有战败客户。")
        } else {
            out += grid(["原因", "人数", "占比"], r.lossByReason.map { [$0.label, String($0.count), MonthlyReport.percent(MonthlyReport.ratio($0.count, r.lost))] },
                        right: [1, 2])
            out += grid(["去向", "人数", "占比"], r.lossByInsurer.map { [$0.label, String($0.count), MonthlyReport.percent(MonthlyReport.ratio($0.count, r.lost))] },
                        right: [1, 2])
        }
        out.append("")

        out.append("四、失控客户 \(r.uncontrolled.count) 人")
        if !r.uncontrolled.isEmpty {
            out += grid(["客户", "车牌", "专员", "到期日", "跟进次数", "原因"],
                        r.uncontrolled.map { [$0.name, $0.plate, $0.agent ?? "—", $0.expiry, String($0.calls), r.uncontrolledReason($0)] },
                        right: [4])
        }
        out.append("  " + MonthlyReport.uncontrolledDefinition)
        out.append("")

        out.append("五、脱保客户 \(r.lapsed.count) 人")
        if !r.lapsed.isEmpty {
            out += grid(["客户", "车牌", "专员", "到期日", "结果", "去向"],
                        r.lapsed.map { [$0.name, $0.plate, $0.agent ?? "—", $0.expiry, MonthlyReport.resultText($0), $0.lostTo ?? ""] })
        }
        out.append("  " + MonthlyReport.lapsedDefinition)
        out.append("")

        out.append("六、专员业绩" + (r.targetsSource.map { "(目标: \($0))" } ?? "(没有目标文件: 用 --targets 或 $HUASHU_TARGETS)"))
        if r.agents.isEmpty {
            out.append("  本月没有专员通话。")
        } else {
            out += grid(MonthlyReport.agentColumns, r.agents.map(MonthlyReport.agentCells), right: MonthlyReport.agentNumericColumns)
        }
        out.append("")

        let f = r.followUps
        out.append("七、回访纪律(本月到期的回访 \(f.onTime + f.late + f.missed + f.pending) 个)")
        let rows = r.followUpsByAgent.map { ($0.agent ?? "—", $0) } + (r.followUpsByAgent.count > 1 ? [("合计", f)] : [])
        if rows.isEmpty {
            out.append("  本月没有到期的回访。")
        } else {
            out += grid(["专员", "按时", "逾期完成", "未做", "未到期", "按时率"],
                        rows.map { name, row in
                            [name, String(row.onTime), String(row.late), String(row.missed), String(row.pending),
                             MonthlyReport.percent(MonthlyReport.ratio(row.onTime, row.onTime + row.late + row.missed))]
                        }, right: [1, 2, 3, 4, 5])
        }
        out.append("")

        out.append("八、异议与应对")
        if r.objections.isEmpty {
            out.append("  本月通话中没有异议。")
        } else {
            out += grid(["异议", "次数", "通话", "成交通话", "成交率"],
                        r.objections.map { [$0.title + " [\($0.handler)]", String($0.raised), String($0.calls.total), String($0.calls.won),
                                            MonthlyReport.percent($0.calls.rate)] },
                        right: [1, 2, 3, 4])
        }
        if !r.rebuttals.isEmpty {
            out.append("")
            out += grid(["异议", "应对(客户的回答)", "通话", "成交", "成交率", "95%区间"],
                        r.rebuttals.map { [$0.handlerTitle, "\($0.answerText) [\($0.answer)]", String($0.calls.total), String($0.calls.won),
                                           MonthlyReport.percent($0.calls.rate), interval($0.calls)] },
                        right: [2, 3, 4])
        }
        out.append("")
        out.append("说明:")
        out += MonthlyReport.definitions.map { "  " + $0 }
        // Names, plates and destinations come from ledgers and calls: control codes in them are shown, not sent.
        return TerminalText.visible(out.joined(separator: "\n") + "\n", keeping: .lineBreaks)
    }

    static func interval(_ rate: WinRate) -> String {
        guard let i = rate.interval else { return "—" }
        return String(format: "%.0f%%-%.0f%%", i.low * 100, i.high * 100)
    }

    /// Rows under a header, columns padded to the widest cell, indented two spaces.
    static func grid(_ header: [String], _ rows: [[String]], right: Set<Int> = []) -> [String] {
        let all = ([header] + rows).map { $0.map { TerminalText.visible($0) } }
        let widths = header.indices.map { column in all.map { $0.indices.contains(column) ? $0[column].displayWidth : 0 }.max() ?? 0 }
        return all.map { row in
            let cells = row.enumerated().map { column, cell in
                right.contains(column) ? String(repeating: " ", count: max(widths[column] - cell.displayWidth, 0)) + cell
                    : (column == row.count - 1 ? cell : TextWrap.padded(cell, to: widths[column]))
            }
            var line = "  " + cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}

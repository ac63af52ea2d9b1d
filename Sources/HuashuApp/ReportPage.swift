import Foundation
import HuashuStore
import HuashuText

/// The monthly report as one self-contained HTML page: inline CSS and SVG
/// bar charts, no script, no font or image fetched from anywhere.
enum ReportPage {
    static func html(_ r: MonthlyReport) -> String {
        let title = "续保月报 \(r.month.title)" + (r.agent.map { " · \($0)" } ?? "")
        var body: [String] = []
        body.append("<header><h1>\(escape(title))</h1><p class=\"meta\">统计日 \(escape(r.today)) · 演练通话不计</p></header>")
        body.append(tiles([
            ("续保率", MonthlyReport.percent(r.renewalRate), "\(r.won) / \(r.due.count) 人"),
            ("本月到期", String(r.due.count), "尚无最终结果 \(r.open) 人" + (r.noPhone == 0 ? "" : ", 缺少有效电话 \(r.noPhone) 人")),
            ("本月通话", String(r.totalCalls), "\(r.agents.filter { $0.calls > 0 }.count) 位专员"),
            ("失控客户", String(r.uncontrolled.count), "见第四节定义"),
            ("脱保客户", String(r.lapsed.count), "到期已过未成交"),
        ]))

        var renewal = "<p>本月到期 \(r.due.count) 人, 已续保(成交) \(r.won) 人, 续保率 <b>\(MonthlyReport.percent(r.renewalRate))</b>; 尚无最终结果 \(r.open) 人。</p>"
        if !r.byUse.isEmpty {
            renewal += table(["使用性质", "到期", "成交", "续保率"],
                             r.byUse.map { [$0.use, String($0.due), String($0.won), MonthlyReport.percent(MonthlyReport.ratio($0.won, $0.due))] },
                             numeric: [1, 2, 3])
        }
        body.append(section("一、续保率", renewal))

        var outcomes = ""
        if r.outcomes.isEmpty {
            outcomes = "<p class=\"empty\">本月没有通话。</p>"
        } else {
            outcomes += chart("通话结果", bars: r.outcomes.map {
                Bar(label: $0.label, value: Double($0.count), text: "\($0.count) 通 · \(MonthlyReport.percent(MonthlyReport.ratio($0.count, r.totalCalls)))")
            }, maximum: Double(r.outcomes.map(\.count).max() ?? 1))
        }
        body.append(section("二、通话结果(本月通话 \(r.totalCalls) 通)", outcomes))

        var losses = ""
        if r.lost == 0 {
            losses = "<p class=\"empty\">本月到期客户中没有战败。</p>"
        } else {
            losses += chart("战败原因", bars: r.lossByReason.map {
                Bar(label: $0.label, value: Double($0.count), text: "\($0.count) 人 · \(MonthlyReport.percent(MonthlyReport.ratio($0.count, r.lost)))")
            }, maximum: Double(r.lossByReason.map(\.count).max() ?? 1), color: "#c0504d")
            losses += table(["去向", "人数", "占比"],
                            r.lossByInsurer.map { [$0.label, String($0.count), MonthlyReport.percent(MonthlyReport.ratio($0.count, r.lost))] },
                            numeric: [1, 2])
        }
        body.append(section("三、战败原因分析(战败 \(r.lost) 人)", losses))

        body.append(section("四、失控客户 \(r.uncontrolled.count) 人",
                            (r.uncontrolled.isEmpty ? "" : table(["客户", "车牌", "专员", "到期日", "跟进次数", "原因"],
                                                                  r.uncontrolled.map { [$0.name, $0.plate, $0.agent ?? "—", $0.expiry, String($0.calls),
                                                                                        r.uncontrolledReason($0)] }, numeric: [4]))
                            + "<p class=\"definition\">\(escape(MonthlyReport.uncontrolledDefinition))</p>"))
        body.append(section("五、脱保客户 \(r.lapsed.count) 人",
                            (r.lapsed.isEmpty ? "" : table(["客户", "车牌", "专员", "到期日", "结果", "去向"],
                                                            r.lapsed.map { [$0.name, $0.plate, $0.agent ?? "—", $0.expiry, MonthlyReport.resultText($0),
                                                                            $0.lostTo ?? ""] }))
                            + "<p class=\"definition\">\(escape(MonthlyReport.lapsedDefinition))</p>"))

        var agents = ""
        if r.agents.isEmpty {
            agents = "<p class=\"empty\">本月没有专员通话。</p>"
        } else {
            let withTarget = r.agents.filter { $0.achievement != nil }
            if !withTarget.isEmpty {
                agents += chart("目标达成率", bars: withTarget.map {
                    Bar(label: $0.agent, value: $0.achievement ?? 0, text: "\(MonthlyReport.percent($0.achievement)) · \($0.won)/\($0.target ?? 0)")
                }, maximum: max(1.2, withTarget.compactMap(\.achievement).max() ?? 1), reference: 1, color: "#4f81bd")
            }
            agents += table(MonthlyReport.agentColumns, r.agents.map(MonthlyReport.agentCells), numeric: MonthlyReport.agentNumericColumns)
            if r.targetsSource == nil { agents += "<p class=\"definition\">没有目标文件(--targets 或 $HUASHU_TARGETS), 达成率和档位为 —。</p>" }
        }
        body.append(section("六、专员业绩", agents))

        let f = r.followUps
        let followRows = r.followUpsByAgent.map { ($0.agent ?? "—", $0) } + (r.followUpsByAgent.count > 1 ? [("合计", f)] : [])
        body.append(section("七、回访纪律", followRows.isEmpty ? "<p class=\"empty\">本月没有到期的回访。</p>"
                            : table(["专员", "按时", "逾期完成", "未做", "未到期", "按时率"], followRows.map { name, row in
                                [name, String(row.onTime), String(row.late), String(row.missed), String(row.pending),
                                 MonthlyReport.percent(MonthlyReport.ratio(row.onTime, row.onTime + row.late + row.missed))]
                            }, numeric: [1, 2, 3, 4, 5])))

        var objections = ""
        if r.objections.isEmpty {
            objections = "<p class=\"empty\">本月通话中没有异议。</p>"
        } else {
            objections += table(["异议", "次数", "通话", "成交通话", "成交率"],
                                r.objections.map { [$0.title + " [\($0.handler)]", String($0.raised), String($0.calls.total), String($0.calls.won),
                                                    MonthlyReport.percent($0.calls.rate)] }, numeric: [1, 2, 3, 4])
        }
        if !r.rebuttals.isEmpty {
            objections += chart("应对成交率(95% Wilson 区间)", bars: r.rebuttals.map {
                Bar(label: "\($0.handlerTitle): \($0.answerText)", value: $0.calls.rate ?? 0,
                    text: "\(MonthlyReport.percent($0.calls.rate)) · n=\($0.calls.total)", interval: $0.calls.interval)
            }, maximum: 1, color: "#9bbb59", axisPercent: true)
            objections += table(["异议", "应对(客户的回答)", "通话", "成交", "成交率", "95%区间"],
                                r.rebuttals.map { [$0.handlerTitle, "\($0.answerText) [\($0.answer)]", String($0.calls.total), String($0.calls.won),
                                                   MonthlyReport.percent($0.calls.rate), ReportTable.interval($0.calls)] }, numeric: [2, 3, 4])
        }
        body.append(section("八、异议与应对", objections))
        body.append(section("说明", "<ul>" + MonthlyReport.definitions.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"))

        return """
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    static let fonts = "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"PingFang SC\", \"Microsoft YaHei\", \"WenQuanYi Micro Hei\", sans-serif"

    static let style = """
        body { font-family: \(fonts); color: #222; margin: 24px auto; max-width: 960px; padding: 0 16px; background: #fff; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 18px; border-bottom: 2px solid #4f81bd; padding-bottom: 4px; margin-top: 28px; }
        .meta { color: #666; margin: 0 0 16px; }
        .tiles { display: flex; flex-wrap: wrap; gap: 12px; }
        .tile { border: 1px solid #d8dee8; border-radius: 6px; padding: 10px 14px; min-width: 140px; background: #f7f9fc; }
        .tile .label { color: #555; font-size: 13px; }
        .tile .value { font-size: 26px; font-weight: bold; color: #1f4e79; }
        .tile .note { color: #777; font-size: 12px; }
        table { border-collapse: collapse; margin: 8px 0 12px; font-size: 14px; }
        th, td { border: 1px solid #d8dee8; padding: 4px 10px; text-align: left; }
        th { background: #eef2f8; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .definition { color: #555; font-size: 13px; background: #fffbe6; border-left: 3px solid #e0b300; padding: 6px 10px; }
        .empty { color: #777; }
        svg { display: block; margin: 8px 0 12px; max-width: 100%; height: auto; }
        svg text { font-family: \(fonts); }
        """

    struct Bar {
        let label: String
        let value: Double
        let text: String
        var interval: (low: Double, high: Double)? = nil
    }

    /// A horizontal bar chart: label, bar, value; an optional reference line
    /// (100% of target) and whiskers for an interval.
    static func chart(_ title: String, bars: [Bar], maximum: Double, reference: Double? = nil, color: String = "#4f81bd",
                      axisPercent: Bool = false) -> String {
        let labelWidth = 240.0, barWidth = 380.0, valueWidth = 150.0, row = 28.0, top = 30.0
        let width = labelWidth + barWidth + valueWidth
        let height = top + row * Double(bars.count) + 26
        let scale = maximum > 0 ? barWidth / maximum : 0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        svg += "<text x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">\(escape(title))</text>"
        svg += "<line x1=\"\(labelWidth)\" y1=\"\(top - 4)\" x2=\"\(labelWidth)\" y2=\"\(top + row * Double(bars.count))\" stroke=\"#999\"/>"
        for (index, bar) in bars.enumerated() {
            let y = top + row * Double(index)
            let length = max(0, min(bar.value, maximum)) * scale
            svg += "<g><title>\(escape(bar.label)): \(escape(bar.text))</title>"
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(fmt(y + 18))\" font-size=\"13\" text-anchor=\"end\" fill=\"#333\">\(escape(shortened(bar.label, 30)))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(fmt(y + 5))\" width=\"\(fmt(length))\" height=\"\(fmt(row - 10))\" fill=\"\(color)\" rx=\"2\"/>"
            if let interval = bar.interval {
                let x1 = labelWidth + interval.low * scale, x2 = labelWidth + min(interval.high, maximum) * scale, mid = y + row / 2
                svg += "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(mid))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(mid))\" stroke=\"#333\" stroke-width=\"1.5\"/>"
                svg += "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(mid - 6))\" x2=\"\(fmt(x1))\" y2=\"\(fmt(mid + 6))\" stroke=\"#333\" stroke-width=\"1.5\"/>"
                svg += "<line x1=\"\(fmt(x2))\" y1=\"\(fmt(mid - 6))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(mid + 6))\" stroke=\"#333\" stroke-width=\"1.5\"/>"
            }
            svg += "<text x=\"\(fmt(labelWidth + barWidth + 8))\" y=\"\(fmt(y + 18))\" font-size=\"13\" fill=\"#333\">\(escape(bar.text))</text></g>"
        }
        let bottom = top + row * Double(bars.count)
        if let reference, maximum > 0 {
            let x = labelWidth + reference * scale
            svg += "<line x1=\"\(fmt(x))\" y1=\"\(top - 4)\" x2=\"\(fmt(x))\" y2=\"\(fmt(bottom))\" stroke=\"#c0504d\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(fmt(x))\" y=\"\(fmt(bottom + 16))\" font-size=\"12\" text-anchor=\"middle\" fill=\"#c0504d\">目标 100%</text>"
        } else if axisPercent {
            for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
                let x = labelWidth + tick * scale
                svg += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(bottom))\" x2=\"\(fmt(x))\" y2=\"\(fmt(bottom + 4))\" stroke=\"#999\"/>"
                svg += "<text x=\"\(fmt(x))\" y=\"\(fmt(bottom + 16))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#666\">\(Int(tick * 100))%</text>"
            }
        }
        return svg + "</svg>"
    }

    static func tiles(_ items: [(label: String, value: String, note: String)]) -> String {
        "<div class=\"tiles\">" + items.map {
            "<div class=\"tile\"><div class=\"label\">\(escape($0.label))</div><div class=\"value\">\(escape($0.value))</div><div class=\"note\">\(escape($0.note))</div></div>"
        }.joined() + "</div>"
    }

    static func section(_ title: String, _ content: String) -> String {
        "<section><h2>\(escape(title))</h2>\(content)</section>"
    }

    static func table(_ header: [String], _ rows: [[String]], numeric: Set<Int> = []) -> String {
        var html = "<table><thead><tr>" + header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>" + row.enumerated().map { numeric.contains($0.offset) ? "<td class=\"n\">\(escape($0.element))</td>" : "<td>\(escape($0.element))</td>" }
                .joined() + "</tr>"
        }
        return html + "</tbody></table>"
    }

    static func shortened(_ text: String, _ width: Int) -> String {
        guard text.displayWidth > width else { return text }
        var out = ""
        for character in text {
            if (out + String(character)).displayWidth > width - 1 { break }
            out.append(character)
        }
        return out + "…"
    }

    static func fmt(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

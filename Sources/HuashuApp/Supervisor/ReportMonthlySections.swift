import HuashuEngine
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuText

/// The monthly report's sections: what each says, once, for every format.
extension MonthlyReport {
    var document: ReportDocument {
        let percent = ReportCell.percentText
        var sections = [renewal, outcomesSection, losses, uncontrolledSection, lapsedSection, agentsSection, followUpsSection,
                         objectionsSection, recordSheet, correctionsSection, leadsSection, salesSection, lossCallsSection]
        sections.append(ReportSection(title: "说明", sheet: "说明", blocks: [.list(Self.definitions)], formats: .summary))
        return ReportDocument(
            title: "续保月报 \(month.title)" + (agent.map { " · 专员 \($0)" } ?? ""), meta: "统计日 \(today) · 演练通话不计",
            highlights: [
                .init(label: "续保率", value: percent(renewalRate), note: "\(won) / \(due.count) 人"),
                .init(label: "本月到期", value: String(due.count), note: "尚无最终结果 \(open) 人" + (noPhone == 0 ? "" : ", 缺少有效电话 \(noPhone) 人")),
                .init(label: "本月通话", value: String(totalCalls), note: "\(agents.filter { $0.calls > 0 }.count) 位专员"),
                .init(label: "失控客户", value: String(uncontrolled.count), note: "见第四节定义"),
                .init(label: "脱保客户", value: String(lapsed.count), note: "到期已过未成交"),
            ],
            sections: sections)
    }

    /// Label, count and share of a whole, the shape of every breakdown.
    private static func shares(_ title: String, _ unit: String, _ counts: [Count], of whole: Int, empty: String? = nil) -> ReportGrid {
        ReportGrid(columns: [ReportColumn(title), ReportColumn(unit, .count), ReportColumn("占比", .percent)],
                   rows: counts.map { [.text($0.label), .count($0.count), .percent(ReportFigures.ratio($0.count, whole))] }, empty: empty)
    }

    private var renewal: ReportSection {
        var blocks: [ReportBlock] = [.paragraph(
            "本月到期 \(due.count) 人, 已续保(成交) \(won) 人, 续保率 \(ReportCell.percentText(renewalRate)); 尚无最终结果 \(open) 人"
                + (compulsoryDue == 0 ? "" : "; 其中交强险单独到期 \(compulsoryDue) 单, 成交 \(compulsoryWon) 单")
                + (noPhone == 0 ? "" : "; 缺少有效电话 \(noPhone) 人(不进拨号队列, 请补录电话)"))]
        if !byUse.isEmpty {
            blocks.append(.table(ReportGrid(
                columns: [ReportColumn("使用性质"), ReportColumn("到期", .count), ReportColumn("成交", .count), ReportColumn("续保率", .percent)],
                rows: byUse.map { [.text($0.use), .count($0.due), .count($0.won), .percent(ReportFigures.ratio($0.won, $0.due))] })))
        }
        return ReportSection(title: "一、续保率", sheet: "续保率", blocks: blocks, formats: .summary)
    }

    private var outcomesSection: ReportSection {
        var blocks: [ReportBlock] = []
        if !outcomes.isEmpty {
            blocks.append(.chart(ReportChart(title: "通话结果", bars: outcomes.map {
                .init(label: $0.label, value: Double($0.count), text: "\($0.count) 通 · \(ReportCell.percentText(ReportFigures.ratio($0.count, totalCalls)))")
            }, maximum: Double(outcomes.map(\.count).max() ?? 1))))
        }
        blocks.append(.table(Self.shares("结果", "通话", outcomes, of: totalCalls, empty: "本月没有通话。")))
        return ReportSection(title: "二、通话结果(本月通话 \(totalCalls) 通)", sheet: "通话结果", blocks: blocks, formats: .summary)
    }

    private var losses: ReportSection {
        var blocks: [ReportBlock] = []
        if lost > 0 {
            blocks.append(.chart(ReportChart(title: "战败原因", bars: lossByReason.map {
                .init(label: $0.label, value: Double($0.count), text: "\($0.count) 人 · \(ReportCell.percentText(ReportFigures.ratio($0.count, lost)))")
            }, maximum: Double(lossByReason.map(\.count).max() ?? 1), color: "#c0504d")))
        }
        blocks.append(.table(Self.shares("原因", "人数", lossByReason, of: lost, empty: "没有战败客户。")))
        if lost > 0 { blocks.append(.table(Self.shares("去向", "人数", lossByInsurer, of: lost))) }
        return ReportSection(title: "三、战败原因分析(本月到期客户中战败 \(lost) 人)", sheet: "战败原因", blocks: blocks, formats: .summary)
    }

    /// Customers as the uncontrolled and lapsed lists show them, with two columns of their own.
    private func customers(_ list: [DueCustomerRow], _ extra: [ReportColumn], _ cells: (DueCustomerRow) -> [ReportCell]) -> [ReportBlock] {
        guard !list.isEmpty else { return [] }
        let columns = [ReportColumn("客户"), ReportColumn("车牌"), ReportColumn("专员"), ReportColumn("到期日", .date)] + extra
        return [.table(ReportGrid(columns: columns, rows: list.map { [.text($0.name), .text($0.plate), .text($0.agent ?? "—"), .text($0.expiry)] + cells($0) }))]
    }

    private var uncontrolledSection: ReportSection {
        ReportSection(title: "四、失控客户 \(uncontrolled.count) 人", sheet: "失控客户",
                      blocks: customers(uncontrolled, [ReportColumn("跟进次数", .count), ReportColumn("原因")]) {
                          [.count($0.calls), .text(uncontrolledReason($0))]
                      } + [.note(Self.uncontrolledDefinition)], formats: .summary)
    }

    private var lapsedSection: ReportSection {
        ReportSection(title: "五、脱保客户 \(lapsed.count) 人", sheet: "脱保客户",
                      blocks: customers(lapsed, [ReportColumn("结果"), ReportColumn("去向")]) {
                          [.text(Self.resultText($0)), .text($0.lostTo ?? "")]
                      } + [.note(Self.lapsedDefinition)], formats: .summary)
    }

    private var agentsSection: ReportSection {
        var blocks: [ReportBlock] = []
        let withTarget = agents.filter { $0.achievement != nil }
        if !withTarget.isEmpty {
            blocks.append(.chart(ReportChart(title: "目标达成率", bars: withTarget.map {
                .init(label: $0.agent, value: $0.achievement ?? 0, text: "\(ReportCell.percentText($0.achievement)) · \($0.won)/\($0.target ?? 0)")
            }, maximum: max(1.2, withTarget.compactMap(\.achievement).max() ?? 1), reference: 1)))
        }
        let columns = [ReportColumn("专员"), ReportColumn("通话", .count), ReportColumn("平均时长", .duration), ReportColumn("接通客户", .count),
                       ReportColumn("成交", .count), ReportColumn("目标", .count), ReportColumn("达成率", .percent), ReportColumn("档位"),
                       ReportColumn("元/单", .money), ReportColumn("提成", .money)]
        blocks.append(.table(ReportGrid(columns: columns, rows: agents.map { a in
            [.text(a.agent), .count(a.calls), .duration(a.averageSeconds), .count(a.reached), .count(a.won), .count(a.target),
             .percent(a.achievement), .text(a.band?.label ?? "—"), .count(a.band?.perPolicy), .count(a.pay)]
        }, empty: "本月没有专员通话。")))
        return ReportSection(title: "六、专员业绩" + (targetsSource.map { "(目标: \($0))" } ?? "(没有目标文件: 用 --targets 或 $HUASHU_TARGETS)"),
                             sheet: "专员业绩", blocks: blocks, formats: .summary)
    }

    private var followUpsSection: ReportSection {
        let f = followUps
        let rows = followUpsByAgent.map { ($0.agent ?? "—", $0) } + (followUpsByAgent.count > 1 ? [("合计", f)] : [])
        let columns = [ReportColumn("专员"), ReportColumn("按时", .count), ReportColumn("逾期完成", .count), ReportColumn("未做", .count),
                       ReportColumn("未到期", .count), ReportColumn("按时率", .percent)]
        return ReportSection(title: "七、回访纪律(本月到期的回访 \(f.onTime + f.late + f.missed + f.pending) 个)", sheet: "回访纪律", blocks: [
            .table(ReportGrid(columns: columns, rows: rows.map { name, row in
                [.text(name), .count(row.onTime), .count(row.late), .count(row.missed), .count(row.pending),
                 .percent(ReportFigures.onTimeRate(onTime: row.onTime, late: row.late, missed: row.missed))]
            }, empty: "本月没有到期的回访。")),
        ], formats: .summary)
    }

    private var objectionsSection: ReportSection {
        var blocks: [ReportBlock] = [.table(ReportGrid(
            columns: [ReportColumn("异议"), ReportColumn("次数", .count), ReportColumn("通话", .count), ReportColumn("成交通话", .count),
                      ReportColumn("成交率", .percent)],
            rows: objections.map { [.text($0.title + " [\($0.handler)]"), .count($0.raised), .count($0.calls.total), .count($0.calls.won), .percent($0.calls.rate)] },
            empty: "本月通话中没有异议。"))]
        if !rebuttals.isEmpty {
            blocks.append(.chart(ReportChart(title: "应对成交率(95% Wilson 区间)", bars: rebuttals.map {
                .init(label: "\($0.handlerTitle): \($0.answerText)", value: $0.calls.rate ?? 0,
                      text: "\(ReportCell.percentText($0.calls.rate)) · n=\($0.calls.total)", interval: $0.calls.interval)
            }, maximum: 1, color: "#9bbb59", axisPercent: true)))
            blocks.append(.table(ReportGrid(
                columns: [ReportColumn("异议"), ReportColumn("应对(客户的回答)"), ReportColumn("通话", .count), ReportColumn("成交", .count),
                          ReportColumn("成交率", .percent), ReportColumn("95%区间")],
                rows: rebuttals.map { [.text($0.handlerTitle), .text("\($0.answerText) [\($0.answer)]"), .count($0.calls.total), .count($0.calls.won),
                                       .percent($0.calls.rate), .text(Self.interval($0.calls))] })))
        }
        return ReportSection(title: "八、异议与应对", sheet: "异议与应对", blocks: blocks, formats: .summary)
    }

    /// `9%-91%`, or `—` with no calls.
    static func interval(_ rate: WinRate) -> String {
        guard let i = rate.interval else { return "—" }
        return String(format: "%.0f%%-%.0f%%", i.low * 100, i.high * 100)
    }

    /// The monthly follow-up record sheet (月度续保跟进记录表): one row per policy due in the month.
    private var recordSheet: ReportSection {
        let columns = [ReportColumn("客户"), ReportColumn("车牌"), ReportColumn("专员"), ReportColumn("到期日", .date), ReportColumn("跟进次数", .count),
                       ReportColumn("最后跟进"), ReportColumn("结果"), ReportColumn("战败原因"), ReportColumn("去向")]
        return ReportSection(title: "月度续保跟进记录表", sheet: "跟进记录", blocks: [.table(ReportGrid(columns: columns, rows: due.map { c in
            [.text(c.name), .text(c.plate), .text(c.agent ?? ""), .text(c.expiry), .count(c.calls), .text(c.lastCallAt.map { SupervisorTime.local($0) } ?? ""),
             .text(Self.resultText(c)), .text(Self.reasonText(c.lossReason) ?? ""), .text(c.lostTo ?? "")]
        }))], formats: [.csv, .xlsx])
    }

    private var correctionsSection: ReportSection {
        ReportSection(title: "九、信息更正(待更正电话 \(lists.corrections.count) 人)", sheet: "信息更正",
                      blocks: [.table(PhoneCorrections.grid(lists.corrections))])
    }

    private var leadsSection: ReportSection {
        let columns = [ReportColumn("车牌"), ReportColumn("车型"), ReportColumn("车主"), ReportColumn("电话"), ReportColumn("来自"),
                       ReportColumn("通话"), ReportColumn("日期", .date), ReportColumn("专员")]
        return ReportSection(title: "十、新线索(本月通话中记下的另一台车 \(lists.leads.count) 台)", sheet: "新线索", blocks: [
            .table(ReportGrid(columns: columns, rows: lists.leads.map { l in
                [.text(l.plate), .text(l.model ?? ""), .text(l.name), .text(PersonalData.phone(l.phone) ?? ""), .text(l.fromPlate),
                 .text("#\(l.callID)"), .text(SupervisorTime.local(l.foundAt).prefix(10).description), .text(l.agent)]
            }, empty: "本月通话中没有记下新线索。")),
        ])
    }

    /// A call's own columns in the sales and losses lists.
    private static let callColumns = [ReportColumn("通话"), ReportColumn("日期", .date), ReportColumn("客户"), ReportColumn("车牌"), ReportColumn("专员")]

    private static func callCells(_ row: CallListRow) -> [ReportCell] {
        [.text("#\(row.call.id)"), .text(SupervisorTime.local(row.call.startedAt).prefix(10).description), .text(row.customerName),
         .text(row.plate), .text(row.call.agent)]
    }

    /// A list of calls as a table, its streamed calls made cells as they are read.
    private static func grid(_ list: ListedCalls, columns: [ReportColumn], empty: String,
                             _ cells: @escaping (CallListRow) -> [ReportCell]) -> ReportGrid {
        ReportGrid(columns: columns, rows: list.rows.map(cells), empty: empty,
                   streamed: list.streamed.map { calls in { (row: ([ReportCell]) -> Void) throws in try calls { row(cells($0)) } } })
    }

    /// Under a list the terminal cut short: how many calls it left out, and the command that lists them all.
    private func notShownNote(_ list: ListedCalls) -> [ReportBlock] {
        guard list.notShown > 0 else { return [] }
        let command = "huashu report --month \(month.option)" + (agent.map { " --agent \($0)" } ?? "") + " --format csv --out 文件.csv"
        return [.note("只列出最近的 \(list.rows.count) 通, 另有 \(list.notShown) 通未列出; 全部: \(command)(或 --format html、xlsx)")]
    }

    private var salesSection: ReportSection {
        let columns = Self.callColumns + [ReportColumn("结果"), ReportColumn("报价", .money), ReportColumn("险种"), ReportColumn("保费", .money),
                                          ReportColumn("付款方式"), ReportColumn("交付")]
        return ReportSection(title: "十一、成交记录(本月成交或已承诺的通话 \(lists.sales.total) 通)", sheet: "成交记录", blocks: [
            .table(Self.grid(lists.sales, columns: columns, empty: "本月没有成交或已承诺的通话。") { row in
                let facts = Dictionary(row.call.factValues.map { ($0.fact, $0.value) }, uniquingKeysWith: { $1 })
                return Self.callCells(row) + [.text(CallList.outcomeText(row.call.outcome, reason: nil, lostTo: nil)), .money(row.call.quote),
                                              .text(facts[.covers] ?? ""), .money(facts[.premium]), .text(facts[.payment] ?? ""), .text(facts[.delivery] ?? "")]
            }),
        ] + notShownNote(lists.sales))
    }

    private var lossCallsSection: ReportSection {
        let columns = Self.callColumns + [ReportColumn("战败原因"), ReportColumn("去向"), ReportColumn("差价", .money)]
        return ReportSection(title: "十二、战败记录(本月战败的通话 \(lists.losses.total) 通)", sheet: "战败记录", blocks: [
            .table(Self.grid(lists.losses, columns: columns, empty: "本月没有战败的通话。") { row in
                let gap = row.call.factValues.first { $0.fact == .priceGap }?.value
                return Self.callCells(row) + [.text(Self.reasonText(row.call.lossReason) ?? ""),
                                              .text(row.call.lostTo ?? ""), .money(gap)]
            }),
        ] + notShownNote(lists.losses))
    }
}

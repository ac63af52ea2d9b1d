import Foundation
import HuashuCalendar
import HuashuLedger
import HuashuStore
import HuashuText

/// `huashu queue`: a day's call list as a table whose Chinese columns line up.
public enum QueueReport {
    public struct Options: Sendable {
        public var database: String
        /// `YYYY-MM-DD` (other ledger date spellings work too); nil for today.
        public var date: String?
        /// Only customers whose ledger agent (专员) column is this name.
        public var agent: String?
        /// `dealer` or `insurer`; nil for `$HUASHU_PLAN`, else dealer.
        public var plan: String?

        public init(database: String?, date: String?, agent: String?, plan: String?) {
            self.database = database ?? Store.defaultPath()
            self.date = date
            self.agent = agent
            self.plan = plan
        }
    }

    public static func run(_ options: Options, now: Date = Date()) throws(UserError) -> String {
        let plan = try RenewalPlan.chosen(options.plan)
        var today = LocalDay.day(now)
        if let text = options.date {
            today = try CommandLineDate.day(text, option: "--date")
        }
        let store = try openStore(options.database, mustExist: true)
        let entries = try wrap { try RenewalQueue.entries(customers: store.allCustomers(), calls: store.lastCalls(),
                                                          followUps: store.openFollowUps(), today: today, plan: plan, agent: options.agent) }
        return text(entries, today: today, plan: plan, agent: options.agent)
    }

    /// The list as printed: a title line, a header, one row per customer.
    public static func text(_ entries: [QueueEntry], today: LedgerDate, plan: RenewalPlan, agent: String?) -> String {
        let whose = agent.map { " · 专员 \($0)" } ?? ""
        guard !entries.isEmpty else { return "\(today) 没有需要联系的客户(\(plan.chinese)\(whose))。\n" }
        var out = "\(today) 要联系 \(entries.count) 位客户(\(plan.chinese)\(whose)):\n"
        var rows = [["", "客户", "车牌", "等级", "到期", "为什么今天打", "逾期", "上次通话"]]
        for (offset, entry) in entries.enumerated() {
            let c = entry.customer
            let days = entry.daysToExpiry.map { $0 >= 0 ? "剩\($0)天" : "脱保\(-$0)天" } ?? "无到期日"
            let grade = c.grade == "D" ? "D 易流失" : c.grade ?? "-"
            rows.append([String(offset + 1), "\(c.name) #\(c.id ?? 0)", c.plate, grade, days, entry.reason,
                         entry.overdue ? "逾期\(entry.overdueDays)天" : "", entry.lastCall ?? "未联系过"])
        }
        rows = rows.map { $0.map { TerminalText.visible($0) } }
        let widths = rows[0].indices.map { column in rows.map { $0[column].displayWidth }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                column == 0 ? String(repeating: " ", count: widths[0] - cell.displayWidth) + cell : TextWrap.padded(cell, to: widths[column])
            }
            var line = cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return TerminalText.visible(out, keeping: .lineBreaks)
    }
}

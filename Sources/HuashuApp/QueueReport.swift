import Foundation
import HuashuCalendar
import HuashuRenewal
import HuashuStore
import HuashuText

/// `huashu queue`: a day's call list as a table whose Chinese columns line up.
public enum QueueReport {
    public struct Options: Sendable {
        public var database: StoreLocation
        /// `YYYY-MM-DD` (other ledger date spellings work too); nil for today.
        public var date: String?
        /// Only customers whose ledger agent (专员) column is this name.
        public var agent: String?
        /// `dealer` or `insurer`; nil for `$HUASHU_PLAN`, else dealer.
        public var plan: String?
        /// The phones found wrong on calls, to fix in the ledger, instead of the call list.
        public var corrections: Bool

        public init(database: StoreLocation, date: String?, agent: String?, plan: String?, corrections: Bool = false) {
            self.database = database
            self.date = date
            self.agent = agent
            self.plan = plan
            self.corrections = corrections
        }
    }

    public static func run(_ options: Options, now: Date = Date()) throws(UserError) -> String {
        let plan = try RenewalPlan.chosen(options.plan)
        var today = LocalDay.day(now)
        // The list as of this minute: a callback booked for later today waits for its time.
        // A day named with --date is planned whole: every follow-up on it is listed at its time.
        var minute = LocalDay.minute(now)
        if let text = options.date {
            today = try CommandLineDate.day(text, option: "--date")
            minute = RenewalQueueRule.wholeDay
        }
        if options.corrections {
            return try PhoneCorrections.text(store: openStore(options.database, mustExist: true), agent: options.agent)
        }
        let store = try openSupervisorStore(options.database)
        // Streamed: only the printed cells of the customers on the list are kept, never the ledger.
        var rows = [header]
        try RenewalQueue.each(store: store, today: today, minute: minute, plan: plan, owner: RenewalQueue.owner(options.agent)) { entry in
            rows.append(cells(entry, number: rows.count))
        }
        return text(rows, today: today, plan: plan, agent: options.agent)
    }

    static let header = ["", "客户", "车牌", "等级", "到期", "为什么今天打", "逾期", "上次通话"]

    /// One customer's row: its number on the list, who, when the policy ends, why today.
    static func cells(_ entry: QueueEntry, number: Int) -> [String] {
        let c = entry.customer
        let days = entry.daysToExpiry.map { $0 >= 0 ? "剩\($0)天" : "脱保\(-$0)天" } ?? "无到期日"
        let grade = c.grade == "D" ? "D 易流失" : c.grade ?? "-"
        return [String(number), "\(c.name) #\(c.id ?? 0)", c.plate, grade, days, entry.reason, entry.overdueText, entry.lastCall ?? "未联系过"]
            .map { TerminalText.visible($0) }
    }

    /// The list as printed: a title line, a header, one row per customer.
    static func text(_ rows: [[String]], today: LedgerDate, plan: RenewalPlan, agent: String?) -> String {
        let whose = agent.map { " · 专员 \($0)" } ?? ""
        guard rows.count > 1 else { return TerminalText.visible("\(today) 没有需要联系的客户(\(plan.chinese)\(whose))。") + "\n" }
        // The cells are made visible one by one (`cells`); the title carries the agent's name as typed.
        var out = TerminalText.visible("\(today) 要联系 \(rows.count - 1) 位客户(\(plan.chinese)\(whose)):") + "\n"
        let widths = rows[0].indices.map { column in rows.map { $0[column].displayWidth }.max() ?? 0 }
        for row in rows {
            let cells = row.enumerated().map { column, cell in
                column == 0 ? String(repeating: " ", count: widths[0] - cell.displayWidth) + cell : TextWrap.padded(cell, to: widths[column])
            }
            var line = cells.joined(separator: "  ")
            while line.hasSuffix(" ") { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}

/// The information-correction list (信息更正): customers whose phone reached
/// someone else, out of the dial queue until the ledger brings a new number.
public enum PhoneCorrections {
    public struct Row: Sendable, Equatable {
        public let customer: Customer
        /// The local day of the last call, when the number was found wrong.
        public let foundOn: String?
    }

    public static func rows(store: Store, agent: String?) throws(UserError) -> [Row] {
        let customers = try wrap { try store.allCustomers() }
        let calls = try wrap { try store.lastCalls() }
        let wanted = agent?.trimmingCharacters(in: .whitespaces)
        return customers.filter { $0.phoneInvalid && !$0.training }
            .filter { customer in wanted.map { customer.agent?.trimmingCharacters(in: .whitespaces) == $0 } ?? true }
            .map { Row(customer: $0, foundOn: $0.id.flatMap { calls[$0] }.flatMap { RenewalQueue.day(timestamp: $0.last.startedAt) }?.description) }
    }

    public static func text(store: Store, agent: String?) throws(UserError) -> String {
        let rows = try rows(store: store, agent: agent)
        guard !rows.isEmpty else { return "没有需要更正的电话号码。\n" }
        let table = rows.map { row in
            let c = row.customer
            return ["\(c.name) #\(c.id ?? 0)", c.plate, PersonalData.phone(c.phone) ?? "无电话", row.foundOn ?? "-", c.agent ?? "-"]
        }
        return "\(rows.count) 位客户的电话号码错误,请在台帐里更正后重新导入(换了号码的客户回到拨打队列):\n"
            + ReportTable.grid(["客户", "车牌", "错误的号码", "发现于", "专员"], table).joined(separator: "\n") + "\n"
    }
}

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

    /// Writes the list to `output` as SQLite (or the central store) hands it over, row by row: memory holds
    /// one row, not the list. The title comes with the first row and the count after the last.
    public static func run(_ options: Options, now: Date = Date(), output: BufferedOutput) throws(UserError) {
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
            return output.write(try PhoneCorrections.text(store: openStore(options.database, mustExist: true), agent: options.agent))
        }
        let store = try openSupervisorStore(options.database)
        let whose = "(\(plan.chinese)\(options.agent.map { " · 专员 \($0)" } ?? ""))"
        let title = TerminalText.visible("\(today) 要联系的客户\(whose):")
        var layout = Layout(largestCustomerID: try wrap { try store.largestCustomerID() }, plan: plan)
        // A list that ends within its first page is sized to what it holds; a longer one streams at the limits.
        var page: [[String]] = []
        var count = 0
        func writePage() {
            output.write(title + "\n")
            layout.write(columns.map(\.title), to: output)
            for cells in page { layout.write(cells, to: output) }
            page = []
        }
        try RenewalQueue.each(store: store, today: today, minute: minute, plan: plan, owner: RenewalQueue.owner(options.agent)) { entry in
            count += 1
            let row = cells(entry, number: count)
            guard count > Layout.page else {
                page.append(row)
                if count == Layout.page { writePage() }
                return
            }
            layout.write(row, to: output)
        }
        if !page.isEmpty {
            layout = layout.fitted(to: page)
            writePage()
        }
        output.write(count == 0 ? TerminalText.visible("\(today) 没有需要联系的客户\(whose)。") + "\n" : "共 \(count) 位客户。\n")
    }

    static let columns = [ReportColumn("", .count), ReportColumn("客户"), ReportColumn("车牌"), ReportColumn("等级"), ReportColumn("到期"),
                          ReportColumn("为什么今天打"), ReportColumn("逾期"), ReportColumn("上次通话")]

    /// Column widths: at most what each column can hold (row and customer numbers up to the largest customer
    /// number, names cut to `nameWidth`, plates, grades and day counts as the ledger and the rule give them, up to
    /// four digits of days, the widest reason the rule gives on the plan). A list of one page is narrowed to what
    /// it holds, so an agent's day is as wide as its content; memory holds one page, never the list.
    struct Layout {
        static let nameWidth = 12, plateWidth = 10, gradeWidth = "D 易流失".displayWidth
        static let expiryWidth = "脱保9999天".displayWidth, overdueWidth = max("逾期9999天".displayWidth, "逾期23小时".displayWidth)
        /// Rows held before the first is written, to know whether the list fits in one page.
        static let page = 500
        let limits: [Int]
        private(set) var widths: [Int]

        init(largestCustomerID: Int64, plan: RenewalPlan) {
            let digits = String(max(largestCustomerID, 1)).count
            limits = [digits, Self.nameWidth + 2 + digits, Self.plateWidth, Self.gradeWidth, Self.expiryWidth,
                      RenewalQueueRule.widestReason(plan), Self.overdueWidth, 0]
            widths = limits
        }

        func fitted(to rows: [[String]]) -> Layout {
            var fitted = self
            fitted.widths = limits.indices.map { column in
                let widest = ([QueueReport.columns[column].title] + rows.map { $0[column] }).map { TerminalText.visible($0).displayWidth }.max() ?? 0
                return min(limits[column], widest)
            }
            return fitted
        }

        /// Stored text (name, plate, grade, a reason or outcome as written) is shown, never sent: control codes become visible.
        /// A name or plate longer than its limit is cut; the others fit by construction, or (a hand-edited due time,
        /// a lead found on call #10,000,000) push the rest of their own row only.
        func write(_ cells: [String], to output: BufferedOutput) {
            let visible = cells.enumerated().map { column, cell in
                let visible = TerminalText.visible(cell)
                return column == 2 ? TextWrap.clipped(visible, to: limits[column]) : visible
            }
            output.append { bytes in
                ReportTable.append(visible, columns: columns, widths: widths, indent: "", to: &bytes)
                bytes.append(UInt8(ascii: "\n"))
            }
        }
    }

    /// One customer's row: its number on the list, who, when the policy ends, why today.
    static func cells(_ entry: QueueEntry, number: Int) -> [String] {
        let c = entry.customer
        let days = entry.daysToExpiry.map { $0 >= 0 ? "剩\($0)天" : "脱保\(-$0)天" } ?? "无到期日"
        let grade = c.grade == "D" ? "D 易流失" : c.grade ?? "-"
        let name = TextWrap.clipped(TerminalText.visible(c.name), to: Layout.nameWidth)
        return [String(number), "\(name) #\(c.id ?? 0)", c.plate, grade, days, entry.reason, entry.overdueText, entry.lastCall ?? "未联系过"]
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

    public static func rows(store: any SupervisorStore, agent: String?) throws(UserError) -> [Row] {
        let wanted = agent?.trimmingCharacters(in: .whitespaces)
        return try wrap { try store.phoneCorrections() }
            .filter { entry in wanted.map { entry.customer.agent?.trimmingCharacters(in: .whitespaces) == $0 } ?? true }
            .map { customer, lastEnded in
                let found = lastEnded.flatMap { $0.outcome == "wrong_number" ? $0 : nil }
                return Row(customer: customer, foundOn: found.flatMap { RenewalQueue.day(timestamp: $0.startedAt) }?.description)
            }
    }

    public static func text(store: Store, agent: String?) throws(UserError) -> String {
        let rows = try rows(store: store, agent: agent)
        guard !rows.isEmpty else { return "没有需要更正的电话号码。\n" }
        return "\(rows.count) 位客户的电话号码错误或缺少有效电话,请在台帐里更正后重新导入(换了号码的客户回到拨打队列):\n"
            + ReportTable.lines(grid(rows)).joined(separator: "\n") + "\n"
    }

    /// A wrong number found on a call says when; a phone the ledger never gave (缺少有效电话) says so.
    static func grid(_ rows: [Row]) -> ReportGrid {
        ReportGrid(columns: [ReportColumn("客户"), ReportColumn("车牌"), ReportColumn("电话"), ReportColumn("情况"), ReportColumn("发现于", .date),
                             ReportColumn("专员")],
                   rows: rows.map { row in
                       let c = row.customer
                       return [.text("\(c.name) #\(c.id ?? 0)"), .text(c.plate), .text(PersonalData.phone(c.phone) ?? "无电话"),
                               .text(row.foundOn == nil ? "缺少有效电话" : "号码错误"), .text(row.foundOn ?? "-"), .text(c.agent ?? "-")]
                   }, empty: "没有需要更正的电话号码。")
    }
}

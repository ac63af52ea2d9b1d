import Foundation
import HuashuCalendar
import HuashuEngine
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuText

/// `huashu calls`: the logged calls, newest first, one line each.
public enum CallList {
    public struct Options: Sendable {
        public var database: StoreLocation
        public var agent: String?
        /// A plate, phone, ID number, name or #id, as `huashu call` takes it.
        public var customer: String?
        /// An outcome in English or Chinese (`won`, `成交`), or `unfinished` / `未完成`.
        public var outcome: String?
        /// `yyyy-MM-dd`, local time.
        public var since: String?
        public var limit: Int?

        public init(database: StoreLocation, agent: String? = nil, customer: String? = nil, outcome: String? = nil,
                    since: String? = nil, limit: Int? = nil) {
            self.database = database
            self.agent = agent
            self.customer = customer
            self.outcome = outcome
            self.since = since
            self.limit = limit
        }
    }

    public static func text(_ options: Options) throws(UserError) -> String {
        var filter = CallListFilter(agent: options.agent, limit: options.limit)
        if let outcome = options.outcome { filter.outcome = try outcomeName(outcome) }
        if let since = options.since {
            filter.since = Timestamp.string(LocalTime.date(try CommandLineDate.day(since, option: "--since")))
        }
        let store = try openSupervisorStore(options.database)
        if let query = options.customer {
            filter.customerIDs = try CustomerLookup.find(query, in: store).compactMap(\.id)
        }
        let rows = try wrap { try store.listCalls(filter) }
        guard !rows.isEmpty else { return "没有符合条件的通话。\n" }
        let abandoned = try wrap { try store.abandonedRehearsals() }
        return ReportTable.lines(grid(rows, abandoned: abandoned), indent: "").joined(separator: "\n") + "\n"
    }

    /// `#12    2026-11-02 10:15  小李      张伟先生 粤B12345       03:25   战败(价格,去向平安)  报价4860元  付款方式 扫码`:
    /// the columns speak for themselves, so no header line; narrow cells are padded to a width that fits most.
    static func grid(_ rows: [CallListRow], abandoned: Set<Int64>) -> ReportGrid {
        let columns = [ReportColumn("通话", minimumWidth: 6), ReportColumn("开始"), ReportColumn("专员", minimumWidth: 8),
                       ReportColumn("客户", minimumWidth: 22), ReportColumn("时长", minimumWidth: 6), ReportColumn("结果")]
        return ReportGrid(columns: columns, rows: rows.map { row in
            let call = row.call
            let duration: String
            if let ended = call.endedAt, let seconds = SupervisorTime.seconds(from: call.startedAt, to: ended) {
                duration = CallView.clock(seconds)
            } else if let last = row.lastStepAt, let seconds = SupervisorTime.seconds(from: call.startedAt, to: last) {
                duration = CallView.clock(seconds) + "+"
            } else {
                duration = "-"
            }
            let result = (call.training ? "【演练】" : "")
                + (abandoned.contains(call.id) ? "已放弃" : outcomeText(call.outcome, reason: call.lossReason, lostTo: call.lostTo))
                + (call.quote.map { "  报价\($0)元" } ?? "")
                + call.factValues.filter { $0.fact != .destination }.map { "  \($0.fact.chinese) \($0.value)" }.joined()
            return [.text("#\(call.id)"), .text(SupervisorTime.local(call.startedAt)), .text(call.agent),
                    .text(row.customerName + (row.honorific ?? "") + " " + row.plate), .text(duration), .text(result)]
        }, showsHeader: false)
    }

    /// `战败(价格,去向平安)`, `成交`, `未完成`.
    static func outcomeText(_ outcome: String?, reason: String?, lostTo: String?) -> String {
        guard let outcome else { return "未完成" }
        let name = OutcomeKind(rawValue: outcome)?.chinese ?? outcome
        var details: [String] = []
        if let reason = MonthlyReport.reasonText(reason) { details.append(reason) }
        if let lostTo, !lostTo.isEmpty { details.append("去向" + lostTo) }
        return details.isEmpty ? name : "\(name)(\(details.joined(separator: ",")))"
    }

    /// An outcome as the user typed it, as the log stores it.
    static func outcomeName(_ typed: String) throws(UserError) -> String {
        let text = InputNormalisation.foldFullWidth(typed).trimmingSpaces
        if ["unfinished", "未完成", "open"].contains(text.lowercased()) { return "unfinished" }
        if let kind = OutcomeKind(rawValue: text.lowercased().replacingOccurrences(of: "-", with: "_")) { return kind.rawValue }
        if let kind = OutcomeKind.allCases.first(where: { $0.chinese == text }) { return kind.rawValue }
        let known = OutcomeKind.allCases.map { "\($0.rawValue)(\($0.chinese))" }.joined(separator: " ")
        throw UserError("unknown outcome `\(typed)`; use one of: \(known) unfinished(未完成)")
    }
}

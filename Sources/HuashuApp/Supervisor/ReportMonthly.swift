import Foundation
import HuashuCalendar
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuText

/// `huashu report`: the month's figures for supervisors (see DOMAIN.md,
/// "KPIs" and "Supervisors' reports"), as a table, the monthly follow-up
/// record sheet and the lists as CSV, one self-contained HTML page with charts,
/// or an Excel workbook with a sheet per section.
public enum MonthlyReportCommand {
    public enum Format: String, CaseIterable, Sendable {
        case table, csv, html, xlsx
    }

    public struct Options: Sendable {
        public var database: StoreLocation
        public var dialogues: [String]
        /// `yyyy-MM`; nil for the month of `today`.
        public var month: String?
        public var agent: String?
        public var format: Format
        /// Write here instead of standard output.
        public var output: String?
        /// Monthly targets, `agent=number` per line; nil for `$HUASHU_TARGETS`.
        public var targets: String?
        public var today: Date

        public init(database: StoreLocation, dialogues: [String], month: String? = nil, agent: String? = nil, format: Format = .table,
                    output: String? = nil, targets: String? = nil, today: Date = Date()) {
            self.database = database
            self.dialogues = dialogues.isEmpty ? [ScriptFiles.defaultPath] : dialogues
            self.month = month
            self.agent = agent
            self.format = format
            self.output = output
            self.targets = targets ?? ProcessInfo.processInfo.environment["HUASHU_TARGETS"].flatMap { $0.isEmpty ? nil : $0 }
            self.today = today
        }
    }

    /// Builds the report; returns what to print (a short note when it went to `--out`).
    public static func run(_ options: Options) throws(UserError) -> [UInt8] {
        if options.format == .xlsx && options.output == nil && isatty(STDOUT_FILENO) == 1 {
            throw UserError("a workbook is a binary file, not for the terminal: write it with --out FILE.xlsx, or redirect standard output")
        }
        let report = try build(options)
        let document = report.document
        let done = options.output.map { Array("已写入 \($0)(\(report.month.title),\(options.format.rawValue))\n".utf8) } ?? []
        let bytes: [UInt8]
        switch options.format {
        case .table: bytes = Array(ReportTable.text(document).utf8)
        case .xlsx: bytes = try ReportWorkbook.xlsx(document)
        case .csv, .html:
            // Written as made: a month's every sale and loss goes out row by row, not gathered first.
            let descriptor = try options.output.map { path throws(UserError) in try PrivateFile.open(path, what: "the report") } ?? STDOUT_FILENO
            defer { if descriptor != STDOUT_FILENO { close(descriptor) } }
            let out = BufferedOutput(descriptor: descriptor)
            try wrap {
                if options.format == .csv { try ReportSheet.csv(document) { line in out.append { $0 += line } } } else { try ReportPage.html(document, to: out.write) }
            }
            out.flush()
            if let failure = out.failure {
                throw PrivateFile.failure("the report", options.output ?? "standard output", failure)
            }
            return done
        }
        guard let output = options.output else { return bytes }
        try PrivateFile.write(bytes, to: output, what: "the report")
        return done
    }

    static func build(_ options: Options) throws(UserError) -> MonthlyReport {
        let month = try ReportMonth(options.month, today: options.today)
        let targets = try options.targets.map { path throws(UserError) in try AgentTargets.read(path) } ?? AgentTargets(byAgent: [:], source: nil)
        let script = ScriptFiles.forNames(options.dialogues, lacking: "section 八 counts only the objection handlers the scripts name (give --dialogues)")
        let store = try openSupervisorStore(options.database)
        let window = month.window(now: options.today, agent: options.agent, handlers: script?.objections.map(\.id) ?? [])
        let data = try wrap { try store.reportData(window) }
        let counted = { (kinds: Set<String>) in data.outcomes.filter { $0.outcome.map(kinds.contains) ?? false }.reduce(0) { $0 + $1.count } }
        let listed = { (lost: Bool) throws(UserError) -> ListedCalls in
            let total = counted(lost ? ["lost"] : ["won", "committed"])
            switch options.format {
            case .table: return ListedCalls(rows: try wrap { try store.outcomeCalls(window, lost: lost, latest: ListedCalls.terminalLines) }, total: total)
            case .xlsx: return ListedCalls(rows: try wrap { try store.outcomeCalls(window, lost: lost, latest: nil) }, total: total)
            case .csv, .html: return ListedCalls(rows: [], total: total) { each in try store.eachOutcomeCall(window, lost: lost, each) }
            }
        }
        let lists = MonthlyReport.Lists(corrections: try PhoneCorrections.rows(store: store, agent: options.agent),
                                        leads: try wrap { try store.leads(window) }, sales: try listed(false), losses: try listed(true))
        return MonthlyReport(month: month, today: window.today, agent: options.agent, data: data, lists: lists, targets: targets, script: script)
    }
}

/// A list of the month's calls as a format shows it: the terminal shows only the most recent few
/// (a supervisor cannot read 480,000 lines there), CSV, HTML and xlsx every one.
struct ListedCalls {
    /// How many of the most recent calls a list shows in the terminal (`--format table`).
    static let terminalLines = 50

    /// Oldest first.
    let rows: [CallListRow]
    /// Every call of the list, shown or not.
    let total: Int
    /// Every call of the list oldest first, read as it is written out (CSV and HTML), after `rows`.
    var streamed: (((CallListRow) throws -> Void) throws -> Void)? = nil

    var notShown: Int { streamed == nil ? total - rows.count : 0 }
}

/// The calendar month a report covers, in local time.
struct ReportMonth: Equatable {
    let month: CalendarMonth

    init(_ month: CalendarMonth) {
        self.month = month
    }

    init(_ text: String?, today: Date) throws(UserError) {
        guard let text else {
            self.init(CalendarMonth(containing: LocalDay.day(today)))
            return
        }
        self.init(try CommandLineDate.month(text, option: "--month"))
    }

    var title: String { "\(month.year)年\(month.month)月" }

    /// `2026-03`, as `--month` takes it.
    var option: String { String(format: "%04d-%02d", month.year, month.month) }

    func window(now: Date, agent: String?, handlers: [String]) -> ReportWindow {
        let next = month.next.firstDay
        return ReportWindow(firstDay: month.firstDay.description, endDay: next.description,
                            startUTC: Timestamp.string(LocalTime.date(month.firstDay)), endUTC: Timestamp.string(LocalTime.date(next)),
                            today: LocalDay.string(now), nowLocal: SupervisorTime.local(now),
                            quietBeforeUTC: Timestamp.string(now.addingTimeInterval(-Double(ReportFigures.quietDays) * 86_400)),
                            agent: agent, handlerIDs: handlers)
    }
}

/// Monthly targets (policies won) per agent, from a file of `agent=number` lines.
struct AgentTargets: Equatable {
    let byAgent: [String: Int]
    let source: String?

    static func read(_ path: String) throws(UserError) -> AgentTargets {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch {
            throw UserError("the targets file (from --targets or $HUASHU_TARGETS): \(error.description)")
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var targets: [String: Int] = [:]
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = InputNormalisation.foldFullWidth(raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            guard !line.isEmpty else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, let number = Int(parts[1]), number >= 0 else {
                throw UserError("\(path):\(index + 1): expected `agent=number` (policies a month), e.g. `小李=40`; got `\(line)`")
            }
            targets[parts[0]] = number
        }
        return AgentTargets(byAgent: targets, source: path)
    }
}

/// Every figure of the month, computed once and drawn by each format.
struct MonthlyReport {
    static let quietDays = ReportFigures.quietDays

    static let uncontrolledDefinition = """
        失控客户的定义: 商业险在本月到期, 还没有最终结果(成交、战败、勿扰、号码错误), \
        并且最近\(quietDays)天内没有通话(或从未联系), 或者有一个已过约定时间仍未完成的回访。
        """
    static let lapsedDefinition = "脱保客户的定义: 商业险在本月到期, 到期日已过(早于统计日), 没有成交结果(战败客户也列在内, 看“去向”)。"
    static let definitions = [
        "续保率 = 本月到期客户中结果为成交的人数 ÷ 本月到期客户数。客户的结果取最近一次最终结果(成交、战败、勿扰、号码错误), 没有则取最近一次通话结果。",
        "通话、平均时长、接通客户、成交(专员业绩)按本月开始的通话统计; 平均时长只算有结果的通话; 接通 = 结果不是未接通、号码错误(未完成的不算)。",
        "目标达成率 = 本月成交客户数 ÷ 月度目标; 提成档位 ≥100%: 50元/单, 90-100%: 35, 80-90%: 30, 60-80%: 20, <60%: 0。",
        "回访纪律按本月到期的回访计算: 在约定当天或之前打了算按时, 之后才打算逾期, 过了约定日期还没打算未做。",
        "异议次数 = 进入该异议处理的次数(搜索或客户回答进入, 处理完返回不算); 应对 = 在异议处理那一步客户的回答, 成交率按用过它且已有结果的通话算, 区间为 Wilson 95% 置信区间。",
        "演练通话一律不计。",
    ]

    struct AgentLine: Equatable {
        let agent: String
        let calls: Int
        let averageSeconds: Double?
        let reached: Int
        let won: Int
        let target: Int?

        var achievement: Double? { AgentPay(won: won, target: target).achievement }
        var band: PayBand? { AgentPay(won: won, target: target).band }
        var pay: Int? { AgentPay(won: won, target: target).pay }
    }

    struct ObjectionLine: Equatable {
        let handler: String
        let title: String
        let raised: Int
        let calls: WinRate
    }

    struct RebuttalLine: Equatable {
        let handler: String
        let handlerTitle: String
        let answer: String
        let answerText: String
        let calls: WinRate
    }

    typealias Count = LabelCount

    /// What the month's calls recorded beyond the figures (issue 15).
    struct Lists {
        /// Phones to fix: wrong numbers found on calls and customers with no valid phone.
        let corrections: [PhoneCorrections.Row]
        /// Second vehicles customers mentioned.
        let leads: [LeadRow]
        /// Calls won or committed, and calls lost, with their facts.
        let sales: ListedCalls
        let losses: ListedCalls
    }

    let month: ReportMonth
    let today: String
    let agent: String?
    let targetsSource: String?
    let due: [DueCustomerRow]
    let won: Int
    let open: Int
    let byUse: [(use: String, due: Int, won: Int)]
    let totalCalls: Int
    let outcomes: [Count]
    let lost: Int
    let lossByReason: [Count]
    let lossByInsurer: [Count]
    let uncontrolled: [DueCustomerRow]
    let lapsed: [DueCustomerRow]
    /// Due customers with no phone to dial (缺少有效电话): an exception the queue cannot work.
    let noPhone: Int
    /// Due 交强险 policies expiring on a day of their own (a compulsory-only renewal is a renewal).
    let compulsoryDue: Int
    let compulsoryWon: Int
    let agents: [AgentLine]
    let followUps: FollowUpDisciplineRow
    let followUpsByAgent: [FollowUpDisciplineRow]
    let objections: [ObjectionLine]
    let rebuttals: [RebuttalLine]
    let lists: Lists

    var renewalRate: Double? { ReportFigures.ratio(won, due.count) }

    init(month: ReportMonth, today: String, agent: String?, data: ReportData, lists: Lists, targets: AgentTargets, script: Script?) {
        self.lists = lists
        self.month = month
        self.today = today
        self.agent = agent
        self.targetsSource = targets.source
        due = data.due
        won = due.filter(\.isWon).count
        open = due.filter { !$0.hasFinalOutcome }.count
        var uses: [String: (due: Int, won: Int)] = [:]
        if due.contains(where: { !($0.vehicleUse ?? "").isEmpty }) {
            for customer in due {
                let use = (customer.vehicleUse ?? "").isEmpty ? "未注明" : customer.vehicleUse!
                uses[use, default: (0, 0)].due += 1
                if customer.isWon { uses[use, default: (0, 0)].won += 1 }
            }
        }
        byUse = uses.map { (use: $0.key, due: $0.value.due, won: $0.value.won) }.sorted { ($0.due, $1.use) > ($1.due, $0.use) }
        totalCalls = data.outcomes.reduce(0) { $0 + $1.count }
        outcomes = data.outcomes.map { Count(label: $0.outcome.map { OutcomeKind(rawValue: $0)?.chinese ?? $0 } ?? "未完成", count: $0.count) }
        let lostCustomers = due.filter { $0.outcome == "lost" }
        lost = lostCustomers.count
        lossByReason = ReportFigures.counted(lostCustomers.map { Self.reasonText($0.lossReason) ?? "未注明" })
        lossByInsurer = ReportFigures.counted(lostCustomers.map { ($0.lostTo ?? "").isEmpty ? "未注明" : $0.lostTo! })
        uncontrolled = due.filter {
            ReportFigures.isUncontrolled(hasFinalOutcome: $0.hasFinalOutcome, calledRecently: $0.calledRecently, followUpOverdue: $0.followUpOverdue)
        }
        lapsed = due.filter { ReportFigures.isLapsed(expiry: $0.expiry, today: today, won: $0.isWon) }
        noPhone = due.filter(\.phoneInvalid).count
        compulsoryDue = due.filter { $0.policy == "交强险" }.count
        compulsoryWon = due.filter { $0.policy == "交强险" && $0.isWon }.count

        var names = Set(data.agents.map(\.agent))
        if let agent { names.insert(agent) } else { names.formUnion(targets.byAgent.keys) }
        agents = names.sorted().map { name in
            let row = data.agents.first { $0.agent == name }
            return AgentLine(agent: name, calls: row?.calls ?? 0, averageSeconds: row?.averageSeconds, reached: row?.reached ?? 0,
                             won: row?.won ?? 0, target: targets.byAgent[name])
        }
        followUpsByAgent = data.followUps
        followUps = data.followUps.reduce(FollowUpDisciplineRow(agent: nil, onTime: 0, late: 0, missed: 0, pending: 0)) {
            FollowUpDisciplineRow(agent: nil, onTime: $0.onTime + $1.onTime, late: $0.late + $1.late, missed: $0.missed + $1.missed,
                                  pending: $0.pending + $1.pending)
        }
        let title = { (id: String) in script?.nodes[id]?.title ?? id }
        objections = data.objections.map {
            ObjectionLine(handler: $0.handler, title: title($0.handler), raised: $0.raised, calls: WinRate(won: $0.wonCalls, total: $0.calls))
        }
        rebuttals = data.rebuttals.map { row in
            let text = script?.nodes[row.handler]?.answers.first { $0.id == row.answer }?.text.source ?? row.answer
            return RebuttalLine(handler: row.handler, handlerTitle: title(row.handler), answer: row.answer, answerText: text,
                                calls: WinRate(won: row.won, total: row.calls))
        }
    }

    /// Days since the customer's latest live call, as of the report's day.
    func daysSinceLastCall(_ customer: DueCustomerRow) -> Int? {
        guard let last = customer.lastCallAt.flatMap(Timestamp.date), let today = CalendarText.day(today) else { return nil }
        return LocalDay.day(last).days(until: today)
    }

    /// Why a customer is uncontrolled, in a few words.
    func uncontrolledReason(_ customer: DueCustomerRow) -> String {
        var reasons: [String] = []
        if !customer.calledRecently {
            reasons.append(daysSinceLastCall(customer).map { "\($0)天未联系" } ?? "从未联系")
        }
        if customer.followUpOverdue { reasons.append("回访逾期") }
        return reasons.joined(separator: "、")
    }

    /// A stored loss reason in Chinese (`price` → 价格).
    static func reasonText(_ reason: String?) -> String? {
        reason.map { LossReason(rawValue: $0)?.chinese ?? $0 }
    }

    /// The customer's result on the record sheet.
    static func resultText(_ customer: DueCustomerRow) -> String {
        if let outcome = customer.outcome { return OutcomeKind(rawValue: outcome)?.chinese ?? outcome }
        return customer.calls > 0 ? "跟进中" : "未跟进"
    }
}

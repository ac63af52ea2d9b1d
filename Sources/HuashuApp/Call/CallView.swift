import HuashuCalendar
import Foundation
import HuashuEngine
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuText

/// The customer header around its running call timer.
struct CallHeader {
    /// Where the timer goes while the header is laid out: as wide as `mm:ss`.
    static let timerMark = "00:00"
    let beforeTimer: String
    let afterTimer: String

    func append(elapsed: TimeInterval, to out: inout [UInt8]) {
        out.append(contentsOf: beforeTimer.utf8)
        out.append(contentsOf: CallView.clock(elapsed).utf8)
        out.append(contentsOf: afterTimer.utf8)
    }
}

/// Draws a call for the terminal: the customer header, the line to say, tips
/// (dimmed on a terminal), numbered answers. Wraps Chinese by display width.
struct CallView {
    let width: Int
    let styled: Bool

    func dim(_ text: String) -> String { styled ? LineStyle.dim.rawValue + text + LineStyle.reset : text }
    func bold(_ text: String) -> String { styled ? "\u{1B}[1m\(text)\u{1B}[0m" : text }
    func warn(_ text: String) -> String { styled ? "\u{1B}[33m\(text)\u{1B}[0m" : text }

    /// Last year's insurer and premium: each policy's when the ledger gave both apart.
    static func lastYear(_ c: Customer) -> String {
        let said = { (insurer: String?, premium: String?) in "\(insurer ?? "承保公司未知") \(premium.map { $0 + "元" } ?? "保费未知")" }
        guard c.commercialInsurer ?? c.commercialPremium != nil, c.compulsoryInsurer ?? c.compulsoryPremium != nil else {
            return "上年 " + said(c.lastInsurer, c.lastPremium)
        }
        return "上年 商业险 " + said(c.commercialInsurer, c.commercialPremium) + " · 交强险 " + said(c.compulsoryInsurer, c.compulsoryPremium)
    }

    /// The header, laid out once per call; only the timer changes from screen to screen.
    func customerHeader(_ customer: Customer, facts: CustomerFacts, training: Bool) -> CallHeader {
        let person = customer.isCompany ? "\(facts.values["name"] ?? customer.name)\(customer.honorific ?? "") (单位: \(customer.name))"
            : customer.name + (customer.honorific ?? "")
        let who = [person, customer.plate, customer.model ?? "车型未知"].joined(separator: " · ")
        let last = Self.lastYear(customer)
        let days = facts.daysToExpiry.map { $0 >= 0 ? "剩\($0)天" : "已脱保\(-$0)天" } ?? "天数未知"
        // Both policies when they expire on different days; the days count to the one the call is about.
        var expiries = customer.commercialExpiry == nil && customer.compulsoryExpiry != nil ? [] : ["商业险到期 \(customer.commercialExpiry ?? "未知")"]
        if let compulsory = customer.compulsoryExpiry, compulsory != customer.commercialExpiry { expiries.append("交强险到期 \(compulsory)") }
        let about = expiries.count > 1 ? facts.values["policy"] ?? "" : ""
        let expiry = expiries.joined(separator: " · ") + " (\(about)\(days))"
        let details = [expiry, "出险\(customer.claims.map(String.init) ?? "?")次",
                       (customer.grade.map { $0 + "级" } ?? "未分级"), customer.type ?? "类型未知",
                       PersonalData.phone(customer.phone) ?? "无电话", "通话 " + CallHeader.timerMark]
        let rule = String(repeating: "─", count: min(width, 60))
        // Ledger cells: control codes in them are shown, never sent to the terminal.
        let lines = fields([(training ? "【演练】" : "") + who, last].map { TerminalText.visible($0) }) + fields(details.map { TerminalText.visible($0) })
        let text = ([rule] + lines.map(bold) + [rule]).joined(separator: "\n") + "\n"
        // The timer is the last field, so its mark is the last in the text.
        guard let timer = text.range(of: CallHeader.timerMark, options: .backwards) else { return CallHeader(beforeTimer: text, afterTimer: "") }
        return CallHeader(beforeTimer: String(text[..<timer.lowerBound]), afterTimer: String(text[timer.upperBound...]))
    }

    /// Built as UTF-8 in one buffer, no line copied on the way: it is drawn on every step while the agent waits.
    func appendBody(_ screen: CallScreen, to out: inout [UInt8]) {
        var title = "[\(screen.stageTitle)]"
        if let objection = screen.objectionTitle { title += " 异议:\(objection)" }
        if screen.detourDepth > 0 { title += " (异议第\(screen.detourDepth)层,处理完可返回)" }
        out.append(contentsOf: (bold(title) + "\n").utf8)
        for line in screen.says { wrap(line, lead: "说: ", into: &out) }
        for tip in screen.tips { wrap(tip, lead: "提示: ", into: &out, style: .dim) }
        for choice in screen.choices { wrap(choice.text, lead: " " + String(choice.number) + ") ", into: &out) }
        switch screen.awaiting {
        case .quote: out.append(contentsOf: (warn("请输入本次报价金额(元),回车跳过。") + "\n").utf8)
        case .callback: out.append(contentsOf: (callbackChoices().joined(separator: "\n") + "\n").utf8)
        case nil: break
        }
        if let outcome = screen.outcome {
            let result = "通话结果: " + outcome.kind.chinese + (outcome.lossReason.map { " (\($0.chinese))" } ?? "")
            out.append(contentsOf: (bold(result) + "\n").utf8)
        }
    }

    func callbackChoices() -> [String] {
        ["约回访时间(封闭式提问:明天还是后天,上午还是下午?),或输入客户的原话(如 今天四点以后、周日下午):"]
            + CallbackTime.closedChoices.enumerated().map { " \($0.offset + 1)) \($0.element.slotName) \($0.element.clock)" }
    }

    /// A time read from the customer's words, in full, before it is booked; with the closed question that fits it.
    func callbackConfirmation(_ reading: CallbackReading, callDay: LedgerDate?) -> String {
        var lines = [bold("约回访: " + reading.time.chinese(from: callDay)) + "  回车或 y 确认,输入别的取消"]
        if reading.choices.count == 2 {
            let slots = reading.choices.map { $0.chinese(from: callDay) }
            // The choices each on a line of their own, as a search's matches are: a line of both outgrew a narrow terminal.
            lines.append("封闭式提问: 您看\(slots[0])还是\(slots[1])?")
            lines += slots.enumerated().map { " \($0.offset + 1)) \($0.element)" }
        }
        return lines.joined(separator: "\n")
    }

    func matches(_ found: [ObjectionFinder.Match]) -> String {
        guard !found.isEmpty else { return warn("没有找到匹配的异议处理。试试别的词,或输入 .objections 看全部。") + "\n" }
        let lines = found.enumerated().map {
            " \($0.offset + 1)) \($0.element.title)  [\($0.element.handlerID)]" + ($0.element.removesCustomer ? "  ⚠勿扰,需确认" : "")
        }
        return (["匹配的异议处理(回车选第一个,输入编号选择,Esc 退出选择):"] + lines).joined(separator: "\n") + "\n"
    }

    /// Joins fields with " · ", starting a new line rather than splitting a field.
    func fields(_ items: [String]) -> [String] {
        var lines: [String] = []
        for item in items {
            if let last = lines.last, (last + " · " + item).displayWidth <= width {
                lines[lines.count - 1] = last + " · " + item
            } else {
                lines.append(item)
            }
        }
        return lines
    }

    /// An escape code that styles a line on a terminal.
    enum LineStyle: String {
        case plain = "", dim = "\u{1B}[2m"
        static let reset = "\u{1B}[0m"
    }

    /// Appends text after its lead (`说: `, ` 2) `), wrapped to the width and indented under
    /// the lead, each line styled and ended.
    func wrap(_ text: String, lead: String, into out: inout [UInt8], style: LineStyle = .plain) {
        let styling = styled && style != .plain
        let indent = lead.displayWidth
        var first = true
        TextWrap.forEachLine(text, width: width - indent) { line in
            if styling { out.append(contentsOf: style.rawValue.utf8) }
            if first {
                out.append(contentsOf: lead.utf8)
            } else {
                out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
            }
            out.append(contentsOf: line)
            if styling { out.append(contentsOf: LineStyle.reset.utf8) }
            out.append(UInt8(ascii: "\n"))
            first = false
        }
    }

    /// `mm:ss`, minutes running past 59 for long calls.
    static func clock(_ seconds: TimeInterval) -> String {
        let total = max(Int(seconds), 0)
        let (minutes, rest) = (total / 60, total % 60)
        return (minutes < 10 ? "0" : "") + String(minutes) + (rest < 10 ? ":0" : ":") + String(rest)
    }
}

import Foundation
import HuashuEngine
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuText

/// The live call's dot-commands, as one table in the style of the sqlite3
/// shell. A full-width `。` or `．` from a Chinese input method works as `.`.
struct MetaCommand: Sendable {
    let names: [String]
    let usage: String
    let help: String
    let run: @Sendable (_ arguments: String, _ call: LiveCall) throws -> LiveCall.Flow

    static let table: [MetaCommand] = [
        MetaCommand(names: ["help", "h", "?"], usage: ".help", help: "列出命令") { _, call in
            call.say(table.map { TextWrap.padded($0.usage, to: 28) + $0.help }.joined(separator: "\n")
                     + "\n数字选答案;直接输入客户说的话(或拼音 pianyi、首字母 py)查找异议处理。"
                     + "\n查找之后进入选择模式(提示符显示「选择异议」):数字和回车从匹配里选;Esc、Ctrl-C、.screen 或走下一步退出。"
                     + "\n会标记勿扰的处理(⚠)回车不会默认选中,选中时要确认;结束为勿扰后,通话关闭前 .back 可撤销。")
            return .stay
        },
        MetaCommand(names: ["back", "b"], usage: ".back", help: "退回上一步") { _, call in
            try call.apply(.back)
            return .stay
        },
        MetaCommand(names: ["note", "n"], usage: ".note 文字", help: "记一条备注") { arguments, call in
            try call.apply(.note(arguments))
            return .stay
        },
        MetaCommand(names: ["quote", "q"], usage: ".quote 金额", help: "记录报价(元)") { arguments, call in
            try call.apply(.quote(arguments))
            return .stay
        },
        MetaCommand(names: ["callback", "cb"], usage: ".callback 时间|1-4", help: "约回访,客户原话如 今天四点以后、周日下午;或选 1-4") { arguments, call in
            if let number = InputNormalisation.integer(arguments), CallbackTime.closedChoices.indices.contains(number - 1) {
                try call.apply(.callback(CallbackTime.closedChoices[number - 1]))
            } else if arguments.isEmpty {
                call.say((call.view.callbackChoices() + ["用 .callback 客户的原话 或 .callback 编号 预约,例如 .callback 周日下午"]).joined(separator: "\n"))
            } else {
                call.offerCallback(arguments, then: nil)
            }
            return .stay
        },
        MetaCommand(names: ["end", "e"], usage: ".end 结果 [原因] [去向]", help: "结束通话,如 .end won / .end lost price 平安 / .end callback 周日下午") { arguments, call in
            switch OutcomeWords.parse(arguments) {
            case .success(let ending):
                if let words = ending.callbackWords {
                    call.offerCallback(words, then: ending.outcome)
                } else {
                    if ending.outcome.kind.removesFromFutureCalls, !call.confirmRemoval("结束为\(ending.outcome.kind.chinese)") { return .stay }
                    try call.apply(.end(ending.outcome, lostTo: ending.lostTo))
                    if let gap = ending.priceGap, call.state.hasEnded { try call.apply(.fact(.priceGap, gap)) }
                }
            case .failure(let error): call.say(call.view.warn(error.description))
            }
            return .stay
        },
        MetaCommand(names: ["record", "rec"], usage: ".record 项目 内容", help: "记录结果字段,如 .record 付款 扫码 / .record 交付 电子保单") { arguments, call in
            let field = String(arguments.prefix { !$0.isWhitespace })
            guard let fact = CallFact(named: field) else {
                call.say(call.view.warn("记录什么? 项目: " + CallFact.list))
                return .stay
            }
            try call.apply(.fact(fact, arguments.dropFirst(field.count).trimmingSpaces))
            return .stay
        },
        MetaCommand(names: ["search", "s", "o"], usage: ".search 词", help: "查找异议处理") { arguments, call in
            call.search(arguments)
            return .stay
        },
        MetaCommand(names: ["objections"], usage: ".objections", help: "本次通话提过的异议(含重复)") { _, call in
            let raised = call.state.objectionsRaised
            guard !raised.isEmpty else {
                call.say("本次通话还没有提出异议。可处理的异议: "
                         + call.engine.script.objections.map { "\($0.title ?? $0.id)[\($0.id)]" }.joined(separator: " "))
                return .stay
            }
            let counts = Dictionary(raised.map { ($0, 1) }, uniquingKeysWith: +)
            var seen: Set<String> = []
            let lines = raised.filter { seen.insert($0).inserted }.map { id in
                "  \(call.engine.script.nodes[id]?.title ?? id) [\(id)] ×\(counts[id] ?? 1)"
            }
            call.say((["本次通话的异议(按出现顺序):"] + lines).joined(separator: "\n"))
            return .stay
        },
        MetaCommand(names: ["history"], usage: ".history", help: "这位客户以前的通话") { _, call in
            let calls: [CallRecord]
            calls = try call.store.calls(ofCustomer: call.customer.id ?? 0)
            let earlier = calls.filter { $0.id != call.log.callID }
            guard !earlier.isEmpty else {
                call.say("这是第一次给这位客户打电话。")
                return .stay
            }
            call.say(TerminalText.visible((["以前的通话:"] + earlier.map(CallSummaryLine.text)).joined(separator: "\n"), keeping: .lineBreaks))
            return .stay
        },
        MetaCommand(names: ["screen", "r"], usage: ".screen", help: "重新显示当前步骤(退出选择模式)") { _, call in
            call.leaveSearch()
            call.draw()
            return .stay
        },
        MetaCommand(names: ["quit", "leave"], usage: ".quit", help: "暂时离开,通话保留,可 huashu resume 继续") { _, call in
            // An ended call (leaving its closing questions) has nothing to resume.
            if !call.state.hasEnded { call.say("已保存。继续这通电话: huashu resume \(call.log.callID)") }
            return .leave
        },
    ]

    static let allNames: [String] = table.flatMap(\.names).filter { $0.count > 2 }

    /// Commands whose words are the customer's own (a note may hold a phone, an address, a complaint;
    /// a record, the address to post the policy to).
    static let privateCommands: Set<String> = ["note", "n", "record", "rec"]

    /// What the line-editor history keeps of a typed line: commands and searches, masked;
    /// nothing of a note, which belongs in the call log only.
    @Sendable static func historyEntry(_ line: String) -> String? {
        let text = InputNormalisation.foldFullWidth(line).trimmingSpaces
        if text.hasPrefix(".") || text.hasPrefix("/") {
            let name = String(text.dropFirst().prefix { !$0.isWhitespace }).lowercased()
            if privateCommands.contains(name) { return nil }
        }
        return TerminalText.visible(PersonalData.masked(line))
    }

    /// The table as a call takes it.
    static let forCalls = CallCommands(names: allNames, run: { line, call throws(UserError) in try run(line, in: call) })

    static func run(_ line: Substring, in call: LiveCall) throws(UserError) -> LiveCall.Flow {
        let name = String(line.prefix { !$0.isWhitespace }).lowercased()
        let arguments = line.dropFirst(name.count).trimmingSpaces
        guard let command = table.first(where: { $0.names.contains(name) }) else {
            call.say(call.view.warn("没有 .\(TerminalText.visible(name)) 这个命令。输入 .help 看全部命令。"))
            return .stay
        }
        do {
            return try command.run(arguments, call)
        } catch let error as UserError {
            throw error
        } catch {
            throw UserError("\(error)")
        }
    }
}

/// One line per earlier call, for `.history` and `huashu calls`.
enum CallSummaryLine {
    static func text(_ call: CallRecord) -> String {
        let outcome = call.outcome.flatMap(OutcomeKind.init(rawValue:))?.chinese ?? "未完成"
        let reason = call.lossReason.flatMap(LossReason.init(rawValue:)).map { "(\($0.chinese))" } ?? ""
        let quote = call.quote.map { " 报价\($0)元" } ?? ""
        return "  #\(call.id) \(call.startedAt.prefix(16).replacingOccurrences(of: "T", with: " ")) \(call.agent) \(outcome)\(reason)\(quote)"
    }
}

/// `.end` arguments: an outcome in English or Chinese, then a loss reason and
/// the insurer the customer went to.
enum OutcomeWords {
    static let chineseOutcomes: [String: OutcomeKind] = Dictionary(uniqueKeysWithValues: OutcomeKind.allCases.map { ($0.chinese, $0) })
    static let chineseReasons: [String: LossReason] = Dictionary(uniqueKeysWithValues: LossReason.allCases.map { ($0.chinese, $0) })

    /// What `.end` asks for: the outcome, where a lost customer went, and the callback time said with
    /// `callback` or `thinking` (booked, once confirmed, before the call ends).
    struct Ending {
        var outcome: Outcome
        var lostTo: String?
        var callbackWords: String?
        var priceGap: String?
    }

    static func parse(_ text: String) -> Result<Ending, UserError> {
        let words = text.split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let outcomes = OutcomeKind.allCases.map { "\($0.rawValue)(\($0.chinese))" }.joined(separator: " ")
        guard let first = words.first else { return .failure(UserError("用法: .end 结果 [原因] [去向]。结果: \(outcomes)")) }
        guard let kind = OutcomeKind(rawValue: first.lowercased()) ?? chineseOutcomes[first] else {
            return .failure(UserError("不认识的结果 \(first)。结果: \(outcomes)"))
        }
        if kind == .callback || kind == .thinking {
            let time = words.dropFirst().joined(separator: " ")
            return .success(Ending(outcome: Outcome(kind), callbackWords: time.isEmpty ? nil : time))
        }
        guard kind == .lost else {
            return words.count == 1 ? .success(Ending(outcome: Outcome(kind)))
                : .failure(UserError("只有 lost(战败) 要写原因和去向;callback(约回访)、thinking(考虑中) 可以写回访时间,如 .end callback 周日下午。"))
        }
        let reasons = LossReason.allCases.map { "\($0.rawValue)(\($0.chinese))" }.joined(separator: " ")
        let usage = ".end lost 原因 去向保险公司 [差价],如 .end lost price 平安 300;去向不知道写 不详。"
        guard words.count >= 2, let reason = LossReason(rawValue: words[1].lowercased()) ?? chineseReasons[words[1]] else {
            return .failure(UserError("战败要写原因和去向: \(usage)原因: \(reasons)"))
        }
        guard words.count >= 3 else { return .failure(UserError("战败要写客户去了哪家保险公司: \(usage)")) }
        var rest = Array(words[2...])
        var gap: String?
        if rest.count > 1, let amount = Premium.digits(rest[rest.count - 1]) {
            gap = amount
            rest.removeLast()
        }
        return .success(Ending(outcome: Outcome(.lost, lossReason: reason), lostTo: rest.joined(separator: " "), priceGap: gap))
    }
}

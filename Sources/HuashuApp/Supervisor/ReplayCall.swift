import Foundation
import HuashuCalendar
import HuashuEngine
import HuashuScript
import HuashuStore
import HuashuTerminal
import HuashuText

/// `huashu replay CALL`: a logged call as it happened, step by step, from its
/// own log. Today's script, when it loads, only adds the customer's answer
/// texts and stage titles; `--against-current` also marks what it no longer has.
public enum CallReplay {
    public struct Options: Sendable {
        public var call: Int64
        /// Wait for Enter between steps.
        public var stepByStep = false
        /// Replay in real time divided by this.
        public var speed: Double?
        public var againstCurrent = false
        public var unmask = false

        public init(call: Int64, stepByStep: Bool = false, speed: Double? = nil, againstCurrent: Bool = false, unmask: Bool = false) {
            self.call = call
            self.stepByStep = stepByStep
            self.speed = speed
            self.againstCurrent = againstCurrent
            self.unmask = unmask
        }
    }

    /// Where the replay goes and how it waits: the terminal by default, anything in tests.
    public struct IO {
        public var write: (String) -> Void
        /// Waits for Enter; false at the end of input (then the rest plays without stopping).
        public var waitForEnter: () -> Bool
        public var sleep: (TimeInterval) -> Void

        public init(write: @escaping (String) -> Void, waitForEnter: @escaping () -> Bool, sleep: @escaping (TimeInterval) -> Void) {
            self.write = write
            self.waitForEnter = waitForEnter
            self.sleep = sleep
        }

        public static var standard: IO {
            IO(write: { StandardOutput.write($0) },
               waitForEnter: {
                   if isatty(0) == 1 { FileHandle.standardError.write(Data("(回车看下一步)".utf8)) }
                   return readLine() != nil
               },
               sleep: { if $0 > 0 { Thread.sleep(forTimeInterval: $0) } })
        }
    }

    /// A scaled pause is never longer than this: a call resumed hours later still replays.
    static let longestPause: TimeInterval = 5

    public static func run(_ replay: Options, options: CallOptions, io: IO = .standard, now: Date = Date()) throws(UserError) {
        let script: Script?
        if replay.againstCurrent {
            script = try ScriptFiles.load(options.dialogues)
        } else {
            script = ScriptFiles.forNames(options.dialogues,
                                          lacking: "the replay names answers, steps and stages by their IDs (give --dialogues)")
        }
        let store = try openSupervisorStore(options.database)
        guard let call = try wrap({ try store.call(replay.call) }) else {
            throw UserError("no call #\(replay.call) in \(options.database) (see `huashu calls`)")
        }
        let customer = try wrap { try store.customer(id: call.customerID) }
        let steps = try wrap { try store.steps(of: call.id) }
        if replay.unmask {
            guard let store = store as? Store else {
                throw UserError("--unmask is written to a desk's audit log; replay the call on its desk to unmask it")
            }
            try wrap {
                try store.audit(agent: options.agent, action: "unmask", customerID: call.customerID, callID: call.id,
                                detail: "huashu replay \(call.id) --unmask", at: now)
            }
        }
        let rendered = ReplayText(call: call, customer: customer, steps: steps, script: script, options: replay, now: now).render()
        io.write(rendered.header.joined(separator: "\n") + "\n")
        var previousOffset: TimeInterval = 0
        for (index, step) in rendered.steps.enumerated() {
            if index > 0 {
                if replay.stepByStep {
                    if !io.waitForEnter() { return io.write(rendered.steps[index...].flatMap(\.lines).joined(separator: "\n") + "\n"
                                                            + rendered.footer.joined(separator: "\n") + "\n") }
                } else if let speed = replay.speed, speed > 0 {
                    io.sleep(min(max(step.offset - previousOffset, 0) / speed, longestPause))
                }
            }
            previousOffset = step.offset
            io.write(step.lines.joined(separator: "\n") + "\n")
        }
        io.write(rendered.footer.joined(separator: "\n") + "\n")
    }
}

/// The replay as text: a header, one block per logged step, a footer.
struct ReplayText {
    struct Step {
        let offset: TimeInterval
        let lines: [String]
    }

    let call: CallRecord
    let customer: Customer?
    let steps: [StepRecord]
    let script: Script?
    let options: CallReplay.Options
    let now: Date
    /// The state after each step, as its log rebuilds it.
    let states: [CallState?]

    init(call: CallRecord, customer: Customer?, steps: [StepRecord], script: Script?, options: CallReplay.Options, now: Date) {
        self.call = call
        self.customer = customer
        self.steps = steps
        self.script = script
        self.options = options
        self.now = now
        states = StepRecord.states(steps)
    }

    /// A call whose last step is this recent may still be going on.
    static let stillLive: TimeInterval = 15 * 60

    private var context: CallContext? { try? JSONDecoder().decode(CallContext.self, from: Data(call.context.utf8)) }

    /// Every line holds stored text (names, notes, destinations): control codes in it are shown, never sent.
    func render() -> (header: [String], steps: [Step], footer: [String]) {
        let visible = { (lines: [String]) in lines.map { TerminalText.visible($0) } }
        return (visible(header()), body().map { Step(offset: $0.offset, lines: visible($0.lines)) }, visible(footer()))
    }

    // MARK: Header and footer

    func header() -> [String] {
        var who = ["通话 #\(call.id)" + (call.training ? " 【演练】" : "")]
        if let customer {
            who.append(customer.name + (customer.honorific ?? "") + " " + customer.plate)
            if let phone = customer.phone { who.append("电话 " + (options.unmask ? phone : PersonalData.phone(phone) ?? "")) }
            if let id = customer.idNumber { who.append("身份证 " + (options.unmask ? id : PersonalData.idNumber(id) ?? "")) }
        } else {
            who.append("客户 #\(call.customerID)(已不在台帐)")
        }
        var when = ["专员 \(call.agent)", "开始 " + SupervisorTime.localWithSeconds(call.startedAt)]
        if let length = length { when.append("时长 " + CallView.clock(length) + (call.endedAt == nil ? "+" : "")) }
        var version = "脚本 \(call.scriptVersion)"
        if let script {
            version += script.version == call.scriptVersion ? "(即当前脚本)" : "(当前脚本 \(script.version))"
        } else {
            version += "(未载入当前脚本,按通话记录回放)"
        }
        when.append(version)
        var lines = [who.joined(separator: " · "), when.joined(separator: " · ")]
        if options.unmask { lines.append("已显示完整身份信息;此次查看已记入审计日志。") }
        lines.append(String(repeating: "─", count: 60))
        return lines
    }

    private var length: TimeInterval? {
        if let ended = call.endedAt { return SupervisorTime.seconds(from: call.startedAt, to: ended) }
        return steps.last.flatMap { SupervisorTime.seconds(from: call.startedAt, to: $0.at) }
    }

    func footer() -> [String] {
        var lines = [String(repeating: "─", count: 60)]
        let last = states.last ?? nil
        if let outcome = call.outcome {
            var parts = ["通话结果: " + CallList.outcomeText(outcome, reason: call.lossReason, lostTo: call.lostTo)]
            if let quote = call.quote { parts.append("报价 \(quote) 元") }
            if let callback = last?.callback { parts.append("约回访 \(callback.chinese(from: context?.callDay))") }
            for fact in last?.facts ?? [] where fact.fact != .destination { parts.append("\(fact.fact.chinese) \(fact.value)") }
            if let ended = call.endedAt { parts.append("结束于 " + SupervisorTime.localWithSeconds(ended)) }
            lines.append(parts.joined(separator: " · "))
        } else if let step = steps.last {
            let at = SupervisorTime.localWithSeconds(step.at)
            let where_ = "[\(stageTitle(step.stage))] \(step.node)"
            if let time = Timestamp.date(step.at), now.timeIntervalSince(time) < Self.stillLive {
                lines.append("通话进行中: 还没有结果,最后一步 \(at) 停在 \(where_)。")
            } else {
                lines.append("通话中断: 没有结果,最后一步 \(at) 停在 \(where_)。继续这通电话: huashu resume \(call.id)")
            }
        } else {
            lines.append("这通电话没有记录任何步骤。")
        }
        if options.againstCurrent {
            let changed = steps.filter { !changes($0).isEmpty }.count
            lines.append(changed == 0 ? "对照当前脚本: 每一步都还在。" : "对照当前脚本: \(changed) 步的步骤或选项已不在当前脚本中(标 ⚠)。")
        }
        return lines
    }

    // MARK: Steps

    func body() -> [Step] {
        var result: [Step] = []
        var previousShown: String?
        for (step, state) in zip(steps, states) {
            let offset = SupervisorTime.seconds(from: call.startedAt, to: step.at) ?? 0
            let depth = state?.detours.count ?? 0
            let indent = String(repeating: "  ", count: depth)
            var lines = ["\(CallView.clock(offset)) \(indent)[\(stageTitle(step.stage))] \(action(step, state: state))"]
            let pad = "      " + indent
            if step.shown != previousShown {
                for said in step.shown.split(separator: "\n", omittingEmptySubsequences: true) {
                    lines.append(pad + "说: " + masked(String(said)))
                }
            }
            previousShown = step.shown
            if options.againstCurrent {
                lines += changes(step).map { pad + "⚠ " + $0 }
            }
            result.append(Step(offset: offset, lines: lines))
        }
        return result
    }

    /// What happened in a step, in words: `选择「是我」→ confirm_car`.
    func action(_ step: StepRecord, state: CallState?) -> String {
        guard let events = step.decodedEvents else {
            return "\(step.inputKind) → \(step.node)(事件记录无法解析)"
        }
        var phrases: [String] = step.inputKind == "start" ? ["开始"] : []
        var nodeNamed = false
        for event in events {
            switch event {
            case .entered(let node, _):
                if !nodeNamed { phrases.append("→ \(node)") }
                nodeNamed = false
            case .answered(let answer):
                phrases.append("选择「\(answerText(answer, state: state))」")
            case .objectionRaised(let handler, let from):
                phrases.append("异议「\(handlerTitle(handler))」[\(handler)],从 \(from) 转入")
                nodeNamed = true
            case .returned(let to, _):
                phrases.append("处理完,返回 \(to)")
                nodeNamed = true
            case .leftDetours(let count):
                phrases.append("(离开\(count)层异议,不再返回)")
            case .steppedBack(let to):
                phrases.append("退回上一步 \(to)")
                nodeNamed = true
            case .refused(let reason):
                phrases.append(attempt(step, state: state) + " 被拒绝: " + reason)
            case .noteTaken(let text):
                phrases.append("备注: " + masked(text))
            case .quoteRecorded(let amount):
                phrases.append("报价 \(amount) 元")
            case .callbackBooked(let slot):
                phrases.append("约回访 \(slot.chinese(from: context?.callDay))")
            case .ended(let outcome, let lostTo):
                phrases.append("结果: " + CallList.outcomeText(outcome.kind.rawValue, reason: outcome.lossReason?.rawValue, lostTo: lostTo))
            case .reopened(let outcome):
                phrases.append("撤销结果: " + outcome.kind.chinese)
            case .factRecorded(let fact, let value):
                phrases.append("\(fact.chinese): \(value)")
            case .flagMarked, .awaiting:
                break
            }
        }
        return phrases.joined(separator: " ")
    }

    /// What the agent tried when the engine refused it.
    private func attempt(_ step: StepRecord, state: CallState?) -> String {
        guard let input = step.decodedInput else {
            return "(\(step.inputKind))"
        }
        switch input {
        case .answer(let id): return "选择「\(answerText(id, state: state))」"
        case .objection(let id): return "异议[\(id)]"
        case .back: return "退回上一步"
        case .note: return "备注"
        case .quote(let amount): return "报价「\(amount)」"
        case .callback(let slot): return "约回访 \(slot.chinese(from: context?.callDay))"
        case .end(let outcome, _): return "结束为\(outcome.kind.chinese)"
        case .fact(let fact, let value): return "记录\(fact.chinese)「\(value)」"
        }
    }

    /// The answer's words from today's script, filled for this customer; else its ID.
    func answerText(_ id: String, state: CallState?) -> String {
        guard let script, let node = id.split(separator: ">", maxSplits: 1).first,
              let answer = script.nodes[String(node)]?.answers.first(where: { $0.id == id }) else { return id }
        guard let context, let state else { return answer.text.source }
        return masked(CallEngine(script: script, context: context).fill(answer.text, state))
    }

    func handlerTitle(_ id: String) -> String {
        script?.nodes[id]?.title ?? id
    }

    func stageTitle(_ id: String) -> String {
        script?.stage(id)?.title ?? (id.isEmpty ? "?" : id)
    }

    /// What today's script no longer has of this step.
    func changes(_ step: StepRecord) -> [String] {
        guard let script else { return [] }
        var missing: [String] = []
        if script.nodes[step.node] == nil { missing.append("当前脚本已没有步骤 \(step.node)") }
        if let answer = step.answerID {
            let node = answer.split(separator: ">", maxSplits: 1).first.map(String.init) ?? ""
            if script.nodes[node]?.answers.contains(where: { $0.id == answer }) != true {
                missing.append("当前脚本已没有选项 \(answer)")
            }
        }
        if let handler = step.handlerID, script.nodes[handler]?.isObjection != true {
            missing.append("当前脚本已没有异议处理 \(handler)")
        }
        return missing
    }

    func masked(_ text: String) -> String {
        options.unmask ? text : PersonalData.masked(text)
    }
}

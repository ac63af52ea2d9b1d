import HuashuRenewal
import HuashuScript
import HuashuText

/// How a trainee responded to each thing the simulated customer said: built
/// while the rehearsal runs, or read back from a rehearsal's call log (the
/// same rules either way, so the score sheet and `huashu coverage` agree).
///
/// A response is right when the trainee picks the answer the customer meant,
/// or enters the handler the customer's words call for (by search or by an
/// answer leading there), or books the callback time the customer named.
public struct RehearsalScore: Sendable, Equatable {
    public enum Verdict: Sendable, Equatable {
        /// The trainee responded as the customer meant.
        case handled
        /// The trainee picked, entered or booked something else.
        case mistake
        /// A step that responds to nothing: a note, a quote, `.back`, `.end`.
        case neutral
    }

    /// One thing the customer said and what became of it.
    public struct Turn: Sendable, Equatable {
        public let turn: CustomerTurn
        public let shownAt: Double
        /// The trainee's steps from the customer's words to the right response, that one included.
        public var steps = 0
        public var wrongTries = 0
        public var handledAt: Double?

        public var handled: Bool { handledAt != nil }
        public var rightFirstTime: Bool { handled && wrongTries == 0 }
        public var seconds: Double? { handledAt.map { $0 - shownAt } }
    }

    /// A step that did not respond as the customer meant.
    public struct Mistake: Sendable, Equatable {
        /// Where the trainee was.
        public let node: String
        public let input: CallInput
        /// The customer's turn it answered wrongly; nil when the customer had not spoken.
        public let turn: Int?
        /// The script's reason when it refused the step.
        public let refused: String?
        public let time: Double
    }

    public private(set) var turns: [Turn] = []
    public private(set) var mistakes: [Mistake] = []
    /// The turn waiting for the trainee.
    public private(set) var open: Int?

    public init() {}

    public var objections: [Turn] { turns.filter(\.turn.isObjection) }

    public mutating func customerSaid(_ turn: CustomerTurn, at time: Double) {
        turns.append(Turn(turn: turn, shownAt: time))
        open = turns.count - 1
    }

    /// One step of the trainee: the input, where the call was and where it went.
    public mutating func trainee(_ input: CallInput, from: String, to: String, refused: String?, at time: Double) -> Verdict {
        let responds: Bool
        switch input {
        case .answer, .objection: responds = true
        default: responds = false
        }
        if case .note = input { return .neutral }
        guard let index = open else {
            guard responds else { return .neutral }
            mistakes.append(Mistake(node: from, input: input, turn: nil, refused: refused, time: time))
            return .mistake
        }
        turns[index].steps += 1
        let intent = turns[index].turn.intent
        if refused == nil, Self.matches(input, intent, landedAt: to) {
            turns[index].handledAt = time
            open = nil
            return .handled
        }
        var isResponse = responds
        if case .callback = input, case .callback = intent { isResponse = true }
        guard isResponse else { return .neutral }
        turns[index].wrongTries += 1
        mistakes.append(Mistake(node: from, input: input, turn: index, refused: refused, time: time))
        return .mistake
    }

    static func matches(_ input: CallInput, _ intent: CustomerTurn.Intent, landedAt node: String) -> Bool {
        switch (intent, input) {
        case (.answer(let meant), .answer(let picked)): return meant == picked
        case (.answer(let meant), .objection(let handler)): return target(of: meant) == handler
        case (.objection(let meant), .objection(let handler)): return meant == handler
        case (.objection(let meant), .answer): return node == meant
        case (.callback(let meant), .callback(let booked)): return meant == booked
        default: return false
        }
    }

    /// `quote>price` leads to `price`; `@name` and `return` name no step.
    static func target(of answerID: String) -> String? {
        guard let arrow = answerID.firstIndex(of: ">") else { return nil }
        let target = String(answerID[answerID.index(after: arrow)...])
        return target.hasPrefix("@") || target == "return" ? nil : target
    }
}

// MARK: - The score sheet

extension RehearsalScore {
    /// The sheet printed after a rehearsal: each objection, whether the right
    /// handler was found and how long it took, then every mistake with what
    /// the script says instead. `title` is the first line (scenario, seed, time).
    public func sheet(title: String, engine: CallEngine, state: CallState) -> String {
        var out = ["══ 演练评分 ══", title]
        let right = turns.filter(\.rightFirstTime).count
        let later = turns.filter { $0.handled && !$0.rightFirstTime }.count
        let missed = turns.count - right - later
        out.append("客户开口 \(turns.count) 次：一次就对 \(right) 次，改正后对 \(later) 次，没有接上 \(missed) 次。")
        let objectionTurns = objections
        if objectionTurns.isEmpty {
            out.append("异议：这通电话客户没有提出异议。")
        } else {
            out.append("异议 \(objectionTurns.count) 个，一次找对 \(objectionTurns.filter(\.rightFirstTime).count) 个：")
            for (number, turn) in objectionTurns.enumerated() {
                guard case .objection(let handler) = turn.turn.intent else { continue }
                let verdict: String
                if turn.rightFirstTime {
                    verdict = "✓ 一次找对"
                } else if turn.handled {
                    verdict = "✓ 错了 \(turn.wrongTries) 次后找对"
                } else {
                    verdict = "✗ 没有处理"
                }
                var line = "  \(number + 1). \(Self.handlerName(handler, engine)) · \(verdict)"
                if let seconds = turn.seconds { line += " · \(turn.steps) 步 · \(Self.duration(seconds))" }
                out.append(line)
                out.append("     客户：\(turn.turn.words)")
            }
        }
        if mistakes.isEmpty {
            out.append("出错：没有。")
        } else {
            out.append("出错 \(mistakes.count) 处：")
            for (number, mistake) in mistakes.enumerated() {
                out += explain(mistake, number: number + 1, engine: engine, state: state)
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func explain(_ mistake: Mistake, number: Int, engine: CallEngine, state: CallState) -> [String] {
        let place = Self.stepName(mistake.node, engine)
        let did = Self.describe(mistake.input, at: mistake.node, engine: engine, state: state)
        guard let index = mistake.turn else {
            var advice = "客户还没开口，先等客户回应。"
            if engine.script.nodes[mistake.node]?.actions.contains(.quote) == true {
                advice = "这一步要先报价（输入金额），再听客户怎么说。"
            }
            if let refused = mistake.refused { advice = "脚本不让这样走：\(refused)" }
            return ["  \(number). 在 \(place)，客户还没开口，你\(did)。", "     脚本：\(advice)"]
        }
        let turn = turns[index].turn
        var lines = ["  \(number). 在 \(place)，客户说“\(turn.words)”，你\(did)。"]
        if let refused = mistake.refused { lines.append("     脚本不让这样走：\(refused)") }
        lines.append("     脚本：" + instead(turn, engine: engine, state: state))
        return lines
    }

    /// What the script has the agent do for this turn, and say next.
    private func instead(_ turn: CustomerTurn, engine: CallEngine, state: CallState) -> String {
        switch turn.intent {
        case .objection(let handler):
            let line = Self.firstSay(handler, engine, state).map { "：" + $0 } ?? ""
            return "应该进 \(Self.handlerName(handler, engine))\(line)"
        case .answer(let id):
            let answer = engine.script.nodes[turn.node]?.answers.first { $0.id == id }
            let text = answer.map { engine.fill($0.text, state) } ?? id
            var line = "应该选“\(text)” [\(id)]"
            switch answer?.target {
            case .node(let next)?:
                if let say = Self.firstSay(next, engine, state) { line += "，接着说：" + say }
            case .returnFromObjection?:
                line += "，回到客户提异议前的步骤"
            case nil:
                break
            }
            return line
        case .callback(let slot):
            let number = (CallbackTime.closedChoices.firstIndex(of: slot) ?? 0) + 1
            return "应该约\(slot.slotName)（回访时间选 \(number)）"
        }
    }

    static func describe(_ input: CallInput, at node: String, engine: CallEngine, state: CallState) -> String {
        switch input {
        case .answer(let id):
            let answer = engine.script.nodes[node]?.answers.first { $0.id == id }
            return "选了“\(answer.map { engine.fill($0.text, state) } ?? id)” [\(id)]"
        case .objection(let handler): return "进了 " + handlerName(handler, engine)
        case .callback(let slot): return "约了\(slot.slotName)"
        case .back: return "退回了一步"
        case .note: return "记了备注"
        case .quote(let amount): return "报价 \(amount) 元"
        case .end(let outcome, _): return "结束了通话（\(outcome.kind.chinese)）"
        case .fact(let fact, let value): return "记了\(fact.chinese)：\(value)"
        }
    }

    static func handlerName(_ id: String, _ engine: CallEngine) -> String {
        "\(engine.script.nodes[id]?.title ?? id) [\(id)]"
    }

    static func stepName(_ id: String, _ engine: CallEngine) -> String {
        guard let node = engine.script.nodes[id] else { return "[\(id)]" }
        return "\(node.name) [\(id)]"
    }

    /// The first line the agent says at a step, for this customer.
    static func firstSay(_ id: String, _ engine: CallEngine, _ state: CallState) -> String? {
        guard let node = engine.script.nodes[id] else { return nil }
        return node.lines.first { $0.kind == .say && engine.holds($0.condition) }.map { engine.fill($0.template, state) }
    }

    /// `6 秒`, `1 分 05 秒`.
    public static func duration(_ seconds: Double) -> String {
        let whole = max(Int(seconds.rounded()), 0)
        return whole < 60 ? "\(whole) 秒" : "\(whole / 60) 分 \(whole % 60 < 10 ? "0" : "")\(whole % 60) 秒"
    }
}

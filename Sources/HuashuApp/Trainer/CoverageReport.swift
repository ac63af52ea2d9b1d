import Foundation
import HuashuCalendar
import HuashuEngine
import HuashuScript
import HuashuStore
import HuashuText

/// `huashu coverage`: what should this trainee practise next? For each
/// trainee a short summary (rehearsals, scenarios, success, weakest
/// objections), then each objection and each answer option met (in how many
/// rehearsals, found at the first try in how many, how long it took), what
/// was never practised, and the mistakes with their dates.
///
/// Read back from the finished rehearsals' own logs (calls with `training = 1`
/// and an outcome): the customer's turns are the `客户[…]` notes a rehearsal
/// writes, scored by the same rules as the score sheet printed after the call.
/// Counts are rehearsals (calls): a customer saying it again is one practice.
public enum CoverageReport {
    /// One objection handler or answer option, over a trainee's rehearsals.
    public struct Practice: Sendable, Equatable {
        public let id: String
        /// The handler's title, or for an answer the step it belongs to and its words.
        public let title: String
        /// Rehearsals in which it came up.
        public var calls = 0
        /// Of those, how many the trainee met right at the first try.
        public var firstTry = 0
        /// Seconds from the customer's words to the right response, one per rehearsal where it was found.
        public var seconds: [Double] = []
        public var lastPractised: Double = 0

        public var rate: Int? { calls == 0 ? nil : Int((Double(firstTry) * 100 / Double(calls)).rounded()) }
        public var averageSeconds: Double? { seconds.isEmpty ? nil : seconds.reduce(0, +) / Double(seconds.count) }
    }

    /// A step that did not respond as the customer meant, with when and where.
    public struct Slip: Sendable, Equatable {
        public let time: Double
        public let scenario: String
        public let text: String
    }

    public struct Trainee: Sendable, Equatable {
        public let agent: String
        /// Finished rehearsals.
        public var calls = 0
        /// Rehearsals left before their end: not counted anywhere else.
        public var abandoned = 0
        /// Finished rehearsals with no mistake and every turn of the customer met.
        public var clean = 0
        public var scenarios: Set<String> = []
        public var objections: [String: Practice] = [:]
        public var answers: [String: Practice] = [:]
        public var slips: [Slip] = []
    }

    public static func run(options: CallOptions, agent: String?) throws(UserError) -> String {
        let store = try openSupervisorStore(options.database)
        let rows = try wrap { try store.trainingSteps(agent: agent) }
        let abandoned = try wrap { try store.unfinishedRehearsals(agent: agent) }
        if let agent, rows.isEmpty, abandoned.isEmpty, try !wrap({ try store.knowsAgent(agent) }) {
            let known = try wrap { try store.unfinishedRehearsals(agent: nil).keys } .sorted()
            let trainees = Set(try wrap { try store.trainingSteps(agent: nil) }.map(\.agent)).union(known).sorted()
            throw UserError("no trainee or agent named \(agent) in \(options.database)"
                            + (trainees.isEmpty ? "; nobody has rehearsed yet" : "; trainees: " + trainees.joined(separator: ", ")))
        }
        let script = try? ScriptFiles.load(options.dialogues)
        let scenarioCount = script.flatMap { try? RehearsalRunner.scenarios(script: $0, paths: options.dialogues).scenarios.count }
        var trainees = build(rows: rows, script: script)
        for (name, count) in abandoned {
            if let index = trainees.firstIndex(where: { $0.agent == name }) {
                trainees[index].abandoned = count
            } else {
                var trainee = Trainee(agent: name)
                trainee.abandoned = count
                trainees.append(trainee)
            }
        }
        if let agent, trainees.isEmpty { trainees = [Trainee(agent: agent)] }
        guard !trainees.isEmpty else { return "还没有任何演练记录。用 huashu rehearse 开始演练。\n" }
        var text = trainees.sorted { $0.agent < $1.agent }.map { self.text($0, script: script, scenarioCount: scenarioCount) }.joined(separator: "\n")
        if script == nil { text += "（今天的脚本没能加载，只列出练过的内容；用 huashu lint 查看脚本问题）\n" }
        return TerminalText.visible(text, keeping: .lineBreaks)
    }

    /// Scores every rehearsal in the rows and adds them up by trainee.
    public static func build(rows: [TrainingStepRow], script: Script?) -> [Trainee] {
        var byAgent: [String: Trainee] = [:]
        var start = rows.startIndex
        while start < rows.endIndex {
            let callID = rows[start].callID
            let end = rows[start...].firstIndex { $0.callID != callID } ?? rows.endIndex
            let call = rows[start..<end]
            start = end
            let agent = call.first!.agent
            var trainee = byAgent[agent] ?? Trainee(agent: agent)
            add(Array(call), to: &trainee, script: script)
            byAgent[agent] = trainee
        }
        return byAgent.values.sorted { $0.agent < $1.agent }
    }

    private static func add(_ call: [TrainingStepRow], to trainee: inout Trainee, script: Script?) {
        let score = self.score(call)
        let scenario = call.lazy.compactMap { $0.note.flatMap(scenarioID) }.first ?? "?"
        trainee.calls += 1
        trainee.scenarios.insert(scenario)
        if score.mistakes.isEmpty && score.turns.allSatisfy(\.handled) { trainee.clean += 1 }
        var seen: Set<String> = []
        for turn in score.turns {
            switch turn.turn.intent {
            case .objection(let handler) where seen.insert(handler).inserted:
                practise(&trainee.objections, handler, title: handlerName(handler, script), turn)
            case .answer(let answer) where seen.insert(answer).inserted:
                practise(&trainee.answers, answer, title: answerName(answer, at: turn.turn.node, script), turn)
            default:
                break
            }
        }
        for mistake in score.mistakes {
            trainee.slips.append(Slip(time: mistake.time, scenario: scenario, text: describe(mistake, score: score, script: script)))
        }
    }

    private static func practise(_ entries: inout [String: Practice], _ id: String, title: String, _ turn: RehearsalScore.Turn) {
        var entry = entries[id] ?? Practice(id: id, title: title)
        entry.calls += 1
        if turn.rightFirstTime { entry.firstTry += 1 }
        if let seconds = turn.seconds { entry.seconds.append(seconds) }
        entry.lastPractised = max(entry.lastPractised, turn.shownAt)
        entries[id] = entry
    }

    /// `演练[场景:price_haggler 种子:7]`, the first note of every rehearsal.
    static func scenarioID(_ note: String) -> String? {
        guard note.hasPrefix("演练[场景:"), let end = note.firstIndex(of: " ") else { return nil }
        return String(note[note.index(note.startIndex, offsetBy: 6)..<end])
    }

    /// One rehearsal's log, scored: the customer's notes are its turns, every other input the trainee's steps.
    public static func score(_ call: [TrainingStepRow]) -> RehearsalScore {
        var score = RehearsalScore()
        var previous: String?
        for row in call {
            let time = Timestamp.date(row.at)?.timeIntervalSince1970 ?? 0
            guard let from = previous else {
                previous = row.node
                continue
            }
            if row.inputKind == "note" {
                if let note = row.note, let turn = CustomerTurn(note: note, node: row.node) { score.customerSaid(turn, at: time) }
                continue
            }
            guard let input = row.input else { continue }
            let refused = row.events.lazy.compactMap { event -> String? in
                if case .refused(let reason) = event { return reason } else { return nil }
            }.first
            _ = score.trainee(input, from: from, to: row.node, refused: refused, at: time)
            previous = row.node
        }
        return score
    }

    // MARK: Names

    static func handlerName(_ id: String, _ script: Script?) -> String {
        "\(script?.nodes[id]?.name ?? "今天的脚本里没有") [\(id)]"
    }

    static func stepName(_ id: String, _ script: Script?) -> String {
        "\(script?.nodes[id]?.name ?? "今天的脚本里没有") [\(id)]"
    }

    /// `报价 [quote] → “同意”`.
    static func answerName(_ id: String, at node: String, _ script: Script?) -> String {
        let words = script?.nodes[node]?.answers.first { $0.id == id }?.text.source
        return stepName(node, script) + " → " + (words.map { "“\($0)”" } ?? id)
    }

    static func describe(_ mistake: RehearsalScore.Mistake, score: RehearsalScore, script: Script?) -> String {
        let did: String
        switch mistake.input {
        case .answer(let id): did = "选了 " + answerName(id, at: mistake.node, script)
        case .objection(let handler): did = "进了 " + handlerName(handler, script)
        case .callback(let slot): did = "约了\(slot.chinese(from: nil))"
        default: did = "没有接上"
        }
        var text = "在 \(stepName(mistake.node, script))"
        guard let index = mistake.turn else { return text + "，客户还没开口，你\(did)" }
        let turn = score.turns[index].turn
        text += "，客户说“\(turn.words)”，你\(did)；应该"
        switch turn.intent {
        case .answer(let id): text += "选 " + answerName(id, at: turn.node, script)
        case .objection(let handler): text += "进 " + handlerName(handler, script)
        case .callback(let slot): text += "约\(slot.chinese(from: nil))"
        }
        return text
    }

    // MARK: Text

    static func text(_ trainee: Trainee, script: Script?, scenarioCount: Int?) -> String {
        var out = ["学员 \(trainee.agent)"]
        let percent = { (part: Int, whole: Int) in whole == 0 ? "-" : "\(Int((Double(part) * 100 / Double(whole)).rounded()))%" }
        let scenarios = trainee.scenarios.sorted()
        out.append("  演练 \(trainee.calls) 通" + (trainee.abandoned > 0 ? "（另有中途放弃 \(trainee.abandoned) 通，不计入）" : "")
                   + "，场景 \(scenarios.count)" + (scenarioCount.map { "/\($0)" } ?? "") + " 个"
                   + (scenarios.isEmpty ? "" : "：" + scenarios.joined(separator: "、")))
        out.append("  全程无错 \(trainee.clean)/\(trainee.calls) 通（成功率 \(percent(trainee.clean, trainee.calls))）")
        let practised = trainee.objections.values.sorted(by: weakestFirst)
        let never = (script?.objections ?? []).filter { trainee.objections[$0.id] == nil }
        var next: [String] = practised.filter { $0.firstTry < $0.calls }.prefix(3).map { "\($0.title)（\($0.firstTry)/\($0.calls) 次一次找对）" }
        if let first = never.first { next.append("从未练过的 \(handlerName(first.id, script))" + (never.count > 1 ? " 等 \(never.count) 个异议" : "")) }
        out.append("  最该练：" + (next.isEmpty ? "没有薄弱的异议，换个场景练练" : next.joined(separator: "；")))
        guard trainee.calls > 0 else {
            out.append("  还没有完成的演练。用 huashu rehearse --agent \(trainee.agent) 开始。")
            return out.joined(separator: "\n") + "\n"
        }

        out.append("异议处理（按通数）")
        out += table(["异议", "一次找对"], practised)
        if !never.isEmpty {
            out += listed("  从未练过：", never.map { handlerName($0.id, script) })
        }

        out.append("回答选项（按通数）")
        out += table(["步骤 → 客户的回答", "一次答对"], trainee.answers.values.sorted(by: weakestFirst))
        let touched = Set(trainee.answers.keys.map { String($0.prefix { $0 != ">" }) })
        let missing = (script?.nodeOrder ?? []).filter(touched.contains).compactMap { nodeID -> [String]? in
            let left = script?.nodes[nodeID]?.answers.filter { trainee.answers[$0.id] == nil }.map { "“\($0.text.source)”" } ?? []
            return left.isEmpty ? nil : listed("    \(stepName(nodeID, script))：", left)
        }
        if !missing.isEmpty {
            out.append("  练过的步骤上还没练过的回答：")
            out += missing.joined()
        }

        if trainee.slips.isEmpty {
            out.append("出错：没有。")
        } else {
            out.append("出错 \(trainee.slips.count) 处（最近的在前）")
            for slip in trainee.slips.sorted(by: { $0.time > $1.time }).prefix(10) {
                out += listed("  \(dateTime(slip.time)) [\(slip.scenario)] ", [slip.text])
            }
            if trainee.slips.count > 10 { out.append("  ……还有 \(trainee.slips.count - 10) 处更早的") }
        }
        return out.joined(separator: "\n") + "\n"
    }

    /// Lowest first-try rate first, then the least practised, then by ID.
    private static func weakestFirst(_ a: Practice, _ b: Practice) -> Bool {
        if a.rate != b.rate { return (a.rate ?? 0) < (b.rate ?? 0) }
        if a.calls != b.calls { return a.calls < b.calls }
        return a.id < b.id
    }

    /// Practice lines under a header whose first two titles are the caller's (what was practised, how it counts as right).
    private static func table(_ header: [String], _ entries: [Practice]) -> [String] {
        guard !entries.isEmpty else { return ["  （还没有）"] }
        let columns = [ReportColumn(header[0]), ReportColumn("练过", .count), ReportColumn(header[1], .count), ReportColumn("平均用时", .duration),
                       ReportColumn("最近", .date)]
        return ReportTable.lines(ReportGrid(columns: columns, rows: entries.map { entry in
            [.text(entry.title), .count(entry.calls), ReportCell("\(entry.firstTry) (\(entry.rate.map { "\($0)%" } ?? "-"))", number: Double(entry.firstTry)),
             ReportCell(entry.averageSeconds.map(RehearsalScore.duration) ?? "没找到", number: entry.averageSeconds),
             .text(String(dateTime(entry.lastPractised).prefix(10)))]
        }), indent: "    ")
    }

    /// Items after a lead, as many to a line as fit in 100 columns, never one broken in two.
    private static func listed(_ lead: String, _ items: [String]) -> [String] {
        let indent = String(repeating: " ", count: lead.prefix { $0 == " " }.count + 4)
        var lines = [lead]
        for (number, item) in items.enumerated() {
            let piece = item + (number < items.count - 1 ? "、" : "")
            if lines[lines.count - 1].displayWidth + piece.displayWidth > 100 && lines[lines.count - 1] != lead {
                lines.append(indent)
            }
            lines[lines.count - 1] += piece
        }
        return lines
    }

    /// `2026-12-06 10:21`, local time, as every supervisor's list shows it.
    public static func dateTime(_ seconds: Double) -> String {
        SupervisorTime.local(Date(timeIntervalSince1970: seconds))
    }
}

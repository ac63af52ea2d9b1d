import Foundation
import HuashuCalendar
import HuashuEngine
import HuashuScript
import HuashuStore
import HuashuText

/// `huashu coverage`: for each trainee, which objections and steps have been
/// rehearsed, how often, and how often the trainee responded right the first
/// time; what was never practised comes first, then the weakest.
///
/// Read back from the rehearsals' own logs (calls with `training = 1`): the
/// customer's turns are the `客户[…]` notes a rehearsal writes, scored by the
/// same rules as the score sheet printed after the call.
public enum CoverageReport {
    /// How often something came up in rehearsals and was met right the first time.
    public struct Entry: Sendable, Equatable {
        public let id: String
        public let title: String
        public var times: Int
        public var right: Int

        /// Percent right the first time; nil when never practised.
        public var rate: Int? { times == 0 ? nil : Int((Double(right) * 100 / Double(times)).rounded()) }
    }

    public struct Trainee: Sendable, Equatable {
        public let agent: String
        public var rehearsals: Int
        public var turns: Int
        public var rightFirstTime: Int
        /// Objection handlers: how often the customer raised each, and how often the trainee found it at once.
        public var objections: [Entry]
        /// Steps where the customer spoke: how often, and how often the trainee responded right at once.
        public var steps: [Entry]
    }

    public static func run(options: CallOptions, agent: String?) throws(UserError) -> String {
        let store = try openStore(options.database, mustExist: true)
        let rows = try wrap { try store.trainingSteps(agent: agent) }
        let script = try? ScriptFiles.load(options.dialogues)
        var trainees = build(rows: rows, script: script)
        if let agent, trainees.isEmpty { trainees = [empty(agent, script: script)] }
        guard !trainees.isEmpty else { return "还没有任何演练记录。用 huashu rehearse 开始演练。\n" }
        var text = trainees.map(self.text).joined(separator: "\n")
        if script == nil { text += "（今天的脚本没能加载，只列出练过的内容；用 huashu lint 查看脚本问题）\n" }
        return TerminalText.visible(text, keeping: .lineBreaks)
    }

    /// Scores every rehearsal in the rows and adds them up by trainee.
    public static func build(rows: [TrainingStepRow], script: Script?) -> [Trainee] {
        var byAgent: [String: [[TrainingStepRow]]] = [:]
        var order: [String] = []
        for row in rows {
            if byAgent[row.agent] == nil { order.append(row.agent) }
            if let last = byAgent[row.agent]?.last?.last, last.callID == row.callID {
                byAgent[row.agent]![byAgent[row.agent]!.count - 1].append(row)
            } else {
                byAgent[row.agent, default: []].append([row])
            }
        }
        return order.sorted().map { agent in
            var trainee = empty(agent, script: script)
            for call in byAgent[agent] ?? [] {
                let score = self.score(call)
                trainee.rehearsals += 1
                for turn in score.turns {
                    trainee.turns += 1
                    if turn.rightFirstTime { trainee.rightFirstTime += 1 }
                    if case .objection(let handler) = turn.turn.intent {
                        count(&trainee.objections, handler, title: script?.nodes[handler]?.title ?? handler, right: turn.rightFirstTime)
                    }
                    count(&trainee.steps, turn.turn.node, title: stepTitle(turn.turn.node, script), right: turn.rightFirstTime)
                }
            }
            trainee.objections = ordered(trainee.objections)
            trainee.steps = ordered(trainee.steps)
            return trainee
        }
    }

    /// One rehearsal's log, scored: the customer's notes are its turns, every other input the trainee's steps.
    public static func score(_ call: [TrainingStepRow]) -> RehearsalScore {
        var score = RehearsalScore()
        var previous: String?
        let decoder = JSONDecoder()
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
            guard let json = row.input, let input = try? decoder.decode(CallInput.self, from: Data(json.utf8)) else { continue }
            let events = (try? decoder.decode([CallEvent].self, from: Data(row.events.utf8))) ?? []
            let refused = events.lazy.compactMap { event -> String? in
                if case .refused(let reason) = event { return reason } else { return nil }
            }.first
            _ = score.trainee(input, from: from, to: row.node, refused: refused, at: time)
            previous = row.node
        }
        return score
    }

    /// A trainee with nothing practised yet: every handler and every step where a customer speaks.
    static func empty(_ agent: String, script: Script?) -> Trainee {
        let objections = script?.objections.map { Entry(id: $0.id, title: $0.title ?? $0.id, times: 0, right: 0) } ?? []
        let steps = script.map { script in
            script.nodeOrder.compactMap { script.nodes[$0] }.filter { !$0.answers.isEmpty }
                .map { Entry(id: $0.id, title: stepTitle($0.id, script), times: 0, right: 0) }
        } ?? []
        return Trainee(agent: agent, rehearsals: 0, turns: 0, rightFirstTime: 0, objections: objections, steps: steps)
    }

    private static func count(_ entries: inout [Entry], _ id: String, title: String, right: Bool) {
        if let index = entries.firstIndex(where: { $0.id == id }) {
            entries[index].times += 1
            if right { entries[index].right += 1 }
        } else {
            entries.append(Entry(id: id, title: title, times: 1, right: right ? 1 : 0))
        }
    }

    /// Never practised first (in script order), then the weakest, then the least practised.
    private static func ordered(_ entries: [Entry]) -> [Entry] {
        let never = entries.filter { $0.times == 0 }
        let practised = entries.enumerated().filter { $0.element.times > 0 }.sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.rate != y.rate { return (x.rate ?? 0) < (y.rate ?? 0) }
            if x.times != y.times { return x.times < y.times }
            return a.offset < b.offset
        }.map(\.element)
        return never + practised
    }

    static func stepTitle(_ id: String, _ script: Script?) -> String {
        guard let node = script?.nodes[id] else { return "(今天的脚本里没有)" }
        return node.title ?? script?.stage(node.stageID)?.title ?? node.stageID
    }

    public static func text(_ trainee: Trainee) -> String {
        let overall = trainee.turns == 0 ? "" : " (\(Int((Double(trainee.rightFirstTime) * 100 / Double(trainee.turns)).rounded()))%)"
        var out = "学员 \(trainee.agent)：演练 \(trainee.rehearsals) 通，客户开口 \(trainee.turns) 次，一次答对 \(trainee.rightFirstTime) 次\(overall)\n"
        out += table(["异议处理", "遇到", "一次找对", "成功率"], trainee.objections)
        out += table(["步骤", "客户开口", "一次答对", "成功率"], trainee.steps)
        return out
    }

    private static func table(_ header: [String], _ entries: [Entry]) -> String {
        guard !entries.isEmpty else { return "  \(header[0])：没有\n" }
        let rows = entries.map { entry in
            ["\(entry.title) [\(entry.id)]", String(entry.times), entry.times == 0 ? "-" : String(entry.right),
             entry.rate.map { "\($0)%" } ?? "从未练过"]
        }
        return ReportTable.grid(header, rows, right: [1, 2]).joined(separator: "\n") + "\n"
    }
}

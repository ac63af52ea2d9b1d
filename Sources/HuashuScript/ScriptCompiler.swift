import HuashuText
/// What compiling a set of dialogue files gives: the script when it has no
/// errors, and every diagnostic found, sorted by place.
public struct CompileResult: Sendable {
    public let script: Script?
    public let diagnostics: [Diagnostic]

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
}

/// Turns dialogue files into a checked `Script`: parse, then one pass per
/// concern (names, targets, shape, reachability, endings).
public enum ScriptCompiler {
    public static func compile(_ sources: [SourceText]) -> CompileResult {
        var parser = Parser()
        var diagnostics: [Diagnostic] = []
        let ordered = sources.sorted { $0.name < $1.name }
        for source in ordered {
            switch source.lineRanges() {
            case .success(let lines): source.bytes.withUnsafeBufferPointer { parser.parse(file: source.name, bytes: $0, lines: lines) }
            case .failure(let diagnostic): diagnostics.append(diagnostic)
            }
        }
        diagnostics += parser.diagnostics
        if ordered.isEmpty {
            diagnostics.append(Diagnostic(.noScript, Wording(en: "no .huashu files to load", zh: "没有可以加载的 .huashu 文件"), at: SourceLocation(file: "", line: 0, column: 0)))
        }
        var checker = Checker(draft: parser.draft, version: ContentHash.of(sources))
        let script = checker.check()
        diagnostics += checker.diagnostics
        diagnostics.sort { $0.location < $1.location }
        let hasErrors = diagnostics.contains { $0.severity == .error }
        return CompileResult(script: hasErrors ? nil : script, diagnostics: diagnostics)
    }
}

/// The cross-reference passes over a parsed draft.
struct Checker {
    let draft: DraftScript
    let version: String
    /// Stages holding at least one objection handler: there `return` is allowed.
    let handlerStages: Set<Int>
    private(set) var diagnostics: [Diagnostic] = []

    init(draft: DraftScript, version: String) {
        self.draft = draft
        self.version = version
        handlerStages = Set(draft.nodes.filter { $0.objection != nil }.map(\.stageIndex))
    }

    private mutating func report(_ code: DiagnosticCode, _ message: Wording, at location: SourceLocation, hint: Wording? = nil) {
        diagnostics.append(Diagnostic(code, message, at: location, hint: hint))
    }

    mutating func check() -> Script? {
        let (order, position) = uniqueNodes()
        var nodes: [Node] = []
        nodes.reserveCapacity(order.count)
        var graph = NodeGraph()
        for at in order {
            nodes.append(resolve(at, position: position, edges: &graph))
            graph.closeNode()
        }
        checkShape(nodes)
        guard let start = draft.nodes.first(where: { $0.objection == nil }).map(\.id) else {
            if !draft.nodes.isEmpty || !draft.stages.isEmpty {
                report(.noOutcomeReachable, Wording(en: "the script has no node to start a call with", zh: "话术里没有可以开始通话的步骤"),
                       at: draft.stages.first?.location ?? SourceLocation(file: "", line: 0, column: 0),
                       hint: Wording(en: "add `node greet` under the first stage", zh: "在第一个阶段下面加 `node greet`"))
            }
            return nil
        }
        checkFlow(nodes, graph: graph, startAt: position[start]!)
        let stages = draft.stages.map { Stage(id: $0.id, title: $0.title, location: $0.location) }
        var byID: [String: Node] = [:]
        byID.reserveCapacity(nodes.count)
        for node in nodes { byID[node.id] = node }
        return Script(stages: stages, nodes: byID, nodeOrder: nodes.map(\.id), startNodeID: start, version: version)
    }

    /// Pass 1: every node ID names one node. Gives the first node of each ID
    /// (draft indices, in file order) and each ID's place in that list.
    private mutating func uniqueNodes() -> (order: [Int], position: [String: Int]) {
        var order: [Int] = []
        order.reserveCapacity(draft.nodes.count)
        var position: [String: Int] = [:]
        position.reserveCapacity(draft.nodes.count)
        for at in draft.nodes.indices {
            let id = draft.nodes[at].id
            if let first = position[id] {
                let firstLocation = draft.nodes[order[first]].location
                report(.duplicateID, Wording(en: "`\(id)` is already the ID of the step at \(firstLocation.file):\(firstLocation.line)",
                                        zh: "`\(id)` 已经是 \(firstLocation.file):\(firstLocation.line) 那个步骤的 ID"),
                       at: draft.nodes[at].location, hint: .renameOne)
            } else {
                position[id] = order.count
                order.append(at)
            }
        }
        return (order, position)
    }

    /// Pass 2: answer targets are looked up and answer IDs checked; an edge
    /// goes to the place (in `position`) of each node an answer leads to.
    /// Drafts, stages and answers are read in place, by index: a copy of one would retain each of its parts.
    private mutating func resolve(_ index: Int, position: [String: Int], edges graph: inout NodeGraph) -> Node {
        let nodeID = draft.nodes[index].id
        let stageIndex = draft.nodes[index].stageIndex
        let stageID = draft.stages[stageIndex].id
        let inHandlerStage = handlerStages.contains(stageIndex)
        let answers = draft.nodes[index].answers
        let firstPlace = draft.nodes[index].firstAnswerPlace
        for at in answers.indices {
            let place = draft.answerPlaces[firstPlace + at]
            func targetLocation() -> SourceLocation { place.target.location(onLineOf: answers[at].location) }
            let targetName: String
            switch answers[at].target {
            case .returnFromObjection:
                targetName = "return"
                if !inHandlerStage {
                    report(.returnOutsideHandler, Wording(en: "`return` outside an objection handler: `\(nodeID)` is in stage `\(stageID)`",
                                                         zh: "`return` 只能用在异议处理里，`\(nodeID)` 在阶段 `\(stageID)`"),
                           at: targetLocation(), hint: Wording(en: "lead the answer to a node, or move the node into the objection stage",
                                                               zh: "让回答通往一个步骤，或者把这个步骤移到异议处理阶段"))
                }
            case .node(let name):
                targetName = name
                if let to = position[name] {
                    graph.addEdge(to: to)
                } else {
                    let suggestion = Spelling.closest(to: name, among: position.keys.sorted())
                    report(.unknownTarget, Wording(en: "unknown target `\(name)`", zh: "没有 ID 为 `\(name)` 的步骤"), at: targetLocation(),
                           hint: .didYouMean(suggestion, else: Wording(en: "no node or objection has this ID", zh: "没有哪个 node 或 objection 叫这个 ID")))
                }
            }
            // Named (`@again`), a loop is meant: the customer asked to hear it again.
            if targetName == nodeID && answers[at].actions.isEmpty && place.explicitID == nil {
                report(.answerLoopsToItself, Wording(en: "the answer leads back to `\(nodeID)` itself and does nothing: the agent would see the same screen again",
                                                     zh: "这个回答回到 `\(nodeID)` 自己，也不做任何事：坐席会再看到同一屏"),
                       at: targetLocation(), hint: Wording(en: "lead it to a step that says something new; when repeating is meant, name the answer: `-> \(nodeID) @again`",
                                                           zh: "让它通往一个换个说法的步骤；确实要重说一遍时，给回答起名：`-> \(nodeID) @again`"))
            }
            // A node has a handful of answers: a look through them beats a dictionary per node.
            let answerID = answers[at].id
            if let first = answers[..<at].firstIndex(where: { $0.id == answerID }) {
                report(.duplicateAnswer, Wording(en: "a second answer of `\(nodeID)` has the ID `\(answerID)` (first at line \(answers[first].location.line))",
                                            zh: "`\(nodeID)` 的又一个回答的 ID 也是 `\(answerID)`（第一个在第 \(answers[first].location.line) 行）"),
                       at: place.explicitID?.location(onLineOf: answers[at].location) ?? targetLocation(),
                       hint: Wording(en: "give this answer its own name: `-> \(targetName) @another_name`",
                                     zh: "给这个回答起个自己的名字：`-> \(targetName) @another_name`"))
            }
        }
        let kind: Node.Kind = draft.nodes[index].objection.map { .objection(title: $0.title, keys: $0.keys) } ?? .step
        let title = draft.nodes[index].title
        let name = draft.nodes[index].objection?.title ?? (title.isEmpty ? untitledName(index) : title)
        return Node(id: nodeID, name: name, stageID: stageID, kind: kind, lines: draft.nodes[index].lines, gates: draft.nodes[index].gates,
                    actions: draft.nodes[index].actions, answers: answers, location: draft.nodes[index].location,
                    isInHandlerStage: inHandlerStage, cues: draft.nodes[index].cues)
    }

    /// A node written without a title is named after the handler it follows in the objection
    /// stage (`price_compare` after `objection price 价格高`), else after its stage.
    private func untitledName(_ index: Int) -> String {
        let stage = draft.nodes[index].stageIndex
        if handlerStages.contains(stage) {
            var at = index - 1
            while at >= 0, draft.nodes[at].stageIndex == stage {
                if let handler = draft.nodes[at].objection { return handler.title }
                at -= 1
            }
        }
        return draft.stages[stage].title
    }

    /// Pass 3: each node, stage and gate on its own.
    private mutating func checkShape(_ nodes: [Node]) {
        var filledStages = [Bool](repeating: false, count: draft.stages.count)
        for node in draft.nodes { filledStages[node.stageIndex] = true }
        for (stageIndex, stage) in draft.stages.enumerated() where !filledStages[stageIndex] {
            report(.emptyStage, Wording(en: "stage `\(stage.id)` has no nodes", zh: "阶段 `\(stage.id)` 里没有步骤"), at: stage.location,
                   hint: Wording(en: "add nodes under it or remove it", zh: "在下面加步骤，或者删掉它"))
        }
        var marked: Set<String> = [Gate.quoted, Gate.callbackBooked]
        for node in nodes {
            for case .mark(let flag) in node.actions { marked.insert(flag) }
            // Answers are read in place: a copy of one retains each of its parts.
            for at in node.answers.indices {
                for case .mark(let flag) in node.answers[at].actions { marked.insert(flag) }
            }
        }
        // Keys as the agent's search compares them: full-width folded, lower-cased.
        var keyOwners: [String: String] = [:]
        for node in nodes {
            let id = node.id
            for key in node.keys {
                let searched = InputNormalisation.foldFullWidth(key).lowercased()
                if let owner = keyOwners[searched], owner != id {
                    report(.sharedKey, Wording(en: "key `\(key)` of objection `\(id)` is also a key of `\(owner)`",
                                              zh: "异议处理 `\(id)` 的关键词 `\(key)` 也是 `\(owner)` 的关键词"), at: node.location,
                           hint: Wording(en: "keep `\(key)` in one handler; the agent's search cannot tell them apart",
                                         zh: "`\(key)` 只留在一个异议处理里；坐席搜索时分不清它们"))
                } else {
                    keyOwners[searched] = id
                }
            }
            for (text, location) in node.keys.map({ ($0, node.location) }) + node.cues.filter({ $0.weight > 0 }).map({ ($0.text, $0.location) })
            where SpokenFiller.isFiller(text) {
                report(.fillerCue, Wording(en: "`\(text)` of objection `\(id)` is only filler words, said in every sentence",
                                           zh: "异议处理 `\(id)` 的 `\(text)` 只是口头禅，客户每句话都会说"), at: location,
                       hint: Wording(en: "use words that carry the objection, or remove it", zh: "换成能说明异议的词，或者删掉"))
            }
            if node.answers.isEmpty && node.outcome == nil {
                report(.deadEnd, Wording(en: "`\(id)` has no answers and sets no outcome: the call would be stuck here",
                                    zh: "`\(id)` 没有回答，也没有结果：通话会卡在这里"), at: node.location,
                       hint: Wording(en: "add answers (`- TEXT -> TARGET`) or end the call with `do outcome ...`",
                                     zh: "加上回答（`- 客户的话 -> 下一步ID`），或者用 `do outcome ...` 结束通话"))
            }
            if node.isObjection && node.keys.isEmpty {
                report(.objectionWithoutKeys, Wording(en: "objection `\(id)` has no keys, so the agent cannot find it by the customer's words",
                                                 zh: "异议处理 `\(id)` 没有关键词，坐席输入客户的话找不到它"),
                       at: node.location, hint: Wording(en: "add `keys` with the words a customer says, e.g. `keys 贵, 便宜`",
                                                        zh: "加上 `keys`，写客户会说的词，例如 `keys 贵, 便宜`"))
            }
            for (placeholder, inAnswer) in node.callFilledUses {
                guard let flag = placeholder.flagWhenKnown, !node.gates.contains(where: { $0.flag == flag }),
                      inAnswer || !node.asks(for: placeholder) else { continue }
                let name = "{\(placeholder.rawValue)}"
                report(.callFilledUngated, Wording(en: "`\(id)` says \(name) but can be reached before the \(placeholder.rawValue) is known",
                                                   zh: "`\(id)` 会读出\(name)，但还不知道\(placeholder.chinese)时就能走到这里"),
                       at: node.location, hint: Wording(en: "add `need \(flag): REASON` under `node \(id)`",
                                                        zh: "在 `node \(id)` 下面加一行 `need \(flag): 原因`"))
            }
            for gate in node.gates where !marked.contains(gate.flag) {
                let suggestion = Spelling.closest(to: gate.flag, among: marked.sorted())
                report(.flagNeverMarked, Wording(en: "flag `\(gate.flag)` is never marked, so `\(id)` can never be entered",
                                            zh: "标记 `\(gate.flag)` 从来没有被设置，所以永远进不了 `\(id)`"), at: gate.location,
                       hint: .didYouMean(suggestion, else: Wording(en: "mark it on an earlier step with `do mark \(gate.flag)`",
                                                                   zh: "在前面的步骤用 `do mark \(gate.flag)` 设置它")))
            }
        }
    }

    /// Pass 4: every node can be reached, and every call can end.
    private mutating func checkFlow(_ nodes: [Node], graph: NodeGraph, startAt: Int) {
        var reached = [Bool](repeating: false, count: nodes.count)
        graph.spread(from: [startAt] + nodes.indices.filter { nodes[$0].isObjection }, into: &reached)
        for at in nodes.indices where !reached[at] {
            report(.unreachableNode, Wording(en: "`\(nodes[at].id)` can never be reached: no answer leads to it",
                                            zh: "永远到不了 `\(nodes[at].id)`：没有回答通往它"), at: nodes[at].location,
                   hint: Wording(en: "lead an answer to it with `-> \(nodes[at].id)`, or remove it",
                                 zh: "用 `-> \(nodes[at].id)` 让某个回答通往它，或者删掉它"))
        }

        let leadingHere = graph.reversed
        var canEnd = [Bool](repeating: false, count: nodes.count)
        leadingHere.spread(from: nodes.indices.filter { nodes[$0].outcome != nil }, into: &canEnd)
        guard canEnd[startAt] else {
            report(.noOutcomeReachable, Wording(en: "no path from `\(nodes[startAt].id)` reaches an outcome: no call can ever be finished",
                                               zh: "从 `\(nodes[startAt].id)` 出发走不到任何结果：没有一通电话能结束"), at: nodes[startAt].location,
                   hint: Wording(en: "end some path with a node that has `do outcome ...`", zh: "让某条路走到一个有 `do outcome ...` 的步骤"))
            return
        }
        let returning = nodes.indices.filter { nodes[$0].answers.contains { $0.target == .returnFromObjection } }
        // A handler goes back to the call through `return`, or on through a step outside the handlers that does not end it.
        var canResume = [Bool](repeating: false, count: nodes.count)
        leadingHere.spread(from: returning + nodes.indices.filter { !nodes[$0].isInHandlerStage && nodes[$0].outcome == nil }, into: &canResume)
        for at in nodes.indices where nodes[at].isObjection && !canResume[at] && canEnd[at] {
            report(.handlerNeverResumes, Wording(en: "every path from objection `\(nodes[at].id)` ends the call: none goes back with `return` or on with the call",
                                                 zh: "异议处理 `\(nodes[at].id)` 的每条路都会结束通话：没有一条用 `return` 回去，也没有一条继续通话"),
                   at: nodes[at].location, hint: Wording(en: "add an answer such as `- 好，你接着说 -> return`",
                                                         zh: "加一个回答，例如 `- 好，你接着说 -> return`"))
        }
        leadingHere.spread(from: returning, into: &canEnd)
        for at in nodes.indices where reached[at] && !canEnd[at] && !(nodes[at].answers.isEmpty && nodes[at].outcome == nil) {
            report(.noWayToEnd, Wording(en: "once the call reaches `\(nodes[at].id)`, no path leads to an outcome",
                                       zh: "通话一旦走到 `\(nodes[at].id)`，就再也走不到任何结果"), at: nodes[at].location,
                   hint: Wording(en: "give it an answer that leads towards an ending node", zh: "给它一个走向结束步骤的回答"))
        }
    }
}

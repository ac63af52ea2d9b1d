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
            diagnostics.append(Diagnostic(.noScript, "no .huashu files to load", at: SourceLocation(file: "", line: 0, column: 0)))
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

    private mutating func report(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String? = nil) {
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
                report(.noOutcomeReachable, "the script has no node to start a call with",
                       at: draft.stages.first?.location ?? SourceLocation(file: "", line: 0, column: 0), hint: "add `node greet` under the first stage")
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
                report(.duplicateID, "`\(id)` is already the ID of the step at \(firstLocation.file):\(firstLocation.line)",
                       at: draft.nodes[at].location, hint: "rename one of them")
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
                    report(.returnOutsideHandler, "`return` outside an objection handler: `\(nodeID)` is in stage `\(stageID)`",
                           at: targetLocation(), hint: "lead the answer to a node, or move the node into the objection stage")
                }
            case .node(let name):
                targetName = name
                if let to = position[name] {
                    graph.addEdge(to: to)
                } else {
                    let suggestion = Spelling.closest(to: name, among: position.keys.sorted())
                    report(.unknownTarget, "unknown target `\(name)`", at: targetLocation(),
                           hint: suggestion.map { "did you mean `\($0)`?" } ?? "no node or objection has this ID")
                }
            }
            // A node has a handful of answers: a look through them beats a dictionary per node.
            let answerID = answers[at].id
            if let first = answers[..<at].firstIndex(where: { $0.id == answerID }) {
                report(.duplicateAnswer, "a second answer of `\(nodeID)` has the ID `\(answerID)` (first at line \(answers[first].location.line))",
                       at: place.explicitID?.location(onLineOf: answers[at].location) ?? targetLocation(),
                       hint: "give this answer its own name: `-> \(targetName) @another_name`")
            }
        }
        let kind: Node.Kind = draft.nodes[index].objection.map { .objection(title: $0.title, keys: $0.keys) } ?? .step
        return Node(id: nodeID, stageID: stageID, kind: kind, lines: draft.nodes[index].lines, gates: draft.nodes[index].gates,
                    actions: draft.nodes[index].actions, answers: answers, location: draft.nodes[index].location,
                    isInHandlerStage: inHandlerStage)
    }

    /// Pass 3: each node, stage and gate on its own.
    private mutating func checkShape(_ nodes: [Node]) {
        var filledStages = [Bool](repeating: false, count: draft.stages.count)
        for node in draft.nodes { filledStages[node.stageIndex] = true }
        for (stageIndex, stage) in draft.stages.enumerated() where !filledStages[stageIndex] {
            report(.emptyStage, "stage `\(stage.id)` has no nodes", at: stage.location, hint: "add nodes under it or remove it")
        }
        var marked: Set<String> = ["quoted", Gate.callbackBooked]
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
                    report(.sharedKey, "key `\(key)` of objection `\(id)` is also a key of `\(owner)`", at: node.location,
                           hint: "keep `\(key)` in one handler; the agent's search cannot tell them apart")
                } else {
                    keyOwners[searched] = id
                }
            }
            if node.answers.isEmpty && node.outcome == nil {
                report(.deadEnd, "`\(id)` has no answers and sets no outcome: the call would be stuck here", at: node.location,
                       hint: "add answers (`- TEXT -> TARGET`) or end the call with `do outcome ...`")
            }
            if node.isObjection && node.keys.isEmpty {
                report(.objectionWithoutKeys, "objection `\(id)` has no keys, so the agent cannot find it by the customer's words",
                       at: node.location, hint: "add `keys` with the words a customer says, e.g. `keys 贵, 便宜`")
            }
            if node.usesCallback, !node.gates.contains(where: { $0.flag == Gate.callbackBooked }) {
                report(.callbackUngated, "`\(id)` says the booked callback time but can be reached before one is booked",
                       at: node.location, hint: "add `need \(Gate.callbackBooked): 先约好回访时间。` under `node \(id)`")
            }
            for gate in node.gates where !marked.contains(gate.flag) {
                let suggestion = Spelling.closest(to: gate.flag, among: marked.sorted())
                report(.flagNeverMarked, "flag `\(gate.flag)` is never marked, so `\(id)` can never be entered", at: gate.location,
                       hint: suggestion.map { "did you mean `\($0)`?" } ?? "mark it on an earlier step with `do mark \(gate.flag)`")
            }
        }
    }

    /// Pass 4: every node can be reached, and every call can end.
    private mutating func checkFlow(_ nodes: [Node], graph: NodeGraph, startAt: Int) {
        var reached = [Bool](repeating: false, count: nodes.count)
        graph.spread(from: [startAt] + nodes.indices.filter { nodes[$0].isObjection }, into: &reached)
        for at in nodes.indices where !reached[at] {
            report(.unreachableNode, "`\(nodes[at].id)` can never be reached: no answer leads to it", at: nodes[at].location,
                   hint: "lead an answer to it with `-> \(nodes[at].id)`, or remove it")
        }

        let leadingHere = graph.reversed
        var canEnd = [Bool](repeating: false, count: nodes.count)
        leadingHere.spread(from: nodes.indices.filter { nodes[$0].outcome != nil }, into: &canEnd)
        guard canEnd[startAt] else {
            report(.noOutcomeReachable, "no path from `\(nodes[startAt].id)` reaches an outcome: no call can ever be finished", at: nodes[startAt].location,
                   hint: "end some path with a node that has `do outcome ...`")
            return
        }
        let returning = nodes.indices.filter { nodes[$0].answers.contains { $0.target == .returnFromObjection } }
        leadingHere.spread(from: returning, into: &canEnd)
        for at in nodes.indices where reached[at] && !canEnd[at] && !(nodes[at].answers.isEmpty && nodes[at].outcome == nil) {
            report(.noWayToEnd, "once the call reaches `\(nodes[at].id)`, no path leads to an outcome", at: nodes[at].location,
                   hint: "give it an answer that leads towards an ending node")
        }
    }
}

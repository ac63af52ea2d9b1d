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
        let index = uniqueNodes()
        var nodes: [String: Node] = [:]
        nodes.reserveCapacity(draft.nodes.count)
        for draftNode in draft.nodes where index[draftNode.id] == draftNode.location {
            nodes[draftNode.id] = resolve(draftNode, known: index)
        }
        var listed: Set<String> = []
        listed.reserveCapacity(draft.nodes.count)
        let order = draft.nodes.map(\.id).filter { listed.insert($0).inserted }
        checkShape(nodes, order: order)
        guard let start = draft.nodes.first(where: { $0.objection == nil }).map(\.id) else {
            if !draft.nodes.isEmpty || !draft.stages.isEmpty {
                report(.noOutcomeReachable, "the script has no node to start a call with",
                       at: draft.stages.first?.location ?? SourceLocation(file: "", line: 0, column: 0), hint: "add `node greet` under the first stage")
            }
            return nil
        }
        checkFlow(nodes, order: order, start: start)
        let stages = draft.stages.map { Stage(id: $0.id, title: $0.title, location: $0.location) }
        return Script(stages: stages, nodes: nodes, nodeOrder: order, startNodeID: start, version: version)
    }

    /// Pass 1: every node ID names one node.
    private mutating func uniqueNodes() -> [String: SourceLocation] {
        var seen: [String: SourceLocation] = [:]
        seen.reserveCapacity(draft.nodes.count)
        for node in draft.nodes {
            if let first = seen[node.id] {
                report(.duplicateID, "`\(node.id)` is already the ID of the step at \(first.file):\(first.line)", at: node.location,
                       hint: "rename one of them")
            } else {
                seen[node.id] = node.location
            }
        }
        return seen
    }

    /// Pass 2: answers get their IDs and their targets are looked up.
    private mutating func resolve(_ draftNode: DraftNode, known: [String: SourceLocation]) -> Node {
        let stage = draft.stages[draftNode.stageIndex]
        let inHandlerStage = handlerStages.contains(draftNode.stageIndex)
        var answers: [Answer] = []
        var answerIDs: [String: SourceLocation] = [:]
        for answer in draftNode.answers {
            let target: Target
            if answer.targetName == "return" {
                target = .returnFromObjection
                if !inHandlerStage {
                    report(.returnOutsideHandler, "`return` outside an objection handler: `\(draftNode.id)` is in stage `\(stage.id)`",
                           at: answer.targetLocation, hint: "lead the answer to a node, or move the node into the objection stage")
                }
            } else {
                target = .node(answer.targetName)
                if known[answer.targetName] == nil {
                    let suggestion = Spelling.closest(to: answer.targetName, among: known.keys.sorted())
                    report(.unknownTarget, "unknown target `\(answer.targetName)`", at: answer.targetLocation,
                           hint: suggestion.map { "did you mean `\($0)`?" } ?? "no node or objection has this ID")
                }
            }
            let id = "\(draftNode.id)>" + (answer.explicitID.map { "@" + $0 } ?? answer.targetName)
            if let first = answerIDs[id] {
                report(.duplicateAnswer, "a second answer of `\(draftNode.id)` has the ID `\(id)` (first at line \(first.line))",
                       at: answer.explicitIDLocation ?? answer.targetLocation, hint: "give this answer its own name: `-> \(answer.targetName) @another_name`")
            } else {
                answerIDs[id] = answer.location
            }
            answers.append(Answer(id: id, condition: answer.condition, text: answer.text, target: target,
                                  actions: answer.actions, location: answer.location))
        }
        let kind: Node.Kind = draftNode.objection.map { .objection(title: $0.title, keys: $0.keys) } ?? .step
        return Node(id: draftNode.id, stageID: stage.id, kind: kind, lines: draftNode.lines, gates: draftNode.gates,
                    actions: draftNode.actions, answers: answers, location: draftNode.location, isInHandlerStage: inHandlerStage)
    }

    /// Pass 3: each node, stage and gate on its own.
    private mutating func checkShape(_ nodes: [String: Node], order: [String]) {
        let filledStages = Set(draft.nodes.map(\.stageIndex))
        for (stageIndex, stage) in draft.stages.enumerated() where !filledStages.contains(stageIndex) {
            report(.emptyStage, "stage `\(stage.id)` has no nodes", at: stage.location, hint: "add nodes under it or remove it")
        }
        var marked: Set<String> = ["quoted"]
        for node in nodes.values {
            for action in node.actions + node.answers.flatMap(\.actions) {
                if case .mark(let flag) = action { marked.insert(flag) }
            }
        }
        var keyOwners: [String: String] = [:]
        for id in order {
            guard let node = nodes[id] else { continue }
            for key in node.keys {
                if let owner = keyOwners[key], owner != id {
                    report(.sharedKey, "key `\(key)` of objection `\(id)` is also a key of `\(owner)`", at: node.location,
                           hint: "keep `\(key)` in one handler; the agent's search cannot tell them apart")
                } else {
                    keyOwners[key] = id
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
            for gate in node.gates where !marked.contains(gate.flag) {
                let suggestion = Spelling.closest(to: gate.flag, among: marked.sorted())
                report(.flagNeverMarked, "flag `\(gate.flag)` is never marked, so `\(id)` can never be entered", at: gate.location,
                       hint: suggestion.map { "did you mean `\($0)`?" } ?? "mark it on an earlier step with `do mark \(gate.flag)`")
            }
        }
    }

    /// Pass 4: every node can be reached, and every call can end.
    private mutating func checkFlow(_ nodes: [String: Node], order: [String], start: String) {
        // The graph over positions in `order`: integer arrays instead of string-keyed sets.
        let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element, $0.offset) })
        let graph = order.map { nodes[$0]! }
        var successors = [[Int]](repeating: [], count: order.count)
        var predecessors = [[Int]](repeating: [], count: order.count)
        for (from, node) in graph.enumerated() {
            for answer in node.answers {
                if case .node(let id) = answer.target, let to = position[id] {
                    successors[from].append(to)
                    predecessors[to].append(from)
                }
            }
        }
        func spread(from seeds: [Int], along edges: [[Int]], into marked: inout [Bool]) {
            var queue = seeds
            while let at = queue.popLast() {
                guard !marked[at] else { continue }
                marked[at] = true
                queue += edges[at].filter { !marked[$0] }
            }
        }
        var reached = [Bool](repeating: false, count: order.count)
        let startAt = position[start]!
        spread(from: [startAt] + graph.indices.filter { graph[$0].isObjection }, along: successors, into: &reached)
        for (at, node) in graph.enumerated() where !reached[at] {
            report(.unreachableNode, "`\(node.id)` can never be reached: no answer leads to it", at: node.location,
                   hint: "lead an answer to it with `-> \(node.id)`, or remove it")
        }

        var canEnd = [Bool](repeating: false, count: order.count)
        spread(from: graph.indices.filter { graph[$0].outcome != nil }, along: predecessors, into: &canEnd)
        guard canEnd[startAt] else {
            report(.noOutcomeReachable, "no path from `\(start)` reaches an outcome: no call can ever be finished", at: graph[startAt].location,
                   hint: "end some path with a node that has `do outcome ...`")
            return
        }
        let returning = graph.indices.filter { graph[$0].answers.contains { $0.target == .returnFromObjection } }
        spread(from: returning, along: predecessors, into: &canEnd)
        for (at, node) in graph.enumerated() where reached[at] && !canEnd[at] && !(node.answers.isEmpty && node.outcome == nil) {
            report(.noWayToEnd, "once the call reaches `\(node.id)`, no path leads to an outcome", at: node.location,
                   hint: "give it an answer that leads towards an ending node")
        }
    }

}

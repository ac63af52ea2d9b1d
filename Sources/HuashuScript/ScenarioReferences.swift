/// The scenario checks that need only the script: every step, answer and
/// handler a scenario names must exist. (Playing the scenario, and checking
/// that the customer's words find their handler, is done in the engine.)
public enum ScenarioReferences {
    public static func check(_ book: ScenarioBook, script: Script) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let handlers = script.objections.map(\.id)
        for scenario in book.scenarios {
            for reaction in scenario.reactions {
                guard let node = script.nodes[reaction.node] else {
                    let suggestion = Spelling.closest(to: reaction.node, among: script.nodeOrder)
                    diagnostics.append(Diagnostic(.scenarioUnknownNode, noStep(reaction.node), at: reaction.nodeLocation,
                                                  hint: .didYouMean(suggestion, else: Wording(en: "use a `node` or `objection` ID from the script",
                                                                                              zh: "用话术里 `node` 或 `objection` 的 ID"))))
                    continue
                }
                switch reaction.move {
                case .answer(let id):
                    if let problem = answerProblem(id, of: node) {
                        diagnostics.append(Diagnostic(.scenarioUnknownAnswer, problem.message, at: reaction.moveLocation, hint: problem.hint))
                    }
                case .objection(let handler):
                    if let problem = handlerProblem(handler, script: script, handlers: handlers) {
                        diagnostics.append(Diagnostic(.scenarioUnknownHandler, problem.message, at: reaction.moveLocation, hint: problem.hint))
                    }
                }
            }
            diagnostics += utteranceProblems(scenario.utterances, script: script, handlers: handlers)
        }
        diagnostics += utteranceProblems(book.shared, script: script, handlers: handlers)
        return diagnostics
    }

    /// The handler an utterance key names, or nil when it names an answer.
    public static func isAnswerKey(_ key: String) -> Bool { key.contains(">") }

    private static func utteranceProblems(_ utterances: [ScenarioUtterance], script: Script, handlers: [String]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var reported: Set<String> = []
        for utterance in utterances {
            let key = utterance.key
            if isAnswerKey(key) {
                let nodeID = String(key.prefix { $0 != ">" })
                let problem: (message: Wording, hint: Wording?)?
                if let node = script.nodes[nodeID] {
                    problem = answerProblem(key, of: node)
                } else {
                    let suggestion = Spelling.closest(to: nodeID, among: script.nodeOrder)
                    problem = (noStep(nodeID), suggestion.map { Wording.didYouMean("\($0)>…") })
                }
                if let problem, reported.insert(key).inserted {
                    diagnostics.append(Diagnostic(.scenarioUnknownAnswer, problem.message, at: utterance.keyLocation, hint: problem.hint))
                }
            } else if let problem = handlerProblem(key, script: script, handlers: handlers), reported.insert(key).inserted {
                diagnostics.append(Diagnostic(.scenarioUnknownHandler, problem.message, at: utterance.keyLocation, hint: problem.hint))
            }
        }
        return diagnostics
    }

    private static func noStep(_ id: String) -> Wording {
        Wording(en: "the script has no step `\(id)`", zh: "话术里没有步骤 `\(id)`")
    }

    private static func answerProblem(_ id: String, of node: Node) -> (message: Wording, hint: Wording?)? {
        let ids = node.answers.map(\.id)
        guard !ids.contains(id) else { return nil }
        let owner = String(id.prefix { $0 != ">" })
        if owner != node.id {
            return (Wording(en: "`\(id)` is an answer of `\(owner)`, not of `\(node.id)`", zh: "`\(id)` 是 `\(owner)` 的回答，不是 `\(node.id)` 的"),
                    Wording(en: "write the answer of `\(node.id)`, or just its target", zh: "写 `\(node.id)` 的回答，或者只写它的目标"))
        }
        guard !ids.isEmpty else {
            return (Wording(en: "`\(node.id)` has no answers: the call ends there", zh: "`\(node.id)` 没有回答：通话在那里结束"),
                    Wording(en: "give the reaction to an earlier step", zh: "把这个反应写给前面的步骤"))
        }
        let suggestion = Spelling.closest(to: id, among: ids)
        let listed = ids.map { "`\($0)`" }
        return (Wording(en: "`\(node.id)` has no answer `\(id)`", zh: "`\(node.id)` 没有回答 `\(id)`"),
                .didYouMean(suggestion, else: Wording(en: "its answers are " + listed.joined(separator: ", "), zh: "它的回答有：" + listed.joined(separator: "、"))))
    }

    private static func handlerProblem(_ id: String, script: Script, handlers: [String]) -> (message: Wording, hint: Wording?)? {
        if let node = script.nodes[id] {
            return node.isObjection ? nil : (Wording(en: "`\(id)` is a step, not an objection handler", zh: "`\(id)` 是普通步骤，不是异议处理"),
                                              Wording(en: "an objection names a handler from the objection stage", zh: "objection 后面写异议处理阶段里的 ID"))
        }
        let suggestion = Spelling.closest(to: id, among: handlers)
        return (Wording(en: "the script has no objection handler `\(id)`", zh: "话术里没有异议处理 `\(id)`"),
                .didYouMean(suggestion, else: Wording(en: "handlers: " + handlers.joined(separator: ", "), zh: "异议处理有：" + handlers.joined(separator: "、"))))
    }
}

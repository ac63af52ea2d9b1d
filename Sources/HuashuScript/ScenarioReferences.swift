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
                    diagnostics.append(Diagnostic(.scenarioUnknownNode, "the script has no step `\(reaction.node)`", at: reaction.nodeLocation,
                                                  hint: suggestion.map { "did you mean `\($0)`?" } ?? "use a `node` or `objection` ID from the script"))
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
                let problem: (message: String, hint: String?)?
                if let node = script.nodes[nodeID] {
                    problem = answerProblem(key, of: node)
                } else {
                    let suggestion = Spelling.closest(to: nodeID, among: script.nodeOrder)
                    problem = ("the script has no step `\(nodeID)`", suggestion.map { "did you mean `\($0)>…`?" })
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

    private static func answerProblem(_ id: String, of node: Node) -> (message: String, hint: String?)? {
        let ids = node.answers.map(\.id)
        guard !ids.contains(id) else { return nil }
        let owner = String(id.prefix { $0 != ">" })
        if owner != node.id {
            return ("`\(id)` is an answer of `\(owner)`, not of `\(node.id)`", "write the answer of `\(node.id)`, or just its target")
        }
        guard !ids.isEmpty else {
            return ("`\(node.id)` has no answers: the call ends there", "give the reaction to an earlier step")
        }
        let suggestion = Spelling.closest(to: id, among: ids)
        return ("`\(node.id)` has no answer `\(id)`",
                suggestion.map { "did you mean `\($0)`?" } ?? "its answers are " + ids.map { "`\($0)`" }.joined(separator: ", "))
    }

    private static func handlerProblem(_ id: String, script: Script, handlers: [String]) -> (message: String, hint: String?)? {
        if let node = script.nodes[id] {
            return node.isObjection ? nil : ("`\(id)` is a step, not an objection handler", "an objection names a handler from the objection stage")
        }
        let suggestion = Spelling.closest(to: id, among: handlers)
        return ("the script has no objection handler `\(id)`", suggestion.map { "did you mean `\($0)`?" } ?? "handlers: " + handlers.joined(separator: ", "))
    }
}

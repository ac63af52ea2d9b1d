import HuashuScript

/// A rehearsal played to the end by a trainee who always responds as the
/// script means: the scenario run as a test plan.
public struct ScenarioPlaythrough: Sendable {
    public let seed: UInt64
    public let turns: [CustomerTurn]
    /// Every step the call entered, in order, from the first.
    public let path: [String]
    public let final: CallState
    public let skipped: [SimulatedCustomer.Skip]
    /// How many sequence reactions were used (taken or passed over).
    public let sequenceUsed: Int
    /// The customer had nothing to say at a step before the call ended.
    public let stuckAt: String?
    /// The call went on past the step limit.
    public let stalled: Bool
}

/// `huashu lint` for scenario files: the file syntax, the names a scenario
/// uses, that the customer's words find the handler they mean, and that the
/// scenario, played against the script, goes where it says.
public enum ScenarioChecker {
    /// Seeds each scenario is played with; a weighted scenario may take other paths under others.
    public static let seeds: [UInt64] = [1, 2, 3, 4, 5]
    public static let maximumSteps = 300

    /// Parses the files and checks them; without a script (it has errors) only the files themselves are checked.
    public static func lint(_ sources: [SourceText], script: Script?) -> (book: ScenarioBook, diagnostics: [Diagnostic]) {
        let book = ScenarioParser.parse(sources)
        guard let script else { return (book, book.diagnostics) }
        return (book, (book.diagnostics + check(book, script: script)).sorted { $0.location < $1.location })
    }

    /// Every check that needs the script.
    public static func check(_ book: ScenarioBook, script: Script) -> [Diagnostic] {
        var diagnostics = ScenarioReferences.check(book, script: script)
        let finder = ObjectionFinder(script: script)
        let broken = Set(diagnostics.map { "\($0.location.file):\($0.location.line)" })
        diagnostics += wordProblems(book.shared, finder: finder, script: script)
        for scenario in book.scenarios {
            diagnostics += wordProblems(scenario.utterances, finder: finder, script: script)
            for reaction in scenario.reactions {
                guard case .objection(let handler) = reaction.move, script.nodes[handler]?.isObjection == true else { continue }
                if let words = reaction.words, let location = reaction.wordsLocation {
                    if let problem = rankProblem(words, handler: handler, finder: finder, script: script) {
                        diagnostics.append(Diagnostic(.scenarioWordsFindOtherHandler, problem.message, at: location, hint: problem.hint))
                    }
                } else if book.words(for: handler, in: scenario).isEmpty {
                    diagnostics.append(Diagnostic(.scenarioNoWords, Wording(en: "the customer raises `\(handler)` but no words are written for it",
                                                                          zh: "客户提出 `\(handler)`，却没有写客户的原话"),
                                                  at: reaction.moveLocation,
                                                  hint: Wording(en: "add `say WORDS` before `->`, or `says \(handler) WORDS` lines",
                                                                zh: "在 `->` 前加 `say 客户的话`，或者加几行 `says \(handler) 客户的话`")))
                }
            }
            // Playing a scenario whose names are wrong would only repeat those errors.
            if !scenario.reactions.contains(where: { broken.contains("\($0.location.file):\($0.location.line)") }) {
                diagnostics += playProblems(scenario, book: book, script: script)
            }
        }
        return diagnostics
    }

    /// Plays a scenario to the end with a trainee who always responds as the script means.
    public static func play(_ scenario: Scenario, book: ScenarioBook, script: Script, seed: UInt64,
                            maximumSteps: Int = maximumSteps) -> ScenarioPlaythrough {
        let engine = CallEngine(script: script, context: CallContext(customer: scenario.profile.facts(), agent: "演练", dealer: "本店"))
        var customer = SimulatedCustomer(scenario: scenario, book: book, engine: engine, seed: seed)
        var step = engine.start()
        var path = [step.state.node]
        var turns: [CustomerTurn] = []
        var stuckAt: String?
        var steps = 0
        while !step.state.hasEnded && steps < maximumSteps {
            steps += 1
            let input: CallInput
            if step.state.awaiting == .quote {
                input = .quote(scenario.profile.lastPremium ?? "5000")
            } else {
                guard let line = customer.speak(at: step.state, time: Double(steps)), let turn = line.turn else {
                    stuckAt = step.state.node
                    break
                }
                if line.isNew { turns.append(turn) }
                input = turn.input
            }
            let next = engine.step(step.state, input)
            customer.trainee(input, before: step.state, after: next, time: Double(steps))
            if next.events.contains(where: { if case .refused = $0 { return true } else { return false } }) {
                stuckAt = step.state.node
                break
            }
            for case .entered(let node, _) in next.events { path.append(node) }
            step = next
        }
        return ScenarioPlaythrough(seed: seed, turns: turns, path: path, final: step.state, skipped: customer.skipped,
                                   sequenceUsed: customer.cursor, stuckAt: stuckAt,
                                   stalled: !step.state.hasEnded && stuckAt == nil)
    }

    private static func playProblems(_ scenario: Scenario, book: ScenarioBook, script: Script) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var seen: Set<String> = []
        func add(_ code: DiagnosticCode, _ message: Wording, at location: SourceLocation, hint: Wording, seed: UInt64) {
            guard seen.insert("\(code.rawValue) \(location.line):\(location.column)").inserted else { return }
            let withSeed = scenario.weighted.isEmpty ? message
                : Wording(en: message.en + " (seed \(seed))", zh: message.zh + "（种子 \(seed)）")
            diagnostics.append(Diagnostic(code, withSeed, at: location, hint: hint))
        }
        for seed in seeds {
            let run = play(scenario, book: book, script: script, seed: seed)
            for skip in run.skipped {
                let reaction = scenario.sequence[skip.sequenceIndex]
                add(.scenarioOffTrack, Wording(en: "at `\(skip.node)` the script refuses this reaction: \(skip.reason)",
                                               zh: "在 `\(skip.node)`，话术不允许这个反应：\(skip.reason)"), at: reaction.location,
                    hint: Wording(en: "change the reaction, or the steps before it", zh: "改这个反应，或者改它前面的步骤"), seed: seed)
            }
            if run.sequenceUsed < scenario.sequence.count {
                let reaction = scenario.sequence[run.sequenceUsed]
                let went = summary(run, script: script)
                add(.scenarioOffTrack, Wording(en: "the rehearsal never gets to `at \(reaction.node)`: \(went.en)",
                                               zh: "演练永远走不到 `at \(reaction.node)`：\(went.zh)"),
                    at: reaction.nodeLocation, hint: Wording(en: "the script's steps or answers changed: follow the path and fix the reactions above",
                                                             zh: "话术的步骤或回答变了：顺着路径走一遍，改上面的反应"), seed: seed)
            }
            if let stuck = run.stuckAt, run.sequenceUsed >= scenario.sequence.count {
                add(.scenarioOffTrack, Wording(en: "the customer has nothing the script allows to say at `\(stuck)`",
                                               zh: "在 `\(stuck)`，客户没有话术允许的话可说"), at: scenario.location,
                    hint: Wording(en: "add a reaction for `\(stuck)`", zh: "给 `\(stuck)` 加一个反应"), seed: seed)
            }
            if run.stalled {
                let went = summary(run, script: script)
                add(.scenarioNeverEnds, Wording(en: "after \(maximumSteps) steps the rehearsal still has not ended: \(went.en)",
                                                zh: "走了 \(maximumSteps) 步，演练还没有结束：\(went.zh)"),
                    at: scenario.location, hint: Wording(en: "add a reaction that leads towards an ending", zh: "加一个走向结束的反应"), seed: seed)
            }
        }
        return diagnostics
    }

    /// `the call went … → quote → close_confirm → end_won and ended (成交)`.
    static func summary(_ run: ScenarioPlaythrough, script: Script) -> Wording {
        let shown = run.path.suffix(6).joined(separator: " → ")
        let trail = (run.path.count > 6 ? "… → " : "") + shown
        if let outcome = run.final.outcome {
            return Wording(en: "the call went \(trail) and ended (\(outcome.kind.rawValue))", zh: "通话走了 \(trail)，结束（\(outcome.kind.rawValue)）")
        }
        if let stuck = run.stuckAt {
            return Wording(en: "the call went \(trail) and the customer had nothing to say at `\(stuck)`",
                           zh: "通话走了 \(trail)，客户在 `\(stuck)` 无话可说")
        }
        return Wording(en: "the call went \(trail)", zh: "通话走了 \(trail)")
    }

    private static func wordProblems(_ utterances: [ScenarioUtterance], finder: ObjectionFinder, script: Script) -> [Diagnostic] {
        utterances.compactMap { utterance in
            guard !ScenarioReferences.isAnswerKey(utterance.key), script.nodes[utterance.key]?.isObjection == true,
                  let problem = rankProblem(utterance.text, handler: utterance.key, finder: finder, script: script) else { return nil }
            return Diagnostic(.scenarioWordsFindOtherHandler, problem.message, at: utterance.textLocation, hint: problem.hint)
        }
    }

    /// Typing the customer's words must rank the handler meant first.
    static func rankProblem(_ words: String, handler: String, finder: ObjectionFinder, script: Script) -> (message: Wording, hint: Wording)? {
        let ranked = finder.rank(words, limit: 3)
        guard ranked.first?.handlerID != handler else { return nil }
        let hint = Wording(en: "a trainee typing these words would not land in `\(handler)`: reword them, or add a key to `\(handler)`",
                           zh: "学员输入这句话找不到 `\(handler)`：换个说法，或者给 `\(handler)` 加关键词")
        guard let first = ranked.first else {
            return (Wording(en: "the customer's words `\(words)` find no handler at all", zh: "客户的话 `\(words)` 找不到任何异议处理"), hint)
        }
        return (Wording(en: "the customer's words `\(words)` find `\(first.handlerID)` (\(first.title)) first, not `\(handler)`",
                        zh: "客户的话 `\(words)` 排第一的是 `\(first.handlerID)`（\(first.title)），不是 `\(handler)`"), hint)
    }
}

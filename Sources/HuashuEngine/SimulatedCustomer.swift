import HuashuRenewal
import HuashuScript

/// The customer a rehearsal plays, as a pure value: given the screen, it
/// decides what the customer does, from the scenario and a seeded generator;
/// given the trainee's step, it judges whether the trainee understood. The
/// same seed and the same trainee inputs always give the same rehearsal.
///
/// At a step the customer takes, in this order: the scenario's next sequence
/// reaction if it is for this step; else a weighted reaction for this step
/// (each weighted objection at most once per call); else the step's first
/// answer. Moves the script would refuse here are passed over. Until the
/// trainee responds as the customer meant, the customer keeps to what was said.
public struct SimulatedCustomer: Sendable {
    /// What the customer says on a screen.
    public struct Line: Sendable, Equatable {
        public let text: String
        /// The turn this line is, or nil for a line that asks nothing (waiting for the quote).
        public let turn: CustomerTurn?
        /// True the first time the turn is said.
        public let isNew: Bool

        public init(text: String, turn: CustomerTurn?, isNew: Bool) {
            self.text = text
            self.turn = turn
            self.isNew = isNew
        }
    }

    /// A sequence reaction passed over because the script refused it.
    public struct Skip: Sendable, Equatable {
        public let sequenceIndex: Int
        public let node: String
        public let reason: String
    }

    public let scenario: Scenario
    public let engine: CallEngine
    private let book: ScenarioBook
    private var random: SplitMix64
    /// The next sequence reaction.
    public private(set) var cursor = 0
    private var usedWeighted: Set<Int> = []
    private var lastWords: [String: String] = [:]
    /// What the customer said and the trainee has not yet responded to.
    public private(set) var pending: CustomerTurn?
    /// The trainee's last step did not respond as the customer meant.
    public private(set) var insisting = false
    public private(set) var skipped: [Skip] = []
    public private(set) var score = RehearsalScore()

    public static let quotePrompt = "今年续保要多少钱？"

    public init(scenario: Scenario, book: ScenarioBook, engine: CallEngine, seed: UInt64) {
        self.scenario = scenario
        self.book = book
        self.engine = engine
        random = SplitMix64(seed: seed)
    }

    /// What the customer says on this screen: the same turn until the trainee
    /// responds to it, so drawing a screen twice changes nothing.
    public mutating func speak(at state: CallState, time: Double) -> Line? {
        guard !state.hasEnded else { return nil }
        if let pending {
            return Line(text: insisting ? Self.insist(pending.words) : pending.words, turn: pending, isNew: false)
        }
        if state.awaiting == .quote { return Line(text: Self.quotePrompt, turn: nil, isNew: false) }
        guard let turn = decide(state) else { return nil }
        pending = turn
        insisting = false
        score.customerSaid(turn, at: time)
        return Line(text: turn.words, turn: turn, isNew: true)
    }

    static func insist(_ words: String) -> String {
        "我刚才说的是：\(words)（上一步没对上，可以 .back 退回）"
    }

    /// Judges the trainee's step against what the customer said.
    @discardableResult
    public mutating func trainee(_ input: CallInput, before: CallState, after: CallStep, time: Double) -> RehearsalScore.Verdict {
        let refused = after.events.lazy.compactMap { event -> String? in
            if case .refused(let reason) = event { return reason } else { return nil }
        }.first
        let verdict = score.trainee(input, from: before.node, to: after.state.node, refused: refused, at: time)
        switch verdict {
        case .handled:
            pending = nil
            insisting = false
        case .mistake:
            insisting = pending != nil
        case .neutral:
            if input == .back { insisting = false }
        }
        return verdict
    }

    // MARK: Deciding

    private mutating func decide(_ state: CallState) -> CustomerTurn? {
        if state.awaiting == .callback {
            let slot = scenario.profile.callback.map { CallbackTime(daysAhead: $0.daysAhead, minute: $0.afternoon ? 15 * 60 : 10 * 60) }
                ?? CallbackTime.closedChoices[random.below(CallbackTime.closedChoices.count)]
            let phrases = ["\(slot.slotName)吧。", "\(slot.slotName)可以。", "那就\(slot.slotName)，到时候打给我。", "\(slot.slotName)我有空。"]
            return CustomerTurn(node: state.node, intent: .callback(slot), words: choose("回访", from: phrases), origin: .callback)
        }
        while cursor < scenario.sequence.count, scenario.sequence[cursor].node == state.node {
            let index = cursor
            cursor += 1
            let reaction = scenario.sequence[index]
            if let reason = refusal(reaction.move, state) {
                skipped.append(Skip(sequenceIndex: index, node: state.node, reason: reason))
                continue
            }
            return turn(reaction, origin: .sequence(index), state)
        }
        let candidates = scenario.weighted.indices.filter { index in
            scenario.weighted[index].node == state.node && !usedWeighted.contains(index)
                && refusal(scenario.weighted[index].move, state) == nil
        }
        if !candidates.isEmpty {
            let index = candidates[random.pick(weights: candidates.map { scenario.weighted[$0].weight ?? 1 })]
            if case .objection = scenario.weighted[index].move { usedWeighted.insert(index) }
            return turn(scenario.weighted[index], origin: .weighted(index), state)
        }
        for answer in engine.visibleAnswers(state) where refusal(.answer(answer.id), state) == nil {
            let words = say(answer.id, fallback: engine.fill(answer.text, state))
            return CustomerTurn(node: state.node, intent: .answer(answer.id), words: words, origin: .firstAnswer)
        }
        return nil
    }

    private mutating func turn(_ reaction: ScenarioReaction, origin: CustomerTurn.Origin, _ state: CallState) -> CustomerTurn {
        switch reaction.move {
        case .answer(let id):
            let fallback = engine.visibleAnswers(state).first { $0.id == id }.map { engine.fill($0.text, state) } ?? id
            return CustomerTurn(node: state.node, intent: .answer(id), words: reaction.words ?? say(id, fallback: fallback), origin: origin)
        case .objection(let handler):
            let node = engine.script.nodes[handler]
            let fallback = node?.keys.first ?? node?.title ?? handler
            return CustomerTurn(node: state.node, intent: .objection(handler), words: reaction.words ?? say(handler, fallback: fallback),
                                origin: origin)
        }
    }

    /// Why the script would refuse this move here, or nil when it is allowed.
    func refusal(_ move: ScenarioReaction.Move, _ state: CallState) -> String? {
        let input: CallInput
        switch move {
        case .answer(let id):
            guard let node = engine.script.nodes[state.node], node.answers.contains(where: { $0.id == id }) else {
                return "`\(state.node)` has no answer `\(id)`"
            }
            guard engine.visibleAnswers(state).contains(where: { $0.id == id }) else {
                return "the answer `\(id)` is not offered to this customer: its condition does not hold"
            }
            input = .answer(id)
        case .objection(let handler):
            input = .objection(handler)
        }
        for case .refused(let reason) in engine.step(state, input).events { return reason }
        return nil
    }

    /// One of the ways this customer says KEY, never the same twice running.
    private mutating func say(_ key: String, fallback: String) -> String {
        choose(key, from: book.words(for: key, in: scenario), fallback: fallback)
    }

    private mutating func choose(_ key: String, from pool: [String], fallback: String = "") -> String {
        guard !pool.isEmpty else { return fallback }
        let fresh = pool.count > 1 ? pool.filter { $0 != lastWords[key] } : pool
        let words = fresh.count == 1 ? fresh[0] : fresh[random.below(fresh.count)]
        lastWords[key] = words
        return words
    }
}

extension ScenarioProfile {
    /// What the script's conditions and placeholders know of this customer.
    public func facts(expiry: String? = nil) -> CustomerFacts {
        var values: [String: String] = [:]
        values["name"] = name
        values["honorific"] = honorific
        values["plate"] = plate
        values["model"] = model
        values["last_premium"] = lastPremium
        values["last_insurer"] = lastInsurer
        values["claims"] = claims.map(String.init)
        values["grade"] = grade?.rawValue
        values["type"] = type?.rawValue
        values["days"] = daysToExpiry.map(String.init)
        values["expiry"] = expiry
        values["compulsory_expiry"] = expiry
        return CustomerFacts(grade: grade, type: type, claims: claims, violations: violations, daysToExpiry: daysToExpiry, values: values)
    }
}

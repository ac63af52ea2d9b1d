import HuashuRenewal
import HuashuScript
import HuashuText

/// The call as a pure state machine over a checked script:
/// `(state, input) -> (state, events)`. No terminal, no database, no clock:
/// the same inputs always give the same states and events.
public struct CallEngine: Sendable {
    public let script: Script
    public let context: CallContext

    public init(script: Script, context: CallContext) {
        self.script = script
        self.context = context
    }

    /// The first step of a call.
    public func start() -> CallStep {
        var state = CallState(node: script.startNodeID)
        var events: [CallEvent] = []
        arrive(at: script.nodes[script.startNodeID]!, state: &state, events: &events)
        return CallStep(state: state, events: events)
    }

    public func step(_ state: CallState, _ input: CallInput) -> CallStep {
        if let outcome = state.outcome, !input.isAfterword, !(input == .back && outcome.kind.removesFromFutureCalls) {
            return refuse(state, "通话已结束,不能再继续。")
        }
        switch input {
        case .answer(let id): return answer(id, state)
        case .objection(let id): return raiseObjection(id, state)
        case .back: return stepBack(state)
        case .note(let text):
            let trimmed = text.trimmingSpaces
            return trimmed.isEmpty ? refuse(state, "备注是空的。") : CallStep(state: state, events: [.noteTaken(trimmed)])
        case .quote(let amount): return recordQuote(amount, state)
        case .callback(let slot):
            var next = state
            next.callback = slot
            if next.awaiting == .callback { next.awaiting = nil }
            var events: [CallEvent] = [.callbackBooked(slot)]
            if next.mark(Gate.callbackBooked) { events.append(.flagMarked(Gate.callbackBooked)) }
            return CallStep(state: next, events: events)
        case .end(let outcome, let lostTo):
            if outcome.kind == .lost && outcome.lossReason == nil { return refuse(state, "战败需要注明原因。") }
            var next = state
            next.outcome = outcome
            next.lostTo = lostTo
            next.awaiting = nil
            return CallStep(state: next, events: [.ended(outcome, lostTo: lostTo)])
        case .fact(let fact, let typed):
            switch fact.checked(typed) {
            case .failure(let error): return refuse(state, error.description)
            case .success(let value):
                var next = state
                next.record(fact, value)
                return CallStep(state: next, events: [.factRecorded(fact, value)])
            }
        }
    }

    /// The answers the customer can give at this node for this customer, in order.
    public func visibleAnswers(_ state: CallState) -> [Answer] {
        guard let node = script.nodes[state.node] else { return [] }
        return node.answers.filter { holds($0.condition) }
    }

    // MARK: Moves

    private func answer(_ id: String, _ state: CallState) -> CallStep {
        guard let answer = visibleAnswers(state).first(where: { $0.id == id }) else {
            return refuse(state, "这一步没有这个选项。")
        }
        var next = state
        var events: [CallEvent] = [.answered(answer: answer.id)]
        next.awaiting = nil
        apply(answer.actions, to: &next, events: &events)
        switch answer.target {
        case .returnFromObjection:
            guard let back = next.detours.popLast() else { return refuse(state, "没有可返回的步骤:这不是从别处跳来的异议。") }
            next.remember(state)
            next.node = back
            events += [.returned(to: back, from: state.node), .entered(node: back, stage: stageID(of: back))]
            return CallStep(state: next, events: events)
        case .node(let target):
            guard let node = script.nodes[target] else { return refuse(state, "脚本里没有 \(target)。") }
            if let reason = missingGate(node, next) { return refuse(state, reason) }
            if !node.isInHandlerStage && !next.detours.isEmpty {
                events.append(.leftDetours(count: next.detours.count))
                next.detours.removeAll()
            }
            next.remember(state)
            arrive(at: node, state: &next, events: &events)
            return CallStep(state: next, events: events)
        }
    }

    private func raiseObjection(_ id: String, _ state: CallState) -> CallStep {
        guard let handler = script.nodes[id], handler.isObjection else { return refuse(state, "没有叫 \(id) 的异议处理。") }
        if let reason = missingGate(handler, state) { return refuse(state, reason) }
        var next = state
        next.remember(state)
        next.detours.append(state.node)
        next.objectionsRaised.append(id)
        next.awaiting = nil
        var events: [CallEvent] = [.objectionRaised(handler: id, from: state.node)]
        arrive(at: handler, state: &next, events: &events)
        return CallStep(state: next, events: events)
    }

    private func stepBack(_ state: CallState) -> CallStep {
        guard let frame = state.trail.last else { return refuse(state, "已经是第一步了。") }
        var next = state
        next.trail.removeLast()
        next.node = frame.node
        next.detours = frame.detours
        next.awaiting = nil
        // Stepping back from an ending that removes the customer (勿扰) undoes it: the call is open again.
        var events: [CallEvent] = []
        if let outcome = state.outcome {
            next.outcome = nil
            next.lostTo = nil
            events.append(.reopened(outcome))
        }
        return CallStep(state: next, events: events + [.steppedBack(to: frame.node), .entered(node: frame.node, stage: stageID(of: frame.node))])
    }

    private func recordQuote(_ typed: String, _ state: CallState) -> CallStep {
        guard let amount = Premium.digits(typed) else {
            return refuse(state, "报价金额要写数字,例如 4860 或 4860.50。")
        }
        var next = state
        next.quote = amount
        if next.awaiting == .quote { next.awaiting = nil }
        var events: [CallEvent] = [.quoteRecorded(amount)]
        if next.mark("quoted") { events.append(.flagMarked("quoted")) }
        return CallStep(state: next, events: events)
    }

    // MARK: Arriving at a node

    private func arrive(at node: Node, state: inout CallState, events: inout [CallEvent]) {
        state.node = node.id
        events.append(.entered(node: node.id, stage: node.stageID))
        apply(node.actions, to: &state, events: &events)
    }

    private func apply(_ actions: [Action], to state: inout CallState, events: inout [CallEvent]) {
        for action in actions {
            switch action {
            case .mark(let flag):
                if state.mark(flag) { events.append(.flagMarked(flag)) }
            case .quote:
                state.awaiting = .quote
                events.append(.awaiting(.quote))
            case .callback:
                state.awaiting = .callback
                events.append(.awaiting(.callback))
            case .record(let fact, let value):
                state.record(fact, value)
                events.append(.factRecorded(fact, value))
            case .outcome(let outcome):
                state.outcome = outcome
                state.awaiting = nil
                events.append(.ended(outcome, lostTo: nil))
            }
        }
    }

    private func missingGate(_ node: Node, _ state: CallState) -> String? {
        node.gates.first { !state.flags.contains($0.flag) }?.reason
    }

    private func refuse(_ state: CallState, _ reason: String) -> CallStep {
        CallStep(state: state, events: [.refused(reason: reason)])
    }

    func stageID(of node: String) -> String {
        script.nodes[node]?.stageID ?? ""
    }

    // MARK: Conditions

    func holds(_ condition: Condition?) -> Bool {
        guard let condition else { return true }
        return condition.clauses.allSatisfy(holds)
    }

    private func holds(_ clause: Clause) -> Bool {
        let customer = context.customer
        switch clause.field {
        case .grade: return compare(customer.grade?.rawValue, clause)
        case .type: return compare(customer.type?.rawValue, clause)
        case .claims: return compare(customer.claims, clause)
        case .days: return compare(customer.daysToExpiry, clause)
        case .violations: return compare(customer.violations, clause)
        }
    }

    private func compare(_ value: String?, _ clause: Clause) -> Bool {
        guard let value else { return false }
        return clause.op == .equal ? clause.values.contains(value) : !clause.values.contains(value)
    }

    private func compare(_ value: Int?, _ clause: Clause) -> Bool {
        guard let value, let bound = clause.values.first.flatMap({ Int($0) }) else { return false }
        switch clause.op {
        case .equal: return value == bound
        case .notEqual: return value != bound
        case .less: return value < bound
        case .lessOrEqual: return value <= bound
        case .greater: return value > bound
        case .greaterOrEqual: return value >= bound
        }
    }
}

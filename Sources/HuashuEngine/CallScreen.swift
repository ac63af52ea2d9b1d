import HuashuRenewal
import HuashuScript

/// What the agent sees for the current step, with the customer's data filled
/// in: built from a state by the engine, drawn by the terminal.
public struct CallScreen: Sendable, Equatable {
    public struct Choice: Sendable, Equatable {
        public let number: Int
        public let answerID: String
        public let text: String
    }

    public let nodeID: String
    public let stageTitle: String
    /// The handler's title when the step is an objection handler.
    public let objectionTitle: String?
    public let says: [String]
    public let tips: [String]
    public let choices: [Choice]
    public let awaiting: Awaiting?
    /// How many objections deep the call is: 0 on the main path.
    public let detourDepth: Int
    public let outcome: Outcome?
}

extension CallEngine {
    public func screen(_ state: CallState) -> CallScreen {
        let node = script.nodes[state.node]
        // A line with a value the call has not yet filled waits for it: the checker allows that only on the step that asks for it.
        let lines = (node?.lines ?? []).filter { holds($0.condition) && isKnown($0.template, state) }
        let choices = visibleAnswers(state).enumerated().map { offset, answer in
            CallScreen.Choice(number: offset + 1, answerID: answer.id, text: fill(answer.text, state))
        }
        return CallScreen(
            nodeID: state.node,
            stageTitle: node.flatMap { script.stage($0.stageID)?.title } ?? "",
            objectionTitle: node?.title,
            says: lines.filter { $0.kind == .say }.map { fill($0.template, state) },
            tips: lines.filter { $0.kind == .tip }.map { fill($0.template, state) },
            choices: choices,
            awaiting: state.awaiting,
            detourDepth: state.detours.count,
            outcome: state.outcome)
    }

    /// Text with placeholders filled; a missing value shows as a visible marker.
    public func fill(_ template: Template, _ state: CallState) -> String {
        // Most lines have nothing to fill in: the script's own text is shared, not copied.
        if template.segments.count == 1, case .text(let piece) = template.segments[0] { return piece }
        var text = ""
        for segment in template.segments {
            switch segment {
            case .text(let piece): text += piece
            case .placeholder(let placeholder): text += value(of: placeholder, state) ?? "【缺:\(placeholder.chinese)】"
            }
        }
        return text
    }

    private func isKnown(_ template: Template, _ state: CallState) -> Bool {
        template.segments.allSatisfy { segment in
            guard case .placeholder(let placeholder) = segment, placeholder.flagWhenKnown != nil else { return true }
            return value(of: placeholder, state) != nil
        }
    }

    private func value(of placeholder: Placeholder, _ state: CallState) -> String? {
        let found: String?
        switch placeholder {
        case .agent: found = context.agent
        case .dealer: found = context.dealer
        case .quote: found = state.quote
        case .callback: found = state.callback?.chinese(from: context.callDay)
        // Gender unknown: the full name alone is a polite, neutral address (张伟, not 张伟【缺:称呼】).
        case .honorific: return context.customer.values[placeholder.rawValue] ?? ""
        default: found = context.customer.values[placeholder.rawValue]
        }
        // An empty honorific is deliberate (a company's contact whose form of address is unknown).
        guard let found, !found.isEmpty || placeholder == .honorific else { return nil }
        return found
    }
}

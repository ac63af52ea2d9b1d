import HuashuRenewal
import HuashuScript

/// What the simulated customer does on one screen: gives one of the step's
/// answers, raises an objection, or names a callback time, in words.
public struct CustomerTurn: Sendable, Equatable {
    public enum Intent: Sendable, Equatable, Hashable {
        /// One of the step's answers, by its ID.
        case answer(String)
        /// An objection, by the handler meant.
        case objection(String)
        /// The time the customer picks when the agent asks when to call back.
        case callback(CallbackTime)
    }

    /// Where the customer's choice came from.
    public enum Origin: Sendable, Equatable {
        case sequence(Int)
        case weighted(Int)
        /// Nothing in the scenario for this step: the step's first answer.
        case firstAnswer
        case callback
        /// Read back from a call log.
        case logged
    }

    /// The step the call was at when the customer said it.
    public let node: String
    public let intent: Intent
    public let words: String
    public let origin: Origin

    public init(node: String, intent: Intent, words: String, origin: Origin) {
        self.node = node
        self.intent = intent
        self.words = words
        self.origin = origin
    }

    /// What a trainee types to respond as the script means.
    public var input: CallInput {
        switch intent {
        case .answer(let id): return .answer(id)
        case .objection(let handler): return .objection(handler)
        case .callback(let slot): return .callback(slot)
        }
    }

    public var isObjection: Bool { if case .objection = intent { return true } else { return false } }

    /// The turn as a note in the call log: `客户[异议:price] 太贵了`. A
    /// replay shows both sides of the rehearsal; coverage reads it back.
    public var note: String {
        let tag: String
        switch intent {
        case .answer(let id): tag = "答:" + id
        case .objection(let handler): tag = "异议:" + handler
        case .callback(let slot): tag = "回访:" + slot.slotName
        }
        return "\(Self.notePrefix)\(tag)] \(words)"
    }

    public static let notePrefix = "客户["

    /// A turn read back from its note; nil for any other note.
    public init?(note: String, node: String) {
        guard note.hasPrefix(Self.notePrefix), let close = note.firstIndex(of: "]") else { return nil }
        let tag = note[note.index(note.startIndex, offsetBy: Self.notePrefix.count)..<close]
        let words = String(note[note.index(after: close)...].drop { $0 == " " })
        guard let colon = tag.firstIndex(of: ":") else { return nil }
        let kind = tag[tag.startIndex..<colon]
        let value = String(tag[tag.index(after: colon)...])
        switch kind {
        case "答": self.init(node: node, intent: .answer(value), words: words, origin: .logged)
        case "异议": self.init(node: node, intent: .objection(value), words: words, origin: .logged)
        case "回访":
            guard let slot = CallbackTime.closedChoices.first(where: { $0.slotName == value }) else { return nil }
            self.init(node: node, intent: .callback(slot), words: words, origin: .logged)
        default: return nil
        }
    }
}

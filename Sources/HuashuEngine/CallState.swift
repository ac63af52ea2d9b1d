import HuashuCalendar
import HuashuRenewal
import HuashuScript

/// What the script's conditions and placeholders may know about the customer.
/// Built by the caller from the ledger; the engine never reads a database.
public struct CustomerFacts: Sendable, Codable, Equatable {
    public var grade: CustomerGrade?
    public var type: CustomerType?
    public var claims: Int?
    public var violations: Int?
    public var daysToExpiry: Int?
    /// Display text for each placeholder, keyed by `Placeholder.rawValue`.
    public var values: [String: String]

    public init(grade: CustomerGrade? = nil, type: CustomerType? = nil, claims: Int? = nil, violations: Int? = nil,
                daysToExpiry: Int? = nil, values: [String: String] = [:]) {
        self.grade = grade
        self.type = type
        self.claims = claims
        self.violations = violations
        self.daysToExpiry = daysToExpiry
        self.values = values
    }
}

/// Everything fixed for the length of one call.
public struct CallContext: Sendable, Codable, Equatable {
    public var customer: CustomerFacts
    public var agent: String
    public var dealer: String
    /// The local day the call started: callbacks are counted from it. Nil in calls logged before it was kept.
    public var callDay: LedgerDate?

    public init(customer: CustomerFacts, agent: String, dealer: String, callDay: LedgerDate? = nil) {
        self.customer = customer
        self.agent = agent
        self.dealer = dealer
        self.callDay = callDay
    }
}

/// A recorded fact and its value, in the state's list.
public struct CallFactValue: Sendable, Codable, Equatable {
    public var fact: CallFact
    public var value: String

    public init(fact: CallFact, value: String) {
        self.fact = fact
        self.value = value
    }
}

/// An input the node asked for when the call arrived: the quoted premium or a callback time.
public enum Awaiting: String, Sendable, Codable, Equatable {
    case quote, callback
}

/// Where the call was, for one back-step.
public struct Frame: Sendable, Codable, Equatable {
    public var node: String
    public var detours: [String]

    /// Enough back-steps for any real call, and a state that stays small to log.
    static let kept = 10
}

/// The whole state of a call. Serialisable, so a cut-off call resumes from
/// the last logged state, and equal inputs always give equal states.
public struct CallState: Sendable, Codable, Equatable {
    public var node: String
    /// Nodes to go back to when a handler says `return`, innermost last.
    public var detours: [String] = []
    /// Flags marked so far, sorted so the serialised state is stable.
    public private(set) var flags: [String] = []
    public var quote: String?
    public var callback: CallbackTime?
    public var awaiting: Awaiting?
    public var outcome: Outcome?
    public var lostTo: String?
    /// Where `back` returns to, newest last; only the last `Frame.kept` are kept.
    public var trail: [Frame] = []
    /// Objection handlers entered in this call, in order, repeats included.
    public var objectionsRaised: [String] = []
    /// Facts recorded, one value per fact (the latest), in the order first recorded.
    public var facts: [CallFactValue] = []

    public init(node: String) {
        self.node = node
    }

    public var hasEnded: Bool { outcome != nil }

    public func fact(_ fact: CallFact) -> String? {
        facts.first { $0.fact == fact }?.value
    }

    /// The facts the ending still lacks (`OutcomeKind.factsAskedAtEnd`); a loss ended with its
    /// insurer (`.end lost price 平安`) has its destination.
    public var factsMissingAtEnd: [CallFact] {
        (outcome?.kind.factsAskedAtEnd ?? []).filter { fact($0) == nil && !($0 == .destination && lostTo != nil) }
    }

    /// Keeps the latest value of a fact; a destination is also where a lost customer went.
    mutating func record(_ fact: CallFact, _ value: String) {
        if let index = facts.firstIndex(where: { $0.fact == fact }) {
            facts[index].value = value
        } else {
            facts.append(CallFactValue(fact: fact, value: value))
        }
        if fact == .destination { lostTo = value }
    }

    /// Older logged states have no facts: decoded as none.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        node = try values.decode(String.self, forKey: .node)
        detours = try values.decode([String].self, forKey: .detours)
        flags = try values.decode([String].self, forKey: .flags)
        quote = try values.decodeIfPresent(String.self, forKey: .quote)
        callback = try values.decodeIfPresent(CallbackTime.self, forKey: .callback)
        awaiting = try values.decodeIfPresent(Awaiting.self, forKey: .awaiting)
        outcome = try values.decodeIfPresent(Outcome.self, forKey: .outcome)
        lostTo = try values.decodeIfPresent(String.self, forKey: .lostTo)
        trail = try values.decode([Frame].self, forKey: .trail)
        objectionsRaised = try values.decode([String].self, forKey: .objectionsRaised)
        facts = try values.decodeIfPresent([CallFactValue].self, forKey: .facts) ?? []
    }

    /// Records where the call was before a move, for `back`.
    mutating func remember(_ before: CallState) {
        trail.append(Frame(node: before.node, detours: before.detours))
        if trail.count > Frame.kept { trail.removeFirst(trail.count - Frame.kept) }
    }

    /// Marks a flag; false when it was already marked.
    @discardableResult
    public mutating func mark(_ flag: String) -> Bool {
        guard !flags.contains(flag) else { return false }
        flags.append(flag)
        flags.sort()
        return true
    }
}

/// What the agent does: the engine's only input.
public enum CallInput: Sendable, Codable, Equatable {
    case answer(String)
    case objection(String)
    case back
    case note(String)
    case quote(String)
    case callback(CallbackTime)
    case end(Outcome, lostTo: String?)
    case fact(CallFact, String)

    /// Notes and facts may still be added once the call has ended: the goodbye is said before they are typed.
    public var isAfterword: Bool {
        switch self {
        case .note, .fact: return true
        default: return false
        }
    }
}

/// What happened, in order: what the store records and the screen reports.
public enum CallEvent: Sendable, Codable, Equatable {
    case entered(node: String, stage: String)
    case answered(answer: String)
    case objectionRaised(handler: String, from: String)
    case returned(to: String, from: String)
    case leftDetours(count: Int)
    case steppedBack(to: String)
    case refused(reason: String)
    case flagMarked(String)
    case noteTaken(String)
    case quoteRecorded(String)
    case callbackBooked(CallbackTime)
    case awaiting(Awaiting)
    case ended(Outcome, lostTo: String?)
    /// The ending was taken back with `back` before the call was closed.
    case reopened(Outcome)
    case factRecorded(CallFact, String)
}

/// The result of one engine step.
public struct CallStep: Sendable, Equatable {
    public var state: CallState
    public var events: [CallEvent]

    public init(state: CallState, events: [CallEvent]) {
        self.state = state
        self.events = events
    }
}

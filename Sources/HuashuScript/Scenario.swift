import HuashuText

/// A rehearsal scenario (`.scenario` file): the made-up customer a trainee
/// calls, and how that customer reacts. Built by `ScenarioParser`; checked
/// against a script by `ScenarioReferences` and, in the engine, by playing it.
public struct Scenario: Sendable {
    public let id: String
    public let title: String
    /// Where the `scenario` line names the ID.
    public let location: SourceLocation
    public var profile: ScenarioProfile
    /// Reactions taken in order, each when the call is at its step.
    public var sequence: [ScenarioReaction]
    /// Reactions drawn by weight at a step the sequence has nothing for.
    public var weighted: [ScenarioReaction]
    /// How this customer says things, by handler ID or answer ID.
    public var utterances: [ScenarioUtterance]

    public init(id: String, title: String, location: SourceLocation, profile: ScenarioProfile = ScenarioProfile(),
                sequence: [ScenarioReaction] = [], weighted: [ScenarioReaction] = [], utterances: [ScenarioUtterance] = []) {
        self.id = id
        self.title = title
        self.location = location
        self.profile = profile
        self.sequence = sequence
        self.weighted = weighted
        self.utterances = utterances
    }

    /// Every reaction, sequence first.
    public var reactions: [ScenarioReaction] { sequence + weighted }
}

/// The customer's ledger row, as far as a rehearsal needs it.
public struct ScenarioProfile: Sendable, Equatable {
    public var name: String?
    public var honorific: String?
    public var plate: String?
    public var grade: CustomerGrade?
    public var type: CustomerType?
    public var claims: Int?
    public var violations: Int?
    /// Days from today to the commercial cover's expiry; negative when already lapsed.
    public var daysToExpiry: Int?
    public var model: String?
    public var lastPremium: String?
    public var lastInsurer: String?
    /// The callback time this customer asks for; drawn at random when nil.
    public var callback: ScenarioCallback?

    public init() {}
}

/// 明天/后天, 上午/下午: the four answers to the agent's closed question.
public struct ScenarioCallback: Sendable, Equatable {
    public let daysAhead: Int
    public let afternoon: Bool

    public init(daysAhead: Int, afternoon: Bool) {
        self.daysAhead = daysAhead
        self.afternoon = afternoon
    }

    /// `明天上午`, `后天下午`, …; nil for anything else.
    public init?(chinese: String) {
        let text = chinese.trimmingSpaces
        let days: Int
        if text.hasPrefix("明天") { days = 1 } else if text.hasPrefix("后天") { days = 2 } else { return nil }
        switch text.dropFirst(2) {
        case "上午": self.init(daysAhead: days, afternoon: false)
        case "下午": self.init(daysAhead: days, afternoon: true)
        default: return nil
        }
    }
}

/// What the customer does at a step: gives one of the step's answers, or
/// raises an objection in words.
public struct ScenarioReaction: Sendable, Equatable {
    public enum Move: Sendable, Equatable, Hashable {
        /// A full answer ID, `node>target` or `node>@name`.
        case answer(String)
        /// An objection handler's ID.
        case objection(String)
    }

    public let node: String
    public let nodeLocation: SourceLocation
    /// The customer's exact words, when the line gives them.
    public let words: String?
    public let wordsLocation: SourceLocation?
    public let move: Move
    public let moveLocation: SourceLocation
    /// The weight of a weighted reaction; nil in the sequence.
    public let weight: Int?
    /// The whole line.
    public let location: SourceLocation

    public init(node: String, nodeLocation: SourceLocation, words: String?, wordsLocation: SourceLocation?, move: Move,
                moveLocation: SourceLocation, weight: Int?, location: SourceLocation) {
        self.node = node
        self.nodeLocation = nodeLocation
        self.words = words
        self.wordsLocation = wordsLocation
        self.move = move
        self.moveLocation = moveLocation
        self.weight = weight
        self.location = location
    }
}

/// `says KEY WORDS`: one way the customer says an objection (KEY is a handler
/// ID) or an answer (KEY is an answer ID).
public struct ScenarioUtterance: Sendable, Equatable {
    public let key: String
    public let text: String
    public let keyLocation: SourceLocation
    public let textLocation: SourceLocation

    public init(key: String, text: String, keyLocation: SourceLocation, textLocation: SourceLocation) {
        self.key = key
        self.text = text
        self.keyLocation = keyLocation
        self.textLocation = textLocation
    }
}

/// Every scenario file loaded together: the scenarios, the words they share,
/// and what was wrong with the files.
public struct ScenarioBook: Sendable {
    public let scenarios: [Scenario]
    /// `says` lines written before any `scenario` line: every scenario may use them.
    public let shared: [ScenarioUtterance]
    public let diagnostics: [Diagnostic]

    public init(scenarios: [Scenario], shared: [ScenarioUtterance], diagnostics: [Diagnostic]) {
        self.scenarios = scenarios
        self.shared = shared
        self.diagnostics = diagnostics
    }

    public func scenario(_ id: String) -> Scenario? { scenarios.first { $0.id == id } }

    /// The ways this customer says KEY: the scenario's own lines if it has any for KEY, else the shared ones.
    public func words(for key: String, in scenario: Scenario) -> [String] {
        let own = scenario.utterances.filter { $0.key == key }.map(\.text)
        return own.isEmpty ? shared.filter { $0.key == key }.map(\.text) : own
    }
}

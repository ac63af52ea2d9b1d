import HuashuRenewal

/// A loaded, checked call script: what the engine walks. Built only by
/// `ScriptCompiler`, so every target, placeholder and condition in it is valid.
public struct Script: Sendable {
    public let stages: [Stage]
    public let nodes: [String: Node]
    /// Node IDs in file order.
    public let nodeOrder: [String]
    public let startNodeID: String
    /// A content hash of every file's name and bytes: the script version a call ran.
    public let version: String

    public var objections: [Node] { nodeOrder.compactMap { nodes[$0] }.filter(\.isObjection) }

    public func stage(_ id: String) -> Stage? { stages.first { $0.id == id } }
}

public struct Stage: Sendable, Equatable {
    public let id: String
    public let title: String
    public let location: SourceLocation
}

/// One step of a call: what the agent says and what the customer may answer.
/// A class: nodes are only read once built, and a script holds thousands of
/// them, so handing one around should cost a reference, not a copy of every part.
public final class Node: Sendable {
    public enum Kind: Sendable, Equatable {
        case step
        case objection(title: String, keys: [String])
    }

    public let id: String
    /// What agents and trainees see instead of the ID: the title written after
    /// the ID (`node quote 报价`, `objection price 价格高`), else the stage's title.
    public let name: String
    public let stageID: String
    public let kind: Kind
    public let lines: [ScriptLine]
    public let gates: [Gate]
    public let actions: [Action]
    public let answers: [Answer]
    public let location: SourceLocation
    /// True when the node sits in a stage holding objection handlers, where `return` is allowed.
    public let isInHandlerStage: Bool
    /// Weighted words that steer the search towards (or, negative, away from) this handler.
    public let cues: [Cue]

    init(id: String, name: String, stageID: String, kind: Kind, lines: [ScriptLine], gates: [Gate], actions: [Action], answers: [Answer],
         location: SourceLocation, isInHandlerStage: Bool, cues: [Cue] = []) {
        self.id = id
        self.name = name
        self.stageID = stageID
        self.kind = kind
        self.lines = lines
        self.gates = gates
        self.actions = actions
        self.answers = answers
        self.location = location
        self.isInHandlerStage = isInHandlerStage
        self.cues = cues
    }

    public var isObjection: Bool { if case .objection = kind { return true } else { return false } }

    public var title: String? { if case .objection(let title, _) = kind { return title } else { return nil } }

    public var keys: [String] { if case .objection(_, let keys) = kind { return keys } else { return [] } }

    /// Values known only once the call has asked for them (`{quote}`, `{callback}`) that this node's
    /// lines or answers would read aloud, with where: the checker proves none is read before it is known.
    public var callFilledUses: [(placeholder: Placeholder, inAnswer: Bool)] {
        func uses(_ template: Template) -> [Placeholder] {
            template.segments.compactMap { if case .placeholder(let p) = $0, p.flagWhenKnown != nil { return p } else { return nil } }
        }
        let inLines = Set(lines.flatMap { uses($0.template) }).map { (placeholder: $0, inAnswer: false) }
        let inAnswers = Set(answers.flatMap { uses($0.text) }).map { (placeholder: $0, inAnswer: true) }
        return (inLines + inAnswers).sorted { ($0.placeholder.rawValue, $0.inAnswer ? 1 : 0) < ($1.placeholder.rawValue, $1.inAnswer ? 1 : 0) }
    }

    /// Whether this node itself asks for the value (`do quote`, `do callback`): its lines wait for the answer.
    public func asks(for placeholder: Placeholder) -> Bool {
        actions.contains { action in
            switch (action, placeholder) {
            case (.quote, .quote), (.callback, .callback): return true
            default: return false
            }
        }
    }

    /// The outcome this node sets on arrival, if it ends the call.
    public var outcome: Outcome? {
        for case .outcome(let outcome) in actions { return outcome }
        return nil
    }
}

/// `cue 3 别再打了, 不要再打`: words a customer says, with how strongly they
/// point to the handler; a negative weight says the words point away from it
/// (`cue -4 办完了` under 别再打了: someone who has renewed is not refusing).
public struct Cue: Sendable, Equatable {
    public let text: String
    public let weight: Int
    public let location: SourceLocation

    /// Weights a trainer may write: -9 to 9, never 0. A key counts as weight 1.
    public static let weights = -9...9
}

public struct ScriptLine: Sendable {
    public enum Kind: String, Sendable { case say, tip }
    public let kind: Kind
    public let condition: Condition?
    public let template: Template
}

/// A customer's possible answer. Its `id` (`node>target` or `node>@name`) is
/// stable across rewording, so logs and reports can name it.
public struct Answer: Sendable {
    public let id: String
    public let condition: Condition?
    public let text: Template
    public let target: Target
    public let actions: [Action]
    public let location: SourceLocation
}

public enum Target: Sendable, Equatable {
    case node(String)
    case returnFromObjection
}

/// `need FLAG: REASON`: the node is refused until FLAG is marked.
public struct Gate: Sendable {
    public let flag: String
    public let reason: String
    public let location: SourceLocation

    /// The flag the engine marks when a callback is booked: a step that says `{callback}` needs it.
    public static let callbackBooked = "callback_booked"
    /// The flag the engine marks when the premium is typed: a step that says `{quote}` needs it.
    public static let quoted = "quoted"
}

public enum Action: Sendable, Equatable {
    case mark(String)
    case quote
    case callback
    /// A fact of the outcome the customer's answer states (`record payment 链接`), checked when the script is read.
    case record(CallFact, String)
    case outcome(Outcome)
}

/// The result of a call: what the supervisor's reports count.
public struct Outcome: Sendable, Equatable, Hashable, Codable {
    public let kind: OutcomeKind
    public let lossReason: LossReason?

    public init(_ kind: OutcomeKind, lossReason: LossReason? = nil) {
        self.kind = kind
        self.lossReason = kind == .lost ? lossReason : nil
    }
}

/// Text with `{placeholders}` to be filled from the customer and the call.
public struct Template: Sendable, Equatable {
    public enum Segment: Sendable, Equatable {
        case text(String)
        case placeholder(Placeholder)
    }

    public let segments: [Segment]

    /// The text with placeholders written back as `{name}`.
    public var source: String {
        segments.map { segment in
            switch segment {
            case .text(let text): return text
            case .placeholder(let p): return "{\(p.rawValue)}"
            }
        }.joined()
    }
}

/// The values a script may fill in; the checker rejects any other name.
public enum Placeholder: String, Sendable, CaseIterable {
    case name, honorific, plate, model, phone, expiry
    case compulsoryExpiry = "compulsory_expiry"
    case days
    case lastPremium = "last_premium"
    case lastInsurer = "last_insurer"
    case claims, grade, type, agent, dealer, quote, callback

    /// For a value the call fills in, the flag that says it is known; nil for the customer's data.
    public var flagWhenKnown: String? {
        switch self {
        case .quote: return Gate.quoted
        case .callback: return Gate.callbackBooked
        default: return nil
        }
    }

    /// How a missing value is named in the visible marker.
    public var chinese: String {
        switch self {
        case .name: return "姓名"
        case .honorific: return "称呼"
        case .plate: return "车牌"
        case .model: return "车型"
        case .phone: return "电话"
        case .expiry: return "到期日"
        case .compulsoryExpiry: return "交强险到期日"
        case .days: return "剩余天数"
        case .lastPremium: return "上年保费"
        case .lastInsurer: return "上年承保公司"
        case .claims: return "出险次数"
        case .grade: return "客户等级"
        case .type: return "客户类型"
        case .agent: return "顾问"
        case .dealer: return "门店"
        case .quote: return "报价"
        case .callback: return "回访时间"
        }
    }
}

/// `[grade=A|B, claims>=1]`: every clause must hold.
public struct Condition: Sendable, Equatable {
    public let clauses: [Clause]
}

public struct Clause: Sendable, Equatable {
    public enum Field: String, Sendable, CaseIterable {
        case grade, type, claims, days, violations
        var isNumeric: Bool { self == .claims || self == .days || self == .violations }
    }

    public enum Operator: String, Sendable, CaseIterable {
        case equal = "=", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    }

    public let field: Field
    public let op: Operator
    /// Alternatives joined by `|`; numeric fields hold one number.
    public let values: [String]
}

public enum CustomerGrade: String, Sendable, CaseIterable, Codable {
    case a = "A", b = "B", c = "C", d = "D"
}

public enum CustomerType: String, Sendable, CaseIterable, Codable {
    case priceSensitive = "价格敏感型"
    case serviceSensitive = "服务敏感型"
    case indifferent = "无所谓型"
}

/// The dialogue language's version: raised when a script written for this
/// build would not load in an older one.
public enum ScriptFormat {
    public static let version = 1
}

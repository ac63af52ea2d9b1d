/// How a call ended, in the words the script's `outcome` lines and the reports use.
public enum OutcomeKind: String, Sendable, CaseIterable, Codable {
    case won, committed, callback, thinking, lost
    case noAnswer = "no_answer"
    case wrongNumber = "wrong_number"
    case refused
    case doNotCall = "do_not_call"

    public var chinese: String {
        switch self {
        case .won: return "成交"
        case .committed: return "已承诺未付款"
        case .callback: return "约回访"
        case .thinking: return "考虑中"
        case .lost: return "战败"
        case .noAnswer: return "未接通"
        case .wrongNumber: return "号码错误"
        case .refused: return "拒绝"
        case .doNotCall: return "勿扰"
        }
    }

    /// The customer is taken off every future call list (勿扰): the one outcome
    /// that must never be reached by a slip, and that a supervisor can lift.
    public var removesFromFutureCalls: Bool { self == .doNotCall }

    /// Settles the customer's renewal season (`RenewalSeason`): nobody calls them again about it.
    public var isFinal: Bool { OutcomeKind.final.contains(self) }

    /// The facts an ending of this kind is incomplete without, asked for before the call closes
    /// when the agent has not recorded them: where a lost customer went; what a sale covers, how
    /// it is paid and how the policy reaches the customer.
    public var factsAskedAtEnd: [CallFact] {
        switch self {
        case .lost: return [.destination]
        case .won: return [.covers, .payment, .delivery]
        default: return []
        }
    }

    /// The outcomes that settle a season, for queries that filter on them.
    public static let final: [OutcomeKind] = [.won, .lost, .doNotCall, .wrongNumber]
}

public enum LossReason: String, Sendable, CaseIterable, Codable {
    case price, service, telesales, friend
    case compulsoryOnly = "compulsory_only"
    case unreachable, sold, moved, other

    public var chinese: String {
        switch self {
        case .price: return "价格"
        case .service: return "服务"
        case .telesales: return "电销"
        case .friend: return "朋友/代理"
        case .compulsoryOnly: return "只投交强险"
        case .unreachable: return "联系不上"
        case .sold: return "车已卖/报废"
        case .moved: return "迁出"
        case .other: return "其他"
        }
    }
}

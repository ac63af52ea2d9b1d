/// The pay band a target achievement falls in (DOMAIN.md, KPIs): yuan per policy.
public enum PayBand: Equatable, Sendable {
    case full, ninety, eighty, sixty, below

    public init(achievement: Double) {
        switch achievement {
        case 1...: self = .full
        case 0.9..<1: self = .ninety
        case 0.8..<0.9: self = .eighty
        case 0.6..<0.8: self = .sixty
        default: self = .below
        }
    }

    public var label: String {
        switch self {
        case .full: return "≥100%"
        case .ninety: return "90-100%"
        case .eighty: return "80-90%"
        case .sixty: return "60-80%"
        case .below: return "<60%"
        }
    }

    public var perPolicy: Int {
        switch self {
        case .full: return 50
        case .ninety: return 35
        case .eighty: return 30
        case .sixty: return 20
        case .below: return 0
        }
    }
}

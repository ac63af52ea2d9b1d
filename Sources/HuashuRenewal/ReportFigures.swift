/// The monthly report's figures as functions over plain values (DOMAIN.md,
/// "KPIs" and "Supervisors' reports"): the store runs the queries and hands the
/// rows in, every output format lays out what these return.
public enum ReportFigures {
    /// A due customer not called for this many days (or with a follow-up overdue) is uncontrolled.
    public static let quietDays = 3

    /// `part / whole`, nil when there is nothing to divide by.
    public static func ratio(_ part: Int, _ whole: Int) -> Double? {
        whole > 0 ? Double(part) / Double(whole) : nil
    }

    /// How many times each label occurs, most first, then by label.
    public static func counted(_ labels: [String]) -> [LabelCount] {
        var counts: [String: Int] = [:]
        for label in labels { counts[label, default: 0] += 1 }
        return counts.map { LabelCount(label: $0.key, count: $0.value) }.sorted { ($0.count, $1.label) > ($1.count, $0.label) }
    }

    /// No final outcome yet, and nobody called in the quiet window or a booked follow-up is overdue.
    public static func isUncontrolled(hasFinalOutcome: Bool, calledRecently: Bool, followUpOverdue: Bool) -> Bool {
        !hasFinalOutcome && (!calledRecently || followUpOverdue)
    }

    /// The policy's end (`yyyy-MM-dd`) is before the report's day and it was not renewed.
    public static func isLapsed(expiry: String, today: String, won: Bool) -> Bool {
        expiry < today && !won
    }

    /// Follow-ups done on their day, of those done or missed (the ones not yet due do not count).
    public static func onTimeRate(onTime: Int, late: Int, missed: Int) -> Double? {
        ratio(onTime, onTime + late + missed)
    }
}

public struct LabelCount: Sendable, Equatable {
    public let label: String
    public let count: Int

    public init(label: String, count: Int) {
        self.label = label
        self.count = count
    }
}

/// The pay band a target achievement falls in (DOMAIN.md, KPIs): yuan per policy.
public enum PayBand: Sendable, Equatable {
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

/// An agent's month against their target: achievement, band and pay.
public struct AgentPay: Sendable, Equatable {
    public let won: Int
    public let target: Int?

    public init(won: Int, target: Int?) {
        self.won = won
        self.target = target
    }

    /// Won ÷ target; nil without a target, or with a target of 0.
    public var achievement: Double? { target.flatMap { ReportFigures.ratio(won, $0) } }
    public var band: PayBand? { achievement.map(PayBand.init(achievement:)) }
    public var pay: Int? { band.map { $0.perPolicy * won } }
}

/// A rate with the count behind it and its Wilson 95% interval.
public struct WinRate: Sendable, Equatable {
    public let won: Int
    public let total: Int

    public init(won: Int, total: Int) {
        self.won = won
        self.total = total
    }

    public var rate: Double? { ReportFigures.ratio(won, total) }

    /// Wilson score interval, z = 1.96; nil with no calls.
    public var interval: (low: Double, high: Double)? {
        guard total > 0 else { return nil }
        let n = Double(total), p = Double(won) / n, z = 1.959964
        let denominator = 1 + z * z / n
        let centre = (p + z * z / (2 * n)) / denominator
        let half = z * ((p * (1 - p) / n + z * z / (4 * n * n)).squareRoot()) / denominator
        // At 0 or all won the bound is exactly 0 or 1; rounding would leave it a hair inside and the rate outside its interval.
        return (won == 0 ? 0 : max(0, centre - half), won == total ? 1 : min(1, centre + half))
    }
}

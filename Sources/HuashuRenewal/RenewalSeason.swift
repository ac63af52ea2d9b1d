import HuashuCalendar

/// One customer's renewal season: from 180 days before the expiry date. An
/// outcome from an earlier season (last year's win) says nothing about this
/// one, for the queue and the monthly report alike.
public enum RenewalSeason {
    public static let days = 180

    /// The season's first day for a policy expiring on `expiry`.
    public static func start(expiry: LedgerDate) -> LedgerDate { expiry.adding(days: -days) }

    /// The season's start as SQLite's `date(expiry, ?)` modifier, bound as a parameter.
    public static var sqliteModifier: String { "-\(days) days" }

    /// The outcomes that settle a season (`OutcomeKind.isFinal`) as a JSON array, bound for `json_each`.
    public static var finalOutcomesJSON: String {
        "[" + OutcomeKind.final.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]"
    }
}

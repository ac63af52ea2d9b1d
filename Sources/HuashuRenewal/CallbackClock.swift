import HuashuCalendar

/// How a callback names its day: `12月6日(周日)`.
extension LedgerDate {
    /// `周一` … `周日`.
    public var weekdayName: String { "周" + ["一", "二", "三", "四", "五", "六", "日"][weekday] }

    /// `12月6日(周日)`.
    public var chinese: String { "\(month)月\(day)日(\(weekdayName))" }
}

/// The moment a callback is asked for: the local day and minute of the call.
public struct CallbackClock: Sendable, Equatable {
    public let today: LedgerDate
    /// Minutes after local midnight.
    public let minute: Int

    public init(today: LedgerDate, minute: Int) {
        self.today = today
        self.minute = minute
    }
}

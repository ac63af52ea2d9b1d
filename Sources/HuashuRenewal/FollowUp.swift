import HuashuCalendar

/// A follow-up a call leaves behind: a booked callback, a "thinking"
/// customer to chase, a payment to collect. `due` is local time, `yyyy-MM-dd HH:mm`.
public struct FollowUpPlan: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case callback, thinking, payment
        /// After a loss: did the customer insure elsewhere before the old policy ended (脱保核查)?
        case lapseCheck = "lapse_check"

        /// As the queue and report name it.
        public var chinese: String {
            switch self {
            case .callback: return "预约回访"
            case .thinking: return "考虑中跟进"
            case .payment: return "催缴保费"
            case .lapseCheck: return "脱保核查"
            }
        }
    }
    public let kind: Kind
    public let due: String

    public init(kind: Kind, due: String) {
        self.kind = kind
        self.due = due
    }
}

/// When a call's outcome leaves work for later: a booked callback at its time,
/// a thinking customer chased within 3 days, a committed payment collected next
/// day (one: booking it closes any still open), and after a loss a lapse check
/// (脱保核查) the day after the old policy ends, 10:00.
public enum FollowUpRule {
    /// What a call step did that may leave work for later, in the order it happened.
    public enum Event: Sendable, Equatable {
        case callbackBooked(CallbackTime)
        case ended(OutcomeKind)
    }

    /// The follow-ups a step books. `callbackBooked`: the call already holds a booked
    /// callback, which a thinking or callback outcome then needs no second one for;
    /// `daysToExpiry` counts from `callDay`, the local day the call started.
    public static func plans(for events: [Event], callbackBooked: Bool, callDay: LedgerDate, daysToExpiry: Int?) -> [FollowUpPlan] {
        let morning = 10 * 60
        func due(_ daysAhead: Int, _ minute: Int) -> String {
            callDay.adding(days: daysAhead).description + " " + CallbackTime(daysAhead: daysAhead, minute: minute).clock
        }
        return events.compactMap { event in
            switch event {
            case .callbackBooked(let time): FollowUpPlan(kind: .callback, due: due(time.daysAhead, time.minute))
            case .ended(.committed): FollowUpPlan(kind: .payment, due: due(1, morning))
            case .ended(.thinking) where !callbackBooked: FollowUpPlan(kind: .thinking, due: due(2, morning))
            case .ended(.callback) where !callbackBooked: FollowUpPlan(kind: .callback, due: due(1, morning))
            case .ended(.lost): FollowUpPlan(kind: .lapseCheck, due: due(max((daysToExpiry ?? 0) + 1, 1), morning))
            case .ended: nil
            }
        }
    }
}

import HuashuCalendar

/// A callback booked in a call: a day counted from the call's own day, a local
/// time, and whether the customer said "from then on" (`以后`). Counting from
/// the call's day keeps the engine free of clocks; the store turns it into a
/// local `yyyy-MM-dd HH:mm` with the call's start.
public struct CallbackTime: Sendable, Hashable, Codable {
    public var daysAhead: Int
    /// Minutes after local midnight.
    public var minute: Int
    public var after: Bool

    public init(daysAhead: Int, minute: Int, after: Bool = false) {
        self.daysAhead = daysAhead
        self.minute = minute
        self.after = after
    }

    /// The four slots offered when the customer has named no time: tomorrow or
    /// the day after, 10:00 or 15:00 (上午 or 下午).
    public static let closedChoices: [CallbackTime] = [1, 2].flatMap { day in
        [10 * 60, 15 * 60].map { CallbackTime(daysAhead: day, minute: $0) }
    }

    /// The same time counted from a day `days` earlier.
    public func later(by days: Int) -> CallbackTime {
        CallbackTime(daysAhead: daysAhead + days, minute: minute, after: after)
    }

    /// `16:00`, `09:30`.
    public var clock: String { CallbackTime.clock(minute) }

    static func clock(_ minute: Int) -> String {
        let (hour, rest) = (minute / 60, minute % 60)
        return (hour < 10 ? "0" : "") + String(hour) + (rest < 10 ? ":0" : ":") + String(rest)
    }

    /// `12月6日(周日) 16:00 以后` from the call's day; without it, `明天 16:00 以后`.
    public func chinese(from callDay: LedgerDate?) -> String {
        let day = callDay.map { $0.adding(days: daysAhead).chinese } ?? relativeDay
        return day + " " + clock + (after ? " 以后" : "")
    }

    /// `明天下午`: a slot of the closed question as offered and as a rehearsal's customer asks for it.
    public var slotName: String {
        let part = minute < 12 * 60 ? "上午" : minute < 13 * 60 ? "中午" : minute < 18 * 60 ? "下午" : "晚上"
        return relativeDay + part
    }

    /// `今天`, `明天`, `后天`, `3天后`: the day counted from the call's own.
    public var relativeDay: String {
        switch daysAhead {
        case 0: return "今天"
        case 1: return "明天"
        case 2: return "后天"
        default: return "\(daysAhead)天后"
        }
    }

    private enum CodingKeys: String, CodingKey { case daysAhead, minute, after, halfDay }

    /// Calls logged before exact times named only a half day: 上午 was due at 10:00, 下午 at 15:00.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        daysAhead = try values.decode(Int.self, forKey: .daysAhead)
        if let minute = try values.decodeIfPresent(Int.self, forKey: .minute) {
            self.minute = minute
        } else {
            minute = try values.decode(String.self, forKey: .halfDay) == "morning" ? 10 * 60 : 15 * 60
        }
        after = try values.decodeIfPresent(Bool.self, forKey: .after) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var values = encoder.container(keyedBy: CodingKeys.self)
        try values.encode(daysAhead, forKey: .daysAhead)
        try values.encode(minute, forKey: .minute)
        try values.encode(after, forKey: .after)
    }
}

/// What a customer's words resolved to, and the closed question that fits them.
public struct CallbackReading: Sendable, Equatable {
    public let time: CallbackTime
    /// Two concrete slots near what was said, for an agent who asks "X or Y?".
    public let choices: [CallbackTime]

    public init(time: CallbackTime, choices: [CallbackTime]) {
        self.time = time
        self.choices = choices
    }

    /// The same reading counted from a day `days` earlier.
    public func later(by days: Int) -> CallbackReading {
        CallbackReading(time: time.later(by: days), choices: choices.map { $0.later(by: days) })
    }
}

/// Why a spoken time cannot be booked, in words an agent can act on.
public struct CallbackRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        case empty
        /// The part of the words that could not be read.
        case unreadable(String)
        /// Nothing in the words names a day or a time (they may be an objection instead).
        case noTime(String)
        /// A day that does not exist, as written: `2月30日`.
        case noSuchDay(String)
        /// Already gone: the time it resolved to.
        case past(String)
        /// Past the policy's last day, which is given.
        case afterExpiry(String)
        /// Outside the hours customers are called (08:00-21:00): the time it resolved to.
        case outsideHours(String)
    }

    public let reason: Reason

    public var description: String {
        switch reason {
        case .empty:
            return "没写回访时间。例如: 今天四点以后、周日下午、下周一上午十点、月底前、过两天、12-13 16:00"
        case .unreadable(let part), .noTime(let part):
            return "看不懂「\(part)」。可以这样写: 今天四点以后、周日下午、下周一上午十点、月底前、过两天、12-13 16:00"
        case .noSuchDay(let day): return "没有\(day)这一天。"
        case .past(let time): return "\(time) 已经过去了,请约以后的时间。"
        case .afterExpiry(let lastDay): return "保单 \(lastDay) 到期,回访要约在到期之前(含当天)。"
        case .outsideHours(let time): return "\(time) 不在可以打电话的时间(08:00-21:00)。"
        }
    }
}

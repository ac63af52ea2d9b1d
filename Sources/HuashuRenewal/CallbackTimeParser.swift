import HuashuCalendar
import HuashuText

/// Reads a callback time as a customer says it (`今天四点以后`, `周日下午`,
/// `下周一上午十点`, `月底前`, `过两天`, `12-13 16:00`) against the moment of
/// the call and the policy's expiry. Pure: the same words, moment and expiry
/// always give the same answer.
///
/// The words are read in order: a day, `前` (the day before it), a part of the
/// day, a time, then `以后` or `前`. The rules for what was left unsaid:
/// - a day without a time is due from 09:00 (`以后`); today without a time,
///   from the next full hour;
/// - a part of the day without a time is due from its start: 早上 08:00,
///   上午 09:00, 中午 12:00, 下午 14:00, 傍晚 17:00, 晚上 19:00 (`以后`);
/// - a bare hour (no 上午/下午) from 1 to 7 is in the afternoon or evening
///   (四点 = 16:00: nobody is called at four in the morning), 8 to 12 as said,
///   13 to 21 is a 24-hour time; today, an hour from 8 to 9 already gone
///   means the evening (at 15:00, 今天八点 = 20:00);
/// - a time without a day is today if it is still ahead, else tomorrow;
/// - a weekday alone (`周日`) is the next such day, today included while the
///   time is still ahead; `这周X` is this week's (refused once gone), `下周X`
///   next week's (the week starts on Monday); `周末` is Saturday;
/// - a date (`12-13`, `12月13日`, `13号`) is its next occurrence; with a year it is exact;
/// - `X前` is the day before X (`月底前` = the day before the month's last);
///   a time followed by `前` is an hour earlier (`四点前` = 15:00).
/// Refused: a time already gone (an `以后` time today stays good), one outside
/// 08:00-21:00, a day after the policy's last day while it is still in force
/// (a lapsed customer may be called any day), and words it cannot read, named.
public enum CallbackTimeParser {
    /// Earliest and latest minute of the day a customer is called.
    public static let callingHours = (8 * 60)...(21 * 60)

    /// `daysToExpiry`: days from the call's day to the policy's last day; nil when unknown.
    public static func read(_ words: String, now: CallbackClock, daysToExpiry: Int?) -> Result<CallbackReading, CallbackRefusal> {
        let text = cleaned(words)
        guard !text.isEmpty else { return .failure(CallbackRefusal(reason: .empty)) }
        var scanner = Scanner(text)
        let spoken: Spoken
        do {
            spoken = try scanner.spoken()
        } catch {
            return .failure(error)
        }
        return resolve(spoken, now: now, daysToExpiry: daysToExpiry)
    }

    /// The words without punctuation and filler (`的`, `吧`, `再`, `左右` …), full-width folded,
    /// spaces kept as one: they part a date from its time (`12-13 16:00`).
    static func cleaned(_ words: String) -> String {
        var text = InputNormalisation.foldFullWidth(words)
        for filler in ["再打给我", "打给我", "再打", "打过来", "打来", "回电话", "联系我", "联系", "的时候", "左右", "大概", "大约",
                       "那就", "的", "吧", "呢", "啊", "再", "，", ",", "。", ".", "、", "!", "？", "?"] {
            text = text.replacingAll(filler, with: "")
        }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.isSpace {
                if !out.isEmpty, out.last != " " { out.append(" ") }
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out.last == " " ? String(out.dropLast()) : out
    }

    // MARK: What was said

    enum DaySpec: Equatable {
        case ahead(Int)
        case today
        /// 0 = Monday; `week` nil: the next one; 0: this week; 1: next week.
        case weekday(Int, week: Int?)
        case monthEnd
        case date(year: Int?, month: Int?, day: Int, nextMonth: Bool)
    }

    enum DayPart: CaseIterable {
        case early, morning, noon, afternoon, dusk, evening

        var words: [String] {
            switch self {
            case .early: return ["早上", "早晨", "一早"]
            case .morning: return ["上午"]
            case .noon: return ["中午"]
            case .afternoon: return ["下午", "午后"]
            case .dusk: return ["傍晚"]
            case .evening: return ["晚上", "晚"]
            }
        }

        /// When the part starts: the due time when no hour is said.
        var start: Int {
            switch self {
            case .early: return 8 * 60
            case .morning: return 9 * 60
            case .noon: return 12 * 60
            case .afternoon: return 14 * 60
            case .dusk: return 17 * 60
            case .evening: return 19 * 60
            }
        }

        /// When the part is over: until then, today's part of the day is still good.
        var end: Int {
            switch self {
            case .early: return 9 * 60
            case .morning: return 12 * 60
            case .noon: return 14 * 60
            case .afternoon: return 18 * 60
            case .dusk: return 19 * 60
            case .evening: return 21 * 60
            }
        }

        /// Two concrete times inside the part, for the closed question.
        var pair: [Int] {
            switch self {
            case .early: return [8 * 60 + 30, 9 * 60 + 30]
            case .morning: return [9 * 60 + 30, 11 * 60]
            case .noon: return [12 * 60, 13 * 60]
            case .afternoon: return [14 * 60, 16 * 60]
            case .dusk: return [17 * 60, 18 * 60]
            case .evening: return [19 * 60, 20 * 60]
            }
        }

        /// The hour on a 24-hour clock, or nil when the part has no such hour (晚上三点).
        func hour(_ spoken: Int) -> Int? {
            switch self {
            case .early, .morning: return spoken <= 12 ? spoken : nil
            case .noon: return [11: 11, 12: 12, 1: 13, 2: 14, 13: 13, 14: 14][spoken]
            case .afternoon, .dusk, .evening: return spoken < 12 ? spoken + 12 : spoken == 12 ? nil : spoken
            }
        }
    }

    struct Spoken {
        var day: DaySpec?
        var dayBefore = false
        var part: DayPart?
        /// Hour as said and minutes past it.
        var time: (hour: Int, minute: Int)?
        var after = false
        var timeBefore = false
    }

    /// Reads the words left to right; throws the first part it cannot read.
    struct Scanner {
        let chars: [Character]
        var at = 0

        init(_ text: String) {
            chars = Array(text)
        }

        var rest: String { String(chars[at...]) }

        /// Spaces part the pieces and mean nothing else.
        mutating func skipSpaces() {
            while at < chars.count, chars[at] == " " { at += 1 }
        }

        mutating func take(_ words: [String]) -> Bool {
            skipSpaces()
            for word in words.sorted(by: { $0.count > $1.count }) where matches(word) {
                at += word.count
                return true
            }
            return false
        }

        func matches(_ word: String) -> Bool {
            let word = Array(word)
            return at + word.count <= chars.count && Array(chars[at..<at + word.count]) == word
        }

        /// Digits, or a Chinese number up to 99 (`十五`, `二十一`, `两`).
        mutating func number() -> Int? {
            skipSpaces()
            let start = at
            var value = 0
            while at < chars.count, let digit = chars[at].wholeNumberValue, chars[at].isASCII {
                value = value * 10 + digit
                at += 1
                if at - start > 4 { at = start; return nil }
            }
            if at > start { return value }
            let digits: [Character: Int] = ["零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                                            "七": 7, "八": 8, "九": 9]
            var tens: Int?
            var units: Int?
            while at < chars.count {
                if chars[at] == "十", tens == nil {
                    tens = units ?? 1
                    units = nil
                } else if let digit = digits[chars[at]], units == nil {
                    units = digit
                } else {
                    break
                }
                at += 1
            }
            guard at > start else { return nil }
            return (tens ?? 0) * 10 + (units ?? 0)
        }

        /// A number followed by one of `words`; nothing is taken unless both are there.
        mutating func number(then words: [String]) -> Int? {
            let start = at
            if let value = number(), take(words) { return value }
            at = start
            return nil
        }

        mutating func spoken() throws(CallbackRefusal) -> Spoken {
            var said = Spoken()
            said.day = try day()
            if said.day != nil, take(["之前", "以前", "前"]) { said.dayBefore = true }
            if take(["今晚"]) {
                said.day = said.day ?? .today
                said.part = .evening
            }
            said.part = said.part ?? part()
            said.time = try time()
            if take(["以后", "之后", "过后", "后", "起"]) {
                said.after = true
            } else if said.time != nil || said.part != nil, take(["之前", "以前", "前"]) {
                said.timeBefore = true
            }
            skipSpaces()
            guard said.day != nil || said.part != nil || said.time != nil else {
                throw CallbackRefusal(reason: .noTime(String(chars)))
            }
            guard at == chars.count else { throw CallbackRefusal(reason: .unreadable(rest)) }
            return said
        }

        mutating func day() throws(CallbackRefusal) -> DaySpec? {
            if take(["大后天"]) { return .ahead(3) }
            if take(["后天"]) { return .ahead(2) }
            if take(["明天", "明日", "明儿"]) { return .ahead(1) }
            if take(["今天", "今日", "今儿"]) { return .today }
            if take(["过几天"]) { return .ahead(3) }
            if take(["过"]) {
                guard let count = number(then: ["天"]) else { throw CallbackRefusal(reason: .unreadable("过" + rest)) }
                return .ahead(count)
            }
            if let count = number(then: ["天后", "天以后", "天之后"]) { return .ahead(count) }
            if take(["月底", "月末"]) { return .monthEnd }
            for (words, week) in [(["下周", "下星期", "下礼拜", "下个星期", "下个礼拜"], 1), (["这周", "本周", "这星期", "这礼拜", "这个星期", "这个礼拜"], 0),
                                  (["周", "星期", "礼拜"], nil)] as [([String], Int?)] where take(words) {
                if take(["末"]) { return .weekday(5, week: week) }
                if let weekday = weekday() { return .weekday(weekday, week: week) }
                if week == 1 { return .weekday(0, week: 1) }
                throw CallbackRefusal(reason: .unreadable(words.first! + rest))
            }
            if take(["下个月", "下月"]) {
                if take(["初"]) { return .date(year: nil, month: nil, day: 1, nextMonth: true) }
                guard let day = number(then: ["号", "日"]) else { throw CallbackRefusal(reason: .unreadable("下个月" + rest)) }
                return .date(year: nil, month: nil, day: day, nextMonth: true)
            }
            return try date()
        }

        mutating func weekday() -> Int? {
            let names: [Character: Int] = ["一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
                                           "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6]
            skipSpaces()
            guard at < chars.count, let weekday = names[chars[at]] else { return nil }
            at += 1
            return weekday
        }

        /// `2026-12-13`, `12-13`, `12/13`, `12月13日`, `12月13号`, `13号`; the space before a time was taken out.
        mutating func date() throws(CallbackRefusal) -> DaySpec? {
            let start = at
            guard let first = number() else { return nil }
            if take(["-", "/"]) {
                guard let second = number() else { at = start; return nil }
                if take(["-", "/"]) {
                    guard let third = number() else { throw CallbackRefusal(reason: .unreadable(String(chars[start...]))) }
                    return .date(year: first, month: second, day: third, nextMonth: false)
                }
                return .date(year: nil, month: first, day: second, nextMonth: false)
            }
            if take(["月"]) {
                guard let day = number(then: ["日", "号"]) ?? number() else { throw CallbackRefusal(reason: .unreadable(String(chars[start...]))) }
                return .date(year: nil, month: first, day: day, nextMonth: false)
            }
            if take(["号", "日"]) { return .date(year: nil, month: nil, day: first, nextMonth: false) }
            at = start
            return nil
        }

        mutating func part() -> DayPart? {
            DayPart.allCases.first { take($0.words) }
        }

        /// `四点`, `四点半`, `4点15`, `四点十五分`, `四点一刻`, `16:30`, `十六时`.
        mutating func time() throws(CallbackRefusal) -> (hour: Int, minute: Int)? {
            let start = at
            guard let hour = number() else { return nil }
            guard hour <= 24 else {
                at = start
                return nil
            }
            if take([":"]) {
                guard let minute = number(), minute < 60 else { throw CallbackRefusal(reason: .unreadable(String(chars[start...]))) }
                return (hour, minute)
            }
            guard take(["点钟", "点", "时"]) else {
                at = start
                return nil
            }
            if take(["半"]) { return (hour, 30) }
            if take(["一刻"]) { return (hour, 15) }
            if take(["三刻"]) { return (hour, 45) }
            if let minute = number() {
                _ = take(["分钟", "分"])
                guard minute < 60 else { throw CallbackRefusal(reason: .unreadable(String(chars[start...]))) }
                return (hour, minute)
            }
            return (hour, 0)
        }
    }

    // MARK: Resolving

    static func resolve(_ said: Spoken, now: CallbackClock, daysToExpiry: Int?) -> Result<CallbackReading, CallbackRefusal> {
        let today = now.today
        // The minute of the day, before the day is known: today's rules need it.
        func minute(onToday: Bool) -> Result<(Int, Bool), CallbackRefusal> {
            if let time = said.time {
                var hour: Int
                if let part = said.part {
                    guard let inPart = part.hour(time.hour) else {
                        return .failure(CallbackRefusal(reason: .outsideHours("\(part.words[0])\(time.hour)点")))
                    }
                    hour = inPart
                } else if time.hour >= 1 && time.hour <= 7 {
                    hour = time.hour + 12
                } else {
                    hour = time.hour
                    let evening = (hour + 12) * 60 + time.minute
                    if onToday, (8...9).contains(hour), hour * 60 + time.minute <= now.minute, callingHours.contains(evening) { hour += 12 }
                }
                var result = hour * 60 + time.minute
                if said.timeBefore { result -= 60 }
                return .success((result, said.after))
            }
            if let part = said.part { return .success((part.start, !said.timeBefore)) }
            if onToday { return .success(((now.minute / 60 + 1) * 60, true)) }
            return .success((9 * 60, true))
        }

        // Today, a time already gone still holds when it was said with `以后`, or is a part of the day not yet over.
        func stillHolds(_ minute: Int) -> Bool {
            minute > now.minute || said.after || said.time == nil && (said.part.map { now.minute < $0.end } ?? false)
        }

        var daysAhead: Int
        switch said.day {
        case nil:
            // A time alone: today while it is still ahead, else tomorrow.
            guard case .success(let (todayMinute, _)) = minute(onToday: true) else { daysAhead = 0; break }
            daysAhead = stillHolds(todayMinute) && !(said.after && todayMinute <= now.minute) ? 0 : 1
        case .today?: daysAhead = 0
        case .ahead(let count)?: daysAhead = count
        case .monthEnd?: daysAhead = today.days(until: today.monthEnd)
        case .weekday(let weekday, let week)?:
            switch week {
            case 0?:
                daysAhead = weekday - today.weekday
            case 1?:
                daysAhead = 7 - today.weekday + weekday
            default:
                daysAhead = (weekday - today.weekday + 7) % 7
                if daysAhead == 0, !said.dayBefore, case .success(let (todayMinute, _)) = minute(onToday: true), !stillHolds(todayMinute) {
                    daysAhead = 7
                }
            }
        case .date(let year, let month, let day, let nextMonth)?:
            switch dayAhead(year: year, month: month, day: day, nextMonth: nextMonth, today: today) {
            case .success(let count): daysAhead = count
            case .failure(let refusal): return .failure(refusal)
            }
        }
        if said.dayBefore { daysAhead = max(daysAhead - 1, 0) }

        let clock: (minute: Int, after: Bool)
        switch minute(onToday: daysAhead == 0) {
        case .success(let value): clock = value
        case .failure(let refusal): return .failure(refusal)
        }
        let time = CallbackTime(daysAhead: daysAhead, minute: clock.minute, after: clock.after)
        let shown = time.chinese(from: today)
        if daysAhead < 0 || daysAhead == 0 && !stillHolds(clock.minute) {
            return .failure(CallbackRefusal(reason: .past(shown)))
        }
        guard callingHours.contains(clock.minute) else { return .failure(CallbackRefusal(reason: .outsideHours(shown))) }
        if let last = daysToExpiry, last >= 0, daysAhead > last {
            return .failure(CallbackRefusal(reason: .afterExpiry(today.adding(days: last).chinese)))
        }
        return .success(CallbackReading(time: time, choices: choices(for: said, time, now: now)))
    }

    /// Days to a written date: exact with a year, else its next occurrence (today included).
    static func dayAhead(year: Int?, month: Int?, day: Int, nextMonth: Bool, today: LedgerDate) -> Result<Int, CallbackRefusal> {
        let written = (month.map { "\($0)月" } ?? "") + "\(day)日"
        if let year, let month {
            let fullYear = year < 100 ? 2000 + year : year
            guard let date = LedgerDate(year: fullYear, month: month, day: day) else {
                return .failure(CallbackRefusal(reason: .noSuchDay("\(fullYear)年\(written)")))
            }
            return .success(today.days(until: date))
        }
        if let month {
            guard (1...12).contains(month), (1...31).contains(day), LedgerDate(year: 2000, month: month, day: day) != nil else {
                return .failure(CallbackRefusal(reason: .noSuchDay(written)))
            }
            let thisYear = LedgerDate(year: today.year, month: month, day: day)
            if let thisYear, thisYear >= today { return .success(today.days(until: thisYear)) }
            // 2月29日 only in a leap year: the next one that has it.
            for year in today.year + 1...today.year + 4 {
                if let date = LedgerDate(year: year, month: month, day: day) { return .success(today.days(until: date)) }
            }
            return .failure(CallbackRefusal(reason: .noSuchDay(written)))
        }
        let next = today.monthEnd.adding(days: 1)
        if !nextMonth, let date = LedgerDate(year: today.year, month: today.month, day: day), date >= today {
            return .success(today.days(until: date))
        }
        guard let date = LedgerDate(year: next.year, month: next.month, day: day) else {
            return .failure(CallbackRefusal(reason: .noSuchDay("\(next.month)月\(day)日")))
        }
        return .success(today.days(until: date))
    }

    /// Two concrete slots from what was said: the hour and the one after, two
    /// times inside the part of the day, or that day's morning and afternoon.
    static func choices(for said: Spoken, _ time: CallbackTime, now: CallbackClock) -> [CallbackTime] {
        var minutes: [Int]
        if said.time != nil {
            minutes = [time.minute, time.minute + 60]
            if !callingHours.contains(minutes[1]) { minutes = [time.minute - 60, time.minute] }
        } else if let part = said.part {
            minutes = part.pair
        } else {
            minutes = [10 * 60, 15 * 60]
        }
        if time.daysAhead == 0 {
            // Today: a time already gone gives way to the next full hour.
            minutes = minutes.map { $0 > now.minute ? $0 : (now.minute / 60 + 1) * 60 }
            if minutes[0] == minutes[1] { minutes[1] = minutes[0] + 60 }
        }
        return minutes.filter(callingHours.contains).map { CallbackTime(daysAhead: time.daysAhead, minute: $0) }
    }
}

extension String {
    /// Every occurrence of `word` replaced, compared by characters: no Foundation.
    func replacingAll(_ word: String, with replacement: String) -> String {
        guard !word.isEmpty, contains(word) else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.firstRange(of: word) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}

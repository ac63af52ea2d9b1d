import HuashuCalendar

/// A problem the user can fix, said in a sentence that names what and where.
/// Commands print it and exit non-zero; it never becomes a trap.
public struct UserError: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}

/// Days and months given on the command line, read by the one calendar and
/// refused in one wording.
enum CommandLineDate {
    static func day(_ text: String, option: String) throws(UserError) -> LedgerDate {
        guard let day = CalendarText.day(text) else {
            throw UserError("\(option) `\(text)` is not a day; write it as YYYY-MM-DD, e.g. 2026-11-22")
        }
        return day
    }

    static func month(_ text: String, option: String) throws(UserError) -> CalendarMonth {
        guard let month = CalendarText.month(text) else {
            throw UserError("\(option) `\(text)` is not a month; write it as YYYY-MM, e.g. 2026-11")
        }
        return month
    }
}

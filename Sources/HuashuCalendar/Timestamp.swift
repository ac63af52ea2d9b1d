import Foundation

/// Times in the log: UTC, millisecond precision, sortable as text. Written
/// and read by hand: every logged step needs one, and Foundation's ISO 8601
/// formatter costs more than the step and loads ICU's calendar data.
public enum Timestamp {
    /// `2026-11-22T10:00:00.123Z`, written by hand: every logged step needs one.
    public static func string(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
        let perDay = 86_400_000
        let inDay = (milliseconds % perDay + perDay) % perDay
        let day = LedgerDate(daysSince1970: (milliseconds - inDay) / perDay)
        let fields: [(value: Int, digits: Int, then: UInt8)] = [
            (inDay / 3_600_000, 2, UInt8(ascii: ":")), (inDay / 60_000 % 60, 2, UInt8(ascii: ":")),
            (inDay / 1000 % 60, 2, UInt8(ascii: ".")), (inDay % 1000, 3, UInt8(ascii: "Z")),
        ]
        return day.description + "T" + String(unsafeUninitializedCapacity: 13) { out in
            var end = 0
            for field in fields {
                var value = field.value
                for position in stride(from: end + field.digits - 1, through: end, by: -1) {
                    out[position] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                out[end + field.digits] = field.then
                end += field.digits + 1
            }
            return end
        }
    }

    /// The moment a log timestamp names: `yyyy-MM-ddTHH:mm:ss`, optional fraction, `Z`.
    public static func date(_ text: String) -> Date? {
        // Read in place (the latest calls' times on each row of a million-row list), not copied into an array.
        text.utf8.withContiguousStorageIfAvailable(date) ?? Array(text.utf8).withUnsafeBufferPointer(date)
    }

    private static let separators: [(Int, UInt8)] = [(4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")), (10, UInt8(ascii: "T")),
                                                     (13, UInt8(ascii: ":")), (16, UInt8(ascii: ":"))]

    private static func date(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
        func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        /// At most nine digits, so the value cannot overflow.
        func number(_ range: Range<Int>) -> Int? {
            guard bytes[range].allSatisfy(isDigit) else { return nil }
            return bytes[range].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
        guard separators.allSatisfy({ bytes[$0.0] == $0.1 }),
              let year = number(0..<4), let month = number(5..<7), let dayOfMonth = number(8..<10),
              let day = LedgerDate(year: year, month: month, day: dayOfMonth),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              hour < 24, minute < 60, second < 61 else { return nil }
        var fraction = 0.0
        if bytes.count > 20 {
            // Up to nanoseconds counted; any further digits must still be digits.
            let kept = min(bytes.count - 21, 9)
            guard bytes[19] == UInt8(ascii: "."), bytes.count > 21, let digits = number(20..<20 + kept),
                  bytes[20 + kept..<bytes.count - 1].allSatisfy(isDigit) else { return nil }
            fraction = Double(digits) / pow(10, Double(kept))
        } else {
            guard bytes[19] == UInt8(ascii: "Z") else { return nil }
        }
        let seconds = day.daysSince1970 * 86_400 + hour * 3_600 + minute * 60 + second
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}

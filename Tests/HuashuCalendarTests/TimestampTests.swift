import Foundation
import HuashuCalendar
import Testing

/// Log times are written by hand; they must read as Foundation's ISO 8601 does.
@Suite struct TimestampTests {
    @Test(arguments: [0, 1_795_000_000.123, 1_795_000_000.25, 951_782_400.5, -1.25, 4_102_444_799.001])
    func writtenAsFoundationWritesThem(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        let foundation = ISO8601DateFormatter()
        foundation.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let written = Timestamp.string(date)
        #expect(written.count == 24)
        #expect(Timestamp.date(written).map { abs($0.timeIntervalSince(date)) < 0.001 } == true)
        #expect(written.prefix(19) == foundation.string(from: date).prefix(19))
    }

    @Test func knownInstant() {
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_795_420_800.5)) == "2026-11-23T08:00:00.500Z")
    }
}

/// Reading log times back, as replay and the queue do.
@Suite struct TimestampReadingTests {
    @Test func readsWhatItWritesAndPlainSeconds() {
        #expect(Timestamp.date("2026-11-23T08:00:00.500Z") == Date(timeIntervalSince1970: 1_795_420_800.5))
        #expect(Timestamp.date("2026-11-23T08:00:00Z") == Date(timeIntervalSince1970: 1_795_420_800))
        #expect(Timestamp.date("2024-02-29T23:59:59.999Z").map { $0.timeIntervalSince1970 } == 1_709_251_199.999)
        let long = Timestamp.date("2026-11-23T08:00:00.1234567890123456789Z").map { $0.timeIntervalSince1970 - 1_795_420_800 }
        #expect(long.map { abs($0 - 0.123456789) < 1e-6 } == true, "a long fraction is read, not a crash")
        let longer = Timestamp.date("2026-11-23T08:00:00." + String(repeating: "9", count: 60) + "Z")
        #expect(longer.map { $0.timeIntervalSince1970 - 1_795_420_800 > 0.999 } == true, "digits past nanoseconds are checked, not added up")
    }

    @Test(arguments: ["", "2026-11-23", "2026-11-23T08:00:00", "2026-02-30T08:00:00Z", "2026-11-23 08:00:00Z",
                      "2026-11-23T24:00:00Z", "2026-11-23T08:00:00.Z", "2026-11-23T08:00:00.1234567890x2Z", "２026-11-23T08:00:00Z"])
    func refusesWhatIsNotALogTime(text: String) {
        #expect(Timestamp.date(text) == nil)
    }
}

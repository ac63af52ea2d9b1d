import Foundation
import HuashuStore
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

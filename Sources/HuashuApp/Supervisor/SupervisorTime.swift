import Foundation
import HuashuCalendar

/// Times as supervisors read them: the log's UTC timestamps in local time,
/// call offsets as mm:ss.
enum SupervisorTime {
    /// `yyyy-MM-dd HH:mm` in local time.
    static func local(_ date: Date) -> String {
        LocalTime(date).minuteText
    }

    static func local(_ timestamp: String) -> String {
        Timestamp.date(timestamp).map { local($0) } ?? timestamp
    }

    /// `yyyy-MM-dd HH:mm:ss` in local time.
    static func localWithSeconds(_ timestamp: String) -> String {
        Timestamp.date(timestamp).map { LocalTime($0).secondText } ?? timestamp
    }

    static func seconds(from start: String, to end: String) -> TimeInterval? {
        guard let a = Timestamp.date(start), let b = Timestamp.date(end) else { return nil }
        return b.timeIntervalSince(a)
    }
}

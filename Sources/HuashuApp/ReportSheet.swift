import Foundation
import HuashuLedger
import HuashuRenewal
import HuashuScript
import HuashuStore

/// The monthly follow-up record sheet (月度续保跟进记录表) as CSV for Excel:
/// UTF-8 with BOM, CRLF, Chinese headers, one row per customer due in the month.
enum ReportSheet {
    static let header = ["客户", "车牌", "专员", "到期日", "跟进次数", "最后跟进", "结果", "战败原因", "去向"]

    static func rows(_ r: MonthlyReport) -> [[String]] {
        r.due.map { c in
            [c.name, c.plate, c.agent ?? "", c.expiry, String(c.calls), c.lastCallAt.map { SupervisorTime.local($0) } ?? "",
             MonthlyReport.resultText(c), c.lossReason.map { LossReason(rawValue: $0)?.chinese ?? $0 } ?? "", c.lostTo ?? ""]
        }
    }

    static func csv(_ r: MonthlyReport) -> [UInt8] {
        LedgerReader.csv(header: header, rows: rows(r))
    }
}

import HuashuStore
import HuashuText

/// `huashu queue` as text: one row per customer, with the reason.
public enum QueueReport {
    public static func text(options: CallOptions) throws(UserError) -> String {
        let store = try options.openStore()
        let entries = try RenewalQueue.build(store: store, today: options.today)
        guard !entries.isEmpty else { return "今天没有需要联系的客户。\n" }
        var out = "今天要联系 \(entries.count) 位客户 (\(LocalDay.string(options.today))):\n"
        for (offset, entry) in entries.enumerated() {
            let c = entry.customer
            let days = entry.daysToExpiry.map { $0 >= 0 ? "剩\($0)天" : "脱保\(-$0)天" } ?? "?"
            let cells = [String(offset + 1), "#\(c.id ?? 0)", c.name, c.plate, (c.grade ?? "-") + (c.grade == "D" ? "(D级)" : ""),
                         days, entry.reason, entry.lastOutcome.map { "上次:" + $0 } ?? ""]
            let widths = [3, 5, 8, 10, 6, 9, 30, 0]
            out += zip(cells, widths).map { TextWrap.padded($0, to: $1) }.joined(separator: " ") + "\n"
        }
        return out
    }
}

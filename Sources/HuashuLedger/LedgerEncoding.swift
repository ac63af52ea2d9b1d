import HuashuText

/// The two encodings real ledgers arrive in: Excel's "CSV UTF-8" and plain
/// "CSV" saved on Chinese Windows, which is GBK (read as its superset GB18030).
public enum LedgerEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    case gb18030 = "gb18030"

    /// Agents type what their editor shows them (`UTF8`, `gbk`, `GB2312`), so
    /// every common spelling is accepted; GBK and GB2312 are subsets of GB18030.
    public init?(name: String) {
        let key = name.trimmingSpaces.lowercased().filter { $0 != "-" && $0 != "_" && $0 != " " }
        switch key {
        case "utf8", "utf8bom", "utf8sig":
            self = .utf8
        case "gb18030", "gbk", "gb2312", "cp936", "windows936", "936":
            self = .gb18030
        default:
            return nil
        }
    }
}

extension LedgerValue {
    /// Premiums arrive formatted for reading (¥4,860, 4860元, 4,860.5); quotes
    /// need them as a plain amount: digits, and two decimals when there are any.
    public static func premium(_ text: String) throws(LedgerValueError) -> String {
        let original = CellText.trimmed(text)
        var value = CellText.withoutBlanks(CellText.folded(original)).uppercased()
        for prefix in ["¥", "￥", "RMB", "CNY"] where value.hasPrefix(prefix) {
            value.removeFirst(prefix.count)
        }
        if value.hasSuffix("元") { value.removeLast() }
        value.removeAll { $0 == "," }
        let rule = "write it as 4860 or 4860.50; ¥, thousands commas and 元 are allowed"
        if value.hasPrefix("-") {
            throw LedgerValueError("\(Quoting.quoted(original)) is negative; a premium is 0 or more")
        }
        let parts = value.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 9, whole.allSatisfy(\.isASCIIDigit) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not an amount (\(rule))")
        }
        let digits = whole.drop(while: { $0 == "0" })
        let yuan = digits.isEmpty ? "0" : String(digits)
        guard parts.count == 2, !parts[1].isEmpty else { return yuan }
        let fraction = parts[1]
        guard fraction.allSatisfy(\.isASCIIDigit) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not an amount (\(rule))")
        }
        guard fraction.count <= 2 else {
            throw LedgerValueError("\(Quoting.quoted(original)) has more than 2 decimals; a premium is in yuan and fen")
        }
        return yuan + "." + fraction + String(repeating: "0", count: 2 - fraction.count)
    }

    /// Claims and violations change the quote and the customer's grade, so
    /// they must be whole numbers; "2次" and "无" (none) are how people write them.
    public static func count(_ text: String) throws(LedgerValueError) -> Int {
        let original = CellText.trimmed(text)
        var value = CellText.withoutBlanks(CellText.folded(original))
        if value == "无" || value == "没有" { return 0 }
        if value.hasSuffix("次") { value.removeLast() }
        guard !value.isEmpty, value.count <= 6, value.allSatisfy(\.isASCIIDigit), let number = Int(value) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a whole number of times (0, 1, 2, ...)")
        }
        return number
    }

    /// A, B, C or D; "a", "B类" and "C级" are accepted as the same grade.
    public static func grade(_ text: String) throws(LedgerValueError) -> String {
        let original = CellText.trimmed(text)
        var value = CellText.withoutBlanks(CellText.folded(original)).uppercased()
        for suffix in ["类客户", "级客户", "类", "级"] where value.hasSuffix(suffix) {
            value.removeLast(suffix.count)
            break
        }
        guard ["A", "B", "C", "D"].contains(value) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a customer grade (A, B, C or D)")
        }
        return value
    }

    /// The three customer types the scripts branch on, in their full names.
    public static let customerTypes = ["价格敏感型", "服务敏感型", "无所谓型"]

    /// One of `customerTypes`; the short forms without 型 are accepted.
    public static func customerType(_ text: String) throws(LedgerValueError) -> String {
        let original = CellText.trimmed(text)
        let value = CellText.withoutBlanks(CellText.folded(original)).lowercased()
        switch value {
        case "价格敏感型", "价格敏感", "price", "price_sensitive": return customerTypes[0]
        case "服务敏感型", "服务敏感", "service", "service_sensitive": return customerTypes[1]
        case "无所谓型", "无所谓", "indifferent": return customerTypes[2]
        default:
            throw LedgerValueError("\(Quoting.quoted(original)) is not a customer type (价格敏感型, 服务敏感型 or 无所谓型)")
        }
    }

    /// 先生 or 女士 from a 性别 cell, so scripts can greet "张先生"; nil for an
    /// explicitly unknown gender (未知, 不详).
    public static func honorific(gender text: String) throws(LedgerValueError) -> String? {
        let original = CellText.trimmed(text)
        switch CellText.withoutBlanks(CellText.folded(original)).lowercased() {
        case "男", "男性", "男士", "先生", "m", "male": return "先生"
        case "女", "女性", "女士", "小姐", "f", "female": return "女士"
        case "未知", "不详", "-", "?", "/", "unknown": return nil
        default:
            throw LedgerValueError("\(Quoting.quoted(original)) is not a gender (男 or 女)")
        }
    }

    /// 先生 or 女士 from a 称呼 cell ("张先生", "李小姐"); nil for other forms of
    /// address such as "王总", which the reader keeps in `extra` instead.
    public static func honorific(salutation text: String) -> String? {
        let value = CellText.trimmed(text)
        if value.hasSuffix("先生") || value == "男" { return "先生" }
        if value.hasSuffix("女士") || value.hasSuffix("小姐") || value.hasSuffix("太太") || value == "女" { return "女士" }
        return nil
    }
}

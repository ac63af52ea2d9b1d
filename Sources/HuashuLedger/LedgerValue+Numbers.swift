extension LedgerValue {
    /// Premiums arrive formatted for reading (¥4,860, 4860元, 4,860.5); quotes
    /// need them as a plain amount: digits, and two decimals when there are any.
    public static func premium(_ text: String) throws(LedgerValueError) -> String {
        if isPlainAmount(text) { return text }
        let original = CellText.trimmed(text)
        var value = CellText.withoutBlanks(CellText.folded(original))
        for prefix in ["¥", "￥", "RMB", "rmb", "CNY", "cny"] where value.utf8HasPrefix(prefix) {
            value = value.utf8DroppingFirst(prefix.utf8.count)
            break
        }
        if value.utf8HasSuffix("元") { value = value.utf8DroppingLast("元".utf8.count) }
        let bytes = value.utf8.filter { $0 != UInt8(ascii: ",") }
        let rule = "write it as 4860 or 4860.50; ¥, thousands commas and 元 are allowed"
        if bytes.first == UInt8(ascii: "-") {
            throw LedgerValueError("\(Quoting.quoted(original)) is negative; a premium is 0 or more")
        }
        let dot = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.endIndex
        let whole = bytes[..<dot]
        guard !whole.isEmpty, whole.count <= 9, whole.allSatisfy(\.isASCIIDigit) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not an amount (\(rule))")
        }
        let significant = whole.drop(while: { $0 == UInt8(ascii: "0") })
        let yuan = significant.isEmpty ? "0" : String(decoding: significant, as: UTF8.self)
        let fraction = bytes.dropFirst(dot + 1)
        guard !fraction.isEmpty else { return yuan }
        guard fraction.allSatisfy(\.isASCIIDigit) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not an amount (\(rule))")
        }
        guard fraction.count <= 2 else {
            throw LedgerValueError("\(Quoting.quoted(original)) has more than 2 decimals; a premium is in yuan and fen")
        }
        return yuan + "." + String(decoding: fraction, as: UTF8.self) + (fraction.count == 1 ? "0" : "")
    }

    /// `4860` or `4860.50`: already the plain amount `premium` would make of it.
    private static func isPlainAmount(_ text: String) -> Bool {
        text.fromUTF8 { bytes in
            let dot = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
            let whole = bytes[..<dot]
            let fraction = bytes[min(dot + 1, bytes.count)...]
            return (1...9).contains(whole.count) && (whole.count == 1 || whole.first != UInt8(ascii: "0"))
                && whole.allSatisfy(\.isASCIIDigit) && (dot == bytes.count || fraction.count == 2)
                && fraction.allSatisfy(\.isASCIIDigit)
        } ?? false
    }

    /// Claims and violations change the quote and the customer's grade, so
    /// they must be whole numbers; "2次" and "无" (none) are how people write them.
    public static func count(_ text: String) throws(LedgerValueError) -> Int {
        let plain = text.fromUTF8 { bytes in
            (1...6).contains(bytes.count) && bytes.allSatisfy(\.isASCIIDigit) ? bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) } : nil
        }
        if let plain { return plain }
        let original = CellText.trimmed(text)
        var value = CellText.withoutBlanks(CellText.folded(original))
        if value.utf8Equals("无") || value.utf8Equals("没有") { return 0 }
        if value.utf8HasSuffix("次") { value = value.utf8DroppingLast("次".utf8.count) }
        let bytes = value.utf8
        guard !bytes.isEmpty, bytes.count <= 6, bytes.allSatisfy(\.isASCIIDigit) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a whole number of times (0, 1, 2, ...)")
        }
        return bytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
    }

    /// A, B, C or D; "a", "B类" and "C级" are accepted as the same grade.
    public static func grade(_ text: String) throws(LedgerValueError) -> String {
        if text.utf8.count == 1, let letter = text.utf8.first, (UInt8(ascii: "A")...UInt8(ascii: "D")).contains(letter) { return text }
        let original = CellText.trimmed(text)
        var value = CellText.withoutBlanks(CellText.folded(original))
        for suffix in ["类客户", "级客户", "类", "级"] where value.utf8HasSuffix(suffix) {
            value = value.utf8DroppingLast(suffix.utf8.count)
            break
        }
        let letter = value.utf8.count == 1 ? value.utf8.first ?? 0 : 0
        let upper = (UInt8(ascii: "a")...UInt8(ascii: "d")).contains(letter) ? letter - 0x20 : letter
        guard (UInt8(ascii: "A")...UInt8(ascii: "D")).contains(upper) else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a customer grade (A, B, C or D)")
        }
        return String(UnicodeScalar(upper))
    }

    /// The three customer types the scripts branch on, in their full names.
    public static let customerTypes = ["价格敏感型", "服务敏感型", "无所谓型"]

    /// Each of `customerTypes` as UTF-8, compared with a cell's bytes in place.
    private static let customerTypeBytes = customerTypes.map { Array($0.utf8) }

    private static let customerTypeSpellings: [(spelling: String, type: Int)] = [
        ("价格敏感型", 0), ("价格敏感", 0), ("price", 0), ("price_sensitive", 0),
        ("服务敏感型", 1), ("服务敏感", 1), ("service", 1), ("service_sensitive", 1),
        ("无所谓型", 2), ("无所谓", 2), ("indifferent", 2),
    ]

    /// One of `customerTypes`; the short forms without 型 are accepted.
    public static func customerType(_ text: String) throws(LedgerValueError) -> String {
        if let type = text.fromUTF8({ bytes in customerTypeBytes.firstIndex { $0.elementsEqual(bytes) } }) { return customerTypes[type] }
        let original = CellText.trimmed(text)
        let match = customerTypeSpellings.first(where: { original.utf8Equals($0.spelling) }) ?? {
            let value = CellText.withoutBlanks(CellText.folded(original)).lowercased()
            return customerTypeSpellings.first(where: { value.utf8Equals($0.spelling) })
        }()
        guard let match else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a customer type (价格敏感型, 服务敏感型 or 无所谓型)")
        }
        return customerTypes[match.type]
    }

    private static let genderSpellings: [(spelling: String, honorific: String?)] = [
        ("男", "先生"), ("男性", "先生"), ("男士", "先生"), ("先生", "先生"), ("m", "先生"), ("male", "先生"),
        ("女", "女士"), ("女性", "女士"), ("女士", "女士"), ("小姐", "女士"), ("f", "女士"), ("female", "女士"),
        ("未知", nil), ("不详", nil), ("-", nil), ("?", nil), ("/", nil), ("unknown", nil),
    ]

    /// 先生 or 女士 from a 性别 cell, so scripts can greet "张先生"; nil for an
    /// explicitly unknown gender (未知, 不详).
    public static func honorific(gender text: String) throws(LedgerValueError) -> String? {
        let original = CellText.trimmed(text)
        let match = genderSpellings.first(where: { original.utf8Equals($0.spelling) }) ?? {
            let value = CellText.withoutBlanks(CellText.folded(original)).lowercased()
            return genderSpellings.first(where: { value.utf8Equals($0.spelling) })
        }()
        guard let match else {
            throw LedgerValueError("\(Quoting.quoted(original)) is not a gender (男 or 女)")
        }
        return match.honorific
    }

    /// 先生 or 女士 from a 称呼 cell ("张先生", "李小姐"); nil for other forms of
    /// address such as "王总", which the reader keeps in `extra` instead.
    public static func honorific(salutation text: String) -> String? {
        let value = CellText.trimmed(text)
        if value.utf8HasSuffix("先生") || value.utf8Equals("男") { return "先生" }
        if ["女士", "小姐", "太太"].contains(where: value.utf8HasSuffix) || value.utf8Equals("女") { return "女士" }
        return nil
    }
}

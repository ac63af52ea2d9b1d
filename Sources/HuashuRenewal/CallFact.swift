import HuashuText

/// A fact of the outcome the agent records as a field, not a note: what the
/// queue, the report and the follow-ups read.
public enum CallFact: String, Sendable, Codable, CaseIterable {
    /// 险种: the covers bought, as listed (`交强险 车损 三者100万`).
    case covers
    /// 保费: the premium agreed, in yuan.
    case premium
    /// 付款方式: one of `CallFact.paymentMethods`.
    case payment
    /// 交付: `寄到 ADDRESS`, `来店取` or `电子保单`.
    case delivery
    /// 去向: the insurer a lost customer went to (`不详` when the customer would not say).
    case destination
    /// 差价: how much cheaper the other offer was, in yuan.
    case priceGap = "price_gap"
    /// 另一台车: a second vehicle the customer mentioned, a new lead.
    case otherVehicle = "other_vehicle"

    public var chinese: String {
        switch self {
        case .covers: return "险种"
        case .premium: return "保费"
        case .payment: return "付款方式"
        case .delivery: return "交付"
        case .destination: return "去向"
        case .priceGap: return "差价"
        case .otherVehicle: return "另一台车"
        }
    }

    /// A field as the agent or the script names it, in English or Chinese (`payment`, `付款方式`, `付款`).
    public init?(named word: String) {
        guard let fact = Self.names[word.lowercased()] ?? Self.names[word] else { return nil }
        self = fact
    }

    private static let names: [String: CallFact] = {
        var names = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
        for fact in allCases { names[fact.chinese] = fact }
        names["付款"] = .payment
        names["gap"] = .priceGap
        names["vehicle"] = .otherVehicle
        return names
    }()

    /// Every field, as a hint lists them: `付款方式(payment) ...`.
    public static let list = allCases.map { "\($0.chinese)(\($0.rawValue))" }.joined(separator: " ")

    public static let paymentMethods = ["转账", "扫码", "刷卡", "到店", "链接"]
    public static let deliveries = ["寄到", "来店取", "电子保单"]

    /// The value as it is kept, or why it cannot be: amounts as plain digits, payment and delivery from their lists.
    public func checked(_ typed: String) -> Result<String, CallFactError> {
        let value = typed.split(whereSeparator: { $0 == " " || $0 == "\u{3000}" }).joined(separator: " ")
        guard !value.isEmpty else { return .failure(CallFactError("\(chinese)是空的。")) }
        switch self {
        case .premium, .priceGap:
            return Premium.digits(value).map { .success($0) } ?? .failure(CallFactError("\(chinese)要写金额数字,例如 4860 或 300。"))
        case .payment:
            return Self.paymentMethods.contains(value) ? .success(value)
                : .failure(CallFactError("付款方式写 " + Self.paymentMethods.joined(separator: "、") + " 之一。"))
        case .delivery:
            if value == "来店取" || value == "电子保单" { return .success(value) }
            if value.hasPrefix("寄到"), value.count > 3 { return .success(value) }
            return .failure(CallFactError("交付写 寄到 地址、来店取 或 电子保单。"))
        case .otherVehicle:
            // The plate first: it is the new lead's key.
            let plate = value.prefix { $0 != " " }
            return (6...9).contains(plate.count) ? .success(value) : .failure(CallFactError("另一台车写 车牌 [车型],如 粤B99999 宝马X3。"))
        case .covers, .destination:
            return .success(value)
        }
    }
}

public struct CallFactError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Amounts in yuan as agents type them.
public enum Premium {
    /// A premium typed by an agent (`4,860`, `４８６０元`, `4860.5`) as plain digits, or nil.
    public static func digits(_ typed: String) -> String? {
        var text = InputNormalisation.foldFullWidth(typed).trimmingSpaces.filter { $0 != "," }
        if text.hasSuffix("元") { text.removeLast() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 9,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              parts.count == 1 || (1...2).contains(parts[1].count),
              Int(whole).map({ $0 > 0 }) ?? false else { return nil }
        return text
    }
}

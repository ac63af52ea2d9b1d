import HuashuCalendar

/// One of a vehicle's policies as the ledger gives it: 商业险 and 交强险
/// usually expire on different days, and each is a renewal of its own.
public struct VehiclePolicy: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case commercial, compulsory

        public var chinese: String {
            switch self {
            case .commercial: "商业险"
            case .compulsory: "交强险"
            }
        }
    }

    public let kind: Kind
    public let expiry: LedgerDate

    public init(kind: Kind, expiry: LedgerDate) {
        self.kind = kind
        self.expiry = expiry
    }

    /// A vehicle's policies with a readable expiry date, earliest first (商业险 first on the same day).
    public static func of(commercial: LedgerDate?, compulsory: LedgerDate?) -> [VehiclePolicy] {
        var policies: [VehiclePolicy] = []
        if let commercial { policies.append(VehiclePolicy(kind: .commercial, expiry: commercial)) }
        if let compulsory { policies.append(VehiclePolicy(kind: .compulsory, expiry: compulsory)) }
        if policies.count == 2 && policies[1].expiry < policies[0].expiry { policies.reverse() }
        return policies
    }

    /// The policy a call is about on `today`: the first not yet expired, else the last to expire.
    public static func current(_ policies: [VehiclePolicy], today: LedgerDate) -> VehiclePolicy? {
        policies.first { $0.expiry >= today } ?? policies.last
    }

    /// `交强险 ` before a reason when the policy needs naming: the vehicle's
    /// only one is 交强险, or its two policies expire on different days.
    public func label(among policies: [VehiclePolicy]) -> String {
        let differ = policies.count == 2 && policies[0].expiry != policies[1].expiry
        return differ || kind == .compulsory ? kind.chinese + " " : ""
    }
}

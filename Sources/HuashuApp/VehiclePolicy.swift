import HuashuCalendar
import HuashuLedger
import HuashuStore

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

    /// The customer's policies with a readable expiry date, earliest first (商业险 first on the same day).
    public static func of(_ customer: Customer) -> [VehiclePolicy] {
        var policies: [VehiclePolicy] = []
        if let date = customer.commercialExpiry.flatMap({ try? LedgerValue.date($0) }) { policies.append(VehiclePolicy(kind: .commercial, expiry: date)) }
        if let date = customer.compulsoryExpiry.flatMap({ try? LedgerValue.date($0) }) { policies.append(VehiclePolicy(kind: .compulsory, expiry: date)) }
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

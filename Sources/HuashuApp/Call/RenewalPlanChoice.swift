import Foundation
import HuashuRenewal

extension RenewalPlan {
    /// `--plan`, else `$HUASHU_PLAN`, else the dealer's plan.
    public static func chosen(_ option: String?,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws(UserError) -> RenewalPlan {
        let (name, source): (String?, String) = option != nil ? (option, "--plan") : (environment["HUASHU_PLAN"], "$HUASHU_PLAN")
        guard let name, !name.trimmingCharacters(in: .whitespaces).isEmpty else { return .dealer }
        guard let plan = RenewalPlan(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
            throw UserError("\(source) is `\(name)`; the plans are dealer (every 15/7/3 days from 90 days before expiry) "
                            + "and insurer (touchpoints at 60/55, 45/40, 30/25, 15/10, 7/3 and 0 days)")
        }
        return plan
    }
}

import Foundation
import HuashuCalendar
import HuashuEngine
import HuashuRenewal
import HuashuScript
import HuashuStore
import HuashuText

extension CustomerFacts {
    /// What the script may know of a ledger customer on a given day.
    init(_ customer: Customer, today: Date) {
        // The policy the call is about: the first not yet expired of 商业险 and 交强险.
        let policy = VehiclePolicy.current(VehiclePolicy.of(customer), today: LocalDay.day(today))
        let days = policy.map { LocalDay.day(today).days(until: $0.expiry) }
        // A company's vehicle (单位客户) is discussed with its contact person; with no form of
        // address known for them, none is used (an empty honorific is not a gap).
        var values: [String: String] = [
            "name": customer.isCompany ? customer.contact ?? customer.name : customer.name, "plate": customer.plate,
        ]
        values["honorific"] = customer.isCompany ? customer.honorific ?? "" : customer.honorific
        values["model"] = customer.model
        values["phone"] = PersonalData.phone(customer.phone)
        values["expiry"] = policy?.expiry.description ?? customer.commercialExpiry
        values["policy"] = policy?.kind.chinese
        values["compulsory_expiry"] = customer.compulsoryExpiry
        values["days"] = days.map(String.init)
        values["last_premium"] = customer.lastPremium
        values["last_insurer"] = customer.lastInsurer
        values["claims"] = customer.claims.map(String.init)
        values["grade"] = customer.grade
        values["type"] = customer.type
        // Ledger cells go onto the agent's screen: control codes in them are shown, never sent.
        self.init(grade: customer.grade.flatMap(CustomerGrade.init(rawValue:)), type: customer.type.flatMap(CustomerType.init(rawValue:)),
                  claims: customer.claims, violations: customer.violations, daysToExpiry: days,
                  values: values.mapValues { TerminalText.visible($0) })
    }
}

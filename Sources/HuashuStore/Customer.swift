import Foundation
import GRDB
import HuashuLedger

/// One insured vehicle from the renewal ledger (续保电子台帐), as stored.
public struct Customer: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "customers"

    public var id: Int64?
    public var plate: String
    public var name: String
    public var honorific: String?
    public var phone: String?
    public var idNumber: String?
    public var model: String?
    public var lastInsurer: String?
    public var lastPremium: String?
    /// Commercial cover expiry, `yyyy-MM-dd`.
    public var commercialExpiry: String?
    public var compulsoryExpiry: String?
    public var claims: Int?
    public var violations: Int?
    public var grade: String?
    public var type: String?
    public var agent: String?
    public var vehicleUse: String?
    public var notes: String?
    /// A company's contact person, whom the call addresses.
    public var contact: String?
    /// 个人 or 单位 (单位客户).
    public var holderType: String?
    public var lastCover: String?
    public var sumInsured: String?
    public var address: String?
    /// Each policy's insurer and premium last year (the ledger's 上年承保公司 and 上年保费
    /// belong to the policy of a row that has one policy's date only).
    public var commercialInsurer: String?
    public var commercialPremium: String?
    public var compulsoryInsurer: String?
    public var compulsoryPremium: String?
    /// Ledger columns Huashu has no field for, kept as JSON so nothing is dropped.
    public var extra: String?
    public var doNotCall: Bool
    /// No number to dial: the ledger gave none (or a placeholder such as 无), or the team marked
    /// the number wrong. Kept out of the queue until an import brings a different number.
    public var phoneInvalid: Bool
    /// A made-up customer a rehearsal plays; never in the queue or the reports.
    public var training: Bool
    /// A second vehicle a customer mentioned on this call: a new lead, to be
    /// checked and completed (no ledger row brought it yet).
    public var leadFromCall: Int64?

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, plate, name, honorific, phone, model, claims, violations, grade, type, agent, notes, extra, training, contact, address
        case holderType = "holder_type"
        case lastCover = "last_cover"
        case sumInsured = "sum_insured"
        case idNumber = "id_number"
        case lastInsurer = "last_insurer"
        case lastPremium = "last_premium"
        case commercialExpiry = "commercial_expiry"
        case compulsoryExpiry = "compulsory_expiry"
        case vehicleUse = "vehicle_use"
        case doNotCall = "do_not_call"
        case phoneInvalid = "phone_invalid"
        case leadFromCall = "lead_from_call"
        case commercialInsurer = "commercial_insurer"
        case commercialPremium = "commercial_premium"
        case compulsoryInsurer = "compulsory_insurer"
        case compulsoryPremium = "compulsory_premium"
    }

    public init(id: Int64? = nil, plate: String, name: String, honorific: String? = nil, phone: String? = nil,
                idNumber: String? = nil, model: String? = nil, lastInsurer: String? = nil, lastPremium: String? = nil,
                commercialExpiry: String? = nil, compulsoryExpiry: String? = nil, claims: Int? = nil, violations: Int? = nil,
                grade: String? = nil, type: String? = nil, agent: String? = nil, vehicleUse: String? = nil,
                notes: String? = nil, contact: String? = nil, holderType: String? = nil, lastCover: String? = nil,
                sumInsured: String? = nil, address: String? = nil, extra: String? = nil, doNotCall: Bool = false, phoneInvalid: Bool = false,
                training: Bool = false, leadFromCall: Int64? = nil, commercialInsurer: String? = nil, commercialPremium: String? = nil,
                compulsoryInsurer: String? = nil, compulsoryPremium: String? = nil) {
        self.id = id
        self.plate = plate
        self.name = name
        self.honorific = honorific
        self.phone = phone
        self.idNumber = idNumber
        self.model = model
        self.lastInsurer = lastInsurer
        self.lastPremium = lastPremium
        self.commercialExpiry = commercialExpiry
        self.compulsoryExpiry = compulsoryExpiry
        self.claims = claims
        self.violations = violations
        self.grade = grade
        self.type = type
        self.agent = agent
        self.vehicleUse = vehicleUse
        self.notes = notes
        self.contact = contact
        self.holderType = holderType
        self.lastCover = lastCover
        self.sumInsured = sumInsured
        self.address = address
        self.extra = extra
        self.doNotCall = doNotCall
        self.phoneInvalid = phoneInvalid
        self.training = training
        self.leadFromCall = leadFromCall
        self.commercialInsurer = commercialInsurer
        self.commercialPremium = commercialPremium
        self.compulsoryInsurer = compulsoryInsurer
        self.compulsoryPremium = compulsoryPremium
    }

    /// A company's vehicle (单位客户): the call speaks to the contact person.
    public var isCompany: Bool { holderType == LedgerValue.companyHolder }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

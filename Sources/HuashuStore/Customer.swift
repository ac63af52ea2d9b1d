import Foundation
import GRDB

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
    /// Ledger columns Huashu has no field for, kept as JSON so nothing is dropped.
    public var extra: String?
    public var doNotCall: Bool
    /// A made-up customer a rehearsal plays; never in the queue or the reports.
    public var training: Bool
    /// The phone reached someone else (号码错误): out of the dial queue, on the
    /// correction list, until a ledger import brings a different number.
    public var phoneInvalid: Bool
    /// A second vehicle a customer mentioned on this call: a new lead, to be
    /// checked and completed (no ledger row brought it yet).
    public var leadFromCall: Int64?

    public enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, plate, name, honorific, phone, model, claims, violations, grade, type, agent, notes, extra, training
        case idNumber = "id_number"
        case lastInsurer = "last_insurer"
        case lastPremium = "last_premium"
        case commercialExpiry = "commercial_expiry"
        case compulsoryExpiry = "compulsory_expiry"
        case vehicleUse = "vehicle_use"
        case doNotCall = "do_not_call"
        case phoneInvalid = "phone_invalid"
        case leadFromCall = "lead_from_call"
    }

    public init(id: Int64? = nil, plate: String, name: String, honorific: String? = nil, phone: String? = nil,
                idNumber: String? = nil, model: String? = nil, lastInsurer: String? = nil, lastPremium: String? = nil,
                commercialExpiry: String? = nil, compulsoryExpiry: String? = nil, claims: Int? = nil, violations: Int? = nil,
                grade: String? = nil, type: String? = nil, agent: String? = nil, vehicleUse: String? = nil,
                notes: String? = nil, extra: String? = nil, doNotCall: Bool = false, training: Bool = false,
                phoneInvalid: Bool = false, leadFromCall: Int64? = nil) {
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
        self.extra = extra
        self.doNotCall = doNotCall
        self.training = training
        self.phoneInvalid = phoneInvalid
        self.leadFromCall = leadFromCall
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

import HuashuCalendar

/// One insured vehicle from the ledger, checked and normalised, ready to be
/// stored and to fill the placeholders of the call scripts.
public struct LedgerRecord: Sendable, Equatable {
    /// The row number Excel shows (the header is usually row 1), so a problem
    /// or a customer can be found again in the sheet the agent keeps.
    public var row: Int
    public var name: String
    /// Upper-case, half-width, without spaces or dots: "粤B12345". The key for duplicates.
    public var plate: String
    /// 11 mobile digits, or a landline as "020-12345678".
    public var phone: String?
    /// 18 characters with a valid check digit (X upper-case), or a 15-digit old number.
    public var idNumber: String?
    /// 先生 or 女士, from 称呼, else 性别, else the sex digit of a person's ID number.
    public var honorific: String?
    public var commercialExpiry: LedgerDate?
    public var compulsoryExpiry: LedgerDate?
    public var claims: Int?
    public var violations: Int?
    /// The fields stored as text (`LedgerField.textRule`) by `LedgerField.textSlot`.
    public private(set) var texts = LedgerTexts()
    /// Columns Huashu has no field for, by their header text: a dealer's own
    /// columns (address, 年审, 实收保费) must survive an import.
    public var extra: [String: String]
    /// Cells that failed their check: kept out of the record, the vehicle imported all the same.
    public var held: [LedgerProblem] = []
    /// Each held cell as it was written, in the order of `held`.
    public var heldCells: [String] = []

    public init(row: Int, name: String, plate: String, phone: String? = nil, idNumber: String? = nil,
                honorific: String? = nil, model: String? = nil, lastInsurer: String? = nil,
                lastPremium: String? = nil, commercialExpiry: LedgerDate? = nil, compulsoryExpiry: LedgerDate? = nil,
                claims: Int? = nil, violations: Int? = nil, grade: String? = nil, type: String? = nil,
                agent: String? = nil, vehicleUse: String? = nil, notes: String? = nil, extra: [String: String] = [:]) {
        self.row = row
        self.name = name
        self.plate = plate
        self.phone = phone
        self.idNumber = idNumber
        self.honorific = honorific
        self.commercialExpiry = commercialExpiry
        self.compulsoryExpiry = compulsoryExpiry
        self.claims = claims
        self.violations = violations
        self.extra = extra
        for (field, value) in [(LedgerField.model, model), (.lastInsurer, lastInsurer), (.lastPremium, lastPremium), (.grade, grade),
                               (.type, type), (.agent, agent), (.vehicleUse, vehicleUse), (.notes, notes)] where value != nil {
            self[text: field] = value
        }
    }

    /// An empty record for the reader to fill: no look-up of text slots for values it has not read.
    init(row: Int) {
        self.row = row
        name = ""
        plate = ""
        extra = [:]
    }

    /// A text field's value (see `LedgerField.textRule`); nil for the others.
    public subscript(text field: LedgerField) -> String? {
        get { LedgerField.textSlot[field].flatMap { texts[$0] } }
        set {
            guard let slot = LedgerField.textSlot[field] else { return }
            texts[slot] = newValue
        }
    }

    /// Sets a text field by its slot: the reader's way, without a look-up per cell.
    mutating func setText(_ value: String, slot: Int) {
        texts[slot] = value
    }

    /// The value of a text slot, moved out of the record: a record made into a customer copies
    /// none of its texts.
    public mutating func takeText(slot: Int) -> String? {
        texts.take(slot: slot)
    }

    public var model: String? { get { self[text: .model] } set { self[text: .model] = newValue } }
    public var lastInsurer: String? { get { self[text: .lastInsurer] } set { self[text: .lastInsurer] = newValue } }
    /// Plain yuan, two decimals when there are any: "4860", "4860.50".
    public var lastPremium: String? { get { self[text: .lastPremium] } set { self[text: .lastPremium] = newValue } }
    /// "A" (sure) to "D" (likely lost).
    public var grade: String? { get { self[text: .grade] } set { self[text: .grade] = newValue } }
    /// "价格敏感型", "服务敏感型" or "无所谓型".
    public var type: String? { get { self[text: .type] } set { self[text: .type] = newValue } }
    public var agent: String? { get { self[text: .agent] } set { self[text: .agent] = newValue } }
    /// 使用性质 as written (家庭自用, 营运, 非营运, ...): it changes the quote, so it is kept.
    public var vehicleUse: String? { get { self[text: .vehicleUse] } set { self[text: .vehicleUse] = newValue } }
    public var notes: String? { get { self[text: .notes] } set { self[text: .notes] = newValue } }

    /// The cell to write for a field when exporting records back to CSV, in a
    /// form `LedgerReader.read` accepts again; empty when the value is absent.
    /// `.gender` is written from the honorific (男/女).
    public func cell(_ field: LedgerField) -> String {
        switch field {
        case .name: name
        case .phone: phone ?? ""
        case .idNumber: idNumber ?? ""
        case .plate: plate
        case .commercialExpiry: commercialExpiry?.description ?? ""
        case .compulsoryExpiry: compulsoryExpiry?.description ?? ""
        case .claims: claims.map(String.init) ?? ""
        case .violations: violations.map(String.init) ?? ""
        case .gender: honorific == "先生" ? "男" : honorific == "女士" ? "女" : ""
        case .salutation: honorific ?? ""
        default: self[text: field] ?? ""
        }
    }
}

/// The text fields' values by slot (`LedgerField.textSlot`), kept in the record itself:
/// the records of a large ledger allocate and free no array for them.
public struct LedgerTexts: Sendable, Equatable {
    private typealias Slots = InlineArray<24, String?>
    /// Room for every text field (`LedgerField.textFields` checks that they fit).
    static let capacity = Slots.count
    private var values = Slots(repeating: nil)
    /// How many slots hold a value.
    public private(set) var count = 0

    public var isEmpty: Bool { count == 0 }

    public subscript(slot: Int) -> String? {
        get { values[slot] }
        set {
            count += (newValue == nil ? 0 : 1) - (values[slot] == nil ? 0 : 1)
            values[slot] = newValue
        }
    }

    /// The value of a slot, moved out.
    mutating func take(slot: Int) -> String? {
        guard let value = values[slot].take() else { return nil }
        count -= 1
        return value
    }

    public static func == (a: LedgerTexts, b: LedgerTexts) -> Bool {
        a.count == b.count && a.values.indices.allSatisfy { a.values[$0] == b.values[$0] }
    }
}

import HuashuText

/// The columns Huashu understands. Ledgers are kept by hand in many dealers,
/// so each field is found by any of several header spellings, Chinese or English.
public enum LedgerField: String, Sendable, CaseIterable {
    case name, phone, idNumber, plate, model
    case commercialExpiry, compulsoryExpiry
    case lastPremium, lastInsurer, claims, violations
    case grade, type, gender, salutation, agent, vehicleUse, notes
    case contact, holderType, lastCover, sumInsured, address
    /// Each policy's own insurer and premium, when the ledger says them apart.
    case commercialInsurer, commercialPremium, compulsoryInsurer, compulsoryPremium

    /// The header Huashu writes, and the one named in error messages.
    public var title: String {
        aliases[0]
    }

    /// English words for messages, which are read by the agent and by support.
    public var meaning: String {
        switch self {
        case .name: "customer name"
        case .phone: "phone number"
        case .idNumber: "ID number"
        case .plate: "plate"
        case .model: "vehicle model"
        case .commercialExpiry: "commercial insurance expiry date"
        case .compulsoryExpiry: "compulsory insurance (交强险) expiry date"
        case .lastPremium: "last year's premium"
        case .lastInsurer: "last year's insurer"
        case .claims: "number of claims"
        case .violations: "number of traffic violations"
        case .grade: "customer grade"
        case .type: "customer type"
        case .gender: "gender"
        case .salutation: "form of address"
        case .agent: "agent"
        case .vehicleUse: "vehicle use"
        case .notes: "notes"
        case .contact: "contact person"
        case .holderType: "policyholder type (个人 or 单位)"
        case .lastCover: "last year's cover"
        case .sumInsured: "sum insured"
        case .address: "address"
        case .commercialInsurer: "commercial insurance (商业险) insurer"
        case .commercialPremium: "commercial insurance (商业险) premium"
        case .compulsoryInsurer: "compulsory insurance (交强险) insurer"
        case .compulsoryPremium: "compulsory insurance (交强险) premium"
        }
    }

    /// Header spellings seen in dealers' and insurers' ledgers; the first is the title.
    public var aliases: [String] {
        switch self {
        case .name: ["客户姓名", "姓名", "客户名称", "客户", "车主", "车主姓名", "被保险人", "name", "customer", "customer_name"]
        case .phone: ["联系电话", "手机", "手机号", "手机号码", "电话", "电话号码", "联系方式", "客户电话", "车主电话", "phone", "mobile", "tel", "telephone"]
        case .idNumber: ["身份证号", "身份证", "身份证号码", "证件号码", "证件号", "id_number", "id_no", "id_card"]
        case .plate: ["车牌号", "车牌", "车牌号码", "号牌号码", "号牌", "plate", "plate_number", "license_plate"]
        case .model: ["车型", "品牌型号", "厂牌型号", "车辆型号", "车辆品牌", "model", "vehicle_model"]
        case .commercialExpiry: ["商业险到期日", "商业险到期", "商业险到期日期", "商业险到期时间", "商业险止期", "到期日", "到期日期", "保险到期日", "commercial_expiry", "expiry", "expiry_date"]
        case .compulsoryExpiry: ["交强险到期日", "交强险到期", "交强险到期日期", "交强险到期时间", "交强险止期", "compulsory_expiry"]
        case .lastPremium: ["上年保费", "保费", "上年总保费", "总保费", "last_premium", "premium"]
        case .lastInsurer: ["上年承保公司", "承保公司", "保险公司", "上年保险公司", "last_insurer", "insurer"]
        case .claims: ["出险次数", "理赔次数", "上年出险次数", "claims"]
        case .violations: ["违章次数", "违章", "violations"]
        case .grade: ["客户等级", "等级", "续保等级", "grade"]
        case .type: ["客户类型", "类型", "type", "customer_type"]
        case .gender: ["性别", "gender", "sex"]
        case .salutation: ["称呼", "salutation", "honorific"]
        case .agent: ["专员", "续保专员", "维系专员", "业务员", "agent"]
        case .vehicleUse: ["使用性质", "车辆使用性质", "vehicle_use", "usage"]
        case .notes: ["备注", "说明", "notes", "note", "remarks"]
        case .contact: ["联系人", "联系人姓名", "经办人", "contact", "contact_person"]
        case .holderType: ["投保人类型", "客户性质", "投保人性质", "holder_type"]
        case .lastCover: ["上年险种", "险种", "投保险种", "last_cover", "cover"]
        case .sumInsured: ["保额", "保险金额", "三者保额", "sum_insured"]
        case .address: ["住址", "联系地址", "通讯地址", "address"]
        case .commercialInsurer: ["商业险承保公司", "商业险保险公司", "商业险公司", "commercial_insurer"]
        case .commercialPremium: ["商业险保费", "商业险金额", "商业保费", "commercial_premium"]
        case .compulsoryInsurer: ["交强险承保公司", "交强险保险公司", "交强险公司", "compulsory_insurer"]
        case .compulsoryPremium: ["交强险保费", "交强险金额", "交强保费", "compulsory_premium"]
        }
    }

    /// The rule that turns a cell into the text stored for this field: the
    /// cell as written, or its check's normal form. nil for the fields read by
    /// rules of their own in `LedgerRowReader` (name, plate, phone, ID number,
    /// dates, counts, gender, form of address). A new text column is its case,
    /// its words above, one line here, and its line in `CustomerColumns.all`.
    public var textRule: (@Sendable (String) throws(LedgerValueError) -> String)? {
        switch self {
        case .model, .lastInsurer, .agent, .vehicleUse, .notes, .lastCover, .address, .commercialInsurer, .compulsoryInsurer: { $0 }
        case .lastPremium, .sumInsured, .commercialPremium, .compulsoryPremium: { value throws(LedgerValueError) in try LedgerValue.premium(value) }
        case .grade: { value throws(LedgerValueError) in try LedgerValue.grade(value) }
        case .type: { value throws(LedgerValueError) in try LedgerValue.customerType(value) }
        case .holderType: { value throws(LedgerValueError) in try LedgerValue.holderType(value) }
        case .contact: { LedgerValue.personName($0) }
        case .name, .phone, .idNumber, .plate, .commercialExpiry, .compulsoryExpiry, .claims, .violations, .gender, .salutation: nil
        }
    }

    /// The fields stored as text, in the order of `LedgerRecord`'s text slots.
    public static let textFields: [LedgerField] = {
        let fields = allCases.filter { $0.textRule != nil }
        precondition(fields.count <= LedgerTexts.capacity, "a record has room for \(LedgerTexts.capacity) text fields: raise LedgerTexts.capacity")
        return fields
    }()
    /// Each text field's slot in `LedgerRecord`.
    public static let textSlot: [LedgerField: Int] = Dictionary(uniqueKeysWithValues: textFields.enumerated().map { ($1, $0) })

    /// The field a header cell names, or nil for a column Huashu keeps in `extra`.
    public init?(header: String) {
        guard let field = LedgerField.byHeaderKey[LedgerField.headerKey(header)] else { return nil }
        self = field
    }

    /// The header written into correction files for the problems of each row;
    /// recognised on the way back in so a corrected file imports cleanly.
    public static let problemsColumn = "导入问题"

    /// Headers are compared after removing what varies between hand-made
    /// sheets: spaces, full-width forms, case, `_`/`-`, required-field stars,
    /// a trailing colon and units or remarks in brackets such as "(元)".
    static func headerKey(_ header: String) -> String {
        let folded = InputNormalisation.foldFullWidth(header).lowercased()
        var key = ""
        var depth = 0
        for scalar in folded.unicodeScalars {
            switch scalar {
            case "(", "[", "【", "〔": depth += 1
            case ")", "]", "】", "〕": depth = max(depth - 1, 0)
            case "*", ":", "_", "-", "\u{FEFF}", "\u{200B}": continue
            default:
                if depth == 0 && !scalar.properties.isWhitespace { key.unicodeScalars.append(scalar) }
            }
        }
        return key
    }

    private static let byHeaderKey: [String: LedgerField] = {
        var table: [String: LedgerField] = [:]
        for field in allCases {
            for alias in field.aliases where table[headerKey(alias)] == nil {
                table[headerKey(alias)] = field
            }
        }
        return table
    }()
}

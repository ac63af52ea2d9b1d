import Foundation
import HuashuLedger
import HuashuStore
import HuashuText

/// `huashu customer ID|PLATE`: one stored customer as the imports left it,
/// with the marks that keep them off the queue, the values waiting on the
/// review list and every change an import made. Phone and ID numbers are
/// masked unless `unmask`, which is written to the audit log.
public enum CustomerRecord {
    public static func run(_ query: String, unmask: Bool, options: CallOptions, now: Date = Date()) throws(UserError) -> String {
        let store = try openStore(options.database, mustExist: true)
        let customer = try CustomerLookup.one(matching: query, in: store)
        guard let id = customer.id else { return "" }
        if unmask {
            try wrap {
                try store.audit(agent: options.agent, action: "unmask", customerID: id, callID: nil,
                                detail: "huashu customer \(query) --unmask", at: now)
            }
        }
        let reviews = try wrap { try store.reviewItems(customerID: id) }
        let changes = try wrap { try store.changes(ofCustomer: id) }
        return render(customer, reviews: reviews, changes: changes, unmasked: unmask)
    }

    static func render(_ c: Customer, reviews: [ReviewItem], changes: [StoredChange], unmasked: Bool) -> String {
        var flags: [String] = []
        if c.doNotCall { flags.append("勿扰") }
        if c.phoneInvalid { flags.append("缺少有效电话") }
        if !reviews.isEmpty { flags.append("待审核 \(reviews.count)") }
        if c.training { flags.append("演练客户") }
        if c.isCompany { flags.append("单位客户") }
        var out = "#\(c.id ?? 0) \(c.plate) \(c.name)\(c.honorific.map { " \($0)" } ?? "")\n"
        out += "标记: " + (flags.isEmpty ? "无" : flags.joined(separator: "、")) + "\n"
        let fields: [(String, String?)] = [
            (LedgerField.contact.title, c.contact), (LedgerField.holderType.title, c.holderType),
            (LedgerField.phone.title, shown(c.phone, field: "phone", unmasked: unmasked)),
            (LedgerField.idNumber.title, shown(c.idNumber, field: "id_number", unmasked: unmasked)),
            (LedgerField.model.title, c.model), (LedgerField.vehicleUse.title, c.vehicleUse),
            (LedgerField.commercialExpiry.title, c.commercialExpiry), (LedgerField.compulsoryExpiry.title, c.compulsoryExpiry),
            (LedgerField.lastInsurer.title, c.lastInsurer), (LedgerField.lastPremium.title, c.lastPremium),
            (LedgerField.commercialInsurer.title, c.commercialInsurer), (LedgerField.commercialPremium.title, c.commercialPremium),
            (LedgerField.compulsoryInsurer.title, c.compulsoryInsurer), (LedgerField.compulsoryPremium.title, c.compulsoryPremium),
            (LedgerField.lastCover.title, c.lastCover), (LedgerField.sumInsured.title, c.sumInsured),
            (LedgerField.claims.title, c.claims.map(String.init)), (LedgerField.violations.title, c.violations.map(String.init)),
            (LedgerField.grade.title, c.grade), (LedgerField.type.title, c.type), (LedgerField.agent.title, c.agent),
            (LedgerField.address.title, c.address), (LedgerField.notes.title, c.notes), ("其他列", c.extra),
        ]
        let width = fields.map { DisplayWidth.of($0.0) }.max() ?? 0
        for (title, value) in fields where value != nil {
            out += "  " + TextWrap.padded(title, to: width) + "  " + (value ?? "") + "\n"
        }
        if !reviews.isEmpty {
            out += "待审核 (huashu review keep|take ID):\n"
            out += reviews.map { "  " + ReviewList.line($0, unmasked: unmasked) + "\n" }.joined()
        }
        out += "变更记录:" + (changes.isEmpty ? " 无\n" : "\n")
        for change in changes {
            let old = shown(change.old, field: change.field, unmasked: unmasked)
            let new = shown(change.new, field: change.field, unmasked: unmasked)
            out += "  \(change.at.prefix(16).replacingOccurrences(of: "T", with: " ")) \(change.title): \(old) → \(new)  "
                + "(\(change.file)\(change.row.map { " row \($0)" } ?? ""))\n"
        }
        return out
    }

    /// A stored value as shown: `—` for none, phone and ID numbers masked unless asked.
    static func shown(_ value: String?, field: String, unmasked: Bool) -> String {
        guard let value else { return "—" }
        guard !unmasked else { return value }
        switch field {
        case "phone": return PersonalData.phone(value) ?? value
        case "id_number": return PersonalData.idNumber(value) ?? value
        default: return value
        }
    }
}

/// `huashu review`: the values imports held back (conflicting names and
/// phones, cells that failed their check), and their resolution.
public enum ReviewList {
    public enum Action: Sendable, Equatable {
        case list
        case keep(Int64)
        case take(Int64)
    }

    public static func run(_ action: Action, unmask: Bool, options: CallOptions, now: Date = Date()) throws(UserError) -> String {
        let store = try openStore(options.database, mustExist: true)
        switch action {
        case .list:
            let items = try wrap { try store.reviewItems() }
            if unmask {
                try wrap { try store.audit(agent: options.agent, action: "unmask", customerID: nil, callID: nil, detail: "huashu review list --unmask", at: now) }
            }
            guard !items.isEmpty else { return "nothing to review\n" }
            return items.map { line($0, unmasked: unmask) + "\n" }.joined()
                + "\(items.count) to review: `huashu review keep ID` keeps the stored value, `huashu review take ID` takes the ledger's\n"
        case .keep(let id), .take(let id):
            let take = action == .take(id)
            let item = try wrap { try store.resolveReview(id, take: take, by: options.agent, at: now) }
            return take
                ? "#\(id): \(item.plate) \(item.title) is now \(CustomerRecord.shown(item.given, field: item.field, unmasked: unmask))\n"
                : "#\(id): \(item.plate) keeps its stored \(item.title)\n"
        }
    }

    /// `#3 粤B12345 联系电话: stored 138****5678, ledger 139****0000 (a.csv row 4) the ledger gives another phone number for this plate`
    static func line(_ item: ReviewItem, unmasked: Bool) -> String {
        let field = item.kind == .conflict ? item.field : (LedgerField(header: item.field).map(columnName) ?? "")
        let shown = { (value: String?) in CustomerRecord.shown(value, field: field, unmasked: unmasked) }
        let values = item.kind == .conflict
            ? "stored \(shown(item.stored)), ledger \(shown(item.given))"
            : "cell \(shown(item.given))"
        // The message quotes the cell: masked with it.
        var message = item.message
        if !unmasked {
            message = PersonalData.masked(message)
            if let given = item.given, !given.isEmpty { message = message.replacingOccurrences(of: given, with: shown(given)) }
        }
        return "#\(item.id) \(item.plate) \(item.title): \(values) (\(item.file) row \(item.row ?? 0)): \(message)"
    }

    /// The stored column a ledger field's cell belongs to, for masking a held phone or ID cell.
    private static func columnName(_ field: LedgerField) -> String {
        switch field {
        case .phone: "phone"
        case .idNumber: "id_number"
        default: ""
        }
    }
}

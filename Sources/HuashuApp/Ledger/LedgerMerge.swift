import Foundation
import HuashuLedger
import HuashuStore

/// How a ledger row meets the customer already stored under its plate (from
/// an earlier import, or an earlier row of the same file):
///
/// - an empty cell, or a column the file lacks, keeps the stored value; only
///   `clearingEmptyCells` lets an empty cell in a column the file has erase it;
/// - a different owner name, or a different phone where one is stored, is not
///   applied but held for review (`huashu review`): a ledger is not proof that
///   the car changed hands. A phone the team marked invalid is replaced at once;
/// - rows of one plate in one file are one vehicle: their policies merge, but
///   the same policy with two expiry dates is held for review (the first kept);
/// - the customer is marked 缺少有效电话 (`phoneInvalid`) while no phone is
///   stored, or while the stored one is still the number marked wrong.
struct LedgerMerge: Sendable {
    /// The fields the file has a column for.
    let present: Set<LedgerField>
    let hasExtraColumns: Bool
    let clearingEmptyCells: Bool

    init(header: [String], clearingEmptyCells: Bool) {
        present = Set(header.compactMap(LedgerField.init(header:)))
        hasExtraColumns = header.contains { cell in
            !cell.trimmingCharacters(in: .whitespaces).isEmpty && LedgerField(header: cell) == nil && cell != LedgerField.problemsColumn
        }
        self.clearingEmptyCells = clearingEmptyCells
    }

    func callAsFunction(_ entry: LedgerEntry, _ stored: Customer, earlierRow: Bool) -> (Customer, [HeldValue]) {
        let given = entry.customer
        var held: [HeldValue] = []
        var customer = given.keepingValues(of: stored) { field in
            guard clearingEmptyCells, field != .name, field != .plate else { return false }
            // The form of address comes from 称呼, 性别 or the ID number.
            return field == .salutation ? !present.isDisjoint(with: [.gender, .salutation, .idNumber]) : present.contains(field)
        }
        if !stored.name.isEmpty && !given.name.isEmpty && given.name != stored.name {
            held.append(HeldValue(kind: .conflict, field: "name", stored: stored.name, given: given.name,
                                  message: "the ledger names another owner for this plate"))
            customer.name = stored.name
        }
        if let old = stored.phone, let new = given.phone, new != old, !stored.phoneInvalid {
            held.append(HeldValue(kind: .conflict, field: "phone", stored: old, given: new,
                                  message: "the ledger gives another phone number for this plate"))
            customer.phone = old
        }
        if earlierRow {
            for (policy, field, old, new) in [("商业险", "commercial_expiry", stored.commercialExpiry, given.commercialExpiry),
                                              ("交强险", "compulsory_expiry", stored.compulsoryExpiry, given.compulsoryExpiry)] {
                guard let old, let new, old != new else { continue }
                held.append(HeldValue(kind: .conflict, field: field, stored: old, given: new,
                                      message: "the file gives this plate a second \(policy) expiry date"))
            }
            customer.commercialExpiry = stored.commercialExpiry ?? given.commercialExpiry
            customer.compulsoryExpiry = stored.compulsoryExpiry ?? given.compulsoryExpiry
        }
        // The vehicle's 上年承保公司 and 上年保费 are its 商业险's once it has one: a 交强险 row does not take their place.
        if given.commercialExpiry == nil && given.compulsoryExpiry != nil && stored.commercialExpiry != nil {
            customer.lastInsurer = stored.lastInsurer ?? customer.lastInsurer
            customer.lastPremium = stored.lastPremium ?? customer.lastPremium
        }
        customer.phoneInvalid = customer.phone == nil || (stored.phoneInvalid && customer.phone == stored.phone)
        customer.extra = mergedExtra(given.extra, stored.extra)
        return (customer, held)
    }

    /// Columns Huashu has no field for, merged key by key: the file's cells win, its empty ones keep the stored.
    private func mergedExtra(_ given: String?, _ stored: String?) -> String? {
        if clearingEmptyCells && hasExtraColumns { return given }
        guard let stored else { return given }
        guard let given, given != stored else { return stored }
        var merged = Self.decode(stored)
        merged.merge(Self.decode(given)) { $1 }
        return Customer.extraJSON(merged)
    }

    private static func decode(_ json: String) -> [String: String] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: String] ?? [:]
    }
}

extension [LedgerEntry] {
    /// Appends a ledger row to store, with the cells the reader held back; its customer is
    /// filled where it is kept (`Customer.fill(from:)`).
    mutating func append(ledgerRow record: consuming LedgerRecord) {
        let row = record.row
        let held = record.held.isEmpty ? [] : zip(record.held, record.heldCells).map { problem, cell in
            HeldValue(kind: .cell, field: problem.column, stored: nil, given: cell, message: problem.message)
        }
        append(LedgerEntry(customer: .blank, row: row, held: held))
        self[endIndex - 1].customer.fill(from: record)
    }
}

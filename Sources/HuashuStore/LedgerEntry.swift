import Foundation
import GRDB
import GRDBSQLite
import HuashuCalendar

public struct UpsertSummary: Sendable, Equatable {
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    /// Every stored value an import changed in a customer it already had, in file order.
    public var changes: [FieldChange] = []
    /// Cells that failed their check, put on the review list instead of into the record.
    public var heldCells = 0
    /// Names and phones that differ from the stored ones, put on the review list.
    public var conflicts = 0

    public init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0, changes: [FieldChange] = [], heldCells: Int = 0, conflicts: Int = 0) {
        self.inserted = inserted
        self.updated = updated
        self.unchanged = unchanged
        self.changes = changes
        self.heldCells = heldCells
        self.conflicts = conflicts
    }
}

/// One ledger row to store: the customer it describes, the row it came from
/// and the values the reader held back for review.
public struct LedgerEntry: Sendable {
    public var customer: Customer
    public var row: Int
    public var held: [HeldValue]

    public init(customer: Customer, row: Int, held: [HeldValue] = []) {
        self.customer = customer
        self.row = row
        self.held = held
    }
}

/// A value an import did not apply, waiting on the review list for a person to decide.
public struct HeldValue: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// A cell that failed its check (the message says why); it can only be fixed in the ledger.
        case cell
        /// A value that differs from the stored one (`field` is the column); keep the stored or take the new.
        case conflict
    }

    public var kind: Kind
    /// The stored column for a conflict; the file's header text for a cell.
    public var field: String
    public var stored: String?
    public var given: String?
    public var message: String

    public init(kind: Kind, field: String, stored: String?, given: String?, message: String) {
        self.kind = kind
        self.field = field
        self.stored = stored
        self.given = given
        self.message = message
    }
}

/// One stored value an import changed.
public struct FieldChange: Sendable, Equatable {
    public var plate: String
    public var row: Int
    /// The customers column, as `CustomerColumns` names it.
    public var field: String
    public var old: String?
    public var new: String?

    public init(plate: String, row: Int, field: String, old: String?, new: String?) {
        self.plate = plate
        self.row = row
        self.field = field
        self.old = old
        self.new = new
    }
}

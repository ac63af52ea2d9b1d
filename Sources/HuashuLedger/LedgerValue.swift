import HuashuText

/// Why one value was refused, in a sentence that quotes the value and says
/// what a good one looks like, so the agent can fix the cell without help.
public struct LedgerValueError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// The checks behind every ledger column, public so a customer typed in by
/// hand passes exactly the same rules as one imported from a file. Each check
/// takes the cell as found and returns the normalised value.
public enum LedgerValue {
    /// Names padded for alignment in a sheet ("张  三") are closed up; names
    /// with Latin letters keep their spaces.
    public static func personName(_ value: String) -> String {
        guard !CellText.isPlain(value), value.unicodeScalars.contains(where: CellText.isBlank) else { return value }
        let letters = value.filter { !$0.unicodeScalars.allSatisfy(CellText.isBlank) }
        return letters.allSatisfy(\.isHan) ? letters : value
    }
}

extension LedgerValueError {
    /// A workbook cell holding an identifier as a number: Excel keeps 15 digits of a number, and no leading 0 or X.
    static func storedAsNumber(_ value: String, what: String) -> LedgerValueError {
        LedgerValueError("\(Quoting.quoted(value)) is \(what) stored in the workbook as a number, which keeps at most 15 digits and no leading 0 or X; format the column as Text in Excel, retype the numbers and save again")
    }
}

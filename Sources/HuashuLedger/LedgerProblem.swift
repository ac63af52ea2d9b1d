/// One bad cell (or row), located the way the agent will look for it in
/// Excel: the row number on the left and the column's header text.
public struct LedgerProblem: Sendable, Equatable, CustomStringConvertible {
    public let row: Int
    /// The header text of the column, or "column K" for a column without one.
    public let column: String
    public let message: String

    public init(row: Int, column: String, message: String) {
        self.row = row
        self.column = column
        self.message = message
    }

    public var description: String {
        "row \(row), column \(column): \(message)"
    }
}

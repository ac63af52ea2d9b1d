/// One bad cell (or row), located the way the agent will look for it in
/// Excel: the row number on the left and the column's header text.
public struct LedgerProblem: Sendable, Equatable, CustomStringConvertible {
    public let row: Int
    /// The header text of the column, or "column K" for a column without one.
    public let column: String
    public let message: String
    /// The cell as a workbook names it (`Sheet1!C7`); nil for a CSV file.
    public let cell: String?

    public init(row: Int, column: String, message: String, cell: String? = nil) {
        self.row = row
        self.column = column
        self.message = message
        self.cell = cell
    }

    public var description: String {
        if let cell { return "\(cell), column \(column): \(message)" }
        return "row \(row), column \(column): \(message)"
    }
}

/// Everything learnt from one ledger file: the good rows to import, and
/// enough about the bad ones to tell the agent what to fix and to hand them
/// back as a file of their own.
public struct LedgerParse: Sendable {
    public let encoding: LedgerEncoding
    /// Header cells as in the file.
    public let header: [String]
    /// The row the header was found on: 1, unless title rows come first.
    public let headerRow: Int
    /// Only rows without any problem.
    public let records: [LedgerRecord]
    /// Every problem of every row, sorted by row (then by column order).
    public let problems: [LedgerProblem]
    /// The cells of every rejected row exactly as read, for a correction file.
    public let rejectedRows: [(row: Int, cells: [String])]

    public init(encoding: LedgerEncoding, header: [String], headerRow: Int = 1, records: [LedgerRecord],
                problems: [LedgerProblem], rejectedRows: [(row: Int, cells: [String])]) {
        self.encoding = encoding
        self.header = header
        self.headerRow = headerRow
        self.records = records
        self.problems = problems
        self.rejectedRows = rejectedRows
    }

    /// A CSV of the rejected rows to fix in Excel and import again: the
    /// original header and cells, plus a last column `导入问题` saying what is
    /// wrong (the reader ignores that column). Long digit strings are written
    /// so Excel keeps them as text.
    public func correctionCSV() -> [UInt8] {
        Self.correctionCSV(header: header, problems: problems, rejectedRows: rejectedRows)
    }

    static func correctionCSV(header: [String], problems: [LedgerProblem], rejectedRows: [(row: Int, cells: [String])]) -> [UInt8] {
        var byRow: [Int: [String]] = [:]
        for problem in problems {
            byRow[problem.row, default: []].append("\(problem.column): \(problem.message)")
        }
        let width = max(header.count, rejectedRows.map(\.cells.count).max() ?? 0)
        var fullHeader = header
        while fullHeader.count < width { fullHeader.append("") }
        fullHeader.append(LedgerField.problemsColumn)
        let rows = rejectedRows.map { rejected -> [String] in
            var cells = rejected.cells
            while cells.count < width { cells.append("") }
            cells.append("row \(rejected.row): " + (byRow[rejected.row] ?? []).joined(separator: "; "))
            return cells
        }
        return ExcelCSV.write(header: fullHeader, rows: rows, keepingLongNumbersAsText: true)
    }
}

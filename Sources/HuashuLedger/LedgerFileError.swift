/// A ledger that cannot be read at all. Row-level mistakes are not errors of
/// this kind: they are collected as `LedgerProblem`s so one bad row never costs
/// the agent the other two hundred.
public struct LedgerFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Kept apart from the sentence so callers and tests can react to the kind
    /// of failure without parsing English.
    public enum Reason: Sendable, Equatable {
        /// No bytes, or nothing but blanks, NULs and line ends.
        case empty
        /// A workbook or a UTF-16 text file handed over instead of a CSV export;
        /// the string names what it is.
        case notCSV(String)
        /// `byte` (counted from 1) and `row` locate the first bad byte when known.
        case undecodable(LedgerEncoding?, byte: Int?, row: Int?)
        /// The best header candidate, at `row`, lacks a column every record needs.
        case missingColumn(LedgerField, row: Int, header: [String])
        /// A workbook that cannot be read: the string says what is wrong with it.
        case damagedWorkbook(String)
        /// `--sheet` names a sheet the workbook lacks; the second value lists those it has.
        case unknownSheet(String, [String])
    }

    public let reason: Reason
    /// Extra advice appended to the description, e.g. which encoding to try.
    public let hint: String?

    public init(_ reason: Reason, hint: String? = nil) {
        self.reason = reason
        self.hint = hint
    }

    public var description: String {
        let text: String
        switch reason {
        case .empty:
            text = "the file is empty: it has no header row and no customers"
        case .notCSV(let what):
            text = "the file is \(what), not a CSV text file; in Excel or WPS use Save As and choose \"CSV UTF-8\" (or \"CSV (comma delimited)\")"
        case .undecodable(let encoding, let byte, let row):
            var place = ""
            if let byte { place = "byte \(byte)" }
            if let row { place += place.isEmpty ? "row \(row)" : " (row \(row))" }
            if place.isEmpty { place = "the file" }
            switch encoding {
            case .utf8?: text = "\(place) is not valid UTF-8"
            case .gb18030?: text = "\(place) is not valid GB18030 (GBK)"
            case nil: text = "\(place) is neither valid UTF-8 nor valid GB18030 (GBK)"
            }
        case .missingColumn(let field, let row, let header):
            let cells = header.map { Quoting.short($0, limit: 20) }.filter { !$0.isEmpty }
            let list = cells.isEmpty ? "nothing" : cells.prefix(12).joined(separator: ", ") + (cells.count > 12 ? ", …" : "")
            text = "row \(row): no column for the \(field.meaning) (\(field.title)); the header has: \(list)"
        case .damagedWorkbook(let what):
            text = "the workbook cannot be read: \(what); open it in Excel or WPS and save it again as .xlsx"
        case .unknownSheet(let name, let sheets):
            text = "the workbook has no sheet named \(Quoting.quoted(name)); its sheets are: \(sheets.map(Quoting.quoted).joined(separator: ", "))"
        }
        if let hint { return text + "; " + hint }
        return text
    }
}

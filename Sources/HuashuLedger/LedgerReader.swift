import HuashuText

/// Reads a customer ledger exported from Excel or WPS (续保电子台帐) into
/// checked records and precise row problems. Pure: bytes in, values out.
public enum LedgerReader {
    /// How often `progress` is called: often enough for a progress line on a
    /// 100,000-row file, rarely enough to cost nothing.
    public static let progressInterval = 10_000

    /// Reads the whole file at once. Throws LedgerFileError for a file that
    /// cannot be read at all; row-level problems go into `LedgerParse.problems`.
    /// `progress` receives the number of rows read after every `progressInterval` rows.
    public static func read(_ bytes: [UInt8], encoding: LedgerEncoding? = nil,
                            progress: ((Int) -> Void)? = nil) throws(LedgerFileError) -> LedgerParse {
        var rows = try LedgerRows(bytes, encoding: encoding)
        var records: [LedgerRecord] = []
        records.reserveCapacity(rows.expectedRows)
        while let batch = try rows.next(rows: progressInterval) {
            records.append(contentsOf: batch)
            if rows.rowsRead % progressInterval == 0 { progress?(rows.rowsRead) }
        }
        return LedgerParse(encoding: rows.encoding, header: rows.header, headerRow: rows.headerRow,
                           records: records, problems: rows.problems, rejectedRows: rows.rejectedRows)
    }

}

/// A cell a spreadsheet shows but never runs. Excel, WPS and LibreOffice
/// evaluate a cell beginning with `=`, `+`, `-` or `@` as a formula (and tab
/// or CR can hide such a start), so a ledger cell or a note could run
/// `=HYPERLINK(...)` or DDE when a supervisor opens the file. As OWASP's
/// CSV-injection guidance recommends, such a cell gets a leading `'`, which
/// the spreadsheet shows as text. OWASP makes no exception for numbers, and
/// neither do we: `-120` is written `'-120` (our sheets hold no negative
/// figures; a rejected row's negative premium is an error to correct anyway).
/// Control codes other than tab, CR and LF are shown visibly, as on a terminal.
public enum SpreadsheetCell {
    public static func inert(_ cell: String) -> String {
        let cell = TerminalText.visible(cell, keeping: .cellLayout)
        return startsLikeAFormula(cell.unicodeScalars.first) ? "'" + cell : cell
    }

    /// A cell `inert` wrote: its `'` is dropped again when the file is read back.
    static func isNeutralised(_ cell: String) -> Bool {
        let scalars = cell.unicodeScalars
        return scalars.first == "'" && startsLikeAFormula(scalars.dropFirst().first)
    }

    private static func startsLikeAFormula(_ first: Unicode.Scalar?) -> Bool {
        guard let first else { return false }
        return ["=", "+", "-", "@", "\t", "\r"].contains(first) || isFullWidthFormulaStart(first)
    }

    /// `＝`, `＋`, `－`, `＠`: some spreadsheets fold full-width forms before they parse.
    private static func isFullWidthFormulaStart(_ scalar: Unicode.Scalar) -> Bool {
        [0xFF1D, 0xFF0B, 0xFF0D, 0xFF20].contains(scalar.value)
    }
}

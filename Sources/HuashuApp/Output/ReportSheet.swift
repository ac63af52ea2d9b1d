import HuashuLedger

/// A report as CSV for Excel (UTF-8 with BOM, CRLF, Chinese headers, every
/// cell through `SpreadsheetCell.inert` in `ExcelCSV.write`). The first
/// section's table is the sheet itself, as Excel users know it (the monthly
/// follow-up record sheet, 月度续保跟进记录表); each later one follows a blank
/// row under its title.
enum ReportSheet {
    static func csv(_ document: ReportDocument) -> [UInt8] {
        var rows: [[String]] = []
        for (index, section) in document.sections(for: .csv).enumerated() {
            if index > 0 { rows += [[], [section.title]] }
            for grid in section.grids {
                rows.append(grid.columns.map(\.title))
                rows += grid.rows.isEmpty ? grid.empty.map { [[$0]] } ?? [] : grid.rows.map { $0.map(\.text) }
            }
        }
        guard let header = rows.first else { return ExcelCSV.write(header: [], rows: []) }
        return ExcelCSV.write(header: header, rows: Array(rows.dropFirst()))
    }
}

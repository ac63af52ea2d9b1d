import HuashuLedger

/// A report as CSV for Excel (UTF-8 with BOM, CRLF, Chinese headers, every
/// cell through `SpreadsheetCell.inert` in `ExcelCSV.line`). The first
/// section's table is the sheet itself, as Excel users know it (the monthly
/// follow-up record sheet, 月度续保跟进记录表); each later one follows a blank
/// row under its title.
enum ReportSheet {
    static func csv(_ document: ReportDocument) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try csv(document) { bytes += $0 }
        return bytes
    }

    /// The sheet handed to `write` line by line, as its rows come.
    static func csv(_ document: ReportDocument, to write: ([UInt8]) -> Void) throws {
        var line = ExcelCSV.byteOrderMark
        var lines = 0
        func emit(_ cells: [String]) {
            ExcelCSV.line(cells, into: &line)
            write(line)
            line.removeAll(keepingCapacity: true)
            lines += 1
        }
        for (index, section) in document.sections(for: .csv).enumerated() {
            if index > 0 {
                emit([])
                emit([section.title])
            }
            for grid in section.grids {
                emit(grid.columns.map(\.title))
                var empty = true
                try grid.eachRow { row in
                    empty = false
                    emit(row.map(\.text))
                }
                if empty, let text = grid.empty { emit([text]) }
            }
        }
        if lines == 0 { emit([]) }
    }
}

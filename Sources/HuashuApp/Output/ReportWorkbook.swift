import CXLSXWriter
import Foundation
import HuashuCalendar
import HuashuText

/// A report as an Excel workbook, written by Debian's libxlsxwriter: a sheet
/// per section, figures as numbers (percentages as ratios shown `0.0%`,
/// lengths as times, days as dates), columns as wide as their Chinese text.
/// Every other cell is written as a string, which a spreadsheet never
/// evaluates: a name beginning with `=` stays a name, with no `'` before it.
enum ReportWorkbook {
    static func xlsx(_ document: ReportDocument) throws(UserError) -> [UInt8] {
        guard huashu_xlsxwriter_loaded() != 0 else {
            throw UserError("report --format xlsx needs libxlsxwriter, which is not installed: apt-get install libxlsxwriter4 (or run Scripts/setup)")
        }
        // libxlsxwriter writes a file by name; it goes to a folder only we can read, and its bytes
        // go wherever the report goes (a 0600 file with --out, or standard output).
        var template = Array((NSTemporaryDirectory() + "/huashu-xlsx-XXXXXX").utf8CString)
        guard let folder = mkdtemp(&template).map({ String(cString: $0) }) else {
            throw UserError("cannot make a temporary folder for the workbook: \(String(cString: strerror(errno)))")
        }
        let path = folder + "/report.xlsx"
        defer {
            unlink(path)
            rmdir(folder)
        }
        guard let workbook = huashu_workbook_new(path) else { throw UserError("libxlsxwriter could not start a workbook in \(folder)") }
        let formats = Sheet.Formats(workbook)
        var names: Set<String> = []
        for section in document.sections(for: .xlsx) {
            let name = sheetName(section.sheet ?? section.title, taken: names)
            names.insert(name)
            guard let worksheet = huashu_workbook_add_worksheet(workbook, name) else {
                _ = huashu_workbook_close(workbook)
                throw UserError("libxlsxwriter refused the sheet name \(name)")
            }
            Sheet(worksheet: worksheet, formats: formats).write(section)
        }
        if names.isEmpty { _ = huashu_workbook_add_worksheet(workbook, nil) }
        let status = huashu_workbook_close(workbook)
        guard status == LXW_NO_ERROR else {
            throw UserError("libxlsxwriter could not write the workbook: \(String(cString: huashu_lxw_strerror(status)))")
        }
        do {
            return try FileBytes.read(path)
        } catch {
            throw UserError("cannot read back the workbook: \(error.description)")
        }
    }

    /// Excel's rules: at most 31 characters, none of `[]:*?/\`, unique in the workbook.
    static func sheetName(_ wanted: String, taken: Set<String>) -> String {
        let cleaned = String(TerminalText.visible(wanted).map { "[]:*?/\\".contains($0) ? "_" : $0 }.prefix(31))
        var name = cleaned.isEmpty ? "Sheet" : cleaned
        var number = 2
        while taken.contains(name) {
            name = String(cleaned.prefix(28)) + "(\(number))"
            number += 1
        }
        return name
    }

    /// One section's rows on its sheet, and the widths its columns need.
    private struct Sheet {
        struct Formats {
            let bold: UnsafeMutablePointer<lxw_format>?
            let percent: UnsafeMutablePointer<lxw_format>?
            let duration: UnsafeMutablePointer<lxw_format>?
            let date: UnsafeMutablePointer<lxw_format>?

            init(_ workbook: UnsafeMutablePointer<lxw_workbook>) {
                func format(_ numberFormat: String?, bold: Bool = false) -> UnsafeMutablePointer<lxw_format>? {
                    guard let format = huashu_workbook_add_format(workbook) else { return nil }
                    if bold { huashu_format_set_bold(format) }
                    if let numberFormat { huashu_format_set_num_format(format, numberFormat) }
                    return format
                }
                bold = format(nil, bold: true)
                percent = format("0.0%")
                duration = format("mm:ss")
                date = format("yyyy-mm-dd")
            }
        }

        let worksheet: UnsafeMutablePointer<lxw_worksheet>
        let formats: Formats

        func write(_ section: ReportSection) {
            var row: UInt32 = 0
            var widths: [Int] = []
            func text(_ value: String, column: UInt16 = 0, format: UnsafeMutablePointer<lxw_format>? = nil, measured: Bool = true) {
                let value = TerminalText.visible(value, keeping: .cellLayout)
                if !value.isEmpty { _ = huashu_worksheet_write_string(worksheet, row, column, value, format) }
                if measured { widen(Int(column), value.displayWidth) }
            }
            func widen(_ column: Int, _ width: Int) {
                while widths.count <= column { widths.append(0) }
                widths[column] = max(widths[column], width)
            }
            text(section.title, format: formats.bold, measured: false)
            row += 2
            for block in section.blocks {
                switch block {
                case .paragraph(let line), .note(let line):
                    text(line, measured: false)
                    row += 2
                case .list(let items):
                    for item in items {
                        text(item, measured: false)
                        row += 1
                    }
                case .chart:
                    continue
                case .table(let grid):
                    for (column, title) in grid.columns.enumerated() { text(title.title, column: UInt16(column), format: formats.bold) }
                    row += 1
                    if grid.rows.isEmpty, let empty = grid.empty {
                        text(empty, measured: false)
                        row += 1
                    }
                    for cells in grid.rows {
                        for (column, cell) in cells.enumerated() {
                            let kind = grid.columns[column].kind
                            if let number = value(cell, kind) {
                                _ = huashu_worksheet_write_number(worksheet, row, UInt16(column), number, format(kind))
                                widen(column, max(cell.text.displayWidth, 10))
                            } else {
                                text(cell.text, column: UInt16(column))
                            }
                        }
                        row += 1
                    }
                    row += 1
                }
            }
            for (column, width) in widths.enumerated() {
                _ = huashu_worksheet_set_column(worksheet, UInt16(column), UInt16(column), Double(min(max(width + 2, 6), 60)), nil)
            }
        }

        /// The number a spreadsheet keeps for a figure: a day as Excel's serial day, a length as a fraction of a day.
        func value(_ cell: ReportCell, _ kind: ReportColumn.Kind) -> Double? {
            switch kind {
            case .text: return nil
            case .date: return CalendarText.day(cell.text)?.excelSerial.map(Double.init)
            case .duration: return cell.number.map { $0 / 86_400 }
            case .count, .percent, .money: return cell.number
            }
        }

        func format(_ kind: ReportColumn.Kind) -> UnsafeMutablePointer<lxw_format>? {
            switch kind {
            case .percent: return formats.percent
            case .duration: return formats.duration
            case .date: return formats.date
            case .text, .count, .money: return nil
            }
        }
    }
}

import Foundation
import HuashuText

/// A report for the terminal: section titles, aligned columns (by display
/// width, so Chinese lines up, figures on the right), remarks under the
/// figures. Stored text (names, plates, notes) is shown, never sent: control
/// codes in it become visible.
enum ReportTable {
    static func text(_ document: ReportDocument) -> String {
        var out = [document.title + (document.meta.map { " · " + $0 } ?? ""), ""]
        let sections = document.sections(for: .table)
        for (index, section) in sections.enumerated() {
            out.append(section.title)
            out += lines(section.blocks)
            if index < sections.count - 1 { out.append("") }
        }
        return TerminalText.visible(out.joined(separator: "\n") + "\n", keeping: .lineBreaks)
    }

    /// A section's content, indented two spaces.
    static func lines(_ blocks: [ReportBlock], indent: String = "  ") -> [String] {
        blocks.flatMap { block -> [String] in
            switch block {
            case .paragraph(let text), .note(let text): return [indent + text]
            case .list(let items): return items.map { indent + $0 }
            case .table(let grid): return lines(grid, indent: indent)
            case .chart: return []
            }
        }
    }

    /// Rows under a header, columns padded to the widest cell, figures on the right.
    static func lines(_ grid: ReportGrid, indent: String = "  ") -> [String] {
        if grid.rows.isEmpty, let empty = grid.empty { return [indent + empty] }
        let all = ((grid.showsHeader ? [grid.columns.map(\.title)] : []) + grid.rows.map { $0.map(\.text) })
            .map { $0.map { TerminalText.visible($0) } }
        let widths = grid.columns.indices.map { column in
            all.map { $0.indices.contains(column) ? $0[column].displayWidth : 0 }.reduce(grid.columns[column].minimumWidth, max)
        }
        return all.map { line($0, columns: grid.columns, widths: widths, indent: indent) }
    }

    /// One row of visible cells, padded to `widths`: a table printed row by row passes widths fixed before its rows come.
    /// Figures line up on the right; the last cell and trailing blanks are not padded.
    static func line(_ row: [String], columns: [ReportColumn], widths: [Int], indent: String) -> String {
        var bytes: [UInt8] = []
        append(row, columns: columns, widths: widths, indent: indent, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `line`'s bytes added to `bytes`: a list of a million rows is laid out into its output buffer, not a String per row.
    static func append(_ row: [String], columns: [ReportColumn], widths: [Int], indent: String, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: indent.utf8)
        var owed = 0  // spaces before the next text; never written at the end of the line
        for (column, cell) in row.enumerated() {
            if column > 0 { owed += 2 }
            let gap = max(widths[column] - cell.displayWidth, 0)
            let numeric = columns[column].kind.isNumeric
            if numeric { owed += gap }
            if !cell.isEmpty {
                bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: owed))
                bytes.append(contentsOf: cell.utf8)
                owed = 0
            }
            if !numeric && column < row.count - 1 { owed += gap }
        }
        while bytes.count > start && bytes.last == UInt8(ascii: " ") { bytes.removeLast() }
    }

}

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
    static func line(_ row: [String], columns: [ReportColumn], widths: [Int], indent: String) -> String {
        let cells = row.enumerated().map { column, cell in
            columns[column].kind.isNumeric ? String(repeating: " ", count: max(widths[column] - cell.displayWidth, 0)) + cell
                : (column == row.count - 1 ? cell : TextWrap.padded(cell, to: widths[column]))
        }
        var line = indent + cells.joined(separator: "  ")
        while line.last == " " { line.removeLast() }
        return line
    }
}

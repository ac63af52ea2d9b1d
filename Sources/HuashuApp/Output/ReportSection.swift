import Foundation

/// What a report says, apart from how it is laid out: the monthly report, the
/// queue, the call list and coverage build one of these, and one renderer per
/// output (`ReportTable` for the terminal, `ReportSheet` for CSV, `ReportPage`
/// for HTML, `ReportWorkbook` for xlsx) lays every one of them out.
struct ReportDocument {
    var title: String
    /// A line under the title (the report's day, what it leaves out).
    var meta: String?
    /// The few figures an HTML page shows as tiles above the sections.
    var highlights: [Highlight] = []
    var sections: [ReportSection]

    struct Highlight {
        let label: String
        let value: String
        let note: String
    }

    /// The sections an output shows.
    func sections(for format: ReportSection.Formats) -> [ReportSection] {
        sections.filter { $0.formats.contains(format) }
    }
}

/// One part of a report: a title and what is under it, in order.
struct ReportSection {
    /// Which outputs show the section: the monthly record sheet is for spreadsheets, not the terminal.
    struct Formats: OptionSet {
        let rawValue: Int
        static let table = Formats(rawValue: 1)
        static let csv = Formats(rawValue: 2)
        static let html = Formats(rawValue: 4)
        static let xlsx = Formats(rawValue: 8)
        static let summary: Formats = [.table, .html, .xlsx]
        static let all: Formats = [.table, .csv, .html, .xlsx]
    }

    var title: String
    /// The workbook sheet's name (at most 31 characters, none of `[]:*?/\`); the title when nil.
    var sheet: String?
    var blocks: [ReportBlock]
    var formats: Formats = .all

    /// The section's tables, in order.
    var grids: [ReportGrid] {
        blocks.compactMap { if case .table(let grid) = $0 { return grid } else { return nil } }
    }
}

enum ReportBlock {
    /// A sentence of figures.
    case paragraph(String)
    case table(ReportGrid)
    /// A definition or remark under the figures.
    case note(String)
    /// Items of a list, one a line.
    case list([String])
    /// A picture of a table's figures: drawn where pictures can be (HTML), left out elsewhere.
    case chart(ReportChart)
}

/// Rows under typed columns. An empty grid says `empty` instead, when given.
struct ReportGrid {
    var columns: [ReportColumn]
    var rows: [[ReportCell]]
    /// What to say instead of an empty table; nil shows the header alone.
    var empty: String? = nil
    /// A list whose columns speak for themselves (`huashu calls`) prints no header line in the terminal.
    var showsHeader = true
    /// Rows read from the store while they are written, after `rows` (a month's every sale, in bounded memory): given
    /// only to the CSV and HTML writers, which write each row as it comes (`eachRow`).
    var streamed: ((_ row: ([ReportCell]) -> Void) throws -> Void)? = nil

    /// Every row, `rows` then the streamed ones, handed to `body` one at a time.
    func eachRow(_ body: ([ReportCell]) -> Void) throws {
        rows.forEach(body)
        try streamed?(body)
    }
}

struct ReportColumn {
    enum Kind {
        case text, count, percent, money, date, duration

        /// Figures line up on the right.
        var isNumeric: Bool { self != .text && self != .date }
    }

    let title: String
    let kind: Kind
    /// The terminal's narrowest width for the column (a list whose lines are printed one by one).
    var minimumWidth = 0

    init(_ title: String, _ kind: Kind = .text, minimumWidth: Int = 0) {
        self.title = title
        self.kind = kind
        self.minimumWidth = minimumWidth
    }
}

/// A cell as text (what the terminal, CSV and HTML show) and, for a figure,
/// as the number a spreadsheet keeps.
struct ReportCell: Equatable {
    let text: String
    let number: Double?

    init(_ text: String, number: Double? = nil) {
        self.text = text
        self.number = number
    }

    static func text(_ text: String) -> ReportCell { ReportCell(text) }

    static func count(_ value: Int) -> ReportCell { ReportCell(String(value), number: Double(value)) }

    /// A count that may be missing (`—`).
    static func count(_ value: Int?, missing: String = "—") -> ReportCell {
        value.map { count($0) } ?? ReportCell(missing)
    }

    /// `40.0%` of a ratio, or `—` when there is nothing to divide by.
    static func percent(_ ratio: Double?) -> ReportCell {
        ReportCell(ReportCell.percentText(ratio), number: ratio)
    }

    /// An amount in yuan as stored (`4860`), empty when none was recorded.
    static func money(_ text: String?) -> ReportCell {
        guard let text, !text.isEmpty else { return ReportCell("") }
        return ReportCell(text, number: Double(text))
    }

    /// A call's length as `mm:ss`; the spreadsheet keeps the seconds.
    static func duration(_ seconds: Double?) -> ReportCell {
        seconds.map { ReportCell(CallView.clock($0), number: $0) } ?? ReportCell("—")
    }

    static func percentText(_ ratio: Double?) -> String {
        ratio.map { String(format: "%.1f%%", $0 * 100) } ?? "—"
    }
}

/// Bars for an HTML page: label, bar, value, with an optional reference line
/// (100% of target) and whiskers for an interval.
struct ReportChart {
    struct Bar {
        let label: String
        let value: Double
        let text: String
        var interval: (low: Double, high: Double)? = nil
    }

    let title: String
    let bars: [Bar]
    let maximum: Double
    var reference: Double? = nil
    var color = "#4f81bd"
    var axisPercent = false
}

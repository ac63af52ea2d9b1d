import Foundation
import HuashuText

/// A report as one self-contained HTML page: inline CSS and SVG bar charts,
/// no script, no font or image fetched from anywhere.
enum ReportPage {
    static func html(_ document: ReportDocument) throws -> String {
        var page = ""
        try html(document) { page += $0 }
        return page
    }

    /// The page handed to `write` piece by piece, a table's rows as they come.
    static func html(_ document: ReportDocument, to write: (String) -> Void) throws {
        write("""
            <!DOCTYPE html>
            <html lang="zh-CN">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(document.title))</title>
            <style>\(style)</style>
            </head>
            <body>

            """)
        write("<header><h1>\(escape(document.title))</h1>" + (document.meta.map { "<p class=\"meta\">\(escape($0))</p>" } ?? "") + "</header>")
        if !document.highlights.isEmpty { write("\n" + tiles(document.highlights)) }
        for section in document.sections(for: .html) {
            write("\n<section><h2>\(escape(section.title))</h2>")
            for block in section.blocks { try html(block, to: write) }
            write("</section>")
        }
        write("\n</body>\n</html>\n")
    }

    static func html(_ block: ReportBlock, to write: (String) -> Void) throws {
        switch block {
        case .paragraph(let text): write("<p>\(escape(text))</p>")
        case .note(let text): write("<p class=\"definition\">\(escape(text))</p>")
        case .list(let items): write("<ul>" + items.map { "<li>\(escape($0))</li>" }.joined() + "</ul>")
        case .chart(let chart): write(self.chart(chart))
        case .table(let grid): try table(grid, to: write)
        }
    }

    static let fonts = "\"Noto Sans CJK SC\", \"Source Han Sans SC\", \"PingFang SC\", \"Microsoft YaHei\", \"WenQuanYi Micro Hei\", sans-serif"

    static let style = """
        body { font-family: \(fonts); color: #222; margin: 24px auto; max-width: 960px; padding: 0 16px; background: #fff; }
        h1 { font-size: 24px; margin: 0 0 4px; }
        h2 { font-size: 18px; border-bottom: 2px solid #4f81bd; padding-bottom: 4px; margin-top: 28px; }
        .meta { color: #666; margin: 0 0 16px; }
        .tiles { display: flex; flex-wrap: wrap; gap: 12px; }
        .tile { border: 1px solid #d8dee8; border-radius: 6px; padding: 10px 14px; min-width: 140px; background: #f7f9fc; }
        .tile .label { color: #555; font-size: 13px; }
        .tile .value { font-size: 26px; font-weight: bold; color: #1f4e79; }
        .tile .note { color: #777; font-size: 12px; }
        table { border-collapse: collapse; margin: 8px 0 12px; font-size: 14px; }
        th, td { border: 1px solid #d8dee8; padding: 4px 10px; text-align: left; }
        th { background: #eef2f8; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .definition { color: #555; font-size: 13px; background: #fffbe6; border-left: 3px solid #e0b300; padding: 6px 10px; }
        .empty { color: #777; }
        svg { display: block; margin: 8px 0 12px; max-width: 100%; height: auto; }
        svg text { font-family: \(fonts); }
        """

    /// A horizontal bar chart: label, bar, value; an optional reference line
    /// (100% of target) and whiskers for an interval.
    static func chart(_ chart: ReportChart) -> String {
        let (title, bars, maximum, reference, color, axisPercent) = (chart.title, chart.bars, chart.maximum, chart.reference, chart.color, chart.axisPercent)
        let labelWidth = 240.0, barWidth = 380.0, valueWidth = 150.0, row = 28.0, top = 30.0
        let width = labelWidth + barWidth + valueWidth
        let height = top + row * Double(bars.count) + 26
        let scale = maximum > 0 ? barWidth / maximum : 0
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"\(escape(title))\" width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\">"
        svg += "<text x=\"0\" y=\"18\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">\(escape(title))</text>"
        svg += "<line x1=\"\(labelWidth)\" y1=\"\(top - 4)\" x2=\"\(labelWidth)\" y2=\"\(top + row * Double(bars.count))\" stroke=\"#999\"/>"
        for (index, bar) in bars.enumerated() {
            let y = top + row * Double(index)
            let length = max(0, min(bar.value, maximum)) * scale
            svg += "<g><title>\(escape(bar.label)): \(escape(bar.text))</title>"
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(fmt(y + 18))\" font-size=\"13\" text-anchor=\"end\" fill=\"#333\">\(escape(shortened(bar.label, 30)))</text>"
            svg += "<rect x=\"\(labelWidth)\" y=\"\(fmt(y + 5))\" width=\"\(fmt(length))\" height=\"\(fmt(row - 10))\" fill=\"\(color)\" rx=\"2\"/>"
            if let interval = bar.interval {
                let x1 = labelWidth + interval.low * scale, x2 = labelWidth + min(interval.high, maximum) * scale, mid = y + row / 2
                svg += "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(mid))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(mid))\" stroke=\"#333\" stroke-width=\"1.5\"/>"
                svg += "<line x1=\"\(fmt(x1))\" y1=\"\(fmt(mid - 6))\" x2=\"\(fmt(x1))\" y2=\"\(fmt(mid + 6))\" stroke=\"#333\" stroke-width=\"1.5\"/>"
                svg += "<line x1=\"\(fmt(x2))\" y1=\"\(fmt(mid - 6))\" x2=\"\(fmt(x2))\" y2=\"\(fmt(mid + 6))\" stroke=\"#333\" stroke-width=\"1.5\"/>"
            }
            svg += "<text x=\"\(fmt(labelWidth + barWidth + 8))\" y=\"\(fmt(y + 18))\" font-size=\"13\" fill=\"#333\">\(escape(bar.text))</text></g>"
        }
        let bottom = top + row * Double(bars.count)
        if let reference, maximum > 0 {
            let x = labelWidth + reference * scale
            svg += "<line x1=\"\(fmt(x))\" y1=\"\(top - 4)\" x2=\"\(fmt(x))\" y2=\"\(fmt(bottom))\" stroke=\"#c0504d\" stroke-dasharray=\"4 3\"/>"
            svg += "<text x=\"\(fmt(x))\" y=\"\(fmt(bottom + 16))\" font-size=\"12\" text-anchor=\"middle\" fill=\"#c0504d\">目标 100%</text>"
        } else if axisPercent {
            for tick in stride(from: 0.0, through: 1.0, by: 0.25) {
                let x = labelWidth + tick * scale
                svg += "<line x1=\"\(fmt(x))\" y1=\"\(fmt(bottom))\" x2=\"\(fmt(x))\" y2=\"\(fmt(bottom + 4))\" stroke=\"#999\"/>"
                svg += "<text x=\"\(fmt(x))\" y=\"\(fmt(bottom + 16))\" font-size=\"11\" text-anchor=\"middle\" fill=\"#666\">\(Int(tick * 100))%</text>"
            }
        }
        return svg + "</svg>"
    }

    static func tiles(_ items: [ReportDocument.Highlight]) -> String {
        "<div class=\"tiles\">" + items.map {
            "<div class=\"tile\"><div class=\"label\">\(escape($0.label))</div><div class=\"value\">\(escape($0.value))</div><div class=\"note\">\(escape($0.note))</div></div>"
        }.joined() + "</div>"
    }

    /// A table, opened at its first row: an empty one says `grid.empty` instead, when given.
    static func table(_ grid: ReportGrid, to write: (String) -> Void) throws {
        let head = "<table><thead><tr>" + grid.columns.map { "<th>\(escape($0.title))</th>" }.joined() + "</tr></thead><tbody>"
        var opened = false
        try grid.eachRow { row in
            if !opened { write(head) }
            opened = true
            write("<tr>" + zip(grid.columns, row).map { column, cell in
                column.kind.isNumeric ? "<td class=\"n\">\(escape(cell.text))</td>" : "<td>\(escape(cell.text))</td>"
            }.joined() + "</tr>")
        }
        if opened {
            write("</tbody></table>")
        } else if let empty = grid.empty {
            write("<p class=\"empty\">\(escape(empty))</p>")
        } else {
            write(head + "</tbody></table>")
        }
    }

    static func shortened(_ text: String, _ width: Int) -> String {
        guard text.displayWidth > width else { return text }
        var out = ""
        for character in text {
            if (out + String(character)).displayWidth > width - 1 { break }
            out.append(character)
        }
        return out + "…"
    }

    static func fmt(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    /// Text for HTML: control codes made visible first (`TerminalText.visible`, as everywhere
    /// stored text is shown), then the five characters HTML gives a meaning escaped.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in TerminalText.visible(text, keeping: .lineBreaks) {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

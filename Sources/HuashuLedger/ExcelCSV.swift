/// CSV as Excel and WPS read it: the one writer of every CSV file huashu makes.
public enum ExcelCSV {
    /// Writes rows as CSV text (UTF-8 with BOM, CRLF, quoting as Excel does) -
    /// used for the rejected-rows file, the report sheet and exports; every cell
    /// passes through `SpreadsheetCell.inert`. The BOM makes Excel on
    /// Chinese Windows open it as UTF-8 instead of garbling it as GBK. With
    /// `keepingLongNumbersAsText`, digit strings Excel would mangle (12 or more
    /// digits, or a leading zero) are written as `="..."`, which Excel shows
    /// as text and `read` unwraps.
    public static func write(header: [String], rows: [[String]], keepingLongNumbersAsText: Bool = false) -> [UInt8] {
        var out = byteOrderMark
        out.reserveCapacity(64 * (rows.count + 1))
        line(header, into: &out, keepingLongNumbersAsText: keepingLongNumbersAsText)
        for row in rows { line(row, into: &out, keepingLongNumbersAsText: keepingLongNumbersAsText) }
        return out
    }

    /// What a file begins with, before its first line.
    public static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// One row, CRLF-ended, appended to `out`: a long file is written line by line as its rows are made.
    public static func line(_ cells: [String], into out: inout [UInt8], keepingLongNumbersAsText: Bool = false) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            if keepingLongNumbersAsText && isFragileNumber(cell) {
                out.append(contentsOf: "=\"".utf8)
                out.append(contentsOf: cell.utf8)
                out.append(UInt8(ascii: "\""))
                continue
            }
            let cell = SpreadsheetCell.inert(cell)
            let needsQuotes = cell.utf8.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0D || $0 == 0x0A || $0 == 0x09 }
            if needsQuotes {
                out.append(UInt8(ascii: "\""))
                for byte in cell.utf8 {
                    if byte == 0x22 { out.append(0x22) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: cell.utf8)
            }
        }
        out.append(contentsOf: [0x0D, 0x0A])
    }

    private static func isFragileNumber(_ cell: String) -> Bool {
        let utf8 = cell.utf8
        guard utf8.count > 1, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return utf8.count >= 12 || utf8.first == 0x30
    }
}

import Foundation

/// One physical CSV record: a row as Excel numbers it, however many lines
/// its quoted cells span.
struct CSVRecord {
    var cells: [String]
    /// The cell whose opening quote is never closed: it ran to the end of the file.
    var unclosedQuoteCell: Int?
    /// True when cells beyond `CSVScanner.maxCells` held text; they are not kept.
    var droppedText = false
    /// The cells a workbook stores as numbers (a CSV has none): an ID number stored so has lost digits.
    var numbers: [Int] = []
    /// Bit i set: the scanner saw from cell i's bytes that `CellText.cleaned` leaves it as it is
    /// (the first 64 cells only; a workbook's cells are not marked).
    var clean: UInt64 = 0

    /// True when cell `index` is known to need no cleaning.
    func isClean(_ index: Int) -> Bool {
        index < 64 && clean & (1 << UInt64(index)) != 0
    }
}

/// Splits UTF-8 bytes into records the way Excel reads and writes CSV
/// (RFC 4180): cells in double quotes may hold delimiters, doubled quotes and
/// line ends; rows end with CRLF, LF or a lone CR. It works on bytes because
/// every structural character is ASCII and cannot occur inside a multi-byte
/// UTF-8 sequence; each cell is decoded to a String exactly once.
struct CSVScanner {
    /// Excel's widest sheet (column XFD). Cells beyond it cannot come from a
    /// spreadsheet, and keeping millions of them would only exhaust memory.
    static let maxCells = 16_384

    private static let quote = UInt8(ascii: "\"")
    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")

    let bytes: [UInt8]
    let delimiter: UInt8
    /// Where the next record starts.
    private(set) var position: Int
    /// The physical record number (from 1) of the record `next()` returned last.
    private(set) var row = 0
    /// True once a cell's bytes were not valid UTF-8 (decoded with U+FFFD in their place).
    /// Every byte outside the cells is an ASCII delimiter, quote or line end, so while this
    /// stays false the bytes read so far are valid UTF-8: the cells' decoding checked them.
    private(set) var sawInvalidUTF8 = false
    private var lastCellCount = 8

    init(_ bytes: [UInt8], delimiter: UInt8 = UInt8(ascii: ","), start: Int = 0) {
        self.bytes = bytes
        self.delimiter = delimiter
        position = min(max(start, 0), bytes.count)
    }

    mutating func next() -> CSVRecord? {
        var record = CSVRecord(cells: [])
        return next(into: &record) ? record : nil
    }

    /// Reads the next record into `record`, in the storage of the cells it held: a ledger's
    /// rows are read one after another into one record. False when no record is left.
    mutating func next(into record: inout CSVRecord) -> Bool {
        guard position < bytes.count else { return false }
        row += 1
        // The cells of the record before are overwritten in place, and any left over dropped at the end.
        var cells: [String] = []
        swap(&cells, &record.cells)
        cells.reserveCapacity(lastCellCount)
        var count = 0
        var unclosed: Int?
        var droppedText = false
        var invalid = false
        var clean: UInt64 = 0
        // Read in place: two million cells in a 100,000-row ledger.
        let end = bytes.withUnsafeBufferPointer { bytes in
            let n = bytes.count
            var i = position
            while true {
                let cell: String
                // The bytes of the cell OR-ed together: below 0x80, they are ASCII and need no check.
                var seen: UInt8 = 0
                if i < n, bytes[i] == Self.quote {
                    i += 1
                    var segmentStart = i
                    var unescaped: [UInt8] = []
                    var hasEscapes = false
                    var closed = false
                    while i < n {
                        let b = bytes[i]
                        if b == Self.quote {
                            if i + 1 < n, bytes[i + 1] == Self.quote {
                                hasEscapes = true
                                unescaped.append(contentsOf: bytes[segmentStart...i])
                                i += 2
                                segmentStart = i
                                continue
                            }
                            closed = true
                            break
                        }
                        seen |= b
                        i += 1
                    }
                    let contentEnd = i
                    if closed { i += 1 } else { unclosed = unclosed ?? count }
                    // Excel keeps text after the closing quote (`"12"寸`) as part of the cell.
                    let tailStart = i
                    i = endOfUnquoted(bytes, from: i, seen: &seen)
                    if hasEscapes || i > tailStart {
                        unescaped.append(contentsOf: bytes[segmentStart..<contentEnd])
                        unescaped.append(contentsOf: bytes[tailStart..<i])
                        // The closing quote lies between the two parts in the file: a sequence split by it
                        // (`"前\xE4\xB8"\xAD`) would decode whole once joined, but the tail then starts
                        // with a continuation byte, which no valid text does.
                        if i > tailStart, bytes[tailStart] & 0xC0 == 0x80 { invalid = true }
                        cell = unescaped.withUnsafeBufferPointer { Self.decoded($0, ascii: seen < 0x80, invalid: &invalid, clean: &clean, cell: count) }
                    } else {
                        cell = Self.decoded(UnsafeBufferPointer(rebasing: bytes[segmentStart..<contentEnd]), ascii: seen < 0x80,
                                            invalid: &invalid, clean: &clean, cell: count)
                    }
                } else {
                    let start = i
                    i = endOfUnquoted(bytes, from: i, seen: &seen)
                    cell = Self.decoded(UnsafeBufferPointer(rebasing: bytes[start..<i]), ascii: seen < 0x80, invalid: &invalid, clean: &clean, cell: count)
                }
                if count < Self.maxCells {
                    if count < cells.count { cells[count] = cell } else { cells.append(cell) }
                    count += 1
                } else if !cell.isEmpty {
                    droppedText = true
                }
                guard i < n else { break }
                if bytes[i] == delimiter {
                    i += 1
                    continue
                }
                if bytes[i] == Self.cr, i + 1 < n, bytes[i + 1] == Self.lf { i += 1 }
                i += 1
                break
            }
            return i
        }
        position = max(end, min(position + 1, bytes.count))
        if invalid { sawInvalidUTF8 = true }
        if cells.count > count { cells.removeSubrange(count...) }
        lastCellCount = count
        record.cells = cells
        record.unclosedQuoteCell = unclosed
        record.droppedText = droppedText
        record.clean = clean
        if !record.numbers.isEmpty { record.numbers = [] }
        return true
    }

    /// The cell's text, its bytes checked as they are decoded: decoding puts U+FFFD in place of
    /// a bad byte, so a text whose bytes differ from the cell's had one, and that is noted.
    /// ASCII bytes (`ascii`) are valid as they are. A valid cell that needs no cleaning is marked in `clean`.
    private static func decoded(_ bytes: UnsafeBufferPointer<UInt8>, ascii: Bool, invalid: inout Bool, clean: inout UInt64, cell: Int) -> String {
        let text = String(decoding: bytes, as: UTF8.self)
        if !ascii {
            let same = text.fromUTF8 { decoded in
                decoded.count == bytes.count && (bytes.isEmpty || memcmp(decoded.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
            }
            guard same == true else {
                invalid = true
                return text
            }
        }
        if cell < 64, CellText.isClean(bytes) { clean |= 1 << UInt64(cell) }
        return text
    }

    /// The delimiter, a line end or the end of the bytes, whichever comes first; the bytes
    /// before it are OR-ed into `seen`.
    private func endOfUnquoted(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, seen: inout UInt8) -> Int {
        let n = bytes.count
        let delimiter = delimiter
        var i = start
        var all = seen
        // Eight bytes at a time while eight are left (most cells are longer): the lowest byte found
        // equal to the delimiter, LF or CR ends the cell.
        if let base = bytes.baseAddress {
            let ones: UInt64 = 0x0101_0101_0101_0101
            let (delimiters, lfs, crs) = (ones &* UInt64(delimiter), ones &* UInt64(Self.lf), ones &* UInt64(Self.cr))
            var words: UInt64 = 0
            while i + 8 <= n {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                let found = Self.zeroBytes(word ^ delimiters) | Self.zeroBytes(word ^ lfs) | Self.zeroBytes(word ^ crs)
                if found != 0 {
                    let before = found.trailingZeroBitCount / 8
                    words |= word & ((1 << (8 * UInt64(before))) &- 1)
                    i += before
                    if words & (ones &* 0x80) != 0 { all |= 0x80 }
                    seen = all
                    return i
                }
                words |= word
                i += 8
            }
            if words & (ones &* 0x80) != 0 { all |= 0x80 }
        }
        while i < n {
            let b = bytes[i]
            if b == delimiter || b == Self.lf || b == Self.cr { break }
            all |= b
            i += 1
        }
        seen = all
        return i
    }

    /// The high bit set in each byte of `word` that is zero, and in none below the lowest such
    /// byte (a borrow can only mark bytes above a zero one).
    private static func zeroBytes(_ word: UInt64) -> UInt64 {
        (word &- 0x0101_0101_0101_0101) & ~word & 0x8080_8080_8080_8080
    }

    /// The row (physical record, from 1) holding the byte at `offset`, for
    /// messages about bytes that could not be decoded.
    static func row(atByte offset: Int, in bytes: [UInt8]) -> Int {
        var scanner = CSVScanner(bytes)
        while scanner.next() != nil {
            if scanner.position > offset { return scanner.row }
        }
        return max(scanner.row, 1)
    }

    /// Tab-separated text (Excel's "Text (Tab delimited)", or a table pasted
    /// from a web page) when the first lines hold more tabs than commas outside quotes.
    static func delimiter(of bytes: [UInt8]) -> UInt8 {
        var commas = 0
        var tabs = 0
        var lines = 0
        var inQuotes = false
        var i = 0
        let limit = min(bytes.count, 65_536)
        while i < limit && lines < 10 {
            switch bytes[i] {
            case quote: inQuotes.toggle()
            case UInt8(ascii: ","): if !inQuotes { commas += 1 }
            case UInt8(ascii: "\t"): if !inQuotes { tabs += 1 }
            case lf, cr: if !inQuotes { lines += 1 }
            default: break
            }
            i += 1
        }
        return tabs > commas ? UInt8(ascii: "\t") : UInt8(ascii: ",")
    }
}

import Foundation
import HuashuCalendar

/// A ledger file whose encoding and header are known, read a batch of rows at
/// a time: a large file can then be stored while its later rows are still
/// being checked. Problems and rejected rows accumulate as the rows go by.
public struct LedgerRows: Sendable {
    /// Title rows above the header ("2026年11月续保台帐") are skipped, up to this many.
    static let headerSearchRows = 10

    public let encoding: LedgerEncoding
    /// Header cells as in the file.
    public let header: [String]
    /// The row the header was found on: 1, unless title rows come first.
    public let headerRow: Int
    /// Every problem of the rows read so far, by row (then by column order).
    public private(set) var problems: [LedgerProblem] = []
    /// The cells of every rejected row so far, exactly as read.
    public private(set) var rejectedRows: [(row: Int, cells: [String])] = []
    /// The cells of imported rows held for review, by row.
    public private(set) var held: [LedgerProblem] = []
    /// Rows read after the header, blank ones included.
    public private(set) var rowsRead = 0
    /// The good rows among them.
    public private(set) var recordCount = 0
    /// About 150 bytes a row in a typical ledger; a guess only sizes the tables.
    public let expectedRows: Int
    /// The sheet read, for a workbook; nil for a CSV file.
    public let sheet: String?

    private var scanner: RecordSource
    private var rowReader: LedgerRowReader
    private var unchecked: UTF8Remainder?
    /// The row being read, its cells' storage reused from row to row.
    private var cells = CSVRecord(cells: [])

    /// Throws LedgerFileError for a file that cannot be read at all (not
    /// decodable in the encoding, no header, no name/plate column). The
    /// encoding is detected when not given: UTF-8 (with or without BOM), else GB18030/GBK.
    /// With `today`, expiry dates implausibly far from it are held for review.
    public init(_ bytes: [UInt8], encoding forced: LedgerEncoding? = nil, today: LedgerDate? = nil) throws(LedgerFileError) {
        let (text, start, usedEncoding, remainder) = try LedgerDecoding.utf8(bytes, forced: forced)
        try self.init(.csv(CSVScanner(text, delimiter: CSVScanner.delimiter(of: text), start: start)), file: bytes, encoding: usedEncoding,
                      remainder: remainder, expectedRows: min(text.count / 150, 1_000_000), today: today)
    }

    /// A sheet of a workbook (`Workbook.rows(ofSheet:)`), read with the same checks as a CSV file;
    /// problems name the cell as the sheet does (`Sheet1!C7`).
    public init(_ sheet: SheetRows, today: LedgerDate? = nil) throws(LedgerFileError) {
        try self.init(.sheet(sheet), file: nil, encoding: .utf8, remainder: nil, expectedRows: min(sheet.bytes.count / 400, 1_000_000), today: today)
    }

    /// `file`: a CSV file's bytes as read, for the advice when no header is found.
    private init(_ source: RecordSource, file: [UInt8]?, encoding usedEncoding: LedgerEncoding, remainder: UTF8Remainder?,
                 expectedRows: Int, today: LedgerDate?) throws(LedgerFileError) {
        unchecked = remainder
        var scanner = source

        var candidates: [(row: Int, cells: [String], columns: LedgerColumns)] = []
        var found: (row: Int, cells: [String], columns: LedgerColumns)?
        while found == nil, candidates.count < Self.headerSearchRows, let record = try scanner.next() {
            guard !LedgerRowReader.isBlank(record) else { continue }
            let columns = LedgerColumns(header: record.cells)
            if columns.columnOf[.name] != nil && columns.columnOf[.plate] != nil {
                found = (scanner.row, record.cells, columns)
            } else {
                candidates.append((scanner.row, record.cells, columns))
            }
        }
        guard let found else {
            throw Self.missingHeader(candidates, bytes: file ?? [], usedEncoding: usedEncoding)
        }
        encoding = usedEncoding
        header = found.cells
        headerRow = found.row
        self.expectedRows = expectedRows
        self.scanner = scanner
        sheet = scanner.sheetName
        rowReader = LedgerRowReader(columns: found.columns, lookForNUL: scanner.bytes.withUnsafeBufferPointer { bytes in bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false },
                                    today: today, sheet: scanner.sheetName)
    }

    /// The good records among the next `limit` rows of the file; nil when no row is left.
    /// Throws for a file that cannot be read after all: a bad byte in the part of a UTF-8
    /// file checked as it is read. Nothing read from such a file may be kept.
    public mutating func next(rows limit: Int) throws(LedgerFileError) -> [LedgerRecord]? {
        var records: [LedgerRecord] = []
        records.reserveCapacity(limit)
        return try next(rows: limit) { records.append($0) } ? records : nil
    }

    /// `next(rows:)` handing each good record to `take` as it is read, for a caller that
    /// turns it into something else: no batch of records is kept in between. False when
    /// no row is left.
    public mutating func next(rows limit: Int, each take: (consuming LedgerRecord) -> Void) throws(LedgerFileError) -> Bool {
        var read = 0
        var good = 0
        while read < limit, try scanner.next(into: &cells) {
            read += 1
            if LedgerRowReader.isBlank(cells) { continue }
            var record = LedgerRecord(row: scanner.row)
            if let rowProblems = rowReader.read(cells, into: &record) {
                problems.append(contentsOf: rowProblems.problems)
                rejectedRows.append((scanner.row, cells.cells))
                continue
            }
            if !record.held.isEmpty { held.append(contentsOf: record.held) }
            good += 1
            take(consume record)
        }
        if unchecked != nil, let csv = scanner.csvPosition {
            // Only bytes a cell could not decode need the check that finds them: the others were checked as they were decoded.
            if csv.sawInvalidUTF8 {
                if let error = unchecked?.check(csv.bytes, upTo: csv.position) { throw error }
            } else {
                unchecked?.skip(to: csv.position)
            }
        }
        rowsRead += read
        recordCount += good
        return read > 0
    }

    /// The rejected rows so far as a file to correct, as `LedgerParse.correctionCSV` makes it.
    public func correctionCSV() -> [UInt8] {
        LedgerParse.correctionCSV(header: header, problems: problems, rejectedRows: rejectedRows)
    }

    /// The error for a file whose first rows hold no usable header: it names
    /// the row that came closest and the column it lacks.
    private static func missingHeader(_ candidates: [(row: Int, cells: [String], columns: LedgerColumns)],
                                      bytes: [UInt8], usedEncoding: LedgerEncoding) -> LedgerFileError {
        guard var best = candidates.first else {
            return LedgerFileError(.empty, hint: bytes.count > 16 ? "its \(bytes.count) bytes are all blanks, NULs or line ends" : nil)
        }
        for candidate in candidates.dropFirst() where candidate.columns.columnOf.count > best.columns.columnOf.count {
            best = candidate
        }
        let missing: LedgerField = best.columns.columnOf[.plate] == nil ? .plate : .name
        var hint: String?
        if usedEncoding == .gb18030 && UTF8Check(bytes).firstInvalid == nil {
            hint = "the file is valid UTF-8, so it was probably read in the wrong encoding: try --encoding utf-8"
        } else {
            let names = missing.aliases.prefix(4).joined(separator: "/")
            hint = "name the column \(names) so it is recognised"
        }
        return LedgerFileError(.missingColumn(missing, row: best.row, header: best.cells), hint: hint)
    }
}

/// Where a ledger's rows come from: CSV text, or a workbook's sheet. Two
/// optionals rather than an enum, so that reading a row mutates the scanner in
/// place instead of copying it out and back for each of 100,000 rows.
private struct RecordSource: Sendable {
    private var csv: CSVScanner?
    private var sheet: SheetRows?

    static func csv(_ scanner: CSVScanner) -> RecordSource { RecordSource(csv: scanner) }
    static func sheet(_ rows: SheetRows) -> RecordSource { RecordSource(sheet: rows) }

    mutating func next() throws(LedgerFileError) -> CSVRecord? {
        if csv != nil { return csv!.next() }
        return try sheet!.next()
    }

    /// The next record into `record`; false when none is left.
    mutating func next(into record: inout CSVRecord) throws(LedgerFileError) -> Bool {
        if csv != nil { return csv!.next(into: &record) }
        guard let next = try sheet!.next() else { return false }
        record = next
        return true
    }

    /// The row number of the record `next()` returned last.
    var row: Int { csv?.row ?? sheet?.row ?? 0 }

    var bytes: [UInt8] { csv?.bytes ?? sheet?.bytes ?? [] }

    var sheetName: String? { sheet?.quotedName }

    /// The CSV text, how far it is read and whether a cell so far held bytes that are not UTF-8; nil for a sheet.
    var csvPosition: (bytes: [UInt8], position: Int, sawInvalidUTF8: Bool)? { csv.map { ($0.bytes, $0.position, $0.sawInvalidUTF8) } }
}

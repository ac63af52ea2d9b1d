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

    private var scanner: CSVScanner
    private var rowReader: LedgerRowReader
    private var unchecked: UTF8Remainder?

    /// Throws LedgerFileError for a file that cannot be read at all (not
    /// decodable in the encoding, no header, no name/plate column). The
    /// encoding is detected when not given: UTF-8 (with or without BOM), else GB18030/GBK.
    /// With `today`, expiry dates implausibly far from it are held for review.
    public init(_ bytes: [UInt8], encoding forced: LedgerEncoding? = nil, today: LedgerDate? = nil) throws(LedgerFileError) {
        let (text, start, usedEncoding, remainder) = try LedgerDecoding.utf8(bytes, forced: forced)
        unchecked = remainder
        var scanner = CSVScanner(text, delimiter: CSVScanner.delimiter(of: text), start: start)

        var candidates: [(row: Int, cells: [String], columns: LedgerColumns)] = []
        var found: (row: Int, cells: [String], columns: LedgerColumns)?
        while found == nil, candidates.count < Self.headerSearchRows, let record = scanner.next() {
            guard !LedgerRowReader.isBlank(record.cells) else { continue }
            let columns = LedgerColumns(header: record.cells)
            if columns.columnOf[.name] != nil && columns.columnOf[.plate] != nil {
                found = (scanner.row, record.cells, columns)
            } else {
                candidates.append((scanner.row, record.cells, columns))
            }
        }
        guard let found else {
            throw Self.missingHeader(candidates, bytes: bytes, usedEncoding: usedEncoding)
        }
        encoding = usedEncoding
        header = found.cells
        headerRow = found.row
        expectedRows = min(text.count / 150, 1_000_000)
        self.scanner = scanner
        rowReader = LedgerRowReader(columns: found.columns, lookForNUL: text.withUnsafeBufferPointer { bytes in bytes.baseAddress.map { memchr($0, 0, bytes.count) != nil } ?? false },
                                    today: today)
    }

    /// The good records among the next `limit` rows of the file; nil when no row is left.
    /// Throws for a file that cannot be read after all: a bad byte in the part of a UTF-8
    /// file checked as it is read. Nothing read from such a file may be kept.
    public mutating func next(rows limit: Int) throws(LedgerFileError) -> [LedgerRecord]? {
        var records: [LedgerRecord] = []
        records.reserveCapacity(limit)
        var read = 0
        while read < limit, let record = scanner.next() {
            read += 1
            if LedgerRowReader.isBlank(record.cells) { continue }
            switch rowReader.read(record, row: scanner.row) {
            case .success(let customer):
                if !customer.held.isEmpty { held.append(contentsOf: customer.held) }
                records.append(customer)
            case .failure(let rowProblems):
                problems.append(contentsOf: rowProblems.problems)
                rejectedRows.append((scanner.row, record.cells))
            }
        }
        if let error = unchecked?.check(scanner.bytes, upTo: scanner.position) { throw error }
        rowsRead += read
        recordCount += records.count
        return read == 0 ? nil : records
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

/// Reads a customer ledger exported from Excel or WPS (续保电子台帐) into
/// checked records and precise row problems. Pure: bytes in, values out.
public enum LedgerReader {
    /// How often `progress` is called: often enough for a progress line on a
    /// 100,000-row file, rarely enough to cost nothing.
    public static let progressInterval = 10_000

    /// Title rows above the header ("2026年11月续保台帐") are skipped, up to this many.
    static let headerSearchRows = 10

    /// Throws LedgerFileError for a file that cannot be read at all (not
    /// decodable in the encoding, no header, no name/plate column); row-level
    /// problems go into `LedgerParse.problems`. The encoding is detected when
    /// not given: UTF-8 (with or without BOM), else GB18030/GBK. `progress`
    /// receives the number of rows read after every `progressInterval` rows.
    public static func read(_ bytes: [UInt8], encoding: LedgerEncoding? = nil,
                            progress: ((Int) -> Void)? = nil) throws(LedgerFileError) -> LedgerParse {
        let (text, usedEncoding) = try LedgerDecoding.utf8(bytes, forced: encoding)
        var scanner = CSVScanner(text, delimiter: CSVScanner.delimiter(of: text))

        var candidates: [(row: Int, cells: [String], columns: LedgerColumns)] = []
        var found: (row: Int, cells: [String], columns: LedgerColumns)?
        while found == nil, candidates.count < headerSearchRows, let record = scanner.next() {
            guard !LedgerRowReader.isBlank(record.cells) else { continue }
            let columns = LedgerColumns(header: record.cells)
            if columns.columnOf[.name] != nil && columns.columnOf[.plate] != nil {
                found = (scanner.row, record.cells, columns)
            } else {
                candidates.append((scanner.row, record.cells, columns))
            }
        }
        guard let header = found else {
            throw missingHeader(candidates, bytes: bytes, usedEncoding: usedEncoding)
        }

        // About 150 bytes a row in a typical ledger; a guess only sizes the tables.
        let expectedRows = min(text.count / 150, 1_000_000)
        var rowReader = LedgerRowReader(columns: header.columns, lookForNUL: text.contains(0), expectedRows: expectedRows)
        var records: [LedgerRecord] = []
        records.reserveCapacity(expectedRows)
        var problems: [LedgerProblem] = []
        var rejected: [(row: Int, cells: [String])] = []
        var rowsRead = 0
        while let record = scanner.next() {
            rowsRead += 1
            if rowsRead % progressInterval == 0 { progress?(rowsRead) }
            if LedgerRowReader.isBlank(record.cells) { continue }
            switch rowReader.read(record, row: scanner.row) {
            case .success(let customer):
                records.append(customer)
            case .failure(let rowProblems):
                problems.append(contentsOf: rowProblems.problems)
                rejected.append((scanner.row, record.cells))
            }
        }
        return LedgerParse(encoding: usedEncoding, header: header.cells, headerRow: header.row,
                           records: records, problems: problems, rejectedRows: rejected)
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

    /// Writes rows as CSV text (UTF-8 with BOM, CRLF, quoting as Excel does) -
    /// used for the rejected-rows file and exports. The BOM makes Excel on
    /// Chinese Windows open it as UTF-8 instead of garbling it as GBK. With
    /// `keepingLongNumbersAsText`, digit strings Excel would mangle (12 or more
    /// digits, or a leading zero) are written as `="..."`, which Excel shows
    /// as text and `read` unwraps.
    public static func csv(header: [String], rows: [[String]], keepingLongNumbersAsText: Bool = false) -> [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out.reserveCapacity(64 * (rows.count + 1))
        func write(_ cells: [String]) {
            for (index, cell) in cells.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                if keepingLongNumbersAsText && isFragileNumber(cell) {
                    out.append(contentsOf: "=\"".utf8)
                    out.append(contentsOf: cell.utf8)
                    out.append(UInt8(ascii: "\""))
                    continue
                }
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
        write(header)
        for row in rows { write(row) }
        return out
    }

    private static func isFragileNumber(_ cell: String) -> Bool {
        let utf8 = cell.utf8
        guard utf8.count > 1, utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
        return utf8.count >= 12 || utf8.first == 0x30
    }
}

import HuashuText

/// Checks one data row against the file's columns and turns it into a record
/// or into problems. It remembers plates across rows to catch duplicates.
struct LedgerRowReader {
    let columns: LedgerColumns
    /// Only files that contain a NUL byte pay for looking for one in every cell.
    let lookForNUL: Bool
    private var firstRowOfPlate: [PlateKey: Int] = [:]

    init(columns: LedgerColumns, lookForNUL: Bool, expectedRows: Int = 0) {
        self.columns = columns
        self.lookForNUL = lookForNUL
        firstRowOfPlate.reserveCapacity(min(max(expectedRows, 0), 1_000_000))
    }

    static func isBlank(_ cells: [String]) -> Bool {
        cells.allSatisfy { $0.isEmpty || CellText.trimmed($0).isEmpty }
    }

    /// The record, or the row's problems in column order (never both).
    mutating func read(_ record: CSVRecord, row: Int) -> Result<LedgerRecord, RowProblems> {
        var result = LedgerRecord(row: row, name: "", plate: "")
        var problems: [(column: Int, problem: LedgerProblem)] = []
        var genderHonorific: String?
        var salutationHonorific: String?
        var personalID = false
        var plateCell = ""

        func problem(_ column: Int, _ message: String) {
            problems.append((column, LedgerProblem(row: row, column: columns.names[column], message: message)))
        }

        let cells = record.cells
        for index in 0..<min(cells.count, columns.count) {
            let raw = cells[index]
            if lookForNUL, raw.utf8.contains(0) {
                problem(index, "\(Quoting.quoted(raw)) contains NUL bytes (shown as \u{FFFD}); the file is probably damaged here")
            }
            let value = CellText.cleaned(raw)
            guard let field = columns.fields[index] else {
                if !value.isEmpty, let key = columns.extraKeys[index] { result.extra[key] = value }
                continue
            }
            if field == .plate { plateCell = value }
            guard !value.isEmpty else { continue }
            do throws(LedgerValueError) {
                switch field {
                case .name: result.name = Self.name(value)
                case .plate: result.plate = try LedgerValue.plate(value)
                case .phone: result.phone = try LedgerValue.phone(value)
                case .idNumber:
                    let identity = try LedgerValue.identity(value)
                    result.idNumber = identity.number
                    personalID = identity.holder == .person
                case .model: result.model = value
                case .commercialExpiry: result.commercialExpiry = try LedgerValue.date(value)
                case .compulsoryExpiry: result.compulsoryExpiry = try LedgerValue.date(value)
                case .lastPremium: result.lastPremium = try LedgerValue.premium(value)
                case .lastInsurer: result.lastInsurer = value
                case .claims: result.claims = try LedgerValue.count(value)
                case .violations: result.violations = try LedgerValue.count(value)
                case .grade: result.grade = try LedgerValue.grade(value)
                case .type: result.type = try LedgerValue.customerType(value)
                case .gender: genderHonorific = try LedgerValue.honorific(gender: value)
                case .salutation:
                    salutationHonorific = LedgerValue.honorific(salutation: value)
                    if salutationHonorific == nil, let key = columns.extraKeys[index] { result.extra[key] = value }
                case .agent: result.agent = value
                case .vehicleUse: result.vehicleUse = value
                case .notes: result.notes = value
                }
            } catch {
                problem(index, error.message)
            }
        }

        if let nameColumn = columns.columnOf[.name], result.name.isEmpty {
            problem(nameColumn, "the customer name is empty")
        }
        if let plateColumn = columns.columnOf[.plate] {
            if plateCell.isEmpty {
                problem(plateColumn, "the plate is empty; every customer needs the plate of the insured vehicle")
            } else if !result.plate.isEmpty {
                let key = PlateKey(result.plate)
                if let first = firstRowOfPlate[key] {
                    problem(plateColumn, "plate \(result.plate) already appears in row \(first); keep one row per vehicle")
                } else {
                    firstRowOfPlate[key] = row
                }
            }
        }
        if cells.count > columns.count,
           let index = cells.indices.dropFirst(columns.count).first(where: { !CellText.trimmed(cells[$0]).isEmpty }) {
            problems.append((index, LedgerProblem(
                row: row, column: "column \(LedgerColumns.letter(index))",
                message: "\(Quoting.quoted(cells[index])) is outside the header's \(columns.count) columns; a cell may contain an unquoted comma")))
        }
        if record.droppedText {
            problems.append((CSVScanner.maxCells, LedgerProblem(
                row: row, column: "column \(LedgerColumns.letter(CSVScanner.maxCells))",
                message: "the row has text beyond column \(LedgerColumns.letter(CSVScanner.maxCells - 1)), the last column a spreadsheet can have; the file is probably damaged")))
        }
        if let cell = record.unclosedQuoteCell {
            let column = cell < columns.count ? columns.names[cell] : "column \(LedgerColumns.letter(cell))"
            problems.append((cell, LedgerProblem(
                row: row, column: column,
                message: "a quoted cell starts here and its closing quote (\") is missing, so the rest of the file was read into it")))
        }

        guard problems.isEmpty else {
            let ordered = problems.enumerated().sorted { ($0.element.column, $0.offset) < ($1.element.column, $1.offset) }
            return .failure(RowProblems(problems: ordered.map(\.element.problem)))
        }
        result.honorific = salutationHonorific ?? genderHonorific
            ?? (personalID ? result.idNumber.flatMap(LedgerValue.honorific(fromPersonalID:)) : nil)
        return .success(result)
    }

    /// Names padded for alignment in a sheet ("张  三") are closed up; names
    /// with Latin letters keep their spaces.
    private static func name(_ value: String) -> String {
        guard !CellText.isPlain(value), value.unicodeScalars.contains(where: CellText.isBlank) else { return value }
        let letters = value.filter { !$0.unicodeScalars.allSatisfy(CellText.isBlank) }
        return letters.allSatisfy(\.isHan) ? letters : value
    }
}

/// A rejected row's problems, as the failure side of `LedgerRowReader.read`.
struct RowProblems: Error {
    let problems: [LedgerProblem]
}

/// A plate as a dictionary key: its UTF-8 bytes (at most 13 for a valid
/// plate) packed into two words. Hashing a Chinese String normalises it
/// first, and hashing a byte array feeds the hasher one byte at a time; on a
/// 100,000-row file either is a noticeable part of the reading time.
struct PlateKey: Hashable {
    private var low: UInt64 = 0
    private var high: UInt64 = 0
    private var overflow: String?

    init(_ plate: String) {
        guard plate.utf8.count <= 16 else {
            overflow = plate
            return
        }
        for (index, byte) in plate.utf8.enumerated() {
            if index < 8 {
                low |= UInt64(byte) << (8 * UInt64(index))
            } else {
                high |= UInt64(byte) << (8 * UInt64(index - 8))
            }
        }
    }
}

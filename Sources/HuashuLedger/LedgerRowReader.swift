import HuashuCalendar
import HuashuText

/// Checks one data row against the file's columns and turns it into a record
/// or into problems. Only a row that names no usable vehicle (no valid plate)
/// or whose cells cannot be trusted (a damaged line) is refused; a bad cell
/// elsewhere is held in the record for review and its value left out. Rows of
/// one plate are all records: the store merges them into one vehicle.
struct LedgerRowReader {
    let columns: LedgerColumns
    /// Only files that contain a NUL byte pay for looking for one in every cell.
    let lookForNUL: Bool
    /// The day expiry dates are judged against (`LedgerValue.implausibleExpiry`); nil: not judged.
    var today: LedgerDate?
    /// The sheet a workbook's rows come from (as a cell reference names it); nil for CSV.
    var sheet: String?

    /// True when every cell is empty or blanks only; a cell the scanner saw needs no cleaning is text.
    static func isBlank(_ record: CSVRecord) -> Bool {
        record.cells.indices.allSatisfy { record.cells[$0].isEmpty || !record.isClean($0) && CellText.trimmed(record.cells[$0]).isEmpty }
    }

    /// Fills `result`, an empty record of the row, or returns the row's problems in column
    /// order (and `result` is to be dropped).
    mutating func read(_ record: CSVRecord, into result: inout LedgerRecord) -> RowProblems? {
        let row = result.row
        var problems: [(column: Int, problem: LedgerProblem)] = []
        var held: [(column: Int, problem: LedgerProblem, cell: String)] = []
        var genderHonorific: String?
        var salutationHonorific: String?
        var personalID = false
        var companyID = false
        var plateCell = ""

        func problem(_ column: Int, _ message: String) {
            problems.append((column, located(column, row: row, columns.names[column], message)))
        }

        let cells = record.cells
        for index in 0..<min(cells.count, columns.count) {
            let raw = cells[index]
            if lookForNUL, raw.utf8.contains(0) {
                problem(index, "\(Quoting.quoted(raw)) contains NUL bytes (shown as \u{FFFD}); the file is probably damaged here")
            }
            let value = record.isClean(index) ? raw : CellText.cleaned(raw)
            guard let field = columns.fields[index] else {
                if !value.isEmpty, let key = columns.extraKeys[index] { result.extra[key] = value }
                continue
            }
            if field == .plate { plateCell = value }
            guard !value.isEmpty else { continue }
            do throws(LedgerValueError) {
                if let (slot, rule) = columns.textRules[index] {
                    result.setText(try rule(value), slot: slot)
                    continue
                }
                switch field {
                case .name: result.name = LedgerValue.personName(value)
                case .plate: result.plate = try LedgerValue.plate(value)
                case .phone:
                    if record.numbers.contains(index), value.utf8.count > 15 || value.utf8.contains(where: { !$0.isASCIIDigit }) {
                        throw LedgerValueError.storedAsNumber(value, what: "a phone number")
                    }
                    result.phone = LedgerValue.isPlaceholderPhone(value) ? nil : try LedgerValue.phone(value)
                case .idNumber:
                    if record.numbers.contains(index) { throw LedgerValueError.storedAsNumber(value, what: "an ID number") }
                    let identity = try LedgerValue.identity(value)
                    result.idNumber = identity.number
                    personalID = identity.holder == .person
                    companyID = identity.holder == .company
                case .commercialExpiry: result.commercialExpiry = try expiry(value)
                case .compulsoryExpiry: result.compulsoryExpiry = try expiry(value)
                case .claims: result.claims = try LedgerValue.count(value)
                case .violations: result.violations = try LedgerValue.count(value)
                case .gender: genderHonorific = try LedgerValue.honorific(gender: value)
                case .salutation:
                    salutationHonorific = LedgerValue.honorific(salutation: value)
                    if salutationHonorific == nil, let key = columns.extraKeys[index] { result.extra[key] = value }
                default: break  // a text field, read above
                }
            } catch {
                if field == .plate {
                    problem(index, error.message)
                } else {
                    held.append((index, located(index, row: row, columns.names[index], error.message), value))
                }
            }
        }

        if let nameColumn = columns.nameColumn, result.name.isEmpty {
            held.append((nameColumn, located(nameColumn, row: row, columns.names[nameColumn], "the customer name is empty"), ""))
        }
        if let plateColumn = columns.plateColumn, plateCell.isEmpty {
            problem(plateColumn, "the plate is empty; every customer needs the plate of the insured vehicle")
        }
        if cells.count > columns.count,
           let index = cells.indices.dropFirst(columns.count).first(where: { !CellText.trimmed(cells[$0]).isEmpty }) {
            problems.append((index, located(
                index, row: row, "column \(LedgerColumns.letter(index))",
                "\(Quoting.quoted(cells[index])) is outside the header's \(columns.count) columns; a cell may contain an unquoted comma")))
        }
        if record.droppedText {
            problems.append((CSVScanner.maxCells, located(
                CSVScanner.maxCells, row: row, "column \(LedgerColumns.letter(CSVScanner.maxCells))",
                "the row has text beyond column \(LedgerColumns.letter(CSVScanner.maxCells - 1)), the last column a spreadsheet can have; the file is probably damaged")))
        }
        if let cell = record.unclosedQuoteCell {
            let column = cell < columns.count ? columns.names[cell] : "column \(LedgerColumns.letter(cell))"
            problems.append((cell, located(
                cell, row: row, column,
                "a quoted cell starts here and its closing quote (\") is missing, so the rest of the file was read into it")))
        }

        guard problems.isEmpty else {
            // A refused row goes back whole for correction: everything wrong with it is said at once.
            problems += held.map { ($0.column, $0.problem) }
            let ordered = problems.enumerated().sorted { ($0.element.column, $0.offset) < ($1.element.column, $1.offset) }
            return RowProblems(problems: ordered.map(\.element.problem))
        }
        if !held.isEmpty {
            held.sort { $0.column < $1.column }
            result.held = held.map(\.problem)
            result.heldCells = held.map(\.cell)
        }
        if companyID && result[text: .holderType] == nil { result[text: .holderType] = LedgerValue.companyHolder }
        result.honorific = salutationHonorific ?? genderHonorific
            ?? (personalID ? result.idNumber.flatMap(LedgerValue.honorific(fromPersonalID:)) : nil)
        return nil
    }

    /// A problem at a cell: for a workbook's sheet, also named as Excel names the cell (`Sheet1!C7`).
    private func located(_ column: Int, row: Int, _ name: String, _ message: String) -> LedgerProblem {
        LedgerProblem(row: row, column: name, message: message, cell: sheet.map { "\($0)!\(LedgerColumns.letter(column))\(row)" })
    }

    private func expiry(_ value: String) throws(LedgerValueError) -> LedgerDate {
        let date = try LedgerValue.date(value)
        if let today, let reason = LedgerValue.implausibleExpiry(date, today: today) {
            throw LedgerValueError("\(Quoting.quoted(value)) as an expiry date: \(reason)")
        }
        return date
    }
}

/// A rejected row's problems, as `LedgerRowReader.read` returns them.
struct RowProblems {
    let problems: [LedgerProblem]
}

import HuashuCalendar

/// An Excel or WPS workbook (.xlsx, Office Open XML) as far as a ledger
/// needs it: the sheets' names, the shared strings, which cell styles show a
/// date, and a sheet's rows. Pure: the ZIP archive is opened by the caller,
/// which hands over its parts by name.
public struct Workbook {
    /// A part of the archive by its path (`xl/workbook.xml`); nil when there is none.
    public typealias Parts = (String) throws(LedgerFileError) -> [UInt8]?

    /// The sheets in the workbook's order, with the part each is stored in.
    public let sheets: [(name: String, part: String)]
    let sharedStrings: [String]
    /// For each cell style (`s="3"`): whether it shows a number as a date.
    let dateStyles: [Bool]
    /// The workbook counts days from 1904-01-01 (old Mac Excel) instead of 1900.
    let date1904: Bool
    private let parts: Parts

    public init(parts: @escaping Parts) throws(LedgerFileError) {
        self.parts = parts
        let root = try Self.relationships(of: "", parts: parts)
        let workbookPart = root.first { $0.type.hasSuffix("/officeDocument") }?.target ?? "xl/workbook.xml"
        guard let workbookXML = try parts(workbookPart) else {
            throw LedgerFileError(.damagedWorkbook("it has no workbook part (\(workbookPart)); it is probably not an Excel workbook"))
        }
        let related = try Self.relationships(of: workbookPart, parts: parts)
        var sheets: [(name: String, part: String)] = []
        var date1904 = false
        try Self.scan(workbookXML, part: workbookPart) { event, _ in
            guard case .start(let name, let attributes, _) = event else { return }
            if name == "workbookPr" {
                date1904 = ["1", "true"].contains(Self.attribute("date1904", attributes) ?? "")
            } else if name == "sheet", let sheetName = Self.attribute("name", attributes), let id = Self.attribute("id", attributes),
                      let target = related.first(where: { $0.id == id })?.target {
                sheets.append((sheetName, target))
            }
        }
        guard !sheets.isEmpty else { throw LedgerFileError(.damagedWorkbook("it lists no sheets")) }
        self.sheets = sheets
        self.date1904 = date1904
        let stringsPart = related.first { $0.type.hasSuffix("/sharedStrings") }?.target
        sharedStrings = try stringsPart.flatMap { path throws(LedgerFileError) in try parts(path).map { (path, $0) } }
            .map { path, bytes throws(LedgerFileError) in try Self.sharedStrings(bytes, part: path) } ?? []
        let stylesPart = related.first { $0.type.hasSuffix("/styles") }?.target
        dateStyles = try stylesPart.flatMap { path throws(LedgerFileError) in try parts(path).map { (path, $0) } }
            .map { path, bytes throws(LedgerFileError) in try Self.dateStyles(bytes, part: path) } ?? []
    }

    /// The rows of the sheet called `name`, or of the first sheet.
    public func rows(ofSheet name: String?) throws(LedgerFileError) -> SheetRows {
        let sheet = name.map { wanted in sheets.first { $0.name == wanted } } ?? sheets.first
        guard let sheet else { throw LedgerFileError(.unknownSheet(name ?? "", sheets.map(\.name))) }
        guard let bytes = try parts(sheet.part) else {
            throw LedgerFileError(.damagedWorkbook("the sheet \(sheet.name) has no part \(sheet.part)"))
        }
        return SheetRows(name: sheet.name, part: sheet.part, bytes: bytes, sharedStrings: sharedStrings, dateStyles: dateStyles, date1904: date1904)
    }

    // MARK: - Parts

    struct Relationship {
        let id: String
        let type: String
        /// The part's path inside the archive.
        let target: String
    }

    /// The relationships of a part (of the package itself for ""), their targets made archive paths.
    static func relationships(of part: String, parts: Parts) throws(LedgerFileError) -> [Relationship] {
        let folder = part.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let file = part.split(separator: "/").last.map(String.init) ?? ""
        let path = (folder.isEmpty ? "" : folder + "/") + "_rels/" + file + ".rels"
        guard let bytes = try parts(path) else { return [] }
        var found: [Relationship] = []
        try scan(bytes, part: path) { event, _ in
            guard case .start("Relationship", let attributes, _) = event,
                  let id = attribute("Id", attributes), let target = attribute("Target", attributes),
                  attribute("TargetMode", attributes) != "External" else { return }
            found.append(Relationship(id: id, type: attribute("Type", attributes) ?? "", target: resolve(target, in: folder)))
        }
        return found
    }

    /// `target` of a relationship in `folder` as a path from the archive's root.
    static func resolve(_ target: String, in folder: String) -> String {
        var path: [Substring] = target.hasPrefix("/") ? [] : folder.split(separator: "/")
        for segment in target.split(separator: "/") {
            if segment == ".." { _ = path.popLast() } else if segment != "." { path.append(segment) }
        }
        return path.joined(separator: "/")
    }

    static func attribute(_ name: String, _ attributes: [(name: String, value: String)]) -> String? {
        attributes.first { $0.name == name }?.value
    }

    /// Runs `body` on every event of a part; damaged XML is a `LedgerFileError` naming the part.
    static func scan(_ bytes: [UInt8], part: String, _ body: (XMLScanner.Event, XMLScanner) throws(LedgerFileError) -> Void) throws(LedgerFileError) {
        var scanner = XMLScanner(bytes)
        while true {
            let event: XMLScanner.Event?
            do { event = try scanner.next() } catch { throw damaged(error, part: part) }
            guard let event else { return }
            try body(event, scanner)
        }
    }

    static func damaged(_ damage: XMLScanner.Damage, part: String) -> LedgerFileError {
        LedgerFileError(.damagedWorkbook("its part \(part) is damaged at byte \(damage.offset + 1): \(damage.what)"))
    }

    /// The shared string table: each `<si>`'s text, its rich-text runs joined, phonetic guides (`<rPh>`) left out.
    static func sharedStrings(_ bytes: [UInt8], part: String) throws(LedgerFileError) -> [String] {
        var strings: [String] = []
        var current = ""
        var inText = false
        var phonetic = 0
        var closed = false
        try scan(bytes, part: part) { event, scanner in
            switch event {
            case .start("si", _, let empty):
                current = ""
                if empty { strings.append("") }
            case .end("si"): strings.append(current)
            case .end("sst"): closed = true
            case .start("rPh", _, let empty): if !empty { phonetic += 1 }
            case .end("rPh"): phonetic -= 1
            case .start("t", _, let empty): inText = !empty && phonetic == 0
            case .end("t"): inText = false
            case .text(let range) where inText: current += SheetRows.unescaped(scanner.text(range))
            case .cdata(let range) where inText: current += scanner.text(range, entities: false)
            default: break
            }
        }
        guard closed else { throw LedgerFileError(.damagedWorkbook("its part \(part) is cut short")) }
        return strings
    }

    /// Which cell styles (`cellXfs`, in order) show numbers as dates: the built-in date formats
    /// (14-22 and the East Asian 27-36 and 50-58) and custom formats made of date or time codes.
    static func dateStyles(_ bytes: [UInt8], part: String) throws(LedgerFileError) -> [Bool] {
        var customDates: [Int: Bool] = [:]
        var styles: [Bool] = []
        var inCellStyles = false
        try scan(bytes, part: part) { event, _ in
            switch event {
            case .start("numFmt", let attributes, _):
                if let id = attribute("numFmtId", attributes).flatMap({ Int($0) }), let code = attribute("formatCode", attributes) {
                    customDates[id] = isDateFormat(code)
                }
            case .start("cellXfs", _, let empty): inCellStyles = !empty
            case .end("cellXfs"): inCellStyles = false
            case .start("xf", let attributes, _) where inCellStyles:
                let id = attribute("numFmtId", attributes).flatMap { Int($0) } ?? 0
                styles.append(customDates[id] ?? builtInDateFormats.contains(id))
            default: break
            }
        }
        return styles
    }

    static let builtInDateFormats: Set<Int> = Set(14...22).union(27...36).union(50...58)

    /// A custom number format shows a date when its first section, its quoted text, escaped
    /// characters and bracketed parts (`[$-804]`, `[Red]`) left out, has a year, month, day,
    /// hour or second code.
    static func isDateFormat(_ code: String) -> Bool {
        var inQuotes = false
        var inBrackets = false
        var escaped = false
        for character in code {
            if escaped { escaped = false; continue }
            if inQuotes { if character == "\"" { inQuotes = false }; continue }
            if inBrackets { if character == "]" { inBrackets = false }; continue }
            switch character {
            case "\"": inQuotes = true
            case "\\", "_", "*": escaped = true  // `_x` pads, `*x` fills: the next character is not a code
            case "[": inBrackets = true
            case ";": return false
            case "y", "Y", "m", "M", "d", "D", "h", "H", "s", "S": return true
            default: break
            }
        }
        return false
    }
}

/// A sheet's rows as the ledger reader takes them: each row's cells as text
/// by column (a gap is an empty cell), with the row number the sheet shows.
/// A date cell becomes `yyyy-MM-dd`; a number stays the number it is, and the
/// row says which cells were numbers (an ID number stored as a number has lost digits).
public struct SheetRows: Sendable {
    public let name: String
    let part: String
    private var scanner: XMLScanner
    private let sharedStrings: [String]
    private let dateStyles: [Bool]
    private let date1904: Bool
    /// The number of the row `next()` returned last.
    private(set) var row = 0
    private var inData = false
    private var done = false

    init(name: String, part: String, bytes: [UInt8], sharedStrings: [String], dateStyles: [Bool], date1904: Bool) {
        self.name = name
        self.part = part
        scanner = XMLScanner(bytes)
        self.sharedStrings = sharedStrings
        self.dateStyles = dateStyles
        self.date1904 = date1904
    }

    var bytes: [UInt8] { scanner.bytes }

    /// The next row that has a cell; nil after the last.
    mutating func next() throws(LedgerFileError) -> CSVRecord? {
        guard !done else { return nil }
        var record: CSVRecord?
        var column = 0
        var cell: (column: Int, type: String, style: Int, value: String, inline: String)?
        var inValue = false
        var inInline = false
        var phonetic = 0
        do {
            while let event = try scanner.next() {
                switch event {
                case .start("sheetData", _, let empty):
                    inData = !empty
                    if empty { done = true; return nil }
                case .end("sheetData"):
                    done = true
                    return nil
                case .start("row", let attributes, let empty) where inData:
                    let number = Workbook.attribute("r", attributes).flatMap { Int($0) } ?? row + 1
                    guard number > row, number <= 1_048_576 else {
                        throw LedgerFileError(.damagedWorkbook("\(quotedName) has row \(number) after row \(row)"))
                    }
                    row = number
                    column = 0
                    if empty { continue }
                    record = CSVRecord(cells: [])
                case .end("row") where inData:
                    if let finished = record { return finished }
                case .start("c", let attributes, let empty) where record != nil:
                    if let reference = Workbook.attribute("r", attributes) {
                        guard let index = Self.columnIndex(reference) else {
                            throw LedgerFileError(.damagedWorkbook("\(quotedName) row \(row) has a cell named \(reference)"))
                        }
                        column = index
                    }
                    cell = (column, Workbook.attribute("t", attributes) ?? "n", Workbook.attribute("s", attributes).flatMap { Int($0) } ?? 0, "", "")
                    column += 1
                    if empty { cell = nil }
                case .end("c"):
                    if let finished = cell { try place(finished, in: &record) }
                    cell = nil
                case .start("v", _, let empty): inValue = !empty && cell != nil
                case .end("v"): inValue = false
                case .start("rPh", _, let empty): if !empty { phonetic += 1 }
                case .end("rPh"): phonetic -= 1
                case .start("t", _, let empty): inInline = !empty && cell != nil && phonetic == 0
                case .end("t"): inInline = false
                case .text(let range):
                    if inValue { cell?.value += scanner.text(range) } else if inInline { cell?.inline += Self.unescaped(scanner.text(range)) }
                case .cdata(let range):
                    if inValue { cell?.value += scanner.text(range, entities: false) } else if inInline { cell?.inline += scanner.text(range, entities: false) }
                default: break
                }
            }
        } catch let damage as XMLScanner.Damage {
            throw Workbook.damaged(damage, part: part)
        } catch let error as LedgerFileError {
            throw error
        } catch {
            throw LedgerFileError(.damagedWorkbook("\(error)"))
        }
        guard !inData else { throw LedgerFileError(.damagedWorkbook("\(quotedName) ends in the middle of its rows")) }
        done = true
        return nil
    }

    /// The sheet's name as a cell reference starts with it: `Sheet1`, `'My ledger'`.
    var quotedName: String {
        name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." } ? name : "'" + name.replacingOccurrences(of: "'", with: "''") + "'"
    }

    private func place(_ cell: (column: Int, type: String, style: Int, value: String, inline: String), in record: inout CSVRecord?) throws(LedgerFileError) {
        guard record != nil else { return }
        guard cell.column < CSVScanner.maxCells else {
            record?.droppedText = true
            return
        }
        let text: String
        var number = false
        switch cell.type {
        case "s":
            guard let index = Int(cell.value), sharedStrings.indices.contains(index) else {
                throw LedgerFileError(.damagedWorkbook(
                    "\(quotedName)!\(LedgerColumns.letter(cell.column))\(row) refers to shared string \(cell.value), which the workbook lacks"))
            }
            text = sharedStrings[index]
        case "inlineStr": text = cell.inline
        case "b": text = cell.value == "1" ? "TRUE" : "FALSE"
        case "d": text = String(cell.value.prefix(10))  // ISO 8601: the day is what a ledger wants
        case "str", "e": text = cell.value
        default:
            if dateStyles.indices.contains(cell.style), dateStyles[cell.style], let day = date(cell.value) {
                text = day
            } else {
                text = Self.numberText(cell.value)
                number = !text.isEmpty
            }
        }
        guard !text.isEmpty else { return }
        while record!.cells.count < cell.column { record!.cells.append("") }
        if record!.cells.count == cell.column {
            record!.cells.append(text)
        } else {
            record!.cells[cell.column] = text  // a repeated reference: the later cell wins, as in Excel
        }
        if number { record!.numbers.append(cell.column) }
    }

    /// A date cell's serial as `yyyy-MM-dd` (the time of day dropped); nil for one no calendar has.
    private func date(_ value: String) -> String? {
        guard let serial = Double(value), serial.isFinite, serial >= 0, serial < 3_000_000 else { return nil }
        let days = Int(serial.rounded(.down)) + (date1904 ? 1_462 : 0)
        return LedgerDate(excelSerial: days)?.description
    }

    /// A stored number as the cell shows it in General format when that is exact: whole numbers
    /// below 10^15 without a fraction or exponent; any other keeps the text the workbook stores.
    static func numberText(_ value: String) -> String {
        let trimmed = value.trimmingCharactersInSpace
        guard let number = Double(trimmed), number.isFinite else { return trimmed }
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return trimmed
    }

    /// `C7` → 2 (column C).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        var digits = 0
        for byte in reference.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0 && letters < 3:
                index = index * 26 + Int(byte - UInt8(ascii: "A")) + 1
                letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0: digits += 1
            default: return nil
            }
        }
        return digits == 0 ? nil : index - 1
    }

    /// Excel escapes characters XML cannot hold as `_xHHHH_` (`_x000D_` for a carriage return).
    static func unescaped(_ text: String) -> String {
        guard text.contains("_x") else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "_x") {
            out += rest[..<start.lowerBound]
            let hex = rest[start.upperBound...].prefix(5)
            if hex.count == 5, hex.last == "_", let code = UInt32(hex.dropLast(), radix: 16), let scalar = Unicode.Scalar(code) {
                out.unicodeScalars.append(scalar)
                rest = rest[rest.index(start.upperBound, offsetBy: 5)...]
            } else {
                out += "_x"
                rest = rest[start.upperBound...]
            }
        }
        return out + rest
    }
}

extension String {
    fileprivate var trimmingCharactersInSpace: String {
        var view = Substring(self)
        while view.first == " " { view.removeFirst() }
        while view.last == " " { view.removeLast() }
        return String(view)
    }
}

/// What each column of a particular file holds, worked out once from its
/// header so that reading a row is a lookup, not a search.
struct LedgerColumns {
    /// The name used in problems: the trimmed header text, or "column K".
    let names: [String]
    /// The field a column feeds; nil for kept-as-extra and ignored columns.
    let fields: [LedgerField?]
    /// The `extra` key of a column without a field (and of 称呼, whose
    /// unrecognised forms of address are kept); nil for ignored columns.
    let extraKeys: [String?]
    let columnOf: [LedgerField: Int]
    /// The columns every row is checked for, looked up once.
    let nameColumn: Int?
    let plateColumn: Int?
    /// For a column of a text field: its slot in the record and its rule (`LedgerField.textRule`).
    let textRules: [(slot: Int, rule: @Sendable (String) throws(LedgerValueError) -> String)?]

    var count: Int { names.count }

    init(header: [String]) {
        var names: [String] = []
        var fields: [LedgerField?] = []
        var extraKeys: [String?] = []
        var columnOf: [LedgerField: Int] = [:]
        var usedKeys: Set<String> = []
        for (index, cell) in header.enumerated() {
            let text = CellText.trimmed(cell)
            let name = text.isEmpty ? "column \(Self.letter(index))" : text
            names.append(name)
            // A second column for the same field (手机 and 电话) is kept as extra, not lost.
            if let field = LedgerField(header: text), columnOf[field] == nil {
                columnOf[field] = index
                fields.append(field)
                if field != .salutation {
                    extraKeys.append(nil)
                    continue
                }
            } else {
                fields.append(nil)
                if LedgerField.headerKey(text) == LedgerField.headerKey(LedgerField.problemsColumn) {
                    extraKeys.append(nil)
                    continue
                }
            }
            let key = usedKeys.contains(name) ? "\(name) (column \(Self.letter(index)))" : name
            usedKeys.insert(key)
            extraKeys.append(key)
        }
        self.names = names
        self.fields = fields
        self.extraKeys = extraKeys
        self.columnOf = columnOf
        nameColumn = columnOf[.name]
        plateColumn = columnOf[.plate]
        textRules = fields.map { field in
            guard let field, let rule = field.textRule, let slot = LedgerField.textSlot[field] else { return nil }
            return (slot, rule)
        }
    }

    /// The name used in problems for a field's column, or its title when the file has none.
    func name(of field: LedgerField) -> String {
        columnOf[field].map { names[$0] } ?? field.title
    }

    /// The column's name as spreadsheets print it: A ... Z, AA, AB, ...
    static func letter(_ index: Int) -> String {
        var n = max(index, 0) + 1
        var letters = ""
        while n > 0 {
            let remainder = (n - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            n = (n - 1) / 26
        }
        return letters
    }
}

import HuashuText

/// The parser's output for all files: declarations in file order, with their
/// places, before any cross-reference is checked.
struct DraftScript {
    var stages: [DraftStage] = []
    var nodes: [DraftNode] = []
    /// Where each answer's target and `@name` stand, for the checker's diagnostics: every node's
    /// answers in turn, in one array, as a node's answers are all read before the next node starts.
    var answerPlaces: [AnswerPlace] = []
}

struct DraftStage {
    let id: String
    let title: String
    let location: SourceLocation
}

struct DraftNode {
    let id: String
    let location: SourceLocation
    let stageIndex: Int
    var objection: (title: String, keys: [String], keysSeen: Bool)?
    var cues: [Cue] = []
    var lines: [ScriptLine] = []
    var gates: [Gate] = []
    var actions: [Action] = []
    /// Answers in their final form: the parser can already name them and their targets.
    var answers: [Answer] = []
    /// Where the places of this node's answers start in `DraftScript.answerPlaces`.
    let firstAnswerPlace: Int
}

/// Columns of an answer's target and `@name` on the answer's own line: two
/// numbers each instead of a full location, as a script may have thousands of answers.
struct AnswerPlace {
    let target: Columns
    let explicitID: Columns?

    struct Columns {
        let column: Int32
        let length: Int32

        init(_ location: SourceLocation) {
            column = Int32(location.column)
            length = Int32(location.length)
        }

        func location(onLineOf answer: SourceLocation) -> SourceLocation {
            SourceLocation(file: answer.file, line: answer.line, column: Int(column), length: Int(length))
        }
    }
}

/// One line of a script file as bytes, able to turn a byte range of itself into a location.
struct ScannedLine {
    let file: String
    let number: Int
    let text: UTF8Text

    func location(_ range: Range<Int>) -> SourceLocation {
        SourceLocation(file: file, line: number, column: text.scalarCount(0..<range.lowerBound) + 1,
                       length: text.scalarCount(range))
    }

    func location(at offset: Int) -> SourceLocation {
        location(offset..<offset)
    }
}

/// Reads the line-per-statement dialogue language. One pass; every problem is
/// reported and the line skipped, so one run shows all mistakes.
struct Parser {
    private(set) var draft = DraftScript()
    private(set) var diagnostics: [Diagnostic] = []
    private var currentStage: Int?
    private var currentNode: Int?

    /// The words a statement starts with, in the order the spelling hint prefers them.
    enum Keyword: String, CaseIterable {
        case stage, node, objection, keys, cue, say, tip, need, `do`
    }

    /// Parses one file's lines, given as byte ranges of its validated UTF-8 bytes.
    mutating func parse(file: String, bytes: UnsafeBufferPointer<UInt8>, lines: LineRanges) {
        currentNode = nil
        for (offset, range) in lines.enumerated() {
            let text = UTF8Text(bytes: UnsafeBufferPointer(rebasing: bytes[range]))
            let line = ScannedLine(file: file, number: offset + 1, text: text)
            // Bytes first: counting characters of every line would cost more than parsing it.
            if range.count > SourceText.maximumLineCharacters, case let count = text.scalarCount(text.all), count > SourceText.maximumLineCharacters {
                report(.lineTooLong, "line has \(count) characters; at most \(SourceText.maximumLineCharacters) are allowed",
                       at: line.location(at: 0), hint: "break it into several lines")
                continue
            }
            parseLine(line)
        }
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(Diagnostic(code, message, at: location, hint: hint))
    }

    private mutating func parseLine(_ line: ScannedLine) {
        let text = line.text
        guard let start = text.firstOffset(in: text.all, where: { !$0.isSpace }) else { return }
        let first = text.scalar(at: start)
        if first == "#" { return }
        if first == "-" || first == "－" {
            parseAnswer(line, from: text.offset(after: start))
            return
        }
        let keywordAt = text.word(start..<text.all.upperBound)
        guard let keyword = text.name(keywordAt, as: Keyword.self) else {
            let word = text.string(keywordAt)
            let suggestion = Spelling.closest(to: word.lowercased(), among: Keyword.allCases.map(\.rawValue))
            report(.unknownStatement, "unknown statement `\(word)`", at: line.location(keywordAt),
                   hint: suggestion.map { "did you mean `\($0)`?" } ?? "a line starts with stage, node, objection, keys, cue, say, tip, need, do, or `-` for an answer")
            return
        }
        let rest = text.droppingLeadingSpaces(keywordAt.upperBound..<text.all.upperBound)
        switch keyword {
        case .stage: parseStage(line, keywordAt: keywordAt, rest: rest)
        case .node, .objection: parseNode(line, keyword: keyword, keywordAt: keywordAt, rest: rest)
        case .keys: parseKeys(line, keywordAt: keywordAt, rest: rest)
        case .cue: parseCue(line, keywordAt: keywordAt, rest: rest)
        case .say: parseScriptLine(line, kind: .say, keywordAt: keywordAt, rest: rest)
        case .tip: parseScriptLine(line, kind: .tip, keywordAt: keywordAt, rest: rest)
        case .need: parseGate(line, keywordAt: keywordAt, rest: rest)
        case .do:
            guard let node = requireNode(line, keywordAt: keywordAt, keyword: keyword.rawValue) else { return }
            let actions = parseActions(line, rest, allowOutcome: true)
            draft.nodes[node].actions += actions
        }
    }

    // MARK: Declarations

    private mutating func parseStage(_ line: ScannedLine, keywordAt: Range<Int>, rest: Range<Int>) {
        guard let (id, idRange, title) = parseIDAndTitle(line, keyword: "stage", keywordAt: keywordAt, rest: rest) else { return }
        currentNode = nil
        if let existing = draft.stages.firstIndex(where: { $0.id == id }) {
            currentStage = existing
            return
        }
        draft.stages.append(DraftStage(id: id, title: title.isEmpty ? id : title, location: line.location(idRange)))
        currentStage = draft.stages.count - 1
    }

    private mutating func parseNode(_ line: ScannedLine, keyword: Keyword, keywordAt: Range<Int>, rest: Range<Int>) {
        guard let (id, idRange, title) = parseIDAndTitle(line, keyword: keyword.rawValue, keywordAt: keywordAt, rest: rest) else {
            currentNode = nil
            return
        }
        guard let stage = currentStage else {
            report(.outsideStage, "`\(keyword.rawValue) \(id)` comes before any stage", at: line.location(keywordAt),
                   hint: "write `stage ID TITLE` above it")
            currentNode = nil
            return
        }
        var node = DraftNode(id: id, location: line.location(idRange), stageIndex: stage, firstAnswerPlace: draft.answerPlaces.count)
        if keyword == .objection {
            if title.isEmpty {
                report(.missingText, "objection `\(id)` needs a title after its ID", at: line.location(idRange),
                       hint: "e.g. `objection price 价格高`")
            }
            node.objection = (title.isEmpty ? id : title, [], false)
        }
        draft.nodes.append(node)
        currentNode = draft.nodes.count - 1
    }

    private mutating func parseIDAndTitle(_ line: ScannedLine, keyword: String, keywordAt: Range<Int>,
                                          rest: Range<Int>) -> (String, Range<Int>, String)? {
        guard !rest.isEmpty else {
            report(.missingID, "`\(keyword)` needs an ID", at: line.location(keywordAt), hint: "e.g. `\(keyword) greet`")
            return nil
        }
        let idRange = line.text.word(rest)
        let id = line.text.string(idRange)
        guard Self.isValidID(id) else {
            report(.invalidID, "`\(id)` is not a valid ID", at: line.location(idRange),
                   hint: "use lower-case English letters, digits and _, starting with a letter")
            return nil
        }
        return (id, idRange, line.text.string(trimming: idRange.upperBound..<rest.upperBound))
    }

    static func isValidID<S: StringProtocol>(_ id: S) -> Bool {
        var bytes = id.utf8.makeIterator()
        guard let first = bytes.next(), (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
        while let byte = bytes.next() {
            guard (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || byte == UInt8(ascii: "_") else { return false }
        }
        return true
    }

    private mutating func requireNode(_ line: ScannedLine, keywordAt: Range<Int>, keyword: String) -> Int? {
        if currentNode == nil {
            report(.outsideNode, "`\(keyword)` is not inside a node", at: line.location(keywordAt),
                   hint: "write `node ID` above it")
        }
        return currentNode
    }

    // MARK: Node contents

    /// The objection a `keys` or `cue` line belongs to, reported when it stands elsewhere.
    private mutating func requireObjection(_ line: ScannedLine, keywordAt: Range<Int>, keyword: String) -> Int? {
        guard let node = requireNode(line, keywordAt: keywordAt, keyword: keyword) else { return nil }
        guard draft.nodes[node].objection != nil else {
            report(.keysOutsideObjection, "`\(keyword)` belongs to an objection, but `\(draft.nodes[node].id)` is a node",
                   at: line.location(keywordAt), hint: "start the handler with `objection ID TITLE`")
            return nil
        }
        return node
    }

    /// The comma-separated words of a `keys` or `cue` line, with their places.
    private func words(_ line: ScannedLine, _ rest: Range<Int>) -> [(text: String, at: Range<Int>)] {
        line.text.pieces(of: rest, separatedBy: { ",，、;；".unicodeScalars.contains($0) })
            .map { (line.text.string(trimming: $0), line.text.trimmingSpaces($0)) }.filter { !$0.0.isEmpty }
    }

    private mutating func parseKeys(_ line: ScannedLine, keywordAt: Range<Int>, rest: Range<Int>) {
        guard let node = requireObjection(line, keywordAt: keywordAt, keyword: "keys") else { return }
        let keys = words(line, rest).map(\.text)
        if keys.isEmpty {
            report(.missingText, "`keys` lists no words", at: line.location(keywordAt), hint: "e.g. `keys 贵, 便宜, 价格`")
        }
        draft.nodes[node].objection!.keys += keys
        draft.nodes[node].objection!.keysSeen = true
    }

    /// `cue WEIGHT WORD, WORD`: a weight from -9 to 9 (not 0), then the words.
    private mutating func parseCue(_ line: ScannedLine, keywordAt: Range<Int>, rest: Range<Int>) {
        guard let node = requireObjection(line, keywordAt: keywordAt, keyword: "cue") else { return }
        let weightAt = line.text.word(rest)
        let written = line.text.string(weightAt)
        guard let weight = Int(written), Cue.weights.contains(weight), weight != 0 else {
            report(.badCueWeight, written.isEmpty ? "`cue` needs a weight and words" : "`\(written)` is not a cue weight",
                   at: line.location(weightAt.isEmpty ? keywordAt : weightAt),
                   hint: "a whole number from -9 to 9, not 0, then the words: `cue 3 别再打了, 不要再打` or `cue -4 办完了`")
            return
        }
        let cues = words(line, weightAt.upperBound..<rest.upperBound)
        if cues.isEmpty {
            report(.missingText, "`cue \(weight)` lists no words", at: line.location(weightAt), hint: "e.g. `cue 3 别再打了, 不要再打`")
        }
        draft.nodes[node].cues += cues.map { Cue(text: $0.text, weight: weight, location: line.location($0.at)) }
    }

    private mutating func parseScriptLine(_ line: ScannedLine, kind: ScriptLine.Kind, keywordAt: Range<Int>, rest: Range<Int>) {
        guard let node = requireNode(line, keywordAt: keywordAt, keyword: kind.rawValue) else { return }
        let (condition, body) = parseCondition(line, rest)
        guard !line.text.trimmingSpaces(body).isEmpty else {
            report(.missingText, "`\(kind.rawValue)` has no text", at: line.location(keywordAt))
            return
        }
        guard let template = parseTemplate(line, body) else { return }
        draft.nodes[node].lines.append(ScriptLine(kind: kind, condition: condition, template: template))
    }

    private mutating func parseGate(_ line: ScannedLine, keywordAt: Range<Int>, rest: Range<Int>) {
        guard let node = requireNode(line, keywordAt: keywordAt, keyword: "need") else { return }
        let text = line.text
        let colon = text.firstOffset(in: rest, where: { $0 == ":" || $0 == "：" }) ?? rest.upperBound
        let flagText = rest.lowerBound..<colon
        let flag = text.string(trimming: flagText)
        guard !flag.isEmpty else {
            report(.missingID, "`need` names no flag", at: line.location(keywordAt), hint: "e.g. `need identity: 先确认身份`")
            return
        }
        guard Self.isValidID(flag) else {
            report(.invalidID, "`\(flag)` is not a valid flag name", at: line.location(flagText),
                   hint: "use lower-case English letters, digits and _")
            return
        }
        let reason = colon < rest.upperBound ? text.string(trimming: text.offset(after: colon)..<rest.upperBound) : ""
        draft.nodes[node].gates.append(Gate(flag: flag, reason: reason.isEmpty ? "需要先完成:\(flag)" : reason,
                                            location: line.location(flagText)))
    }

    private mutating func parseAnswer(_ line: ScannedLine, from start: Int) {
        let text = line.text
        let end = text.all.upperBound
        let dash = text.offset(before: start)
        guard let node = requireNode(line, keywordAt: dash..<start, keyword: "-") else { return }
        guard let arrow = text.lastArrow(in: start..<end) else {
            report(.answerWithoutArrow, "answer has no `->` to say where it leads", at: line.location(dash..<end),
                   hint: "write `- 客户的话 -> 下一步的ID`")
            return
        }
        let (condition, words) = parseCondition(line, text.droppingLeadingSpaces(start..<arrow.lowerBound))
        guard !text.trimmingSpaces(words).isEmpty else {
            report(.missingText, "answer has no text before `->`", at: line.location(dash..<arrow.lowerBound))
            return
        }
        guard let template = parseTemplate(line, text.droppingTrailingSpaces(words)) else { return }
        let targetRange = text.word(text.droppingLeadingSpaces(arrow.upperBound..<end))
        let targetName = text.string(targetRange)
        guard !targetName.isEmpty else {
            report(.answerWithoutTarget, "answer leads nowhere: no target after `->`", at: line.location(arrow),
                   hint: "write the ID of the next step, or `return`")
            return
        }
        var tail = text.droppingLeadingSpaces(targetRange.upperBound..<end)
        var explicitID: String?
        var explicitIDPlace: AnswerPlace.Columns?
        if !tail.isEmpty, text.scalar(at: tail.lowerBound) == "@" {
            let nameEnd = text.word(tail).upperBound
            let name = text.string(text.offset(after: tail.lowerBound)..<nameEnd)
            let location = line.location(tail.lowerBound..<nameEnd)
            guard Self.isValidID(name) else {
                report(.invalidID, "`@\(name)` is not a valid answer name", at: location, hint: "use lower-case English letters, digits and _")
                return
            }
            explicitID = name
            explicitIDPlace = AnswerPlace.Columns(location)
            tail = text.droppingLeadingSpaces(nameEnd..<end)
        }
        var actions: [Action] = []
        if !tail.isEmpty {
            let word = text.word(tail)
            guard text.matches(word, "do") else {
                report(.badAction, "unexpected `\(text.string(word))` after the target", at: line.location(word),
                       hint: "after the target only `@name` and `do ACTION` may follow")
                return
            }
            actions = parseActions(line, word.upperBound..<end, allowOutcome: false)
        }
        let id = draft.nodes[node].id + ">" + (explicitID.map { "@" + $0 } ?? targetName)
        draft.nodes[node].answers.append(Answer(
            id: id, condition: condition, text: template, target: targetName == "return" ? .returnFromObjection : .node(targetName),
            actions: actions, location: line.location(dash..<end)))
        draft.answerPlaces.append(AnswerPlace(target: AnswerPlace.Columns(line.location(targetRange)), explicitID: explicitIDPlace))
    }

    /// The last `->` (or `→`) in a piece of text: the one before the target.
    static func lastArrow(in text: Substring) -> Range<String.Index>? {
        var contiguous = text
        let found = contiguous.withUTF8 { UTF8Text(bytes: $0).lastArrow(in: 0..<$0.count) }
        return found.map { text.utf8.index(text.startIndex, offsetBy: $0.lowerBound)..<text.utf8.index(text.startIndex, offsetBy: $0.upperBound) }
    }

    // MARK: Pieces

    private mutating func parseActions(_ line: ScannedLine, _ range: Range<Int>, allowOutcome: Bool) -> [Action] {
        let text = line.text
        var actions: [Action] = []
        for part in text.pieces(of: range, separatedBy: { $0 == ";" || $0 == "；" }) {
            let words = Array(text.pieces(of: part, separatedBy: { $0.isSpace }))
            guard let verbRange = words.first else { continue }
            let verb = text.string(verbRange)
            let location = line.location(verbRange.lowerBound..<words[words.count - 1].upperBound)
            switch (verb, words.count) {
            case ("mark", 2) where Self.isValidID(text.string(words[1])):
                actions.append(.mark(text.string(words[1])))
            case ("quote", 1):
                actions.append(.quote)
            case ("callback", 1):
                actions.append(.callback)
            case ("outcome", 2...3):
                guard allowOutcome else {
                    report(.badAction, "an outcome belongs on a node, not on an answer", at: location,
                           hint: "lead the answer to a node that ends the call with `do outcome ...`")
                    continue
                }
                if let outcome = parseOutcome(line, words, location: location) { actions.append(.outcome(outcome)) }
            default:
                let suggestion = Spelling.closest(to: verb, among: ["mark", "quote", "callback", "outcome"])
                report(.badAction, "`\(text.string(trimming: part))` is not an action", at: location,
                       hint: suggestion.map { "did you mean `\($0)`? actions are `mark FLAG`, `quote`, `callback`, `outcome KIND [REASON]`" }
                            ?? "actions are `mark FLAG`, `quote`, `callback`, `outcome KIND [REASON]`")
            }
        }
        if actions.isEmpty && text.trimmingSpaces(range).isEmpty {
            report(.badAction, "`do` names no action", at: line.location(at: range.lowerBound))
        }
        return actions
    }

    private mutating func parseOutcome(_ line: ScannedLine, _ words: [Range<Int>], location: SourceLocation) -> Outcome? {
        let kindWord = line.text.string(words[1])
        guard let kind = OutcomeKind(rawValue: kindWord) else {
            let suggestion = Spelling.closest(to: kindWord, among: OutcomeKind.allCases.map(\.rawValue))
            report(.badAction, "`\(kindWord)` is not an outcome", at: line.location(words[1]),
                   hint: suggestion.map { "did you mean `\($0)`?" } ?? "outcomes: " + OutcomeKind.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        let reasonWord = words.count == 3 ? line.text.string(words[2]) : nil
        if kind == .lost {
            guard let reasonWord, let reason = LossReason(rawValue: reasonWord) else {
                let given = reasonWord.map { "`\($0)` is not a loss reason" } ?? "`outcome lost` needs a loss reason"
                report(.badAction, given, at: location,
                       hint: "reasons: " + LossReason.allCases.map(\.rawValue).joined(separator: ", "))
                return nil
            }
            return Outcome(.lost, lossReason: reason)
        }
        if reasonWord != nil {
            report(.badAction, "only `outcome lost` takes a reason", at: line.location(words[2]))
            return nil
        }
        return Outcome(kind)
    }

    /// A leading `[...]` condition, and the text after it.
    private mutating func parseCondition(_ line: ScannedLine, _ range: Range<Int>) -> (Condition?, Range<Int>) {
        let text = line.text
        guard !range.isEmpty, case let open = text.scalar(at: range.lowerBound), open == "[" || open == "【" else { return (nil, range) }
        guard let close = text.firstOffset(in: range, where: { $0 == "]" || $0 == "】" }) else {
            report(.unclosedBracket, "condition `[` is never closed", at: line.location(at: range.lowerBound),
                   hint: "close it with `]`: `[grade=A]`")
            return (nil, range.upperBound..<range.upperBound)
        }
        let afterClose = text.offset(after: close)
        let rest = text.droppingLeadingSpaces(afterClose..<range.upperBound)
        var clauses: [Clause] = []
        for part in text.pieces(of: text.offset(after: range.lowerBound)..<close, separatedBy: { $0 == "," || $0 == "，" }) {
            guard let clause = parseClause(line, part) else { return (nil, rest) }
            clauses.append(clause)
        }
        guard !clauses.isEmpty else {
            report(.badCondition, "empty condition `[]`", at: line.location(range.lowerBound..<afterClose))
            return (nil, rest)
        }
        return (Condition(clauses: clauses), rest)
    }

    /// One `field op value|value` clause, read after folding full-width forms to ASCII.
    private mutating func parseClause(_ line: ScannedLine, _ part: Range<Int>) -> Clause? {
        // The place is worked out only for a diagnostic: most clauses have none.
        let location = { line.location(part) }
        guard !line.text.isASCII(part) else { return parseClause(line.text, part, at: location) }
        var folded = InputNormalisation.foldFullWidth(line.text.string(part))
        return folded.withUTF8 { parseClause(UTF8Text(bytes: $0), 0..<$0.count, at: location) }
    }

    private mutating func parseClause(_ text: UTF8Text, _ part: Range<Int>, at location: () -> SourceLocation) -> Clause? {
        guard let opStart = text.firstOffset(in: part, where: { $0 == "=" || $0 == "!" || $0 == "<" || $0 == ">" }),
              case let afterOp = opStart + 1,
              case let valueStart = afterOp < part.upperBound && text.bytes[afterOp] == UInt8(ascii: "=") ? afterOp + 1 : afterOp,
              let op = text.name(opStart..<valueStart, as: Clause.Operator.self) else {
            report(.badCondition, "condition `\(text.string(trimming: part))` has no comparison", at: location(),
                   hint: "write it like `grade=A`, `claims>=1` or `days<=30`")
            return nil
        }
        let nameAt = text.trimmingSpaces(part.lowerBound..<opStart)
        guard let field = text.name(nameAt, as: Clause.Field.self) else {
            let name = text.string(nameAt)
            let suggestion = Spelling.closest(to: name, among: Clause.Field.allCases.map(\.rawValue))
            report(.badCondition, "`\(name)` is not a field a condition can test", at: location(),
                   hint: suggestion.map { "did you mean `\($0)`?" } ?? "fields: grade, type, claims, days, violations")
            return nil
        }
        let values = text.pieces(of: valueStart..<part.upperBound, separatedBy: { $0 == "|" }).map { text.string(trimming: $0) }
        if field.isNumeric {
            guard values.count == 1, Int(values[0]) != nil else {
                report(.badCondition, "`\(field.rawValue)` is compared with one whole number", at: location(), hint: "e.g. `\(field.rawValue)>=1`")
                return nil
            }
        } else {
            guard op == .equal || op == .notEqual else {
                report(.badCondition, "`\(field.rawValue)` can only be tested with = or !=", at: location())
                return nil
            }
            let isAllowed: (String) -> Bool = field == .grade ? { CustomerGrade(rawValue: $0) != nil } : { CustomerType(rawValue: $0) != nil }
            if let bad = values.first(where: { !isAllowed($0) }) {
                let allowed = field == .grade ? CustomerGrade.allCases.map(\.rawValue) : CustomerType.allCases.map(\.rawValue)
                report(.badCondition, "`\(bad)` is not a \(field.rawValue)", at: location(),
                       hint: "\(field.rawValue) is one of " + allowed.joined(separator: ", "))
                return nil
            }
        }
        return Clause(field: field, op: op, values: values)
    }

    private mutating func parseTemplate(_ line: ScannedLine, _ range: Range<Int>) -> Template? {
        let text = line.text
        var segments: [Template.Segment] = []
        // Text around each placeholder: counting first spares the array its regrowing.
        segments.reserveCapacity(2 * text.bytes[range].count { $0 == UInt8(ascii: "{") } + 1)
        var rest = range
        var valid = true
        while let open = text.firstOffset(in: rest, where: { $0 == "{" }) {
            if open > rest.lowerBound { segments.append(.text(text.string(rest.lowerBound..<open))) }
            guard let close = text.firstOffset(in: open..<rest.upperBound, where: { $0 == "}" }) else {
                report(.unclosedPlaceholder, "placeholder `{` is never closed", at: line.location(at: open), hint: "close it with `}`: `{name}`")
                return nil
            }
            let afterClose = close + 1
            if let placeholder = text.name(open + 1..<close, as: Placeholder.self) {
                segments.append(.placeholder(placeholder))
            } else {
                let name = text.string(open + 1..<close)
                let suggestion = Spelling.closest(to: name, among: Placeholder.allCases.map(\.rawValue))
                report(.unknownPlaceholder, "unknown placeholder `{\(name)}`", at: line.location(open..<afterClose),
                       hint: suggestion.map { "did you mean `{\($0)}`?" } ?? "see the placeholder table in Dialogues/README.md")
                valid = false
            }
            rest = afterClose..<rest.upperBound
        }
        if !rest.isEmpty { segments.append(.text(text.string(rest))) }
        return valid ? Template(segments: segments) : nil
    }
}

import HuashuText

/// The parser's output for all files: declarations in file order, with their
/// places, before any cross-reference is checked.
struct DraftScript {
    var stages: [DraftStage] = []
    var nodes: [DraftNode] = []
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
    var lines: [ScriptLine] = []
    var gates: [Gate] = []
    var actions: [Action] = []
    var answers: [DraftAnswer] = []
}

struct DraftAnswer {
    let explicitID: String?
    let explicitIDLocation: SourceLocation?
    let condition: Condition?
    let text: Template
    let targetName: String
    let targetLocation: SourceLocation
    let actions: [Action]
    let location: SourceLocation
}

/// One line of a file, able to turn a range of itself into a location.
struct SourceLine {
    let file: String
    let number: Int
    let text: Substring

    func location(_ range: Range<String.Index>) -> SourceLocation {
        SourceLocation(file: file, line: number,
                       column: text.unicodeScalars.distance(from: text.startIndex, to: range.lowerBound) + 1,
                       length: text.unicodeScalars.distance(from: range.lowerBound, to: range.upperBound))
    }

    func location(at index: String.Index) -> SourceLocation {
        location(index..<index)
    }
}

/// Reads the line-per-statement dialogue language. One pass; every problem is
/// reported and the line skipped, so one run shows all mistakes.
struct Parser {
    private(set) var draft = DraftScript()
    private(set) var diagnostics: [Diagnostic] = []
    private var currentStage: Int?
    private var currentNode: Int?

    static let keywords = ["stage", "node", "objection", "keys", "say", "tip", "need", "do"]

    mutating func parse(file: String, lines: [Substring]) {
        currentNode = nil
        for (offset, text) in lines.enumerated() {
            let line = SourceLine(file: file, number: offset + 1, text: text)
            // Bytes first: counting characters of every line would cost more than parsing it.
            if text.utf8.count > SourceText.maximumLineCharacters, text.unicodeScalars.count > SourceText.maximumLineCharacters {
                report(.lineTooLong, "line has \(text.unicodeScalars.count) characters; at most \(SourceText.maximumLineCharacters) are allowed",
                       at: line.location(at: text.startIndex), hint: "break it into several lines")
                continue
            }
            parseLine(line)
        }
    }

    private mutating func report(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(Diagnostic(code, message, at: location, hint: hint))
    }

    private mutating func parseLine(_ line: SourceLine) {
        let text = line.text
        guard let start = text.unicodeScalars.firstIndex(where: { !$0.isSpace }) else { return }
        let first = text.unicodeScalars[start]
        if first == "#" { return }
        if first == "-" || first == "－" {
            parseAnswer(line, from: text.unicodeScalars.index(after: start))
            return
        }
        let wordEnd = text.slice(from: start).firstScalarIndex(where: \.isSpace) ?? text.endIndex
        let keyword = String(text.slice(start..<wordEnd))
        let rest = text.slice(from: wordEnd).droppingLeadingSpaces
        switch keyword {
        case "stage": parseStage(line, keywordAt: start..<wordEnd, rest: rest)
        case "node", "objection": parseNode(line, keyword: keyword, keywordAt: start..<wordEnd, rest: rest)
        case "keys": parseKeys(line, keywordAt: start..<wordEnd, rest: rest)
        case "say", "tip": parseScriptLine(line, kind: ScriptLine.Kind(rawValue: keyword)!, keywordAt: start..<wordEnd, rest: rest)
        case "need": parseGate(line, keywordAt: start..<wordEnd, rest: rest)
        case "do":
            guard let node = requireNode(line, keywordAt: start..<wordEnd, keyword: keyword) else { return }
            let actions = parseActions(line, rest, allowOutcome: true)
            draft.nodes[node].actions += actions
        default:
            let suggestion = Spelling.closest(to: keyword.lowercased(), among: Self.keywords)
            report(.unknownStatement, "unknown statement `\(keyword)`", at: line.location(start..<wordEnd),
                   hint: suggestion.map { "did you mean `\($0)`?" } ?? "a line starts with stage, node, objection, keys, say, tip, need, do, or `-` for an answer")
        }
    }

    // MARK: Declarations

    private mutating func parseStage(_ line: SourceLine, keywordAt: Range<String.Index>, rest: Substring) {
        guard let (id, idRange, title) = parseIDAndTitle(line, keyword: "stage", keywordAt: keywordAt, rest: rest) else { return }
        currentNode = nil
        if let existing = draft.stages.firstIndex(where: { $0.id == id }) {
            currentStage = existing
            return
        }
        draft.stages.append(DraftStage(id: id, title: title.isEmpty ? id : title, location: line.location(idRange)))
        currentStage = draft.stages.count - 1
    }

    private mutating func parseNode(_ line: SourceLine, keyword: String, keywordAt: Range<String.Index>, rest: Substring) {
        guard let (id, idRange, title) = parseIDAndTitle(line, keyword: keyword, keywordAt: keywordAt, rest: rest) else {
            currentNode = nil
            return
        }
        guard let stage = currentStage else {
            report(.outsideStage, "`\(keyword) \(id)` comes before any stage", at: line.location(keywordAt),
                   hint: "write `stage ID TITLE` above it")
            currentNode = nil
            return
        }
        var node = DraftNode(id: id, location: line.location(idRange), stageIndex: stage)
        if keyword == "objection" {
            if title.isEmpty {
                report(.missingText, "objection `\(id)` needs a title after its ID", at: line.location(idRange),
                       hint: "e.g. `objection price 价格高`")
            }
            node.objection = (title.isEmpty ? id : title, [], false)
        }
        draft.nodes.append(node)
        currentNode = draft.nodes.count - 1
    }

    private mutating func parseIDAndTitle(_ line: SourceLine, keyword: String, keywordAt: Range<String.Index>,
                                          rest: Substring) -> (String, Range<String.Index>, String)? {
        guard !rest.isEmpty else {
            report(.missingID, "`\(keyword)` needs an ID", at: line.location(keywordAt), hint: "e.g. `\(keyword) greet`")
            return nil
        }
        let idEnd = rest.firstScalarIndex(where: \.isSpace) ?? rest.endIndex
        let idRange = rest.startIndex..<idEnd
        let id = String(rest.slice(idRange))
        guard Self.isValidID(id) else {
            report(.invalidID, "`\(id)` is not a valid ID", at: line.location(idRange),
                   hint: "use lower-case English letters, digits and _, starting with a letter")
            return nil
        }
        return (id, idRange, rest.slice(from: idEnd).trimmingSpaces)
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

    private mutating func requireNode(_ line: SourceLine, keywordAt: Range<String.Index>, keyword: String) -> Int? {
        if currentNode == nil {
            report(.outsideNode, "`\(keyword)` is not inside a node", at: line.location(keywordAt),
                   hint: "write `node ID` above it")
        }
        return currentNode
    }

    // MARK: Node contents

    private mutating func parseKeys(_ line: SourceLine, keywordAt: Range<String.Index>, rest: Substring) {
        guard let node = requireNode(line, keywordAt: keywordAt, keyword: "keys") else { return }
        guard draft.nodes[node].objection != nil else {
            report(.keysOutsideObjection, "`keys` belongs to an objection, but `\(draft.nodes[node].id)` is a node",
                   at: line.location(keywordAt), hint: "start the handler with `objection ID TITLE`")
            return
        }
        let keys = rest.split(whereSeparator: { ",，、;；".contains($0) }).map(\.trimmingSpaces).filter { !$0.isEmpty }
        if keys.isEmpty {
            report(.missingText, "`keys` lists no words", at: line.location(keywordAt), hint: "e.g. `keys 贵, 便宜, 价格`")
        }
        draft.nodes[node].objection!.keys += keys
        draft.nodes[node].objection!.keysSeen = true
    }

    private mutating func parseScriptLine(_ line: SourceLine, kind: ScriptLine.Kind, keywordAt: Range<String.Index>, rest: Substring) {
        guard let node = requireNode(line, keywordAt: keywordAt, keyword: kind.rawValue) else { return }
        let (condition, body) = parseCondition(line, rest)
        guard !body.trimmingSpaces.isEmpty else {
            report(.missingText, "`\(kind.rawValue)` has no text", at: line.location(keywordAt))
            return
        }
        guard let template = parseTemplate(line, body) else { return }
        draft.nodes[node].lines.append(ScriptLine(kind: kind, condition: condition, template: template))
    }

    private mutating func parseGate(_ line: SourceLine, keywordAt: Range<String.Index>, rest: Substring) {
        guard let node = requireNode(line, keywordAt: keywordAt, keyword: "need") else { return }
        let colon = rest.firstScalarIndex(where: { $0 == ":" || $0 == "：" }) ?? rest.endIndex
        let flagText = rest.slice(rest.startIndex..<colon)
        let flag = flagText.trimmingSpaces
        guard !flag.isEmpty else {
            report(.missingID, "`need` names no flag", at: line.location(keywordAt), hint: "e.g. `need identity: 先确认身份`")
            return
        }
        guard Self.isValidID(flag) else {
            report(.invalidID, "`\(flag)` is not a valid flag name", at: line.location(flagText.startIndex..<flagText.endIndex),
                   hint: "use lower-case English letters, digits and _")
            return
        }
        let reason = colon < rest.endIndex ? rest.slice(from: rest.unicodeScalars.index(after: colon)).trimmingSpaces : ""
        draft.nodes[node].gates.append(Gate(flag: flag, reason: reason.isEmpty ? "需要先完成:\(flag)" : reason,
                                            location: line.location(flagText.startIndex..<flagText.endIndex)))
    }

    private mutating func parseAnswer(_ line: SourceLine, from start: String.Index) {
        let dash = line.text.unicodeScalars.index(before: start)
        guard let node = requireNode(line, keywordAt: dash..<start, keyword: "-") else { return }
        let body = line.text.slice(from: start)
        guard let arrow = Self.lastArrow(in: body) else {
            report(.answerWithoutArrow, "answer has no `->` to say where it leads", at: line.location(dash..<line.text.endIndex),
                   hint: "write `- 客户的话 -> 下一步的ID`")
            return
        }
        let (condition, text) = parseCondition(line, body.slice(body.startIndex..<arrow.lowerBound).droppingLeadingSpaces)
        guard !text.trimmingSpaces.isEmpty else {
            report(.missingText, "answer has no text before `->`", at: line.location(dash..<arrow.lowerBound))
            return
        }
        guard let template = parseTemplate(line, text.dropLastSpaces) else { return }
        var tail = line.text.slice(from: arrow.upperBound).droppingLeadingSpaces
        let targetEnd = tail.firstScalarIndex(where: \.isSpace) ?? tail.endIndex
        let targetRange = tail.startIndex..<targetEnd
        let targetName = String(tail.slice(targetRange))
        guard !targetName.isEmpty else {
            report(.answerWithoutTarget, "answer leads nowhere: no target after `->`", at: line.location(arrow),
                   hint: "write the ID of the next step, or `return`")
            return
        }
        tail = tail.slice(from: targetEnd).droppingLeadingSpaces
        var explicitID: String?
        var explicitIDLocation: SourceLocation?
        if tail.unicodeScalars.first == "@" {
            let nameEnd = tail.firstScalarIndex(where: \.isSpace) ?? tail.endIndex
            let name = tail.slice(tail.unicodeScalars.index(after: tail.startIndex)..<nameEnd)
            let location = line.location(tail.startIndex..<nameEnd)
            guard Self.isValidID(name) else {
                report(.invalidID, "`@\(name)` is not a valid answer name", at: location, hint: "use lower-case English letters, digits and _")
                return
            }
            explicitID = String(name)
            explicitIDLocation = location
            tail = tail.slice(from: nameEnd).droppingLeadingSpaces
        }
        var actions: [Action] = []
        if !tail.isEmpty {
            let wordEnd = tail.firstScalarIndex(where: \.isSpace) ?? tail.endIndex
            guard tail.slice(tail.startIndex..<wordEnd) == "do" else {
                report(.badAction, "unexpected `\(tail.slice(tail.startIndex..<wordEnd))` after the target", at: line.location(tail.startIndex..<wordEnd),
                       hint: "after the target only `@name` and `do ACTION` may follow")
                return
            }
            actions = parseActions(line, tail.slice(from: wordEnd), allowOutcome: false)
        }
        draft.nodes[node].answers.append(DraftAnswer(
            explicitID: explicitID, explicitIDLocation: explicitIDLocation, condition: condition, text: template,
            targetName: targetName, targetLocation: line.location(targetRange), actions: actions,
            location: line.location(dash..<line.text.endIndex)))
    }

    /// The last `->` (or `→`) in a line: the one before the target.
    static func lastArrow(in text: Substring) -> Range<String.Index>? {
        let scalars = text.unicodeScalars
        var index = scalars.endIndex
        while index > scalars.startIndex {
            index = scalars.index(before: index)
            if scalars[index] == "→" { return index..<scalars.index(after: index) }
            if scalars[index] == ">", index > scalars.startIndex, scalars[scalars.index(before: index)] == "-" {
                return scalars.index(before: index)..<scalars.index(after: index)
            }
        }
        return nil
    }

    // MARK: Pieces

    private mutating func parseActions(_ line: SourceLine, _ text: Substring, allowOutcome: Bool) -> [Action] {
        var actions: [Action] = []
        for part in text.split(whereSeparator: { $0 == ";" || $0 == "；" }) {
            let words = part.split(whereSeparator: { $0.isWhitespace })
            guard let verb = words.first else { continue }
            let location = line.location(verb.startIndex..<(words.last?.endIndex ?? verb.endIndex))
            switch (verb, words.count) {
            case ("mark", 2) where Self.isValidID(words[1]):
                actions.append(.mark(String(words[1])))
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
                let suggestion = Spelling.closest(to: String(verb), among: ["mark", "quote", "callback", "outcome"])
                report(.badAction, "`\(part.trimmingSpaces)` is not an action", at: location,
                       hint: suggestion.map { "did you mean `\($0)`? actions are `mark FLAG`, `quote`, `callback`, `outcome KIND [REASON]`" }
                            ?? "actions are `mark FLAG`, `quote`, `callback`, `outcome KIND [REASON]`")
            }
        }
        if actions.isEmpty && text.trimmingSpaces.isEmpty {
            report(.badAction, "`do` names no action", at: line.location(at: text.startIndex))
        }
        return actions
    }

    private mutating func parseOutcome(_ line: SourceLine, _ words: [Substring], location: SourceLocation) -> Outcome? {
        guard let kind = OutcomeKind(rawValue: String(words[1])) else {
            let suggestion = Spelling.closest(to: String(words[1]), among: OutcomeKind.allCases.map(\.rawValue))
            report(.badAction, "`\(words[1])` is not an outcome", at: line.location(words[1].startIndex..<words[1].endIndex),
                   hint: suggestion.map { "did you mean `\($0)`?" } ?? "outcomes: " + OutcomeKind.allCases.map(\.rawValue).joined(separator: ", "))
            return nil
        }
        if kind == .lost {
            guard words.count == 3, let reason = LossReason(rawValue: String(words[2])) else {
                let given = words.count == 3 ? "`\(words[2])` is not a loss reason" : "`outcome lost` needs a loss reason"
                report(.badAction, given, at: location,
                       hint: "reasons: " + LossReason.allCases.map(\.rawValue).joined(separator: ", "))
                return nil
            }
            return Outcome(.lost, lossReason: reason)
        }
        if words.count == 3 {
            report(.badAction, "only `outcome lost` takes a reason", at: line.location(words[2].startIndex..<words[2].endIndex))
            return nil
        }
        return Outcome(kind)
    }

    /// A leading `[...]` condition, and the text after it.
    private mutating func parseCondition(_ line: SourceLine, _ text: Substring) -> (Condition?, Substring) {
        guard let open = text.unicodeScalars.first, open == "[" || open == "【" else { return (nil, text) }
        guard let close = text.firstScalarIndex(where: { $0 == "]" || $0 == "】" }) else {
            report(.unclosedBracket, "condition `[` is never closed", at: line.location(at: text.startIndex),
                   hint: "close it with `]`: `[grade=A]`")
            return (nil, text.slice(from: text.endIndex))
        }
        let afterClose = text.unicodeScalars.index(after: close)
        let rest = text.slice(from: afterClose).droppingLeadingSpaces
        var clauses: [Clause] = []
        let inside = text.slice(text.unicodeScalars.index(after: text.startIndex)..<close)
        for part in inside.unicodeScalars.split(whereSeparator: { $0 == "," || $0 == "，" }).map(Substring.init) {
            guard let clause = parseClause(line, part) else { return (nil, rest) }
            clauses.append(clause)
        }
        guard !clauses.isEmpty else {
            report(.badCondition, "empty condition `[]`", at: line.location(text.startIndex..<afterClose))
            return (nil, rest)
        }
        return (Condition(clauses: clauses), rest)
    }

    private mutating func parseClause(_ line: SourceLine, _ part: Substring) -> Clause? {
        let location = line.location(part.startIndex..<part.endIndex)
        let folded = part.utf8.allSatisfy({ $0 < 0x80 }) ? part : Substring(InputNormalisation.foldFullWidth(part))
        let scalars = folded.unicodeScalars
        guard let opStart = folded.firstScalarIndex(where: { $0 == "=" || $0 == "!" || $0 == "<" || $0 == ">" }),
              case let afterOp = scalars.index(after: opStart),
              case let twoCharacters = afterOp < scalars.endIndex && scalars[afterOp] == "=",
              case let valueStart = twoCharacters ? scalars.index(after: afterOp) : afterOp,
              let op = Clause.Operator(rawValue: String(folded.slice(opStart..<valueStart))) else {
            report(.badCondition, "condition `\(part.trimmingSpaces)` has no comparison", at: location,
                   hint: "write it like `grade=A`, `claims>=1` or `days<=30`")
            return nil
        }
        let name = folded.slice(folded.startIndex..<opStart).trimmingSpaces
        guard let field = Clause.Field(rawValue: name) else {
            let suggestion = Spelling.closest(to: name, among: Clause.Field.allCases.map(\.rawValue))
            report(.badCondition, "`\(name)` is not a field a condition can test", at: location,
                   hint: suggestion.map { "did you mean `\($0)`?" } ?? "fields: grade, type, claims, days, violations")
            return nil
        }
        let values = folded.slice(from: valueStart).unicodeScalars.split(separator: "|").map { Substring($0).trimmingSpaces }
        if field.isNumeric {
            guard values.count == 1, Int(values[0]) != nil else {
                report(.badCondition, "`\(field.rawValue)` is compared with one whole number", at: location, hint: "e.g. `\(field.rawValue)>=1`")
                return nil
            }
        } else {
            guard op == .equal || op == .notEqual else {
                report(.badCondition, "`\(field.rawValue)` can only be tested with = or !=", at: location)
                return nil
            }
            let allowed = field == .grade ? CustomerGrade.allCases.map(\.rawValue) : CustomerType.allCases.map(\.rawValue)
            if let bad = values.first(where: { !allowed.contains($0) }) {
                report(.badCondition, "`\(bad)` is not a \(field.rawValue)", at: location,
                       hint: "\(field.rawValue) is one of " + allowed.joined(separator: ", "))
                return nil
            }
        }
        return Clause(field: field, op: op, values: values)
    }

    private mutating func parseTemplate(_ line: SourceLine, _ text: Substring) -> Template? {
        var segments: [Template.Segment] = []
        var rest = text
        var valid = true
        while let open = rest.firstScalarIndex(where: { $0 == "{" }) {
            if open > rest.startIndex { segments.append(.text(String(rest.slice(rest.startIndex..<open)))) }
            guard let close = rest.slice(from: open).firstScalarIndex(where: { $0 == "}" }) else {
                report(.unclosedPlaceholder, "placeholder `{` is never closed", at: line.location(at: open), hint: "close it with `}`: `{name}`")
                return nil
            }
            let afterClose = rest.unicodeScalars.index(after: close)
            let name = String(rest.slice(rest.unicodeScalars.index(after: open)..<close))
            if let placeholder = Placeholder(rawValue: name) {
                segments.append(.placeholder(placeholder))
            } else {
                let suggestion = Spelling.closest(to: name, among: Placeholder.allCases.map(\.rawValue))
                report(.unknownPlaceholder, "unknown placeholder `{\(name)}`", at: line.location(open..<afterClose),
                       hint: suggestion.map { "did you mean `{\($0)}`?" } ?? "see the placeholder table in Dialogues/README.md")
                valid = false
            }
            rest = rest.slice(from: afterClose)
        }
        if !rest.isEmpty { segments.append(.text(String(rest))) }
        return valid ? Template(segments: segments) : nil
    }
}

/// The parser scans Unicode scalars, never grapheme clusters: it only looks
/// for ASCII syntax and full-width punctuation, and breaking every line into
/// Characters would cost most of its time.
extension Substring {
    func firstScalarIndex(where test: (Unicode.Scalar) -> Bool) -> Index? {
        unicodeScalars.firstIndex(where: test)
    }

    func slice(_ range: Range<Index>) -> Substring {
        Substring(unicodeScalars[range])
    }

    func slice(from start: Index) -> Substring {
        Substring(unicodeScalars[start...])
    }

    var droppingLeadingSpaces: Substring {
        Substring(unicodeScalars.drop(while: \.isSpace))
    }

    var dropLastSpaces: Substring {
        var end = unicodeScalars.endIndex
        while end > startIndex, unicodeScalars[unicodeScalars.index(before: end)].isSpace { end = unicodeScalars.index(before: end) }
        return slice(startIndex..<end)
    }
}

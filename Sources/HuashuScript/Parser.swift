import HuashuRenewal
import HuashuText
import HuashuRenewal

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
    /// `node quote 报价`: the Chinese name agents see; empty when none was written.
    var title = ""
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

/// The words of the dialogue language, for an editor's completion.
public enum ScriptVocabulary {
    public static var keywords: [String] { Parser.Keyword.allCases.map(\.rawValue) }
    public static let actions = ["mark", "quote", "callback", "record", "outcome"]

    /// Whether the text has an answer's arrow, in any form the parser takes.
    public static func hasArrow(_ text: Substring) -> Bool { Parser.lastArrow(in: text) != nil }

    /// Where each node and objection is declared, found by parsing alone: an editor jumps
    /// to a definition while the script still has errors (and so no checked `Script`).
    public static func declarations(_ sources: [SourceText]) -> [String: SourceLocation] {
        var parser = Parser()
        for source in sources.sorted(by: { $0.name < $1.name }) {
            guard case .success(let lines) = source.lineRanges() else { continue }
            source.bytes.withUnsafeBufferPointer { parser.parse(file: source.name, bytes: $0, lines: lines) }
        }
        var found: [String: SourceLocation] = [:]
        for node in parser.draft.nodes where found[node.id] == nil { found[node.id] = node.location }
        return found
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
                report(.lineTooLong, Wording(en: "line has \(count) characters; at most \(SourceText.maximumLineCharacters) are allowed",
                                             zh: "这一行有 \(count) 个字，最多只能有 \(SourceText.maximumLineCharacters) 个"),
                       at: line.location(at: 0), hint: Wording(en: "break it into several lines", zh: "拆成几行"))
                continue
            }
            parseLine(line)
        }
    }

    private mutating func report(_ code: DiagnosticCode, _ message: Wording, at location: SourceLocation, hint: Wording? = nil) {
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
            report(.unknownStatement, Wording(en: "unknown statement `\(word)`", zh: "不认识的关键字 `\(word)`"), at: line.location(keywordAt),
                   hint: .didYouMean(suggestion, else: Wording(
                    en: "a line starts with stage, node, objection, keys, cue, say, tip, need, do, or `-` for an answer",
                    zh: "每行以 stage、node、objection、keys、cue、say、tip、need、do 开头，回答以 `-` 开头")))
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
            report(.outsideStage, Wording(en: "`\(keyword.rawValue) \(id)` comes before any stage", zh: "`\(keyword.rawValue) \(id)` 前面还没有阶段"),
                   at: line.location(keywordAt), hint: Wording(en: "write `stage ID TITLE` above it", zh: "在上面写 `stage ID 标题`"))
            currentNode = nil
            return
        }
        var node = DraftNode(id: id, location: line.location(idRange), stageIndex: stage, firstAnswerPlace: draft.answerPlaces.count)
        node.title = title
        if keyword == .objection {
            if title.isEmpty {
                report(.missingText, Wording(en: "objection `\(id)` needs a title after its ID", zh: "异议处理 `\(id)` 的 ID 后面缺标题"),
                       at: line.location(idRange), hint: Wording(en: "e.g. `objection price 价格高`", zh: "例如 `objection price 价格高`"))
            }
            node.objection = (title.isEmpty ? id : title, [], false)
        }
        draft.nodes.append(node)
        currentNode = draft.nodes.count - 1
    }

    private mutating func parseIDAndTitle(_ line: ScannedLine, keyword: String, keywordAt: Range<Int>,
                                          rest: Range<Int>) -> (String, Range<Int>, String)? {
        guard !rest.isEmpty else {
            report(.missingID, Wording(en: "`\(keyword)` needs an ID", zh: "`\(keyword)` 后面缺 ID"), at: line.location(keywordAt),
                   hint: Wording(en: "e.g. `\(keyword) greet`", zh: "例如 `\(keyword) greet`"))
            return nil
        }
        let idRange = line.text.word(rest)
        let id = line.text.string(idRange)
        guard Self.isValidID(id) else {
            report(.invalidID, Wording(en: "`\(id)` is not a valid ID", zh: "`\(id)` 不能做 ID"), at: line.location(idRange), hint: .idRule)
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
            report(.outsideNode, Wording(en: "`\(keyword)` is not inside a node", zh: "`\(keyword)` 不在任何步骤里"), at: line.location(keywordAt),
                   hint: Wording(en: "write `node ID` or `objection ID TITLE` above it", zh: "在上面写 `node ID` 或 `objection ID 标题`"))
        }
        return currentNode
    }

    // MARK: Node contents

    /// The objection a `keys` or `cue` line belongs to, reported when it stands elsewhere.
    private mutating func requireObjection(_ line: ScannedLine, keywordAt: Range<Int>, keyword: String) -> Int? {
        guard let node = requireNode(line, keywordAt: keywordAt, keyword: keyword) else { return nil }
        guard draft.nodes[node].objection != nil else {
            report(.keysOutsideObjection, Wording(en: "`\(keyword)` belongs to an objection, but `\(draft.nodes[node].id)` is a node",
                                                 zh: "`\(keyword)` 只能用在异议处理里，`\(draft.nodes[node].id)` 是普通步骤"),
                   at: line.location(keywordAt), hint: Wording(en: "start the handler with `objection ID TITLE`", zh: "用 `objection ID 标题` 开始这个异议处理"))
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
            report(.missingText, Wording(en: "`keys` lists no words", zh: "`keys` 后面没有词"), at: line.location(keywordAt),
                   hint: Wording(en: "e.g. `keys 贵, 便宜, 价格`", zh: "例如 `keys 贵, 便宜, 价格`"))
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
            report(.badCueWeight, written.isEmpty ? Wording(en: "`cue` needs a weight and words", zh: "`cue` 后面要写权重和词")
                                                  : Wording(en: "`\(written)` is not a cue weight", zh: "`\(written)` 不是提示词的权重"),
                   at: line.location(weightAt.isEmpty ? keywordAt : weightAt),
                   hint: Wording(en: "a whole number from -9 to 9, not 0, then the words: `cue 3 别再打了, 不要再打` or `cue -4 办完了`",
                                 zh: "先写 -9 到 9 的整数（不能是 0），再写词：`cue 3 别再打了, 不要再打` 或 `cue -4 办完了`"))
            return
        }
        let cues = words(line, weightAt.upperBound..<rest.upperBound)
        if cues.isEmpty {
            report(.missingText, Wording(en: "`cue \(weight)` lists no words", zh: "`cue \(weight)` 后面没有词"), at: line.location(weightAt),
                   hint: Wording(en: "e.g. `cue 3 别再打了, 不要再打`", zh: "例如 `cue 3 别再打了, 不要再打`"))
        }
        draft.nodes[node].cues += cues.map { Cue(text: $0.text, weight: weight, location: line.location($0.at)) }
    }

    private mutating func parseScriptLine(_ line: ScannedLine, kind: ScriptLine.Kind, keywordAt: Range<Int>, rest: Range<Int>) {
        guard let node = requireNode(line, keywordAt: keywordAt, keyword: kind.rawValue) else { return }
        let (condition, body) = parseCondition(line, rest)
        guard !line.text.trimmingSpaces(body).isEmpty else {
            report(.missingText, Wording(en: "`\(kind.rawValue)` has no text", zh: "`\(kind.rawValue)` 后面没有文字"), at: line.location(keywordAt))
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
            report(.missingID, Wording(en: "`need` names no flag", zh: "`need` 没有写标记名"), at: line.location(keywordAt),
                   hint: Wording(en: "e.g. `need identity: 先确认身份`", zh: "例如 `need identity: 先确认身份`"))
            return
        }
        guard Self.isValidID(flag) else {
            report(.invalidID, Wording(en: "`\(flag)` is not a valid flag name", zh: "`\(flag)` 不能做标记名"), at: line.location(flagText), hint: .idRule)
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
            let hint = Wording(en: "write `- 客户的话 -> 下一步的ID`", zh: "写成 `- 客户的话 -> 下一步的ID`")
            if let stray = text.strayArrowHead(in: start..<end) {
                let typed = text.string(stray)
                report(.answerWithoutArrow, Wording(en: "`\(typed)` is not an arrow: write `->`", zh: "`\(typed)` 不是箭头，请写 `->`"),
                       at: line.location(stray), hint: hint)
            } else {
                report(.answerWithoutArrow, Wording(en: "answer has no `->` to say where it leads", zh: "回答没有 `->`，不知道通往哪一步"),
                       at: line.location(at: text.droppingTrailingSpaces(start..<end).upperBound), hint: hint)
            }
            return
        }
        let (condition, words) = parseCondition(line, text.droppingLeadingSpaces(start..<arrow.lowerBound))
        guard !text.trimmingSpaces(words).isEmpty else {
            report(.missingText, Wording(en: "answer has no customer's words before `->`", zh: "回答在 `->` 前面没有客户的话"),
                   at: line.location(dash..<arrow.upperBound))
            return
        }
        guard let template = parseTemplate(line, text.droppingTrailingSpaces(words)) else { return }
        let targetRange = text.word(text.droppingLeadingSpaces(arrow.upperBound..<end))
        let targetName = text.string(targetRange)
        guard !targetName.isEmpty else {
            report(.answerWithoutTarget, Wording(en: "answer leads nowhere: no target after `\(text.string(arrow))`",
                                                zh: "回答没有去处：`\(text.string(arrow))` 后面没有目标"), at: line.location(arrow),
                   hint: Wording(en: "write the ID of the next step, or `return`", zh: "写下一步的 ID，或者 `return`"))
            return
        }
        var tail = text.droppingLeadingSpaces(targetRange.upperBound..<end)
        var explicitID: String?
        var explicitIDPlace: AnswerPlace.Columns?
        if !tail.isEmpty, case let at = text.scalar(at: tail.lowerBound), at == "@" || at == "＠" {
            let nameEnd = text.word(tail).upperBound
            let name = text.string(text.offset(after: tail.lowerBound)..<nameEnd)
            let location = line.location(tail.lowerBound..<nameEnd)
            guard Self.isValidID(name) else {
                report(.invalidID, Wording(en: "`@\(name)` is not a valid answer name", zh: "`@\(name)` 不能做回答的名字"), at: location, hint: .idRule)
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
                report(.badAction, Wording(en: "unexpected `\(text.string(word))` after the target", zh: "目标后面多了 `\(text.string(word))`"),
                       at: line.location(word),
                       hint: Wording(en: "after the target only `@name` and `do ACTION` may follow", zh: "目标后面只能写 `@名字` 和 `do 动作`"))
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

    /// The last arrow (`->`, or as a Chinese input method types it) in a piece of text: the one before the target.
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
            case ("record", 3...):
                if let record = parseRecord(line, words) { actions.append(record) }
            case ("outcome", 2...3):
                guard allowOutcome else {
                    report(.badAction, Wording(en: "an outcome belongs on a node, not on an answer", zh: "结果要写在步骤上，不能写在回答上"), at: location,
                           hint: Wording(en: "lead the answer to a node that ends the call with `do outcome ...`",
                                         zh: "让回答通往一个用 `do outcome ...` 结束通话的步骤"))
                    continue
                }
                if let outcome = parseOutcome(line, words, location: location) { actions.append(.outcome(outcome)) }
            default:
                let suggestion = Spelling.closest(to: verb, among: ScriptVocabulary.actions)
                let actions = Wording(en: "actions are `mark FLAG`, `quote`, `callback`, `record FIELD VALUE`, `outcome KIND [REASON]`",
                                      zh: "动作有 `mark 标记`、`quote`、`callback`、`record 项目 内容`、`outcome 结果 [原因]`")
                report(.badAction, Wording(en: "`\(text.string(trimming: part))` is not an action", zh: "`\(text.string(trimming: part))` 不是动作"),
                       at: location,
                       hint: suggestion.map { Wording(en: Wording.didYouMean($0).en + " " + actions.en, zh: Wording.didYouMean($0).zh + actions.zh) } ?? actions)
            }
        }
        if actions.isEmpty && text.trimmingSpaces(range).isEmpty {
            report(.badAction, Wording(en: "`do` names no action", zh: "`do` 后面没有动作"), at: line.location(at: range.lowerBound))
        }
        return actions
    }

    private mutating func parseRecord(_ line: ScannedLine, _ words: [Range<Int>]) -> Action? {
        let field = line.text.string(words[1])
        guard let fact = CallFact(named: field) else {
            let suggestion = Spelling.closest(to: field, among: CallFact.allCases.map(\.rawValue))
            report(.badAction, Wording(en: "`\(field)` is not a field to record", zh: "`\(field)` 不是可以记录的项目"), at: line.location(words[1]),
                   hint: .didYouMean(suggestion, else: Wording(en: "fields: " + CallFact.list, zh: "项目有：" + CallFact.list)))
            return nil
        }
        let valueRange = words[2].lowerBound..<words[words.count - 1].upperBound
        switch fact.checked(line.text.string(valueRange)) {
        case .success(let value): return .record(fact, value)
        case .failure(let error):
            report(.badAction, Wording(en: "`record \(field)` cannot hold `\(line.text.string(valueRange))`", zh: "`record \(field)` 不能记为 `\(line.text.string(valueRange))`"),
                   at: line.location(valueRange), hint: Wording(en: error.description, zh: error.description))
            return nil
        }
    }

    private mutating func parseOutcome(_ line: ScannedLine, _ words: [Range<Int>], location: SourceLocation) -> Outcome? {
        let kindWord = line.text.string(words[1])
        guard let kind = OutcomeKind(rawValue: kindWord) else {
            let suggestion = Spelling.closest(to: kindWord, among: OutcomeKind.allCases.map(\.rawValue))
            let kinds = OutcomeKind.allCases.map(\.rawValue).joined(separator: ", ")
            report(.badAction, Wording(en: "`\(kindWord)` is not an outcome", zh: "`\(kindWord)` 不是通话结果"), at: line.location(words[1]),
                   hint: .didYouMean(suggestion, else: Wording(en: "outcomes: " + kinds, zh: "结果有：" + kinds)))
            return nil
        }
        let reasonWord = words.count == 3 ? line.text.string(words[2]) : nil
        if kind == .lost {
            guard let reasonWord, let reason = LossReason(rawValue: reasonWord) else {
                let given = reasonWord.map { Wording(en: "`\($0)` is not a loss reason", zh: "`\($0)` 不是战败原因") }
                    ?? Wording(en: "`outcome lost` needs a loss reason", zh: "`outcome lost` 后面要写战败原因")
                let reasons = LossReason.allCases.map(\.rawValue).joined(separator: ", ")
                report(.badAction, given, at: location, hint: Wording(en: "reasons: " + reasons, zh: "原因有：" + reasons))
                return nil
            }
            return Outcome(.lost, lossReason: reason)
        }
        if reasonWord != nil {
            report(.badAction, Wording(en: "only `outcome lost` takes a reason", zh: "只有 `outcome lost` 才写原因"), at: line.location(words[2]))
            return nil
        }
        return Outcome(kind)
    }

    /// A leading `[...]` condition, and the text after it.
    private mutating func parseCondition(_ line: ScannedLine, _ range: Range<Int>) -> (Condition?, Range<Int>) {
        let text = line.text
        guard !range.isEmpty, case let open = text.scalar(at: range.lowerBound), open == "[" || open == "【" || open == "［" else { return (nil, range) }
        guard let close = text.firstOffset(in: range, where: { $0 == "]" || $0 == "】" || $0 == "］" }) else {
            report(.unclosedBracket, Wording(en: "condition `[` is never closed", zh: "条件的 `[` 没有配对的 `]`"), at: line.location(at: range.lowerBound),
                   hint: Wording(en: "close it with `]`: `[grade=A]`", zh: "用 `]` 结束：`[grade=A]`"))
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
            report(.badCondition, Wording(en: "empty condition `[]`", zh: "条件 `[]` 是空的"), at: line.location(range.lowerBound..<afterClose))
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
            report(.badCondition, Wording(en: "condition `\(text.string(trimming: part))` has no comparison",
                                         zh: "条件 `\(text.string(trimming: part))` 没有比较符号"), at: location(),
                   hint: Wording(en: "write it like `grade=A`, `claims>=1` or `days<=30`", zh: "写成 `grade=A`、`claims>=1` 或 `days<=30` 这样"))
            return nil
        }
        let nameAt = text.trimmingSpaces(part.lowerBound..<opStart)
        guard let field = text.name(nameAt, as: Clause.Field.self) else {
            let name = text.string(nameAt)
            let suggestion = Spelling.closest(to: name, among: Clause.Field.allCases.map(\.rawValue))
            report(.badCondition, Wording(en: "`\(name)` is not a field a condition can test", zh: "条件不能判断 `\(name)`"), at: location(),
                   hint: .didYouMean(suggestion, else: Wording(en: "fields: grade, type, claims, days, violations",
                                                               zh: "能判断的有：grade、type、claims、days、violations")))
            return nil
        }
        let values = text.pieces(of: valueStart..<part.upperBound, separatedBy: { $0 == "|" }).map { text.string(trimming: $0) }
        if field.isNumeric {
            guard values.count == 1, Int(values[0]) != nil else {
                report(.badCondition, Wording(en: "`\(field.rawValue)` is compared with one whole number", zh: "`\(field.rawValue)` 只能和一个整数比较"),
                       at: location(), hint: Wording(en: "e.g. `\(field.rawValue)>=1`", zh: "例如 `\(field.rawValue)>=1`"))
                return nil
            }
        } else {
            guard op == .equal || op == .notEqual else {
                report(.badCondition, Wording(en: "`\(field.rawValue)` can only be tested with = or !=", zh: "`\(field.rawValue)` 只能用 = 或 != 判断"), at: location())
                return nil
            }
            let isAllowed: (String) -> Bool = field == .grade ? { CustomerGrade(rawValue: $0) != nil } : { CustomerType(rawValue: $0) != nil }
            if let bad = values.first(where: { !isAllowed($0) }) {
                let allowed = field == .grade ? CustomerGrade.allCases.map(\.rawValue) : CustomerType.allCases.map(\.rawValue)
                report(.badCondition, Wording(en: "`\(bad)` is not a \(field.rawValue)", zh: "`\(bad)` 不是有效的 \(field.rawValue)"), at: location(),
                       hint: Wording(en: "\(field.rawValue) is one of " + allowed.joined(separator: ", "),
                                     zh: "\(field.rawValue) 只能是：" + allowed.joined(separator: "、")))
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
                report(.unclosedPlaceholder, Wording(en: "placeholder `{` is never closed", zh: "占位符的 `{` 没有配对的 `}`"), at: line.location(at: open),
                       hint: Wording(en: "close it with `}`: `{name}`", zh: "用 `}` 结束：`{name}`"))
                return nil
            }
            let afterClose = close + 1
            if let placeholder = text.name(open + 1..<close, as: Placeholder.self) {
                segments.append(.placeholder(placeholder))
            } else {
                let name = text.string(open + 1..<close)
                let suggestion = Spelling.closest(to: name, among: Placeholder.allCases.map(\.rawValue))
                report(.unknownPlaceholder, Wording(en: "unknown placeholder `{\(name)}`", zh: "没有占位符 `{\(name)}`"), at: line.location(open..<afterClose),
                       hint: .didYouMean(suggestion.map { "{\($0)}" }, else: Wording(en: "see the placeholder table in Dialogues/README.md",
                                                                                    zh: "见 Dialogues/README.md 的占位符表")))
                valid = false
            }
            rest = afterClose..<rest.upperBound
        }
        if !rest.isEmpty { segments.append(.text(text.string(rest))) }
        return valid ? Template(segments: segments) : nil
    }
}

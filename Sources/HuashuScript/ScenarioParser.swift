import HuashuText

/// Reads rehearsal scenario files: one statement a line, like the dialogue
/// language. Every problem is reported and its line skipped, so one run
/// shows all mistakes. Checking the scenarios against a script is a later pass.
///
/// ```
/// says price 太贵了,能不能便宜点?          # before any scenario: shared words
/// scenario haggler 价格敏感:嫌贵
///   name 张伟
///   type 价格敏感型
///   at quote say 怎么比去年还贵? -> objection price
///   at price -> price_value
///   weight 3 at ask_payment -> ask_id
///   weight 1 at ask_payment -> store_visit
/// ```
public enum ScenarioParser {
    public static let profileKeywords = ["name", "honorific", "plate", "grade", "type", "claims", "violations", "days",
                                         "model", "premium", "insurer", "callback"]
    public static let keywords = ["scenario", "at", "weight", "says"] + profileKeywords

    public static func parse(_ sources: [SourceText]) -> ScenarioBook {
        var reader = ScenarioReader()
        for source in sources.sorted(by: { $0.name < $1.name }) {
            switch source.decodedLines() {
            case .success(let lines): reader.read(file: source.name, lines: lines)
            case .failure(let diagnostic): reader.diagnostics.append(diagnostic)
            }
        }
        reader.finish()
        return ScenarioBook(scenarios: reader.scenarios, shared: reader.shared,
                            diagnostics: reader.diagnostics.sorted { $0.location < $1.location })
    }
}

private struct ScenarioReader {
    var scenarios: [Scenario] = []
    var shared: [ScenarioUtterance] = []
    var diagnostics: [Diagnostic] = []
    /// The scenario being read in the current file.
    private var current: Int?

    mutating func report(_ code: DiagnosticCode, _ message: Wording, at location: SourceLocation, hint: Wording? = nil) {
        diagnostics.append(Diagnostic(code, message, at: location, hint: hint))
    }

    mutating func read(file: String, lines: [Substring]) {
        current = nil
        for (offset, text) in lines.enumerated() {
            let line = SourceLine(file: file, number: offset + 1, text: text)
            if text.count > SourceText.maximumLineCharacters {
                report(.lineTooLong, Wording(en: "line has \(text.count) characters; at most \(SourceText.maximumLineCharacters) are allowed",
                                             zh: "这一行有 \(text.count) 个字，最多只能有 \(SourceText.maximumLineCharacters) 个"),
                       at: line.location(at: text.startIndex))
                continue
            }
            readLine(line)
        }
    }

    /// Every scenario needs a name and a type, and an ID of its own.
    mutating func finish() {
        var seen: [String: SourceLocation] = [:]
        for scenario in scenarios {
            if let first = seen[scenario.id] {
                report(.scenarioDuplicateID, Wording(en: "`\(scenario.id)` is already the ID of the scenario at \(first.file):\(first.line)",
                                                zh: "`\(scenario.id)` 已经是 \(first.file):\(first.line) 那个演练场景的 ID"),
                       at: scenario.location, hint: .renameOne)
            } else {
                seen[scenario.id] = scenario.location
            }
            var missing: [String] = []
            if scenario.profile.name == nil { missing.append("name") }
            if scenario.profile.type == nil { missing.append("type") }
            guard !missing.isEmpty else { continue }
            report(.scenarioMissingProfile, Wording(en: "scenario `\(scenario.id)` has no \(missing.joined(separator: " and "))",
                                                    zh: "演练场景 `\(scenario.id)` 缺少 \(missing.joined(separator: " 和 "))"),
                   at: scenario.location, hint: Wording(en: "add e.g. `name 张伟` and `type 价格敏感型` under it",
                                                        zh: "在下面加上，例如 `name 张伟` 和 `type 价格敏感型`"))
        }
    }

    private mutating func readLine(_ line: SourceLine) {
        let text = line.text
        guard let start = text.firstIndex(where: { !$0.isWhitespace }) else { return }
        if text[start] == "#" { return }
        let wordEnd = text[start...].firstIndex(where: \.isWhitespace) ?? text.endIndex
        let keyword = String(text[start..<wordEnd])
        let keywordAt = start..<wordEnd
        let rest = text[wordEnd...].drop(while: \.isWhitespace)
        switch keyword {
        case "scenario": readScenario(line, keywordAt: keywordAt, rest: rest)
        case "says": readSays(line, keywordAt: keywordAt, rest: rest)
        case "at", "weight":
            guard let index = requireScenario(line, keywordAt: keywordAt, keyword: keyword) else { return }
            guard let reaction = readReaction(line, keyword: keyword, keywordAt: keywordAt, rest: rest) else { return }
            if reaction.weight == nil { scenarios[index].sequence.append(reaction) } else { scenarios[index].weighted.append(reaction) }
        case _ where ScenarioParser.profileKeywords.contains(keyword):
            guard let index = requireScenario(line, keywordAt: keywordAt, keyword: keyword) else { return }
            readProfile(line, index: index, keyword: keyword, keywordAt: keywordAt, rest: rest)
        default:
            let suggestion = Spelling.closest(to: keyword.lowercased(), among: ScenarioParser.keywords)
            report(.scenarioUnknownStatement, Wording(en: "unknown statement `\(keyword)` in a scenario", zh: "演练场景里不认识 `\(keyword)`"),
                   at: line.location(keywordAt),
                   hint: .didYouMean(suggestion, else: Wording(en: "a scenario line starts with scenario, a profile field, at, weight or says",
                                                               zh: "演练场景的行以 scenario、客户资料字段、at、weight 或 says 开头")))
        }
    }

    private mutating func requireScenario(_ line: SourceLine, keywordAt: Range<String.Index>, keyword: String) -> Int? {
        guard let current else {
            report(.outsideScenario, Wording(en: "`\(keyword)` comes before any scenario", zh: "`\(keyword)` 前面还没有演练场景"), at: line.location(keywordAt),
                   hint: Wording(en: "write `scenario ID TITLE` above it", zh: "在上面写 `scenario ID 标题`"))
            return nil
        }
        return current
    }

    private mutating func readScenario(_ line: SourceLine, keywordAt: Range<String.Index>, rest: Substring) {
        current = nil
        guard !rest.isEmpty else {
            report(.missingID, Wording(en: "`scenario` needs an ID", zh: "`scenario` 后面缺 ID"), at: line.location(keywordAt),
                   hint: Wording(en: "e.g. `scenario price_haggler 嫌贵的老客户`", zh: "例如 `scenario price_haggler 嫌贵的老客户`"))
            return
        }
        let idEnd = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
        let id = String(rest[rest.startIndex..<idEnd])
        let location = line.location(rest.startIndex..<idEnd)
        guard Parser.isValidID(id) else {
            report(.invalidID, Wording(en: "`\(id)` is not a valid scenario ID", zh: "`\(id)` 不能做演练场景的 ID"), at: location, hint: .idRule)
            return
        }
        let title = rest[idEnd...].trimmingSpaces
        scenarios.append(Scenario(id: id, title: title.isEmpty ? id : title, location: location))
        current = scenarios.count - 1
    }

    private mutating func readProfile(_ line: SourceLine, index: Int, keyword: String, keywordAt: Range<String.Index>, rest: Substring) {
        let value = rest.trimmingSpaces
        let location = rest.isEmpty ? line.location(keywordAt) : line.location(rest.startIndex..<rest.scenarioTrimmedEnd.endIndex)
        guard !value.isEmpty else {
            report(.missingText, Wording(en: "`\(keyword)` has no value", zh: "`\(keyword)` 后面没有值"), at: location)
            return
        }
        func bad(_ message: Wording, _ hint: Wording) {
            report(.scenarioBadProfile, message, at: location, hint: hint)
        }
        var profile = scenarios[index].profile
        switch keyword {
        case "name": profile.name = value
        case "honorific": profile.honorific = value
        case "plate": profile.plate = value
        case "model": profile.model = value
        case "insurer": profile.lastInsurer = value
        case "grade":
            guard let grade = CustomerGrade(rawValue: InputNormalisation.foldFullWidth(value).uppercased()) else {
                return bad(Wording(en: "`\(value)` is not a customer grade", zh: "`\(value)` 不是客户等级"),
                           Wording(en: "grade is one of A, B, C, D", zh: "等级只能是 A、B、C、D"))
            }
            profile.grade = grade
        case "type":
            guard let type = CustomerType(rawValue: value) ?? CustomerType(rawValue: value + "型") else {
                let types = CustomerType.allCases.map(\.rawValue)
                return bad(Wording(en: "`\(value)` is not a customer type", zh: "`\(value)` 不是客户类型"),
                           Wording(en: "type is one of " + types.joined(separator: ", "), zh: "类型只能是" + types.joined(separator: "、")))
            }
            profile.type = type
        case "claims", "violations", "days":
            let folded = InputNormalisation.foldFullWidth(value)
            guard let number = Int(folded), keyword == "days" || number >= 0 else {
                return bad(Wording(en: "`\(keyword)` takes a whole number, not `\(value)`", zh: "`\(keyword)` 要写整数，不是 `\(value)`"),
                           keyword == "days"
                            ? Wording(en: "days to expiry, e.g. `days 25` (negative when already lapsed)", zh: "距到期的天数，例如 `days 25`（已脱保写负数）")
                            : Wording(en: "e.g. `\(keyword) 1`", zh: "例如 `\(keyword) 1`"))
            }
            switch keyword {
            case "claims": profile.claims = number
            case "violations": profile.violations = number
            default: profile.daysToExpiry = number
            }
        case "premium":
            var folded = InputNormalisation.foldFullWidth(value).filter { $0 != "," }
            if folded.hasSuffix("元") { folded.removeLast() }
            guard let amount = Double(folded), amount > 0 else {
                return bad(Wording(en: "`\(value)` is not a premium", zh: "`\(value)` 不是保费金额"),
                           Wording(en: "last year's premium in yuan, e.g. `premium 4860`", zh: "上年保费（元），例如 `premium 4860`"))
            }
            profile.lastPremium = folded
        case "callback":
            guard let callback = ScenarioCallback(chinese: value) else {
                return bad(Wording(en: "`\(value)` is not a callback time", zh: "`\(value)` 不是回访时间"),
                           Wording(en: "one of 明天上午, 明天下午, 后天上午, 后天下午", zh: "只能是明天上午、明天下午、后天上午、后天下午"))
            }
            profile.callback = callback
        default:
            break
        }
        scenarios[index].profile = profile
    }

    private mutating func readSays(_ line: SourceLine, keywordAt: Range<String.Index>, rest: Substring) {
        guard !rest.isEmpty else {
            report(.missingID, Wording(en: "`says` needs a handler or answer ID and the words", zh: "`says` 后面要写异议或回答的 ID 和客户的话"),
                   at: line.location(keywordAt), hint: Wording(en: "e.g. `says price 太贵了,便宜点吧`", zh: "例如 `says price 太贵了,便宜点吧`"))
            return
        }
        let keyEnd = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
        let key = String(rest[rest.startIndex..<keyEnd])
        let keyLocation = line.location(rest.startIndex..<keyEnd)
        guard isValidKey(key) else {
            report(.invalidID, Wording(en: "`\(key)` is neither a handler ID nor an answer ID", zh: "`\(key)` 既不是异议 ID 也不是回答 ID"), at: keyLocation,
                   hint: Wording(en: "a handler ID such as `price`, or an answer ID such as `quote>close_confirm`",
                                 zh: "异议 ID 如 `price`，或回答 ID 如 `quote>close_confirm`"))
            return
        }
        let body = rest[keyEnd...].drop(while: \.isWhitespace).scenarioTrimmedEnd
        guard !body.isEmpty else {
            report(.missingText, Wording(en: "`says \(key)` has no words", zh: "`says \(key)` 后面没有客户的话"), at: keyLocation,
                   hint: Wording(en: "write what the customer says after the ID", zh: "在 ID 后面写客户说的话"))
            return
        }
        let (text, range) = Self.unquoted(body)
        let utterance = ScenarioUtterance(key: key, text: text, keyLocation: keyLocation, textLocation: line.location(range))
        if let current { scenarios[current].utterances.append(utterance) } else { shared.append(utterance) }
    }

    /// `at NODE [say WORDS] -> TARGET`, or `weight N at ...`.
    private mutating func readReaction(_ line: SourceLine, keyword: String, keywordAt: Range<String.Index>, rest: Substring) -> ScenarioReaction? {
        var rest = rest
        var weight: Int?
        if keyword == "weight" {
            let numberEnd = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
            let numberText = rest[rest.startIndex..<numberEnd]
            guard let number = InputNormalisation.integer(numberText), number > 0 else {
                report(.scenarioBadReaction, numberText.isEmpty ? Wording(en: "`weight` needs a number", zh: "`weight` 后面要写数字")
                                                                  : Wording(en: "`\(numberText)` is not a weight", zh: "`\(numberText)` 不是权重"),
                       at: numberText.isEmpty ? line.location(keywordAt) : line.location(numberText.startIndex..<numberText.endIndex),
                       hint: Wording(en: "a whole number above 0: `weight 3 at quote -> close_confirm`", zh: "大于 0 的整数：`weight 3 at quote -> close_confirm`"))
                return nil
            }
            weight = number
            rest = rest[numberEnd...].drop(while: \.isWhitespace)
            let atEnd = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
            guard rest[rest.startIndex..<atEnd] == "at" else {
                report(.scenarioBadReaction, Wording(en: "expected `at` after the weight", zh: "权重后面应该是 `at`"), at: line.location(rest.startIndex..<atEnd),
                       hint: Wording(en: "`weight \(number) at NODE -> ANSWER`", zh: "`weight \(number) at 步骤 -> 回答`"))
                return nil
            }
            rest = rest[atEnd...].drop(while: \.isWhitespace)
        }
        guard let arrow = Parser.lastArrow(in: rest) else {
            report(.scenarioBadReaction, Wording(en: "reaction has no `->` to say what the customer does", zh: "反应没有 `->`，不知道客户做什么"),
                   at: line.location(at: line.text.scenarioTrimmedEnd.endIndex),
                   hint: Wording(en: "`at quote -> close_confirm` or `at quote say 太贵了 -> objection price`",
                                 zh: "`at quote -> close_confirm` 或 `at quote say 太贵了 -> objection price`"))
            return nil
        }
        let head = rest[rest.startIndex..<arrow.lowerBound]
        let nodeEnd = head.firstIndex(where: \.isWhitespace) ?? head.endIndex
        let node = String(head[head.startIndex..<nodeEnd])
        guard !node.isEmpty else {
            report(.missingID, Wording(en: "reaction names no step", zh: "反应没有写步骤"), at: line.location(keywordAt),
                   hint: Wording(en: "`at NODE -> ANSWER`", zh: "`at 步骤 -> 回答`"))
            return nil
        }
        let nodeLocation = line.location(head.startIndex..<nodeEnd)
        guard Parser.isValidID(node) else {
            report(.invalidID, Wording(en: "`\(node)` is not a valid step ID", zh: "`\(node)` 不能做步骤 ID"), at: nodeLocation,
                   hint: Wording(en: "use the ID after `node` or `objection` in the script", zh: "用话术里 `node` 或 `objection` 后面的 ID"))
            return nil
        }
        var words: String?
        var wordsLocation: SourceLocation?
        let afterNode = head[nodeEnd...].drop(while: \.isWhitespace).scenarioTrimmedEnd
        if !afterNode.isEmpty {
            let sayEnd = afterNode.firstIndex(where: \.isWhitespace) ?? afterNode.endIndex
            guard afterNode[afterNode.startIndex..<sayEnd] == "say" else {
                report(.scenarioBadReaction, Wording(en: "unexpected `\(afterNode)` after the step", zh: "步骤后面多了 `\(afterNode)`"),
                       at: line.location(afterNode.startIndex..<afterNode.endIndex),
                       hint: Wording(en: "only `say WORDS` may come between the step and `->`", zh: "步骤和 `->` 之间只能写 `say 客户的话`"))
                return nil
            }
            let body = afterNode[sayEnd...].drop(while: \.isWhitespace)
            guard !body.isEmpty else {
                report(.missingText, Wording(en: "`say` has no words", zh: "`say` 后面没有客户的话"), at: line.location(afterNode.startIndex..<sayEnd))
                return nil
            }
            let (text, range) = Self.unquoted(body)
            words = text
            wordsLocation = line.location(range)
        }
        let tail = rest[arrow.upperBound...].drop(while: \.isWhitespace).scenarioTrimmedEnd
        let parts = tail.split(whereSeparator: \.isWhitespace)
        let move: ScenarioReaction.Move
        let moveLocation: SourceLocation
        switch parts.count {
        case 1 where parts[0] == "objection":
            report(.scenarioBadReaction, Wording(en: "`objection` needs the handler's ID", zh: "`objection` 后面要写异议 ID"),
                   at: line.location(parts[0].startIndex..<parts[0].endIndex), hint: Wording(en: "`-> objection price`", zh: "`-> objection price`"))
            return nil
        case 1:
            let target = String(parts[0])
            moveLocation = line.location(parts[0].startIndex..<parts[0].endIndex)
            let answerID = target.contains(">") ? target : "\(node)>\(target)"
            guard isValidKey(answerID) else {
                report(.invalidID, Wording(en: "`\(target)` is not an answer", zh: "`\(target)` 不是回答"), at: moveLocation,
                       hint: Wording(en: "the answer's ID (`\(node)>close_confirm`), its target (`close_confirm`), `@name` or `return`",
                                     zh: "回答的 ID（`\(node)>close_confirm`）、它的目标（`close_confirm`）、`@名字` 或 `return`"))
                return nil
            }
            move = .answer(answerID)
        case 2 where parts[0] == "objection":
            moveLocation = line.location(parts[1].startIndex..<parts[1].endIndex)
            guard Parser.isValidID(parts[1]) else {
                report(.invalidID, Wording(en: "`\(parts[1])` is not a valid handler ID", zh: "`\(parts[1])` 不能做异议 ID"), at: moveLocation)
                return nil
            }
            move = .objection(String(parts[1]))
        case 0:
            report(.scenarioBadReaction, Wording(en: "reaction has nothing after `->`", zh: "反应的 `->` 后面什么也没写"), at: line.location(arrow),
                   hint: Wording(en: "an answer (`close_confirm`) or `objection HANDLER`", zh: "写回答（`close_confirm`）或 `objection 异议ID`"))
            return nil
        default:
            report(.scenarioBadReaction, Wording(en: "`\(tail)` is not an answer or an objection", zh: "`\(tail)` 既不是回答也不是异议"),
                   at: line.location(tail.startIndex..<tail.endIndex),
                   hint: Wording(en: "after `->`: an answer (`close_confirm`, `quote>close_confirm`) or `objection HANDLER`",
                                 zh: "`->` 后面写回答（`close_confirm`、`quote>close_confirm`）或 `objection 异议ID`"))
            return nil
        }
        return ScenarioReaction(node: node, nodeLocation: nodeLocation, words: words, wordsLocation: wordsLocation, move: move,
                                moveLocation: moveLocation, weight: weight,
                                location: line.location(keywordAt.lowerBound..<line.text.scenarioTrimmedEnd.endIndex))
    }

    /// A handler ID, or an answer ID `node>target` / `node>@name`.
    private func isValidKey(_ key: String) -> Bool {
        let parts = key.split(separator: ">", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return Parser.isValidID(parts[0])
        case 2:
            let target = parts[1].hasPrefix("@") ? parts[1].dropFirst() : parts[1]
            return Parser.isValidID(parts[0]) && Parser.isValidID(target)
        default: return false
        }
    }

    /// Words with the quotes a trainer may put around them removed: "…", “…”, 「…」.
    static func unquoted(_ body: Substring) -> (String, Range<String.Index>) {
        let pairs: [(Character, Character)] = [("\"", "\""), ("“", "”"), ("「", "」")]
        if body.count >= 2, let first = body.first, let last = body.last,
           pairs.contains(where: { $0.0 == first && $0.1 == last }) {
            let inner = body.dropFirst().dropLast()
            return (inner.trimmingSpaces, inner.startIndex..<inner.endIndex)
        }
        return (body.trimmingSpaces, body.startIndex..<body.endIndex)
    }

}

extension Substring {
    /// The text without trailing spaces, as a slice of the same line.
    fileprivate var scenarioTrimmedEnd: Substring {
        var slice = self
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return slice
    }
}

/// One line of a scenario file, able to turn a range of itself into a location.
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

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

    mutating func report(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String? = nil) {
        diagnostics.append(Diagnostic(code, message, at: location, hint: hint))
    }

    mutating func read(file: String, lines: [Substring]) {
        current = nil
        for (offset, text) in lines.enumerated() {
            let line = SourceLine(file: file, number: offset + 1, text: text)
            if text.count > SourceText.maximumLineCharacters {
                report(.lineTooLong, "line has \(text.count) characters; at most \(SourceText.maximumLineCharacters) are allowed",
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
                report(.scenarioDuplicateID, "`\(scenario.id)` is already the ID of the scenario at \(first.file):\(first.line)",
                       at: scenario.location, hint: "rename one of them")
            } else {
                seen[scenario.id] = scenario.location
            }
            var missing: [String] = []
            if scenario.profile.name == nil { missing.append("name") }
            if scenario.profile.type == nil { missing.append("type") }
            guard !missing.isEmpty else { continue }
            report(.scenarioMissingProfile, "scenario `\(scenario.id)` has no \(missing.joined(separator: " and "))",
                   at: scenario.location, hint: "add e.g. `name 张伟` and `type 价格敏感型` under it")
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
            report(.scenarioUnknownStatement, "unknown statement `\(keyword)` in a scenario", at: line.location(keywordAt),
                   hint: suggestion.map { "did you mean `\($0)`?" } ?? "a scenario line starts with scenario, a profile field, at, weight or says")
        }
    }

    private mutating func requireScenario(_ line: SourceLine, keywordAt: Range<String.Index>, keyword: String) -> Int? {
        guard let current else {
            report(.outsideScenario, "`\(keyword)` comes before any scenario", at: line.location(keywordAt),
                   hint: "write `scenario ID TITLE` above it")
            return nil
        }
        return current
    }

    private mutating func readScenario(_ line: SourceLine, keywordAt: Range<String.Index>, rest: Substring) {
        current = nil
        guard !rest.isEmpty else {
            report(.missingID, "`scenario` needs an ID", at: line.location(keywordAt), hint: "e.g. `scenario price_haggler 嫌贵的老客户`")
            return
        }
        let idEnd = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
        let id = String(rest[rest.startIndex..<idEnd])
        let location = line.location(rest.startIndex..<idEnd)
        guard Parser.isValidID(id) else {
            report(.invalidID, "`\(id)` is not a valid scenario ID", at: location,
                   hint: "use lower-case English letters, digits and _, starting with a letter")
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
            report(.missingText, "`\(keyword)` has no value", at: location)
            return
        }
        func bad(_ message: String, _ hint: String) {
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
                return bad("`\(value)` is not a customer grade", "grade is one of A, B, C, D")
            }
            profile.grade = grade
        case "type":
            guard let type = CustomerType(rawValue: value) ?? CustomerType(rawValue: value + "型") else {
                return bad("`\(value)` is not a customer type", "type is one of " + CustomerType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            profile.type = type
        case "claims", "violations", "days":
            let folded = InputNormalisation.foldFullWidth(value)
            guard let number = Int(folded), keyword == "days" || number >= 0 else {
                return bad("`\(keyword)` takes a whole number, not `\(value)`",
                           keyword == "days" ? "days to expiry, e.g. `days 25` (negative when already lapsed)" : "e.g. `\(keyword) 1`")
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
                return bad("`\(value)` is not a premium", "last year's premium in yuan, e.g. `premium 4860`")
            }
            profile.lastPremium = folded
        case "callback":
            guard let callback = ScenarioCallback(chinese: value) else {
                return bad("`\(value)` is not a callback time", "one of 明天上午, 明天下午, 后天上午, 后天下午")
            }
            profile.callback = callback
        default:
            break
        }
        scenarios[index].profile = profile
    }

    private mutating func readSays(_ line: SourceLine, keywordAt: Range<String.Index>, rest: Substring) {
        guard !rest.isEmpty else {
            report(.missingID, "`says` needs a handler or answer ID and the words", at: line.location(keywordAt),
                   hint: "e.g. `says price 太贵了,便宜点吧`")
            return
        }
        let keyEnd = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
        let key = String(rest[rest.startIndex..<keyEnd])
        let keyLocation = line.location(rest.startIndex..<keyEnd)
        guard isValidKey(key) else {
            report(.invalidID, "`\(key)` is neither a handler ID nor an answer ID", at: keyLocation,
                   hint: "a handler ID such as `price`, or an answer ID such as `quote>close_confirm`")
            return
        }
        let body = rest[keyEnd...].drop(while: \.isWhitespace).scenarioTrimmedEnd
        guard !body.isEmpty else {
            report(.missingText, "`says \(key)` has no words", at: keyLocation, hint: "write what the customer says after the ID")
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
                report(.scenarioBadReaction, numberText.isEmpty ? "`weight` needs a number" : "`\(numberText)` is not a weight",
                       at: numberText.isEmpty ? line.location(keywordAt) : line.location(numberText.startIndex..<numberText.endIndex),
                       hint: "a whole number above 0: `weight 3 at quote -> close_confirm`")
                return nil
            }
            weight = number
            rest = rest[numberEnd...].drop(while: \.isWhitespace)
            let atEnd = rest.firstIndex(where: \.isWhitespace) ?? rest.endIndex
            guard rest[rest.startIndex..<atEnd] == "at" else {
                report(.scenarioBadReaction, "expected `at` after the weight", at: line.location(rest.startIndex..<atEnd),
                       hint: "`weight \(number) at NODE -> ANSWER`")
                return nil
            }
            rest = rest[atEnd...].drop(while: \.isWhitespace)
        }
        guard let arrow = Parser.lastArrow(in: rest) else {
            report(.scenarioBadReaction, "reaction has no `->` to say what the customer does", at: line.location(keywordAt.lowerBound..<line.text.endIndex),
                   hint: "`at quote -> close_confirm` or `at quote say 太贵了 -> objection price`")
            return nil
        }
        let head = rest[rest.startIndex..<arrow.lowerBound]
        let nodeEnd = head.firstIndex(where: \.isWhitespace) ?? head.endIndex
        let node = String(head[head.startIndex..<nodeEnd])
        guard !node.isEmpty else {
            report(.missingID, "reaction names no step", at: line.location(keywordAt), hint: "`at NODE -> ANSWER`")
            return nil
        }
        let nodeLocation = line.location(head.startIndex..<nodeEnd)
        guard Parser.isValidID(node) else {
            report(.invalidID, "`\(node)` is not a valid step ID", at: nodeLocation, hint: "use the ID after `node` or `objection` in the script")
            return nil
        }
        var words: String?
        var wordsLocation: SourceLocation?
        let afterNode = head[nodeEnd...].drop(while: \.isWhitespace).scenarioTrimmedEnd
        if !afterNode.isEmpty {
            let sayEnd = afterNode.firstIndex(where: \.isWhitespace) ?? afterNode.endIndex
            guard afterNode[afterNode.startIndex..<sayEnd] == "say" else {
                report(.scenarioBadReaction, "unexpected `\(afterNode)` after the step", at: line.location(afterNode.startIndex..<afterNode.endIndex),
                       hint: "only `say WORDS` may come between the step and `->`")
                return nil
            }
            let body = afterNode[sayEnd...].drop(while: \.isWhitespace)
            guard !body.isEmpty else {
                report(.missingText, "`say` has no words", at: line.location(afterNode.startIndex..<sayEnd))
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
            report(.scenarioBadReaction, "`objection` needs the handler's ID", at: line.location(parts[0].startIndex..<parts[0].endIndex),
                   hint: "`-> objection price`")
            return nil
        case 1:
            let target = String(parts[0])
            moveLocation = line.location(parts[0].startIndex..<parts[0].endIndex)
            let answerID = target.contains(">") ? target : "\(node)>\(target)"
            guard isValidKey(answerID) else {
                report(.invalidID, "`\(target)` is not an answer", at: moveLocation,
                       hint: "the answer's ID (`\(node)>close_confirm`), its target (`close_confirm`), `@name` or `return`")
                return nil
            }
            move = .answer(answerID)
        case 2 where parts[0] == "objection":
            moveLocation = line.location(parts[1].startIndex..<parts[1].endIndex)
            guard Parser.isValidID(parts[1]) else {
                report(.invalidID, "`\(parts[1])` is not a valid handler ID", at: moveLocation)
                return nil
            }
            move = .objection(String(parts[1]))
        case 0:
            report(.scenarioBadReaction, "reaction has nothing after `->`", at: line.location(arrow),
                   hint: "an answer (`close_confirm`) or `objection HANDLER`")
            return nil
        default:
            report(.scenarioBadReaction, "`\(tail)` is not an answer or an objection", at: line.location(tail.startIndex..<tail.endIndex),
                   hint: "after `->`: an answer (`close_confirm`, `quote>close_confirm`) or `objection HANDLER`")
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

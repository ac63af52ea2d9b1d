/// A place in a dialogue file. Columns count characters, so a Chinese line
/// points at the right character; `length` is how many characters to mark.
public struct SourceLocation: Sendable, Hashable, Comparable {
    public var file: String
    public var line: Int
    public var column: Int
    public var length: Int

    public init(file: String, line: Int, column: Int, length: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
        self.length = max(length, 1)
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}

public enum Severity: String, Sendable {
    case error
    case warning
}

/// One problem found in the dialogue files, with where it is and, where one
/// helps, what to do about it. The code names its entry in `DiagnosticCode`.
public struct Diagnostic: Error, Sendable, Hashable {
    public var code: DiagnosticCode
    public var message: String
    public var location: SourceLocation
    public var hint: String?

    public init(_ code: DiagnosticCode, _ message: String, at location: SourceLocation, hint: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.hint = hint
    }

    public var severity: Severity { code.severity }
}

/// The catalogue of everything `huashu lint` can report. Each case is one kind
/// of mistake; `explanation` is the documentation a trainer sees with `--explain`.
public enum DiagnosticCode: String, Sendable, CaseIterable {
    case unreadableFile = "H001"
    case notUTF8 = "H002"
    case emptyFile = "H003"
    case fileTooLarge = "H004"
    case lineTooLong = "H005"
    case unknownStatement = "H010"
    case missingID = "H011"
    case invalidID = "H012"
    case missingText = "H013"
    case outsideNode = "H014"
    case outsideStage = "H015"
    case keysOutsideObjection = "H016"
    case answerWithoutArrow = "H017"
    case answerWithoutTarget = "H018"
    case unclosedBracket = "H019"
    case badCondition = "H020"
    case unclosedPlaceholder = "H021"
    case unknownPlaceholder = "H022"
    case badAction = "H023"
    case duplicateID = "H030"
    case duplicateAnswer = "H031"
    case unknownTarget = "H032"
    case returnOutsideHandler = "H033"
    case unreachableNode = "H034"
    case deadEnd = "H035"
    case emptyStage = "H036"
    case objectionWithoutKeys = "H037"
    case noOutcomeReachable = "H038"
    case flagNeverMarked = "H039"
    case noScript = "H040"
    case noWayToEnd = "H041"
    case sharedKey = "H042"
    case callbackUngated = "H049"
    // Rehearsal scenarios (`.scenario` files), checked against the script.
    case scenarioUnknownStatement = "H060"
    case scenarioBadProfile = "H061"
    case scenarioMissingProfile = "H062"
    case outsideScenario = "H063"
    case scenarioBadReaction = "H064"
    case scenarioUnknownNode = "H065"
    case scenarioUnknownAnswer = "H066"
    case scenarioUnknownHandler = "H067"
    case scenarioWordsFindOtherHandler = "H068"
    case scenarioOffTrack = "H069"
    case scenarioDuplicateID = "H070"
    case scenarioNoWords = "H071"
    case scenarioNeverEnds = "H072"

    public var severity: Severity {
        switch self {
        case .unreachableNode, .emptyStage, .noWayToEnd, .sharedKey, .scenarioNoWords, .scenarioNeverEnds: return .warning
        default: return .error
        }
    }

    /// What the mistake is and how to fix it, in a trainer's terms.
    public var explanation: String {
        switch self {
        case .unreadableFile: return "The file could not be read. Check that it exists and that you may read it."
        case .notUTF8: return "The file is not UTF-8 text. Save it again as UTF-8 (in Notepad: Save As, Encoding UTF-8)."
        case .emptyFile: return "The file has nothing in it. Write a script in it or delete it."
        case .fileTooLarge: return "A script file may be at most 2 MB. Split it into several files."
        case .lineTooLong: return "A line may be at most 4,000 characters. Break the text into several `say` lines."
        case .unknownStatement: return "Every line starts with stage, node, objection, keys, say, tip, need, do, or `-` for an answer."
        case .missingID: return "stage, node and objection need an ID after the keyword: `node greet`."
        case .invalidID: return "IDs use lower-case English letters, digits and `_`, and start with a letter: `price_second_try`."
        case .missingText: return "The line needs text after its keyword."
        case .outsideNode: return "say, tip, need, do and answers belong to a node: write `node ID` above them."
        case .outsideStage: return "Every node belongs to a stage: write `stage ID TITLE` above it."
        case .keysOutsideObjection: return "`keys` lists the customer's words that find an objection handler; it belongs under `objection`."
        case .answerWithoutArrow: return "An answer is `- TEXT -> TARGET`: the customer's words, an arrow, and the step it leads to."
        case .answerWithoutTarget: return "Write the ID of the step the answer leads to after `->`, or `return`."
        case .unclosedBracket: return "A condition starts with `[` and ends with `]`: `[grade=A]`."
        case .badCondition: return "Conditions test grade (A-D), type (价格敏感型, 服务敏感型, 无所谓型), claims, days or violations: `[claims>=1]`."
        case .unclosedPlaceholder: return "A placeholder starts with `{` and ends with `}`: `{name}`."
        case .unknownPlaceholder: return "Only the placeholders listed in Dialogues/README.md can be filled in."
        case .badAction: return "Actions are `mark FLAG`, `quote`, `callback`, `outcome KIND` and `outcome lost REASON`."
        case .duplicateID: return "Two steps have the same ID; the call log could not tell them apart. Rename one."
        case .duplicateAnswer: return "Two answers of one node have the same ID. Give one its own with `@name` after the target."
        case .unknownTarget: return "The answer leads to a step that does not exist. Check the spelling of the ID."
        case .returnOutsideHandler: return "`return` goes back to where the customer objected, so it only works inside the objection stage."
        case .unreachableNode: return "No answer leads to this step, so no call will ever show it."
        case .deadEnd: return "The step has no answers and sets no outcome: the call would be stuck there. Add answers or `do outcome ...`."
        case .emptyStage: return "The stage has no nodes."
        case .objectionWithoutKeys: return "Without `keys` the agent cannot find the handler by typing what the customer said."
        case .noOutcomeReachable: return "No path from the first step ever reaches an outcome: no call could be finished."
        case .flagNeverMarked: return "A step needs a flag that no `do mark` ever sets, so the step can never be entered."
        case .noScript: return "No .huashu files were found where the script was expected."
        case .noWayToEnd: return "Once the call reaches this step, no path leads to an outcome."
        case .callbackUngated: return "A line with `{callback}` would be read aloud with a gap before a callback is booked: give its step `need callback_booked: REASON`, so it is refused until the time is booked."
        case .sharedKey: return "Two objection handlers list the same key, so typing it cannot tell them apart. Keep the key in the handler it belongs to."
        case .scenarioUnknownStatement:
            return "A scenario line starts with scenario, a profile field (name, honorific, plate, grade, type, claims, violations, days, model, premium, insurer, callback), at, weight or says."
        case .scenarioBadProfile:
            return "A profile field has a value it cannot take: grade is A-D, type is 价格敏感型, 服务敏感型 or 无所谓型, claims, violations and days are whole numbers, premium is an amount, callback is 明天/后天 上午/下午."
        case .scenarioMissingProfile: return "Every scenario needs at least `name` and `type`: the call screen and the script's conditions use them."
        case .outsideScenario: return "Profile fields and reactions belong to a scenario: write `scenario ID TITLE` above them. Only `says` may stand before the first scenario; it is then shared by every scenario."
        case .scenarioBadReaction:
            return "A reaction is `at NODE -> ANSWER` or `at NODE -> objection HANDLER`, optionally with `say WORDS` before the arrow; a weighted one starts with `weight N` (a whole number above 0)."
        case .scenarioUnknownNode: return "The scenario names a step the script does not have. It was probably renamed or removed: use its new ID."
        case .scenarioUnknownAnswer:
            return "The step has no answer with this ID. Answer IDs are `node>target` (or `node>@name`); the part after `->` may be the target alone. The answer was probably removed or leads elsewhere now."
        case .scenarioUnknownHandler: return "The scenario names an objection handler the script does not have. Check the ID after `objection` or `says`."
        case .scenarioWordsFindOtherHandler:
            return "A trainee who types what the customer said must find the handler meant. These words rank another handler first: reword them, or add a key to the handler meant."
        case .scenarioOffTrack:
            return "Played against the script by a trainee who always responds as the script means, the rehearsal does not go where the scenario says: a step is never reached, or the script refuses the customer's move."
        case .scenarioDuplicateID: return "Two scenarios have the same ID, so `huashu rehearse --scenario` could not tell them apart. Rename one."
        case .scenarioNoWords: return "The customer raises this objection but no words are written for it: add `say` to the reaction or `says HANDLER WORDS` lines."
        case .scenarioNeverEnds: return "Played against the script, the rehearsal goes round in circles and never reaches an outcome. Add a reaction that leads towards an ending."
        }
    }
}

/// Edit distance, for "did you mean" hints.
enum Spelling {
    static func closest(to word: String, among candidates: some Sequence<String>) -> String? {
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(word, candidate)
            if d <= max(2, word.count / 3), best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

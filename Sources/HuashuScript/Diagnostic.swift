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

    public func name(in language: Language) -> String {
        switch (self, language) {
        case (.error, .en): return "error"
        case (.warning, .en): return "warning"
        case (.error, .zh): return "错误"
        case (.warning, .zh): return "警告"
        }
    }
}

/// The language diagnostics are written in. Trainers read Chinese; English
/// stays for the documentation and for searching a message on the web.
public enum Language: String, Sendable, CaseIterable {
    case zh
    case en
}

/// One piece of diagnostic text in both languages, written together at the
/// place that reports it, so that no message exists in one language only.
public struct Wording: Sendable, Hashable {
    public let en: String
    public let zh: String

    public init(en: String, zh: String) {
        self.en = en
        self.zh = zh
    }

    public func text(_ language: Language) -> String {
        language == .zh ? zh : en
    }

    /// The "did you mean" hint for a near miss.
    public static func didYouMean(_ suggestion: String) -> Wording {
        Wording(en: "did you mean `\(suggestion)`?", zh: "是不是要写 `\(suggestion)`？")
    }

    /// How IDs, flags and answer names are spelled.
    public static let idRule = Wording(en: "use lower-case English letters, digits and _, starting with a letter",
                                zh: "只用小写英文字母、数字和 _，并以字母开头")

    public static let renameOne = Wording(en: "rename one of them", zh: "给其中一个改名")

    /// "did you mean" when a near miss exists, else the fallback.
    public static func didYouMean(_ suggestion: String?, else fallback: Wording) -> Wording {
        suggestion.map(didYouMean) ?? fallback
    }
}

/// One problem found in the dialogue files, with where it is and, where one
/// helps, what to do about it. The code names its entry in `DiagnosticCode`.
public struct Diagnostic: Error, Sendable, Hashable {
    public var code: DiagnosticCode
    public var message: Wording
    public var location: SourceLocation
    public var hint: Wording?

    public init(_ code: DiagnosticCode, _ message: Wording, at location: SourceLocation, hint: Wording? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.hint = hint
    }

    public var severity: Severity { code.severity }
}

/// Where a catalogue example's lines go when a test lints them: appended to
/// the complete small script of Dialogues/README.md (so they continue its last
/// objection handler, `price`), as a file of their own loaded before it,
/// appended to a scenario for that script, or as a scenario file of their own.
public enum ExamplePlace: Sendable {
    case inHandler
    case fileStart
    case scenario
    case scenarioFileStart
}

/// A wrong and a right way to write the same thing; a test lints both, so an
/// example can never drift from what lint says.
public struct DiagnosticExample: Sendable {
    public let wrong: String
    public let right: String
    public let place: ExamplePlace
}

/// A code's whole entry: how bad it is, what it means in both languages and,
/// where lines can show it, an example. Adding a code is adding one entry.
public struct CatalogueEntry: Sendable {
    public let severity: Severity
    public let explanation: Wording
    public let example: DiagnosticExample?

    init(_ severity: Severity, en: String, zh: String, wrong: String? = nil, right: String? = nil, place: ExamplePlace = .inHandler) {
        self.severity = severity
        explanation = Wording(en: en, zh: zh)
        example = wrong.map { DiagnosticExample(wrong: $0, right: right ?? "", place: place) }
    }
}

/// The catalogue of everything `huashu lint` can report. Each case is one kind
/// of mistake; its entry is the documentation a trainer sees with `--explain`.
/// Codes never change meaning, so a code found in old notes still applies.
public enum DiagnosticCode: String, Sendable, CaseIterable {
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
    case handlerNeverResumes = "H043"
    case answerLoopsToItself = "H044"
    case callFilledUngated = "H049"
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
    // Objection search: cues and the evaluation set.
    case badCueWeight = "H073"
    case fillerCue = "H074"
    case cueWinsWrongSearches = "H075"

    public var severity: Severity { entry.severity }
    public var explanation: Wording { entry.explanation }

    public var entry: CatalogueEntry {
        switch self {
        case .notUTF8: return CatalogueEntry(.error,
            en: "The file is not UTF-8 text. Save it again as UTF-8 (in Notepad: Save As, Encoding UTF-8).",
            zh: "文件不是 UTF-8 编码。请另存为 UTF-8（记事本：另存为，编码选 UTF-8）。")
        case .emptyFile: return CatalogueEntry(.error,
            en: "The file has nothing in it. Write a script in it or delete it.",
            zh: "文件是空的。写上话术，或者删掉这个文件。")
        case .fileTooLarge: return CatalogueEntry(.error,
            en: "A script file may be at most 2 MB. Split it into several files.",
            zh: "一个话术文件最大 2 MB。请拆成几个文件。")
        case .lineTooLong: return CatalogueEntry(.error,
            en: "A line may be at most 4,000 characters. Break the text into several `say` lines.",
            zh: "一行最多 4000 个字。请把话拆成几行 `say`。")
        case .unknownStatement: return CatalogueEntry(.error,
            en: "Every line starts with stage, node, objection, keys, say, tip, need, do, or `-` for an answer.",
            zh: "每一行都以关键字开头：stage、node、objection、keys、say、tip、need、do，客户的回答以 `-` 开头。",
            wrong: "  sya 您再看看这个价格。", right: "  say 您再看看这个价格。")
        case .missingID: return CatalogueEntry(.error,
            en: "stage, node and objection need an ID after the keyword (`node greet`), `need` a flag before its colon, a scenario line the ID it names.",
            zh: "stage、node、objection 后面要写 ID（`node greet`），`need` 冒号前要写标记名，演练脚本的行要写它所指的 ID。",
            wrong: "  need : 先确认身份。", right: "  need identity: 先确认身份。")
        case .invalidID: return CatalogueEntry(.error,
            en: "IDs, flags and `@names` use lower-case English letters, digits and `_`, and start with a letter: `price_second_try`.",
            zh: "ID、标记名和 `@名字` 只能用小写英文字母、数字和 `_`，并以字母开头，例如 `price_second_try`。",
            wrong: "  - 那就办吧 -> done @同意", right: "  - 那就办吧 -> done @agree")
        case .missingText: return CatalogueEntry(.error,
            en: "The line is missing its text: `say` and `tip` need text after the keyword, an answer the customer's words before `->`, `objection` a title after its ID, `keys` at least one word, a scenario's `says` and `say` the customer's words.",
            zh: "这一行缺了文字：`say`、`tip` 关键字后面要写话，回答在 `->` 前面要写客户说的话，`objection` 的 ID 后面要写标题，`keys` 至少写一个词，演练脚本的 `says` 和 `say` 要写客户的原话。",
            wrong: "  tip", right: "  tip 先听客户说完，再比保障。")
        case .outsideNode: return CatalogueEntry(.error,
            en: "keys, say, tip, need, do and answers belong to a node: write `node ID` or `objection ID TITLE` above them.",
            zh: "keys、say、tip、need、do 和回答都属于某个步骤：在它们上面写 `node ID` 或 `objection ID 标题`。",
            wrong: "stage objection 异议处理\n  say 就占用您两分钟。\n  - 那你快说 -> return",
            right: "stage objection 异议处理\nobjection busy 现在没空\n  keys 没空, 忙\n  say 就占用您两分钟。\n  - 那你快说 -> return")
        case .outsideStage: return CatalogueEntry(.error,
            en: "Every node belongs to a stage: write `stage ID TITLE` above it.",
            zh: "每个步骤都属于一个阶段：在它上面写 `stage ID 标题`。",
            wrong: "objection busy 现在没空\n  keys 没空, 忙\n  say 就占用您两分钟。\n  - 那你快说 -> return",
            right: "stage objection 异议处理\nobjection busy 现在没空\n  keys 没空, 忙\n  say 就占用您两分钟。\n  - 那你快说 -> return",
            place: .fileStart)
        case .keysOutsideObjection: return CatalogueEntry(.error,
            en: "`keys` lists the customer's words that find an objection handler; it belongs under `objection`, not `node`.",
            zh: "`keys` 列出客户会说的词，用来找到异议处理；它只能写在 `objection` 下面，不能写在 `node` 下面。",
            wrong: "node busy\n  keys 没空, 忙\n  say 就占用您两分钟。\n  - 那你快说 -> return",
            right: "objection busy 现在没空\n  keys 没空, 忙\n  say 就占用您两分钟。\n  - 那你快说 -> return")
        case .answerWithoutArrow: return CatalogueEntry(.error,
            en: "An answer is `- TEXT -> TARGET`: the customer's words, an arrow, and the step it leads to. The arrow may be typed full-width (`－＞`) or as `→`.",
            zh: "回答的写法是 `- 客户的话 -> 下一步ID`：客户的话、箭头、下一步。箭头也可以用全角（`－＞`）或 `→`。",
            wrong: "  - 那就办吧 done", right: "  - 那就办吧 -> done")
        case .answerWithoutTarget: return CatalogueEntry(.error,
            en: "Write the ID of the step the answer leads to after `->`, or `return`.",
            zh: "在 `->` 后面写回答通往的步骤 ID，或者 `return`。",
            wrong: "  - 那就办吧 ->", right: "  - 那就办吧 -> done")
        case .unclosedBracket: return CatalogueEntry(.error,
            en: "A condition starts with `[` and ends with `]`: `[grade=A]`.",
            zh: "条件以 `[` 开始，以 `]` 结束：`[grade=A]`。",
            wrong: "  say [type=价格敏感型 今年续保有专属优惠。", right: "  say [type=价格敏感型] 今年续保有专属优惠。")
        case .badCondition: return CatalogueEntry(.error,
            en: "Conditions test grade (A-D), type (价格敏感型, 服务敏感型, 无所谓型), claims, days or violations: `[claims>=1]`.",
            zh: "条件只能判断 grade（A-D）、type（价格敏感型、服务敏感型、无所谓型）、claims、days、violations，例如 `[claims>=1]`。",
            wrong: "  say [claim>=1] 出过险，保费会涨一些。", right: "  say [claims>=1] 出过险，保费会涨一些。")
        case .unclosedPlaceholder: return CatalogueEntry(.error,
            en: "A placeholder starts with `{` and ends with `}`: `{name}`.",
            zh: "占位符以 `{` 开始，以 `}` 结束：`{name}`。",
            wrong: "  say {name，我理解。", right: "  say {name}，我理解。")
        case .unknownPlaceholder: return CatalogueEntry(.error,
            en: "Only the placeholders listed in Dialogues/README.md can be filled in.",
            zh: "只能用 Dialogues/README.md 里列出的占位符。",
            wrong: "  say 您去年的保费是{premium}元。", right: "  say 您去年的保费是{last_premium}元。")
        case .badAction: return CatalogueEntry(.error,
            en: "Actions are `mark FLAG`, `quote`, `callback`, `outcome KIND` and `outcome lost REASON`; an outcome belongs on a node, not on an answer.",
            zh: "动作只有 `mark 标记`、`quote`、`callback`、`outcome 结果` 和 `outcome lost 原因`；结果写在步骤上，不能写在回答上。",
            wrong: "  - 那就办吧 -> done do mak agreed", right: "  - 那就办吧 -> done do mark agreed")
        case .duplicateID: return CatalogueEntry(.error,
            en: "Two steps have the same ID; the call log could not tell them apart. Rename one.",
            zh: "两个步骤用了同一个 ID，通话记录就分不清了。请给其中一个改名。",
            wrong: "objection price 还是贵\n  keys 还是贵\n  say 那我再帮您申请一下。\n  - 好 -> return",
            right: "objection price_again 还是贵\n  keys 还是贵\n  say 那我再帮您申请一下。\n  - 好 -> return")
        case .duplicateAnswer: return CatalogueEntry(.error,
            en: "Two answers of one node have the same ID (`node>target`). Give one its own with `@name` after the target.",
            zh: "同一步骤的两个回答 ID 相同（`步骤>目标`）。在其中一个的目标后面加 `@名字`。",
            wrong: "  - 那就办吧 -> done\n  - 行吧 -> done", right: "  - 那就办吧 -> done\n  - 行吧 -> done @reluctant")
        case .unknownTarget: return CatalogueEntry(.error,
            en: "The answer leads to a step that does not exist. Check the spelling of the ID.",
            zh: "回答通往一个不存在的步骤。请检查 ID 的拼写。",
            wrong: "  - 那就办吧 -> dnoe", right: "  - 那就办吧 -> done")
        case .returnOutsideHandler: return CatalogueEntry(.error,
            en: "`return` goes back to where the customer objected, so it only works inside the objection stage.",
            zh: "`return` 回到客户提出异议前的步骤，所以只能用在异议处理阶段里。",
            wrong: "stage wrapup 结束\nnode recheck\n  say 价格您再看看？\n  - 好 -> return",
            right: "stage wrapup 结束\nnode recheck\n  say 价格您再看看？\n  - 好 -> done")
        case .unreachableNode: return CatalogueEntry(.warning,
            en: "No answer leads to this step, so no call will ever show it.",
            zh: "没有任何回答通往这个步骤，通话中永远不会出现它。",
            wrong: "node discount\n  say 我帮您申请个优惠。\n  - 好 -> done",
            right: "  - 能再优惠点吗 -> discount\nnode discount\n  say 我帮您申请个优惠。\n  - 好 -> done")
        case .deadEnd: return CatalogueEntry(.error,
            en: "The step has no answers and sets no outcome: the call would be stuck there. Add answers or `do outcome ...`.",
            zh: "这个步骤没有回答，也没有结果：通话会卡在这里。请加上回答，或者 `do outcome ...`。",
            wrong: "  - 能再优惠点吗 -> discount\nnode discount\n  say 我帮您申请个优惠。",
            right: "  - 能再优惠点吗 -> discount\nnode discount\n  say 我帮您申请个优惠。\n  - 好 -> done")
        case .emptyStage: return CatalogueEntry(.warning,
            en: "The stage has no nodes.",
            zh: "这个阶段里没有步骤。",
            wrong: "stage opening 开场\nstage identity 确认身份", right: "stage identity 确认身份", place: .fileStart)
        case .objectionWithoutKeys: return CatalogueEntry(.error,
            en: "Without `keys` the agent cannot find the handler by typing what the customer said.",
            zh: "没有 `keys`，坐席输入客户的话时就找不到这个异议处理。",
            wrong: "objection busy 现在没空\n  say 就占用您两分钟。\n  - 那你快说 -> return",
            right: "objection busy 现在没空\n  keys 没空, 忙\n  say 就占用您两分钟。\n  - 那你快说 -> return")
        case .noOutcomeReachable: return CatalogueEntry(.error,
            en: "No path from the first step ever reaches an outcome: no call could be finished.",
            zh: "从第一步出发，没有任何路径能走到结果：没有一通电话能结束。",
            wrong: "stage opening 开场\nnode hello\n  say 您好！\n  - 好 -> hello",
            right: "stage opening 开场\nnode hello\n  say 您好！\n  - 好 -> greet", place: .fileStart)
        case .flagNeverMarked: return CatalogueEntry(.error,
            en: "A step needs a flag that no `do mark` ever sets, so the step can never be entered.",
            zh: "步骤要求的标记没有任何 `do mark` 设置过，所以永远进不去这个步骤。",
            wrong: "  need identty: 先确认身份。", right: "  need identity: 先确认身份。")
        case .noScript: return CatalogueEntry(.error,
            en: "No .huashu files were found where the script was expected.",
            zh: "在指定的位置没有找到 .huashu 话术文件。")
        case .noWayToEnd: return CatalogueEntry(.warning,
            en: "Once the call reaches this step, no path leads to an outcome.",
            zh: "通话一旦走到这个步骤，就再也走不到任何结果。",
            wrong: "  - 还是贵 -> haggle\nnode haggle\n  say 这已经是最低价了。\n  - 再便宜点 -> haggle @more",
            right: "  - 还是贵 -> haggle\nnode haggle\n  say 这已经是最低价了。\n  - 再便宜点 -> thinking")
        case .sharedKey: return CatalogueEntry(.warning,
            en: "Two objection handlers list the same key, so typing it cannot tell them apart. Keep the key in the handler it belongs to.",
            zh: "两个异议处理用了同一个关键词，输入它时分不清是哪一个。把这个词只留在它该属于的那个异议处理里。",
            wrong: "objection busy 现在没空\n  keys 没空, 价格\n  say 就占用您两分钟。\n  - 那你快说 -> return",
            right: "objection busy 现在没空\n  keys 没空, 忙\n  say 就占用您两分钟。\n  - 那你快说 -> return")
        case .handlerNeverResumes: return CatalogueEntry(.warning,
            en: "Every path from this objection handler ends the call: none leads back (`return`) or on to a step that continues it. A handler usually offers `- ... -> return`.",
            zh: "这个异议处理的每条路都会结束通话：没有一条回到原来的步骤（`return`），也没有一条继续通话。异议处理通常要有一个 `- …… -> return`。",
            wrong: "objection busy 现在没空\n  keys 没空, 忙\n  say 就占用您两分钟。\n  - 改天吧 -> thinking",
            right: "objection busy 现在没空\n  keys 没空, 忙\n  say 就占用您两分钟。\n  - 改天吧 -> thinking\n  - 那你快说 -> return")
        case .answerLoopsToItself: return CatalogueEntry(.warning,
            en: "The answer leads back to its own step and does nothing: the agent sees the same screen again with nothing new to say. Lead it to a step that says it differently; when the customer asks to hear it again and repeating is meant, name the answer with `@name`.",
            zh: "这个回答回到它自己所在的步骤，也不做任何事：坐席会看到同一屏，没有新的话可说。请让它通往一个换个说法的步骤；客户要求再说一遍、确实要重复时，用 `@名字` 给回答起名。",
            wrong: "  - 没听清 -> price", right: "  - 没听清 -> price @again")
        case .scenarioUnknownStatement: return CatalogueEntry(.error,
            en: "A scenario line starts with scenario, a profile field (name, honorific, plate, grade, type, claims, violations, days, model, premium, insurer, callback), at, weight or says.",
            zh: "演练脚本的每行以 scenario、客户资料字段（name、honorific、plate、grade、type、claims、violations、days、model、premium、insurer、callback）、at、weight 或 says 开头。",
            wrong: "  nmae 张伟", right: "  name 张伟", place: .scenario)
        case .scenarioBadProfile: return CatalogueEntry(.error,
            en: "A profile field has a value it cannot take: grade is A-D, type is 价格敏感型, 服务敏感型 or 无所谓型, claims, violations and days are whole numbers, premium is an amount, callback is 明天/后天 上午/下午.",
            zh: "客户资料的值不对：grade 是 A-D，type 是价格敏感型、服务敏感型或无所谓型，claims、violations、days 是整数，premium 是金额，callback 是明天/后天 上午/下午。",
            wrong: "  grade E", right: "  grade B", place: .scenario)
        case .scenarioMissingProfile: return CatalogueEntry(.error,
            en: "Every scenario needs at least `name` and `type`: the call screen and the script's conditions use them.",
            zh: "每个演练场景至少要有 `name` 和 `type`：通话屏幕和话术的条件都要用到它们。",
            wrong: "scenario quiet 不说话的客户\n  grade B", right: "scenario quiet 不说话的客户\n  name 李娜\n  type 无所谓型", place: .scenario)
        case .outsideScenario: return CatalogueEntry(.error,
            en: "Profile fields and reactions belong to a scenario: write `scenario ID TITLE` above them. Only `says` may stand before the first scenario; it is then shared by every scenario.",
            zh: "客户资料和反应属于某个演练场景：在上面写 `scenario ID 标题`。只有 `says` 可以写在第一个场景之前，那样它对所有场景都有效。",
            wrong: "name 李娜\nscenario quiet 不说话的客户\n  type 无所谓型", right: "scenario quiet 不说话的客户\n  name 李娜\n  type 无所谓型",
            place: .scenarioFileStart)
        case .scenarioBadReaction: return CatalogueEntry(.error,
            en: "A reaction is `at NODE -> ANSWER` or `at NODE -> objection HANDLER`, optionally with `say WORDS` before the arrow; a weighted one starts with `weight N` (a whole number above 0).",
            zh: "反应的写法是 `at 步骤 -> 回答` 或 `at 步骤 -> objection 异议ID`，箭头前可以加 `say 客户的话`；带权重的以 `weight N`（大于 0 的整数）开头。",
            wrong: "  at quote thinking", right: "  at quote -> thinking", place: .scenario)
        case .scenarioUnknownNode: return CatalogueEntry(.error,
            en: "The scenario names a step the script does not have. It was probably renamed or removed: use its new ID.",
            zh: "演练场景写的步骤在话术里不存在，可能已经改名或删除：请用新的 ID。",
            wrong: "  at qoute -> thinking", right: "  at quote -> thinking", place: .scenario)
        case .scenarioUnknownAnswer: return CatalogueEntry(.error,
            en: "The step has no answer with this ID. Answer IDs are `node>target` (or `node>@name`); the part after `->` may be the target alone. The answer was probably removed or leads elsewhere now.",
            zh: "这个步骤没有这个 ID 的回答。回答 ID 是 `步骤>目标`（或 `步骤>@名字`），`->` 后面也可以只写目标。这个回答可能已被删除，或者现在通往别处。",
            wrong: "  at quote -> thinkng", right: "  at quote -> thinking", place: .scenario)
        case .scenarioUnknownHandler: return CatalogueEntry(.error,
            en: "The scenario names an objection handler the script does not have. Check the ID after `objection` or `says`.",
            zh: "演练场景写的异议处理在话术里不存在。请检查 `objection` 或 `says` 后面的 ID。",
            wrong: "  at quote -> objection pirce", right: "  at quote -> objection price", place: .scenario)
        case .scenarioWordsFindOtherHandler: return CatalogueEntry(.error,
            en: "A trainee who types what the customer said must find the handler meant. These words rank another handler first: reword them, or add a key to the handler meant.",
            zh: "学员输入客户的原话，应该找到对应的异议处理。这句话排在第一的是另一个异议处理：换个说法，或者给该找到的异议处理加关键词。",
            wrong: "  at quote say 我再考虑一下 -> objection price", right: "  at quote say 太贵了 -> objection price", place: .scenario)
        case .scenarioOffTrack: return CatalogueEntry(.error,
            en: "Played against the script by a trainee who always responds as the script means, the rehearsal does not go where the scenario says: a step is never reached, or the script refuses the customer's move.",
            zh: "按话术的本意一步步演练，通话没有走到场景写的地方：某个步骤永远到不了，或者话术不允许客户这样回应。",
            wrong: "  at price -> thinking", right: "  at quote say 太贵了 -> objection price\n  at price -> thinking", place: .scenario)
        case .scenarioDuplicateID: return CatalogueEntry(.error,
            en: "Two scenarios have the same ID, so `huashu rehearse --scenario` could not tell them apart. Rename one.",
            zh: "两个演练场景用了同一个 ID，`huashu rehearse --scenario` 就分不清了。请给其中一个改名。",
            wrong: "scenario haggler 又一个嫌贵的客户\n  name 李娜\n  type 价格敏感型",
            right: "scenario haggler_again 又一个嫌贵的客户\n  name 李娜\n  type 价格敏感型", place: .scenario)
        case .scenarioNoWords: return CatalogueEntry(.warning,
            en: "The customer raises this objection but no words are written for it: add `say` to the reaction or `says HANDLER WORDS` lines.",
            zh: "客户提出了这个异议，却没有写客户的原话：在反应里加 `say`，或者加 `says 异议ID 原话`。",
            wrong: "  at quote -> objection price\n  at price -> thinking",
            right: "  at quote say 太贵了 -> objection price\n  at price -> thinking", place: .scenario)
        case .scenarioNeverEnds: return CatalogueEntry(.warning,
            en: "Played against the script, the rehearsal goes round in circles and never reaches an outcome. Add a reaction that leads towards an ending.",
            zh: "按话术演练，通话一直在兜圈子，永远走不到结果。请加一个走向结束的反应。")
        case .callFilledUngated: return CatalogueEntry(.error,
            en: "A line with `{callback}` or `{quote}` would be read aloud with a gap before the time is booked or the premium typed: give its step `need callback_booked: REASON` (or `need quoted: REASON`), so it is refused until the value is known. A step that asks for the value itself (`do callback`, `do quote`) may say it in a `say` line: the line waits until the agent has typed it.",
            zh: "含有 `{callback}` 或 `{quote}` 的话，在约好回访、填好报价之前读出来就会缺一块：给这个步骤加上 `need callback_booked: 原因`（或 `need quoted: 原因`），没有这个值之前不让进入。本步骤自己问这个值（`do callback`、`do quote`）时，`say` 可以用它：这句话等坐席填好才显示。",
            wrong: "  - 改天再说 -> later\nnode later 约回访\n  say 那我{callback}再打给您。\n  do outcome callback",
            right: "  - 改天再说 -> later\nnode later 约回访\n  need callback_booked: 先约好回访时间。\n  say 那我{callback}再打给您。\n  do outcome callback")
        case .badCueWeight: return CatalogueEntry(.error,
            en: "A cue line is `cue WEIGHT WORD, WORD`: a whole number from -9 to 9 (not 0), then the words. A higher weight points the search harder at the handler; a negative one says the words mean it is NOT this handler (`cue -4 办完了` under a refusal).",
            zh: "提示词一行写作 `cue 权重 词, 词`：先写 -9 到 9 之间的整数（不能是 0），再写词。权重越高，搜索越偏向这个异议处理；负数表示客户说了这些词就不是这个异议处理（比如拒绝下面写 `cue -4 办完了`）。",
            wrong: "  cue 很重要 太离谱, 不值", right: "  cue 3 太离谱, 不值")
        case .fillerCue: return CatalogueEntry(.warning,
            en: "The key or cue is only filler words or particles (嗯, 那个, 吧, 了): customers say them in every sentence, so it would pull unrelated searches to this handler. Use words that carry the objection.",
            zh: "这个关键词或提示词只有语气词、口头禅（嗯、那个、吧、了）：客户每句话都会说，会把不相干的搜索拉到这个异议处理。请换成能说明异议的词。",
            wrong: "  cue 2 那个, 嗯", right: "  cue 2 太离谱")
        case .cueWinsWrongSearches: return CatalogueEntry(.warning,
            en: "Measured against the evaluation set (`huashu lint --eval FILE`): this key or cue is so common that it ranks its handler first for sentences labelled with another handler. Make it longer, lower its weight, or add a negative cue.",
            zh: "用评测句集（`huashu lint --eval 文件`）量出来：这个关键词或提示词太常见，让它的异议处理排到了本该属于别的异议处理的句子前面。把词写长一点、降低权重，或者加一个负的提示词。")
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

import ArgumentParser
import HuashuApp

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Show how the live call ranks objection handlers for what a customer said, or score an evaluation set.",
        discussion: """
            `huashu search 行吧我再合计合计` prints the first five handlers as the call would offer them, each with its \
            score and the keys and cues that matched (`×3` a cue's weight, a negative weight a cue against it, \
            `(拼音)` found by pinyin). A handler that can mark the customer 勿扰 is flagged; unless the words are \
            unmistakably a refusal it is never first.

            `huashu search --eval Dialogues/eval/objections.tsv` prints top-1 and top-3 accuracy over the file \
            (HANDLER_ID, a tab, the customer's words, per line) and each miss with what ranked above it; it exits 1 \
            when top-1 falls below --min-top1.
            """)

    @Argument(help: "What the customer said, as the agent would type it.")
    var words: [String] = []

    @Option(help: ArgumentHelp("Score this evaluation set instead.", valueName: "file"))
    var eval: String?

    @Option(help: ArgumentHelp("With --eval: fail when top-1 accuracy is below this percentage.", valueName: "percent"))
    var minTop1: Double?

    @Option(help: ArgumentHelp("Dialogue file or folder; repeat for several (default: $HUASHU_DIALOGUES or Dialogues/).", valueName: "path"))
    var dialogues: [String] = []

    func validate() throws {
        if eval == nil && words.isEmpty { throw ValidationError("give the customer's words, or --eval FILE") }
        if eval != nil && !words.isEmpty { throw ValidationError("give either words or --eval FILE, not both") }
        if minTop1 != nil && eval == nil { throw ValidationError("--min-top1 goes with --eval") }
    }

    func run() throws {
        try reportingUserErrors {
            guard let eval else {
                print(try ObjectionSearch.ranking(words.joined(separator: " "), dialogues: dialogues), terminator: "")
                return
            }
            let result = try ObjectionSearch.evaluation(eval, dialogues: dialogues)
            print(result.text, terminator: "")
            if let minTop1, let shortfall = ObjectionSearch.shortfall(result, minimumTop1: minTop1) {
                printError("huashu: " + shortfall)
                throw ExitCode.failure
            }
        }
    }
}

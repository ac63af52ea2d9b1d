import ArgumentParser
import HuashuApp

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check dialogue scripts and print every problem with its file, line and column.",
        discussion: "Prints nothing and exits 0 when the scripts are clean; exits 1 when there is any error.")

    @Argument(help: "Dialogue files or folders (default: $HUASHU_DIALOGUES or Dialogues/).")
    var paths: [String] = []

    @Flag(help: "Colour the output even when it is not a terminal.")
    var color = false

    @Option(help: ArgumentHelp("Explain a diagnostic code, e.g. H032.", valueName: "code"))
    var explain: String?

    @Option(help: ArgumentHelp("Also warn about keys and cues that make their handler win cases of this evaluation set meant for another (see `huashu search --eval`).", valueName: "file"))
    var eval: String?

    @Option(help: ArgumentHelp("Language of the messages: zh or en (default: $HUASHU_LANG, else English when the locale is, else Chinese).",
                               valueName: "zh|en"))
    var lang: String?

    func run() throws {
        try reportingUserErrors {
            let language = try MessageLanguage.resolve(lang)
            if let explain {
                print(try LintReport.explanation(of: explain, language: language), terminator: "")
                return
            }
            let report = try LintReport.run(paths.isEmpty ? [ScriptFiles.defaultPath] : paths, colored: color || isTerminal(.standardOutput),
                                            language: language, eval: eval)
            if !report.text.isEmpty { print(report.text, terminator: "") }
            if report.hasErrors { throw ExitCode.failure }
        }
    }
}

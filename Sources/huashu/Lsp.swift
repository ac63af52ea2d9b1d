import ArgumentParser
import HuashuApp

struct Lsp: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lsp",
        abstract: "A Language Server Protocol server over standard input and output, for editing dialogue scripts.",
        discussion: """
            Started by an editor (VS Code, Neovim, any LSP client; see Dialogues/README.md), not by hand. Shows the \
            diagnostics of huashu lint as you type, for the whole folder the file belongs to; goes to the definition of \
            a node or objection; completes targets, placeholders, condition fields and keywords; hovering over a problem \
            shows its explanation (huashu lint --explain).
            """)

    @Option(help: ArgumentHelp("Language of the messages: zh or en (default: $HUASHU_LANG, else English when the locale is, else Chinese).",
                               valueName: "zh|en"))
    var lang: String?

    func run() throws {
        try reportingUserErrors {
            let cleanly = try LanguageServer.serve(language: try MessageLanguage.resolve(lang))
            if !cleanly { throw ExitCode.failure }
        }
    }
}

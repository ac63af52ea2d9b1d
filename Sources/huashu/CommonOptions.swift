import ArgumentParser
import HuashuApp

/// Options shared by every command that opens the database or the scripts.
struct CommonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The database file (default: $HUASHU_DB, else $XDG_DATA_HOME/huashu/huashu.sqlite).", valueName: "path"))
    var db: String?

    @Option(help: ArgumentHelp("Dialogue file or folder; repeat for several (default: $HUASHU_DIALOGUES or Dialogues/).", valueName: "path"))
    var dialogues: [String] = []

    @Option(help: ArgumentHelp("The agent's name, shown to customers as {agent} (default: $HUASHU_AGENT, else $USER).", valueName: "name"))
    var agent: String?

    @Option(help: ArgumentHelp("The dealer's name, {dealer} in the scripts (default: $HUASHU_DEALER).", valueName: "name"))
    var dealer: String?

    var callOptions: CallOptions {
        CallOptions(database: db, dialogues: dialogues, agent: agent, dealer: dealer)
    }
}

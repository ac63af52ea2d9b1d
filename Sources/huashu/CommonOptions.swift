import ArgumentParser
import HuashuApp
import HuashuStore

/// `--db`, for every command that opens the database.
struct DatabaseOption: ParsableArguments {
    @Option(help: ArgumentHelp("The database file (default: $HUASHU_DB, else $XDG_DATA_HOME/huashu/huashu.sqlite); "
        + "the supervisor's commands also read a team's central store: postgresql://user@host/database.", valueName: "path|url"))
    var db: String?

    /// `--db`, else `$HUASHU_DB`, else the default file: resolved here, once.
    var location: StoreLocation { StoreLocation(db) }
}

/// Options shared by every command that runs the scripts on a call: the database, the scripts, who calls.
struct CommonOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOption

    @Option(help: ArgumentHelp("Dialogue file or folder; repeat for several (default: $HUASHU_DIALOGUES or Dialogues/).", valueName: "path"))
    var dialogues: [String] = []

    @Option(help: ArgumentHelp("The agent's name, shown to customers as {agent} (default: $HUASHU_AGENT, else the config file $XDG_CONFIG_HOME/huashu/config, asked for once on a terminal).", valueName: "name"))
    var agent: String?

    @Option(help: ArgumentHelp("The dealer's name, {dealer} in the scripts (default: $HUASHU_DEALER, else the config file).", valueName: "name"))
    var dealer: String?

    var callOptions: CallOptions {
        CallOptions(database: database.location, dialogues: dialogues, agent: agent, dealer: dealer)
    }
}

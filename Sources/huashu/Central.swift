import ArgumentParser
import HuashuApp

/// `--central`, for every command that talks to the team's central store.
struct CentralOption: ParsableArguments {
    @Option(help: ArgumentHelp("The central store as a libpq URL, e.g. postgresql://agent7@renewal-db/huashu "
        + "(default: $HUASHU_CENTRAL, else `central = URL` in the config file); the password comes from ~/.pgpass, "
        + "$PGPASSFILE or $PGPASSWORD. A call's log is pushed there in the background when it ends.", valueName: "url"))
    var central: String?
}

struct Central: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "central",
        abstract: "Set up a team's central store on PostgreSQL.",
        subcommands: [CentralInit.self, CentralGrant.self])
}

struct CentralInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create or upgrade the central store's schema, and print what to give desks and supervisors.",
        discussion: """
            Safe to run again: it applies only the migrations the server lacks, and refuses a server whose schema \
            is newer than this huashu knows.
            """)

    @Argument(help: ArgumentHelp("The central store as a libpq URL (default: $HUASHU_CENTRAL).", valueName: "url"))
    var url: String?

    func run() throws {
        try reportingUserErrors {
            print(try CentralSync.initialise(url: url), terminator: "")
        }
    }
}

struct CentralGrant: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Give a login a role on the central store: an agent pushing a desk, a supervisor, a trainer.",
        discussion: """
            Creates the login without a password if the server has none by that name; set its password on the server \
            (psql's \\password), never on the command line. An agent pushes and reads only the desks handed to it; a \
            supervisor reads every desk; a trainer reads rehearsals. No role may change or delete a logged step.
            """)

    @Argument(help: ArgumentHelp("The login name on the server (lower-case letters, digits, _).", valueName: "login"))
    var login: String

    @Option(help: ArgumentHelp("agent, supervisor or trainer.", valueName: "role"))
    var role: String

    @Option(help: ArgumentHelp("For an agent: the desk it pushes (its $HUASHU_DESK).", valueName: "name"))
    var desk: String?

    @OptionGroup var central: CentralOption

    func run() throws {
        try reportingUserErrors {
            print(try CentralSync.grant(url: central.central, login: login, role: role, desk: desk), terminator: "")
        }
    }
}

struct Sync: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push this desk's calls, steps, follow-ups and audit rows to the central store.",
        discussion: """
            Each row goes up once, in order, keyed by desk and local id: a sync cut off anywhere and run again sends \
            nothing twice and leaves no gap. When the central store cannot be reached it says so and exits 1; the desk's \
            database is left as it was, and the next sync catches up.
            """)

    @OptionGroup var central: CentralOption

    @Option(help: ArgumentHelp("This desk's name on the central store, kept from its first sync (default: $HUASHU_DESK, else the host name).", valueName: "name"))
    var desk: String?

    @Option(help: ArgumentHelp("Rows per transaction on the central store.", valueName: "rows"))
    var batch: Int = CentralSync.defaultBatch

    @OptionGroup var database: DatabaseOption

    /// The push a call starts when it ends: detached, silent, an outage noted for the desk to say once.
    @Flag(help: .hidden)
    var background = false

    /// The push of a call in progress: a step committed is a byte on standard input.
    @Flag(help: .hidden)
    var follow = false

    func run() throws {
        if background { return CentralSync.backgroundSync(url: central.central, database: database.location) }
        if follow { return CentralSync.follow(url: central.central, database: database.location) }
        try reportingUserErrors {
            let summary = try CentralSync.sync(url: central.central, desk: desk, batch: batch, database: database.location) { line in
                printError(line)
            }
            print(summary, terminator: "")
        }
    }
}

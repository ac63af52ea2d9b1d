import ArgumentParser
import HuashuApp

struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "The team's wallboard from the central store: calls in progress, today's counts per agent, the month's renewal rate.",
        discussion: """
            For a screen on the wall: redrawn whenever a desk pushes a step (the server notifies; no desk is polled), the \
            time on each call ticking every second. Customers are masked. When the server restarts it keeps the last frame, \
            says so, and reconnects by itself. Ctrl-C leaves. With --once, prints one frame as plain text (no escape codes) \
            and exits, for scripts.
            """)

    @Flag(help: "Print one frame without escape codes and exit.")
    var once = false

    @Option(help: ArgumentHelp("The central store, postgresql://user@host/database (default: --central, $HUASHU_CENTRAL, "
        + "else `central = URL` in the config file).", valueName: "url"))
    var db: String?

    @OptionGroup var central: CentralOption

    @Option(help: ArgumentHelp("Dialogue file or folder, for the stages' and objections' names (default: $HUASHU_DIALOGUES or Dialogues/).",
                               valueName: "path"))
    var dialogues: [String] = []

    func run() throws {
        try reportingUserErrors {
            let url = try FloorWatch.url(db: db, central: central.central)
            if once {
                print(try FloorWatch.once(url: url, dialogues: dialogues), terminator: "")
            } else {
                try FloorWatch.run(url: url, dialogues: dialogues)
            }
        }
    }
}

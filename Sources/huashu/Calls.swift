import ArgumentParser
import HuashuApp

struct Calls: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calls",
        abstract: "List the logged calls, newest first, one line each.",
        discussion: """
            Each line: call number, start (local time), agent, customer and plate, length (a trailing + when the call \
            has no end yet), outcome in Chinese with the loss reason, and the quote. Rehearsal calls are marked 【演练】. \
            Replay one with `huashu replay NUMBER`.
            """)

    @Option(help: ArgumentHelp("Only this agent's calls.", valueName: "name"))
    var agent: String?

    @Option(help: ArgumentHelp("Only calls to this customer: plate, phone, ID number, name or #id.", valueName: "customer"))
    var customer: String?

    @Option(help: ArgumentHelp("Only calls with this outcome: won, lost, thinking, … (or 成交, 战败, …), or unfinished.", valueName: "outcome"))
    var outcome: String?

    @Option(help: ArgumentHelp("Only calls started on or after this local date.", valueName: "YYYY-MM-DD"))
    var since: String?

    @Option(help: ArgumentHelp("Show at most this many calls.", valueName: "n"))
    var limit: Int?

    @OptionGroup var database: DatabaseOption

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() throws {
        try reportingUserErrors {
            let options = CallList.Options(database: database.location, agent: agent, customer: customer, outcome: outcome, since: since, limit: limit)
            print(try CallList.text(options), terminator: "")
        }
    }
}

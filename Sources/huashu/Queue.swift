import ArgumentParser
import HuashuApp

struct Queue: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "The day's call list, most urgent first: callbacks whose time has come, then the timeline by days left and grade.",
        discussion: """
            Each row says why the customer is due (which touchpoint or callback), how many days it is overdue and what \
            the last call said. The dealer plan: first contact 90 days before expiry, then every 15 days to 60, every 7 \
            to 30, every 3 in the last 30, reminders at 7 and 1 days, lapse (脱保) follow-up every 3 days after expiry. \
            The insurer plan: 续保提醒 60/55, 续保洽谈 45/40, 续保确认 30/25, 续保攻坚 15/10, 续保坚持 7/3, 失效提醒 0, then \
            lapse follow-up. Order: booked follow-ups whose time has come (overdue flagged), then timeline customers by \
            urgency (within 7 days of expiry or lapsed, 8-30, 31-60, further) and grade A, B, C, D within it, then \
            callbacks booked for later today at their time. Left out: do-not-call customers, wrong numbers (see \
            --corrections) and those won or lost (vehicle sold included) this season.
            """)

    @Option(help: ArgumentHelp("The day to list (default: today).", valueName: "YYYY-MM-DD"))
    var date: String?

    @Option(help: ArgumentHelp("Only the customers whose ledger agent column (专员) is this name.", valueName: "name"))
    var agent: String?

    @Option(help: ArgumentHelp("The renewal plan: dealer or insurer (default: $HUASHU_PLAN, else dealer).", valueName: "plan"))
    var plan: String?

    @Flag(help: "List the phones found wrong on calls (信息更正) instead: fix them in the ledger and import it again.")
    var corrections = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        try reportingUserErrors {
            let output = BufferedOutput()
            defer { output.flush() }
            try QueueReport.run(QueueReport.Options(database: database.location, date: date, agent: agent, plan: plan,
                                                    corrections: corrections), output: output)
        }
    }
}

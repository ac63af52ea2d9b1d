import ArgumentParser
import HuashuApp

struct LiftDoNotCall: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lift-do-not-call",
        abstract: "Take a customer off do-not-call (勿扰) so the call lists include them again; logged in the audit table.",
        discussion: """
            For a supervisor, when a customer marked 勿扰 asks to be called again, or was marked by mistake. \
            The audit table keeps who lifted it (--by), why (--reason) and when. Example: \
            huashu lift-do-not-call 粤A11111 --by 王主管 --reason "客户来电要求续保提醒"
            """)

    @Argument(help: "The customer: plate, phone, ID number, name or #id.")
    var customer: String

    @Option(help: ArgumentHelp("Who lifts it (the supervisor's name).", valueName: "name"))
    var by: String

    @Option(help: ArgumentHelp("Why it is lifted.", valueName: "text"))
    var reason: String

    @OptionGroup var database: DatabaseOption

    func run() throws {
        try reportingUserErrors {
            print(try DoNotCallLift.run(customer: customer, by: by, reason: reason, database: database.location), terminator: "")
        }
    }
}

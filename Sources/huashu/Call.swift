import ArgumentParser
import HuashuApp

struct Call: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Open the live-call screen for a customer.",
        discussion: """
            Type a number to pick the customer's answer; type what the customer said (太贵了, or pinyin such as jg) \
            to find the objection handler; .help lists the commands. Every step is saved before the next screen.
            """)

    @Argument(help: "The customer: plate, phone, ID number, name or #id.")
    var customer: String?

    @Flag(help: "Call the top of today's queue: your own customers (the ledger's 专员) first, then unassigned ones.")
    var next = false

    @Flag(help: "Call a customer marked do-not-call anyway (the override is logged).")
    var overrideDoNotCall = false

    @OptionGroup var common: CommonOptions

    @OptionGroup var central: CentralOption

    func validate() throws {
        if customer != nil && next { throw ValidationError("name a customer or use --next, not both") }
    }

    func run() throws {
        try reportingUserErrors {
            var options = common.callOptions
            options.overrideDoNotCall = overrideDoNotCall
            options.central = CentralSync.url(option: central.central)
            try CallRunner.start(customer: customer, next: next, options: options)
        }
    }
}

struct Resume: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue a call that was cut off, at the step where it stopped.")

    @Argument(help: "The call number (default: the newest unfinished call).")
    var call: Int64?

    @OptionGroup var common: CommonOptions

    @OptionGroup var central: CentralOption

    func run() throws {
        try reportingUserErrors {
            var options = common.callOptions
            options.central = CentralSync.url(option: central.central)
            try CallRunner.resume(call: call, options: options)
        }
    }
}

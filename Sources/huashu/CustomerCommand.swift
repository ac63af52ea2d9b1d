import ArgumentParser
import HuashuApp

struct CustomerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customer",
        abstract: "Show one customer as stored: the ledger's values, marks (勿扰, 缺少有效电话, review), open review items and every change imports made.",
        discussion: """
            Phone and ID numbers stay masked unless --unmask is given; an unmask is written to the audit log under --agent.
            """)

    @Argument(help: "The customer: #id, plate, phone, ID number or name.")
    var customer: String

    @Flag(help: "Show the customer's full phone and ID numbers (logged in the audit table).")
    var unmask = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        try reportingUserErrors {
            print(try CustomerRecord.run(customer, unmask: unmask, options: common.callOptions), terminator: "")
        }
    }
}

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "List and resolve what imports held for review: conflicting owner names and phones, cells that failed their check.",
        discussion: """
            `huashu review` (or `review list`) lists the open items; `review keep ID` keeps the stored value, `review take ID` \
            puts the ledger's value into the customer (recorded in its change history). A held cell can only be kept: \
            correct it in the ledger and import again.
            """)

    @Argument(help: "list, keep or take.")
    var action: String = "list"

    @Argument(help: "The review item's number, for keep and take.")
    var id: Int64?

    @Flag(help: "Show full phone and ID numbers (logged in the audit table).")
    var unmask = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        switch action {
        case "list":
            if id != nil { throw ValidationError("`review list` takes no number") }
        case "keep", "take":
            if id == nil { throw ValidationError("`review \(action)` needs the item's number, e.g. `huashu review \(action) 3`") }
        default:
            throw ValidationError("unknown action `\(action)`; use list, keep ID or take ID")
        }
    }

    func run() throws {
        try reportingUserErrors {
            let chosen: ReviewList.Action = switch action {
            case "keep": .keep(id ?? 0)
            case "take": .take(id ?? 0)
            default: .list
            }
            print(try ReviewList.run(chosen, unmask: unmask, options: common.callOptions), terminator: "")
        }
    }
}

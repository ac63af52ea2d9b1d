import ArgumentParser
import HuashuApp

struct Rehearse: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rehearse",
        abstract: "Rehearse a renewal call: the program plays the customer of a scenario (训练).",
        discussion: """
            The call runs on the live-call screen and engine and is stored as training: never in the queue or the \
            reports. Under each screen, 客户: shows what the customer says; pick the answer it means, or type the \
            customer's words to find the objection handler. After the call a score sheet shows each objection, whether \
            the right handler was found and how long it took, and every mistake with what the script says instead. \
            Scenarios are the .scenario files in the dialogue folders (see Dialogues/README.md). The same seed gives \
            the same rehearsal.
            """)

    @Option(help: ArgumentHelp("The scenario's ID (default: one drawn with the seed).", valueName: "id"))
    var scenario: String?

    @Option(help: ArgumentHelp("The seed for the customer's choices and words (default: a fresh one, printed).", valueName: "n"))
    var seed: UInt64?

    @Option(help: ArgumentHelp("Only scenarios with a customer of this type: 价格敏感型 (price), 服务敏感型 (service), 无所谓型 (indifferent).",
                               valueName: "type"))
    var customerType: String?

    @Flag(help: "List the scenarios and exit.")
    var list = false

    @OptionGroup var common: CommonOptions

    func run() throws {
        try reportingUserErrors {
            if list {
                print(try RehearsalRunner.list(common.callOptions), terminator: "")
                return
            }
            try RehearsalRunner.run(RehearsalOptions(call: common.callOptions, scenario: scenario, seed: seed, customerType: customerType))
        }
    }
}

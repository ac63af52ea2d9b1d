import ArgumentParser
import HuashuApp

struct Coverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "What each trainee has rehearsed: objections and steps, how often, and the success rate on each.",
        discussion: """
            Reads the rehearsals (training calls) in the database. Success is responding as the customer meant the \
            first time: the answer the customer's words mean, or the handler they call for. What was never practised \
            is listed first, then the weakest. Without --agent, every trainee who has rehearsed.
            """)

    @OptionGroup var common: CommonOptions

    func run() throws {
        try reportingUserErrors {
            print(try CoverageReport.run(options: common.callOptions, agent: common.agent), terminator: "")
        }
    }
}

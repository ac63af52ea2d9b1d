import ArgumentParser
import HuashuApp

struct Coverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "What each trainee should practise next: a summary, then objections and answer options, mistakes with dates.",
        discussion: """
            Reads the finished rehearsals (training calls) in the database; a rehearsal left before its end is counted \
            apart, never in the figures. First a summary: rehearsals, scenarios done, how many went without a mistake, \
            the weakest objections and those never met. Then each objection handler and each answer option met, counted \
            in rehearsals: found (or answered) right at the first try in how many, the average time it took, the date \
            last practised; the answer options not yet practised; the mistakes, newest first. Without --agent, every \
            trainee; a name nobody has used is an error.
            """)

    @OptionGroup var common: CommonOptions

    func run() throws {
        try reportingUserErrors {
            print(try CoverageReport.run(options: common.callOptions, agent: common.agent), terminator: "")
        }
    }
}

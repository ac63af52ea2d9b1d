import ArgumentParser
import HuashuApp

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Replay a logged call step by step: time, stage, what was said, what the customer answered, objections, outcome.",
        discussion: """
            The call replays from its own log, even when today's script has changed or is not there; when today's script \
            loads, the customer's answers are shown in words. Phone and ID numbers stay masked unless --unmask is given; \
            an unmask is written to the audit log under --agent.
            """)

    @Argument(help: "The call number (see `huashu calls`).")
    var call: Int64

    @Flag(help: "Wait for Enter between steps.")
    var step = false

    @Option(help: ArgumentHelp("Replay in real time divided by N (2 = twice as fast); pauses are capped at 5 seconds.", valueName: "N"))
    var speed: Double?

    @Flag(help: "Mark the steps whose node, answer or objection handler no longer exists in today's script.")
    var againstCurrent = false

    @Flag(help: "Show the customer's full phone and ID numbers (logged in the audit table).")
    var unmask = false

    @OptionGroup var common: CommonOptions

    func validate() throws {
        if let speed, !(speed > 0) { throw ValidationError("--speed must be a number above 0, e.g. 2") }
    }

    func run() throws {
        try reportingUserErrors {
            let options = CallReplay.Options(call: call, stepByStep: step, speed: speed, againstCurrent: againstCurrent, unmask: unmask)
            try CallReplay.run(options, options: common.callOptions)
        }
    }
}

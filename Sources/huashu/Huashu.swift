import ArgumentParser
import HuashuApp

/// Every command names itself in its configuration: without `commandName`,
/// the argument parser derives it from the type at run time, which costs
/// milliseconds of start-up on Linux.
@main
struct Huashu: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "huashu",
        abstract: "Renewal-call scripts (话术) for motor-insurance agents: live calls, rehearsal, replay and reports.",
        version: Release.description,
        subcommands: [Call.self, Resume.self, Queue.self, Import.self, CustomerCommand.self, Review.self, Lint.self, Verify.self, Seal.self, Calls.self, Replay.self, Report.self, Rehearse.self, Coverage.self, Search.self, LiftDoNotCall.self, Lsp.self, Central.self, Sync.self, Watch.self])
}

/// Runs a command body, turning a `UserError` into its message and exit code 1.
func reportingUserErrors(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as UserError {
        printError("huashu: " + error.description)
        throw ExitCode.failure
    }
}

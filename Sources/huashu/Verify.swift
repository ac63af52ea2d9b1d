import ArgumentParser
import HuashuApp

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that no logged call step was altered or deleted after the fact (hash chain per call).",
        discussion: "Prints each break with its call and step and exits 1; prints a one-line summary and exits 0 when intact.")

    @Argument(help: "Only this call (default: every call).")
    var call: Int64?

    @OptionGroup var database: DatabaseOption

    func run() throws {
        try reportingUserErrors {
            let result = try CallLogCheck.run(call: call, options: database.callOptions)
            print(result.text, terminator: "")
            if !result.intact { throw ExitCode.failure }
        }
    }
}

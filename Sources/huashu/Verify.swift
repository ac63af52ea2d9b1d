import ArgumentParser
import HuashuApp

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that no logged call step or call was altered, deleted or rewritten after the fact.",
        discussion: """
            Recomputes every step's hash and the chain through all steps from the first, byte for byte; checks each call's \
            row (outcome, loss reason, destination, quote) against its log, that no step or call id was deleted, and that the \
            append-only rules are in place. With --seal, also proves that the log before the sealed step is exactly as it was \
            when `huashu seal` printed the code, even if someone recomputed every hash. On a desk that pushes to a central \
            store ($HUASHU_CENTRAL, --central or the config file), also compares each pushed call with the chain head central \
            recorded when it arrived, which catches a log re-chained by hand. On a central store (--db postgresql://…), walks \
            every desk's chain. Prints each break and exits 1; prints a one-line summary and exits 0 when intact; exits 2 when \
            the desk's own chain is intact but central could not be reached to compare.
            """)

    @Argument(help: "Only this call's problems (the whole log is still read).")
    var call: Int64?

    @Option(help: ArgumentHelp("A code printed earlier by `huashu seal`, kept outside the database.", valueName: "code"))
    var seal: String?

    @OptionGroup var central: CentralOption

    @OptionGroup var database: DatabaseOption

    func run() throws {
        try reportingUserErrors {
            let verdict = try CallLogCheck.run(call: call, seal: seal, central: central.central, database: database.location)
            print(verdict.text, terminator: "")
            if verdict.status != 0 { throw ExitCode(verdict.status) }
        }
    }
}

struct Seal: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Print the call log's current head as a short code to keep outside the database.",
        discussion: """
            Keep the code somewhere the desk cannot change (a supervisor's notebook, an e-mail, a file on another machine). \
            Later, `huashu verify --seal CODE` proves that nothing logged up to that moment was changed or deleted.
            """)

    @Option(help: ArgumentHelp("Also write the code to this file (mode 0600).", valueName: "file"))
    var out: String?

    @OptionGroup var database: DatabaseOption

    func run() throws {
        try reportingUserErrors {
            print(try CallLogCheck.seal(out: out, database: database.location), terminator: "")
        }
    }
}

import ArgumentParser
import Foundation
import HuashuApp

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the customer ledger (续保电子台帐) from a CSV exported by Excel or WPS.",
        discussion: """
            Reads UTF-8 (with or without BOM) and GB18030/GBK, Chinese or English headers in any order, and Excel dates. \
            All or nothing: a file with bad rows imports nothing unless --skip-bad-rows is given. Importing the same file \
            twice changes nothing; a changed row updates the customer and keeps their calls.
            """)

    @Argument(help: "The ledger CSV file.")
    var file: String

    @Option(help: ArgumentHelp("Force the file's encoding: utf-8 or gb18030 (gbk). Default: detected.", valueName: "name"))
    var encoding: String?

    @Flag(help: "Show what would be imported without writing anything.")
    var dryRun = false

    @Flag(help: "Import the good rows and write the bad ones to FILE.rejected.csv for correction.")
    var skipBadRows = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        try reportingUserErrors {
            let options = LedgerImport.Options(file: file, encoding: encoding, dryRun: dryRun, skipBadRows: skipBadRows)
            let showProgress = isTerminal(.standardError)
            let report = try LedgerImport.run(options, database: database.callOptions.database) { line in
                if showProgress { FileHandle.standardError.write(Data("\r\(line)".utf8)) }
            }
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print(report, terminator: "")
        }
    }
}

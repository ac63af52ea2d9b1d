import ArgumentParser
import Foundation
import HuashuApp

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the customer ledger (续保电子台帐) from an Excel or WPS workbook (.xlsx) or a CSV export.",
        discussion: """
            Reads a workbook's first sheet (or --sheet NAME) with each cell's stored type, or a CSV in UTF-8 (with or without \
            BOM) or GB18030/GBK; Chinese or English headers in any order, and Excel dates. \
            Only a row without a usable plate (or a damaged line) is a bad row: a file with bad rows imports nothing unless \
            --skip-bad-rows is given. A bad cell elsewhere is left out and held for review; so is an owner name or phone \
            that differs from the stored one (see `huashu review`). An empty cell keeps the stored value unless \
            --clear-empty-cells is given. Importing the same file twice changes nothing; every change to a stored customer \
            is recorded (`huashu customer`) and --dry-run lists them.
            """)

    @Argument(help: "The ledger: a CSV file, or an Excel/WPS workbook (.xlsx).")
    var file: String

    @Option(help: ArgumentHelp("The workbook's sheet to read. Default: the first.", valueName: "name"))
    var sheet: String?

    @Option(help: ArgumentHelp("Force the file's encoding: utf-8 or gb18030 (gbk). Default: detected.", valueName: "name"))
    var encoding: String?

    @Flag(help: "Show what would be imported without writing anything.")
    var dryRun = false

    @Flag(help: "Import the good rows and write the bad ones to FILE.rejected.csv for correction.")
    var skipBadRows = false

    @Flag(help: "Let an empty cell erase the stored value (by default it keeps it); name and plate are never erased.")
    var clearEmptyCells = false

    @OptionGroup var database: DatabaseOption

    func run() throws {
        try reportingUserErrors {
            let options = LedgerImport.Options(file: file, encoding: encoding, dryRun: dryRun, skipBadRows: skipBadRows,
                                                clearEmptyCells: clearEmptyCells, sheet: sheet)
            let showProgress = isTerminal(.standardError)
            let report = try LedgerImport.run(options, database: database.location) { line in
                if showProgress { FileHandle.standardError.write(Data("\r\(line)".utf8)) }
            }
            if showProgress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print(report, terminator: "")
        }
    }
}

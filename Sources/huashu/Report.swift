import ArgumentParser
import Foundation
import HuashuApp

extension MonthlyReportCommand.Format: ExpressibleByArgument {}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The monthly renewal report: renewal rate, outcomes, losses, uncontrolled and lapsed customers, agents, follow-ups, objections, phones to fix, leads, sales and losses.",
        discussion: """
            --format table prints the figures and the lists (phones to fix, new leads, the facts of sales and losses); \
            csv writes the monthly follow-up record sheet (月度续保跟进记录表) for Excel (UTF-8 with BOM, Chinese headers, \
            one row per policy due in the month) followed by the lists; html writes one self-contained page with charts; \
            xlsx writes an Excel workbook with a sheet per section (needs --out or a redirect; libxlsxwriter). Targets for 目标达成率 come from --targets or $HUASHU_TARGETS: a file of `agent=number` lines. \
            Rehearsal calls never count.
            """)

    @Option(help: ArgumentHelp("The month (default: this month).", valueName: "YYYY-MM"))
    var month: String?

    @Option(help: ArgumentHelp("Only this agent's calls and customers.", valueName: "name"))
    var agent: String?

    @Option(help: ArgumentHelp("table, csv, html or xlsx.", valueName: "format"))
    var format: MonthlyReportCommand.Format = .table

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var out: String?

    @Option(help: ArgumentHelp("Monthly targets per agent, `agent=number` per line (default: $HUASHU_TARGETS).", valueName: "file"))
    var targets: String?

    @OptionGroup var database: DatabaseOption

    @Option(help: ArgumentHelp("Dialogue file or folder, for objection titles (default: $HUASHU_DIALOGUES or Dialogues/).", valueName: "path"))
    var dialogues: [String] = []

    func run() throws {
        try reportingUserErrors {
            let options = MonthlyReportCommand.Options(database: database.location, dialogues: dialogues, month: month, agent: agent, format: format,
                                                       output: out, targets: targets)
            FileHandle.standardOutput.write(Data(try MonthlyReportCommand.run(options)))
        }
    }
}

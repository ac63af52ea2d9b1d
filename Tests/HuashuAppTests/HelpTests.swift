import HuashuApp
import HuashuScript
import HuashuStore
import Testing

/// Every command explains itself, and offers only the options it uses.
@Suite("--help on every command")
struct HelpTests {
    static let commands = ["call", "resume", "queue", "import", "customer", "review", "lint", "verify", "seal", "calls", "replay", "report", "rehearse", "coverage", "search", "lift-do-not-call", "lsp", "central", "sync", "watch"]

    func help(_ command: [String]) throws -> (status: Int32, output: String) {
        try Fixture.run(Fixture.binary, command + ["--help"], environment: ["LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"])
    }

    @Test func theProgramListsEveryCommand() throws {
        let result = try help([])
        #expect(result.status == 0)
        for command in Self.commands {
            #expect(result.output.contains("  \(command) "), "\(command) is listed")
        }
    }

    @Test(arguments: commands)
    func eachCommandHasUsageAndExitsZero(command: String) throws {
        let result = try help([command])
        #expect(result.status == 0)
        #expect(result.output.contains("USAGE: huashu \(command)"))
    }

    @Test func theVersionNamesTheScriptFormatAndTheSchema() throws {
        let result = try Fixture.run(Fixture.binary, ["--version"], environment: ["LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"])
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("huashu \(Release.version) (script format \(ScriptFormat.version), database schema "))
        #expect(result.output.hasSuffix("\(Store.schemaVersion))\n"))
    }

    @Test func commandsThatOnlyOpenTheDatabaseDoNotOfferScriptOptions() throws {
        for command in ["import", "verify"] {
            let output = try help([command]).output
            #expect(output.contains("--db <path|url>"))
            #expect(!output.contains("--dialogues") && !output.contains("--dealer"), "\(command) runs no script")
        }
        let call = try help(["call"]).output
        #expect(call.contains("--db <path|url>") && call.contains("--dialogues <path>") && call.contains("--dealer <name>"))
    }
}

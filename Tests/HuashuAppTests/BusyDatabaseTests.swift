import Foundation
import HuashuStore
import Testing

/// Another program holding the database (a long import, a supervisor's
/// sqlite3 shell) never ends a live call: the step waits, says so, and is
/// committed when the file frees.
@Suite("A live call and a busy database", .serialized)
struct BusyDatabaseTests {
    /// A sqlite3 shell holding the write lock until `release`.
    final class Holder {
        let process = Process()
        let input = Pipe()
        let output = Pipe()

        init(_ fixture: Fixture) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = [fixture.database]
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            try process.run()
            input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\nINSERT INTO audit (at, agent, action) VALUES ('x', 'x', 'hold');\nSELECT 'held';\n".utf8))
            var seen = Data()
            while !String(decoding: seen, as: UTF8.self).contains("held") {
                seen += output.fileHandleForReading.availableData
            }
        }

        func release() throws {
            input.fileHandleForWriting.write(Data("COMMIT;\n".utf8))
            try input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    @Test func aStepWaitsFifteenSecondsAndIsCommittedWhenTheDatabaseFrees() throws {
        let fixture = try Fixture()
        var agent = Agent(terminal: try fixture.terminal("call", "粤B12345"))
        agent.terminal.waitFor("是我")
        let holder = try Holder(fixture)
        let held = Date()
        let mark = agent.terminal.mark
        agent.terminal.choose("是我")
        agent.terminal.waitFor("保存中…", since: mark)
        Thread.sleep(forTimeInterval: max(15 - Date().timeIntervalSince(held), 0))
        #expect(try fixture.store.steps(of: 1).count == 1, "nothing committed while the file is held")
        #expect(!agent.terminal.tail(from: mark).contains("huashu:"), "no error shown")
        try holder.release()
        agent.terminal.waitFor("是，我在开", since: mark)
        #expect(try fixture.store.steps(of: 1).map(\.answerID) == [nil, "greet>confirm_car"])
        agent.choose("是，我在开", thenSee: "方便，你说吧")
        agent.terminal.type(".quit\r")
        #expect(agent.terminal.waitForExit() == 0)
        #expect(try fixture.piped(["verify"], input: "").status == 0)
    }

    @Test func ctrlCWhileWaitingLeavesTheCallResumable() throws {
        let fixture = try Fixture()
        let terminal = try fixture.terminal("call", "粤B12345")
        terminal.waitFor("是我")
        let holder = try Holder(fixture)
        terminal.choose("是我")
        terminal.waitFor("保存中…")
        terminal.type("\u{03}")
        terminal.waitFor("这一步还没保存")
        terminal.type("y\r")
        terminal.waitFor("huashu resume 1")
        #expect(terminal.waitForExit() == 1)
        try holder.release()
        #expect(try fixture.store.steps(of: 1).count == 1)
        let resumed = try fixture.piped(["resume"], input: "1\n.quit\n")
        #expect(resumed.status == 0)
        #expect(try fixture.store.steps(of: 1).count == 2)
    }
}

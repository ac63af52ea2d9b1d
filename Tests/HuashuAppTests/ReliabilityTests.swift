import Foundation
import Synchronization
import HuashuStore
import Testing

/// The promises an agent relies on during a live call: nothing shown is ever
/// lost, several agents share one file, bad input never traps.
@Suite("Reliability", .serialized)
struct ReliabilityTests {
    /// The answers of a won call on the shipped script, in order.
    static let wonPath = ["是我", "是，我在开", "方便，你说吧", "先说多少钱", "可以，办吧", "没问题", "发链接", "报了号码", "快递到家"]
    /// The same answers as the numbers shown for 张伟 (the claims answer adds one on the recap screen).
    static let wonNumbers = ["1", "1", "1", "5", "1", "1", "1", "1", "1"]

    @Test func aCallKilledAfterEveryStepInTurnLosesNothingAndResumes() throws {
        for killAfter in 1...6 {
            let fixture = try Fixture()
            var agent = Agent(terminal: try fixture.terminal("call", "粤B12345"))
            agent.terminal.waitFor("是我")
            for (index, answer) in Self.wonPath.prefix(killAfter).enumerated() {
                if answer == "可以，办吧" { agent.type("4860", thenSee: "一共4860元") }
                agent.choose(answer, thenSee: index + 1 < Self.wonPath.count ? Self.wonPath[index + 1] : "成交")
            }
            agent.terminal.kill(signal: SIGKILL)
            #expect(try fixture.sqlite("PRAGMA integrity_check") == "ok")
            let logged = try fixture.store.steps(of: 1)
            #expect(logged.count == 1 + killAfter + (killAfter >= 5 ? 1 : 0), "every step that was on screen is in the log (killed after \(killAfter))")

            var rest = Array(Self.wonNumbers.dropFirst(killAfter))
            if killAfter < 5 { rest.insert("4860", at: 4 - killAfter) }
            let resumed = try fixture.piped(["resume"], input: rest.joined(separator: "\n") + "\n")
            #expect(resumed.status == 0, "resume after a kill at step \(killAfter): \(resumed.output.suffix(300))")
            let steps = try fixture.store.steps(of: 1)
            #expect(steps.map(\.seq) == Array(1...steps.count))
            #expect(try fixture.store.call(1)?.outcome == "won", "killed after \(killAfter)")
            #expect(try fixture.piped(["verify"], input: "").status == 0)
        }
    }

    @Test func eightAgentsLogIntoOneDatabaseAtOnce() throws {
        let fixture = try Fixture()
        let plates = (0..<8).map { "粤C1000\($0)" }
        _ = try fixture.store.upsert(plates.enumerated().map { Customer(plate: $0.element, name: "客户\($0.offset)") })
        let steps = 40
        let input = (0..<steps / 2).map { _ in "1\n.back" }.joined(separator: "\n") + "\n.quit\n"
        let results = Mutex<[(status: Int32, output: String)]>([])
        DispatchQueue.concurrentPerform(iterations: plates.count) { index in
            let result = (try? fixture.piped(["call", plates[index]], input: input)) ?? (-1, "could not start")
            results.withLock { $0.append(result) }
        }
        for result in results.withLock({ $0 }) {
            #expect(result.status == 0)
            #expect(!result.output.contains("locked") && !result.output.contains("busy"), "no agent sees a locked database")
        }
        #expect(try fixture.sqlite("SELECT count(*) FROM call_steps") == String(8 * (1 + steps)))
        #expect(try fixture.sqlite("SELECT count(DISTINCT call_id) FROM call_steps") == "8")
        #expect(try fixture.piped(["verify"], input: "").output == "call log intact: 8 calls, \(8 * (1 + steps)) steps\n")
    }

    @Test func verifyFindsAStepEditedOrDeletedAfterTheFact() throws {
        let fixture = try Fixture()
        _ = try fixture.piped(["call", "粤B12345"], input: "1\n1\n.note 客户说下周再联系\n.end thinking\n")
        #expect(try fixture.piped(["verify"], input: "").status == 0)
        let edited = try fixture.sqlite("DROP TRIGGER call_steps_no_update; UPDATE call_steps SET note = '改过了' WHERE seq = 4;")
        #expect(edited == "")
        let afterEdit = try fixture.piped(["verify"], input: "")
        #expect(afterEdit.status == 1)
        #expect(afterEdit.output.contains("call #1 step 4: its content was changed after it was logged"))
        _ = try fixture.sqlite("DROP TRIGGER call_steps_no_delete; DELETE FROM call_steps WHERE seq = 2;")
        let afterDelete = try fixture.piped(["verify"], input: "")
        #expect(afterDelete.output.contains("call #1 step 3: steps 2…2 are missing (deleted)"))
    }

    @Test func badDialogueFilesGiveClearErrorsNeverATrap() throws {
        let fixture = try Fixture()
        let cases: [(String, [UInt8], String)] = [
            ("empty.huashu", [], "H003"),
            ("binary.huashu", [0x00, 0xFF, 0xFE, 0x01, 0x89, 0x50], "H002"),
            ("truncated.huashu", Array("stage s 阶段\nnode a\n  say 价".utf8) + [0xE6, 0xA0], "H002"),
            ("gbk.huashu", [0x73, 0x61, 0x79, 0x20, 0xC4, 0xE3, 0xBA, 0xC3], "H002"),
            ("longline.huashu", Array(("stage s 阶段\nnode a\n  say " + String(repeating: "长", count: 5_000_000)).utf8), "H004"),
            ("cycle.huashu", Array("stage s 阶段\nnode a\n  - x -> b\nnode b\n  - y -> a\n".utf8), "H038"),
            ("deep.huashu", Array(("stage s 阶段\nnode a\n  say " + String(repeating: "[", count: 100_000)).utf8), "H005"),
        ]
        for (name, bytes, code) in cases {
            let path = fixture.folder.appendingPathComponent(name).path
            _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let result = try fixture.piped(["lint", path], input: "")
            #expect(result.status == 1, "\(name)")
            #expect(result.output.contains("\(path):") && result.output.contains("[\(code)]"), "\(name): \(result.output.prefix(300))")
        }
    }

    @Test func aDatabaseThatIsNotSQLiteReadOnlyOrNewerIsAClearError() throws {
        let fixture = try Fixture()
        let notDatabase = fixture.folder.appendingPathComponent("ledger.xlsx").path
        _ = FileManager.default.createFile(atPath: notDatabase, contents: Data("PK\u{03}\u{04} not sqlite".utf8))
        let wrong = try fixture.piped(["queue", "--db", notDatabase], input: "")
        #expect(wrong.status == 1)
        #expect(wrong.output.contains("is not a huashu database"))

        _ = try fixture.sqlite("INSERT INTO grdb_migrations VALUES ('v9: from the future')")
        let newer = try fixture.piped(["queue"], input: "")
        #expect(newer.status == 1)
        #expect(newer.output.contains("was written by a newer version of huashu"))

        let missing = fixture.folder.appendingPathComponent("mistyped.sqlite").path
        for command in [["queue"], ["calls"], ["report"], ["verify"], ["replay", "1"]] {
            let result = try fixture.piped(command + ["--db", missing], input: "")
            #expect(result.status == 1 && result.output.contains("no database at \(missing)"), "\(command): \(result.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: missing), "reading commands never create a database")

        // Tests may run as root, who ignores file modes: /proc is read-only for everyone.
        let nobody = try fixture.piped(["call", "粤B12345", "--db", "/proc/huashu/calls.sqlite"], input: "")
        #expect(nobody.status == 1)
        #expect(nobody.output.hasPrefix("huashu: cannot create the folder /proc/huashu"), "\(nobody.output)")
        #expect(!nobody.output.contains("Fatal error"))
    }
}

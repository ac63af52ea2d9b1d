import Foundation
import Testing

@Suite("huashu lint checks the rehearsal scenarios against the script")
struct ScenarioLintTests {
    @Test func theShippedScenariosPassAndAreReallyChecked() throws {
        let fixture = try Fixture()
        let dialogues = Fixture.repository.appendingPathComponent("Dialogues")
        #expect(try fixture.piped(["lint", dialogues.path], input: "") == (0, ""))
        // Only the scenarios: they are checked against the default script ($HUASHU_DIALOGUES).
        #expect(try fixture.piped(["lint", dialogues.appendingPathComponent("scenarios").path], input: "") == (0, ""))
        #expect(try fixture.piped(["lint", dialogues.appendingPathComponent("scenarios/40-two-objections.scenario").path], input: "") == (0, ""))
        let explained = try fixture.piped(["lint", "--lang", "en", "--explain", "H068"], input: "")
        #expect(explained.output.hasPrefix("H068 (error): A trainee who types what the customer said must find the handler meant."))
    }

    @Test func editingTheScriptTellsWhichRehearsalsItBroke() throws {
        let fixture = try Fixture()
        let copy = fixture.folder.appendingPathComponent("Dialogues")
        try FileManager.default.copyItem(at: Fixture.repository.appendingPathComponent("Dialogues"), to: copy)
        let objections = copy.appendingPathComponent("50-objections.huashu")
        let text = try String(contentsOf: objections, encoding: .utf8)
        // A removed answer, and a handler whose keys and cues no longer match what the customer says.
        var inHandler = false
        let withoutCues = text.components(separatedBy: "\n").filter { line in
            if line.hasPrefix("objection ") || line.hasPrefix("node ") { inHandler = line.hasPrefix("objection already_bought ") }
            return !(inHandler && line.hasPrefix("  cue "))
        }.joined(separator: "\n")
        try withoutCues.replacingOccurrences(of: "  - 别家报得低 -> cheaper_elsewhere\n", with: "")
            .replacingOccurrences(of: "objection already_bought 已经买了", with: "objection already_bought 已购")
            .replacingOccurrences(of: "keys 买了, 已经买了, 已经续了, 续过了, 已经办了, 交过钱了, 在别处买了, 早就买了, 办好了, 已经续保",
                                  with: "keys 已经续了, 续过了, 已经续保")
            .write(to: objections, atomically: true, encoding: .utf8)
        let result = try fixture.piped(["lint", copy.path], input: "", environment: ["LANG": "en_US.UTF-8"])
        #expect(result.status == 1)
        let output = result.output
        #expect(output.contains("scenarios/10-price-haggler.scenario:21:15: error: `price` has no answer `price>cheaper_elsewhere` [H066]"))
        #expect(output.contains(" 21 |   at price -> cheaper_elsewhere\n    |               ^~~~~~~~~~~~~~~~~\n"))
        #expect(output.contains("scenarios/50-already-bought.scenario:17:23: error: the customer's words `不用了，我已经在别处买了。` find "))
        #expect(output.contains("first, not `already_bought` [H068]"))
        #expect(output.contains("scenarios/00-words.scenario:"), "the shared words for already_bought are reported too")
        #expect(!output.contains(".huashu:"), "the script itself is still clean")
    }

    @Test func aBrokenScenarioFileIsReportedWithItsLine() throws {
        let fixture = try Fixture()
        let folder = fixture.folder.appendingPathComponent("rehearsals")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try """
            scenario late 迟到的客户
              name 周敏
              type 无所谓形
              at quote -> clos_confirm
              at qoute -> objection price
              at quote -> objection pricey
            """.write(to: folder.appendingPathComponent("late.scenario"), atomically: true, encoding: .utf8)
        let result = try fixture.piped(["lint", folder.path], input: "", environment: ["HUASHU_LANG": "en"])
        #expect(result.status == 1)
        #expect(result.output.contains("late.scenario:1:10: error: scenario `late` has no type [H062]"))
        #expect(result.output.contains("late.scenario:3:8: error: `无所谓形` is not a customer type [H061]"))
        #expect(result.output.contains("late.scenario:4:15: error: `quote` has no answer `quote>clos_confirm` [H066]"))
        #expect(result.output.contains("hint: did you mean `quote>close_confirm`?"))
        #expect(result.output.contains("late.scenario:5:6: error: the script has no step `qoute` [H065]"))
        #expect(result.output.contains("late.scenario:6:25: error: the script has no objection handler `pricey` [H067]"))
        #expect(result.output.hasSuffix("5 errors, 1 warning\n"), "and a warning: no words for `price` in this folder")
    }
}

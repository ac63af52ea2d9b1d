import Foundation
import Testing

/// `huashu lsp` driven over stdio by a real client (Scripts/lsp-client.py), as an editor drives it.
@Suite("huashu lsp with a real client")
struct LanguageServerTests {
    /// The guide's small script with a typo in a target, in a folder with a second script file.
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-lsp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try DiagnosticCatalogueTests.base.replacingOccurrences(of: "- 同意 -> done", with: "- 同意 -> dnoe")
            .replacingOccurrences(of: "stage close 成交\nnode done\n  say 好的，稍后把付款方式发给您，谢谢！\n  do outcome won\n", with: "")
            .write(to: folder.appendingPathComponent("10-demo.huashu"), atomically: true, encoding: .utf8)
        // `done` lives in another file of the folder: diagnostics and definitions see the whole script.
        try "stage close 成交\nnode done 成交\n  say 好的，稍后把付款方式发给您，谢谢！\n  do outcome won\n"
            .write(to: folder.appendingPathComponent("20-close.huashu"), atomically: true, encoding: .utf8)
        return folder
    }

    static func drive(_ file: URL, _ options: [String] = []) throws -> [String] {
        let client = Fixture.repository.appendingPathComponent("Scripts/lsp-client.py").path
        let result = try Fixture.run("/usr/bin/env", ["python3", client, Fixture.binary, file.path] + options,
                                     environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"])
        #expect(result.status == 0, "\(result.output)")
        return result.output.components(separatedBy: "\n")
    }

    @Test func aDiagnosticAppearsClearsWhenFixedAndTheDefinitionIsFound() throws {
        let lines = try Self.drive(Self.folder().appendingPathComponent("10-demo.huashu"))
        #expect(lines[0] == "capabilities: completionProvider definitionProvider hoverProvider textDocumentSync")
        // Line 18, columns 11-14 of the file (from 0 in LSP): the typo itself, in Chinese.
        #expect(lines.contains("opened: H032 1 17:10-14 没有 ID 为 `dnoe` 的步骤"))
        #expect(lines.contains("hover: H032 (错误): 回答通往一个不存在的步骤。请检查 ID 的拼写。"))
        #expect(lines.contains("fixed: 0 diagnostics"))
        #expect(lines.contains("definition: 20-close.huashu 1 5"))
        #expect(lines.contains("hover node: node done 成交 | ``` | 20-close.huashu:2"))
        #expect(lines.contains("targets: True True True"))
        #expect(lines.contains("placeholders: True True"))
        #expect(lines.contains("exit: 0"))
    }

    @Test func englishOnRequest() throws {
        let lines = try Self.drive(Self.folder().appendingPathComponent("10-demo.huashu"), ["--lang", "en"])
        #expect(lines.contains("opened: H032 1 17:10-14 unknown target `dnoe`"))
        #expect(lines.contains("hover: H032 (error): The answer leads to a step that does not exist. Check the spelling of the ID."))
    }
}

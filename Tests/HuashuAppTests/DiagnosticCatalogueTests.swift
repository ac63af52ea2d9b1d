import Foundation
import HuashuApp
import HuashuScript
import Testing

/// Every code in the catalogue, produced by its wrong example and not by its
/// right one, in Chinese and in English, as `huashu lint` prints it.
@Suite("every diagnostic code, in Chinese and English")
struct DiagnosticCatalogueTests {
    /// The complete small script of Dialogues/README.md: the catalogue's examples continue it.
    static let base: String = {
        let guide = try! String(contentsOf: Fixture.repository.appendingPathComponent("Dialogues/README.md"), encoding: .utf8)
        let start = guide.range(of: "# demo.huashu")!
        return String(guide[start.lowerBound...].prefix { $0 != "`" })
    }()

    static let baseScenario = """
        scenario haggler 嫌贵的客户
          name 张伟
          type 价格敏感型

        """

    /// Codes that no line added to the small script can show: a file's bytes, size or absence, a
    /// rehearsal going round in circles (the small script has no circle), and a cue measured against
    /// an evaluation set. Each has its own test (below, and in ObjectionSearchTests).
    static let codesWithoutExample: Set<DiagnosticCode> = [.notUTF8, .emptyFile, .fileTooLarge, .lineTooLong, .noScript, .scenarioNeverEnds,
                                                           .cueWinsWrongSearches]

    /// A folder holding the example where the catalogue places it, with the base script.
    static func folder(_ example: String, _ place: ExamplePlace) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-catalogue-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let write = { (name: String, text: String) in try text.write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        switch place {
        case .inHandler:
            try write("demo.huashu", base + example + "\n")
        case .fileStart:
            try write("00-example.huashu", example + "\n")
            try write("10-demo.huashu", base)
        case .scenario:
            try write("demo.huashu", base)
            try write("demo.scenario", baseScenario + example + "\n")
        case .scenarioFileStart:
            try write("demo.huashu", base)
            try write("00-example.scenario", example + "\n")
            try write("demo.scenario", baseScenario)
        }
        return folder.path
    }

    static func lint(_ path: String, _ language: Language) throws -> String {
        try LintReport.run([path], colored: false, language: language).text
    }

    /// The diagnostic lines (`file:line:col: severity: message [code]`) that carry the code.
    static func lines(of code: DiagnosticCode, in text: String) -> [Substring] {
        text.split(separator: "\n").filter { $0.hasSuffix("[\(code.rawValue)]") }
    }

    static func hasChinese(_ text: Substring) -> Bool {
        // Outside backticks: a quoted name may be Chinese in either language.
        text.split(separator: "`").enumerated().contains { $0.offset % 2 == 0 && $0.element.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) } }
    }

    @Test(arguments: DiagnosticCode.allCases)
    func theWrongExampleProducesTheCodeAndTheRightOneDoesNot(_ code: DiagnosticCode) throws {
        guard let example = code.entry.example else {
            #expect(Self.codesWithoutExample.contains(code), "\(code.rawValue) has no example and no test of its own")
            return
        }
        let wrong = try Self.folder(example.wrong, example.place)
        let chinese = try Self.lint(wrong, .zh)
        let english = try Self.lint(wrong, .en)
        let zhLines = Self.lines(of: code, in: chinese)
        let enLines = Self.lines(of: code, in: english)
        #expect(!zhLines.isEmpty, "\(code.rawValue) wrong example gives:\n\(chinese)")
        #expect(zhLines.count == enLines.count)
        for line in zhLines {
            #expect(line.contains(": \(code.severity.name(in: .zh)): "))
            #expect(Self.hasChinese(line.drop { $0 != " " }), "\(line)")
        }
        for line in enLines {
            #expect(line.contains(": \(code.severity.name(in: .en)): "))
            #expect(!Self.hasChinese(line.drop { $0 != " " }), "\(line)")
        }
        #expect(!chinese.contains("= hint:") && !english.contains("= 提示:"))

        let right = try Self.folder(example.right, example.place)
        let fixed = try Self.lint(right, .zh)
        #expect(Self.lines(of: code, in: fixed).isEmpty, "\(code.rawValue) right example still gives:\n\(fixed)")
        #expect(!fixed.contains(": 错误: "), "\(code.rawValue) right example has errors:\n\(fixed)")
    }

    @Test(arguments: DiagnosticCode.allCases)
    func explainingShowsTheExplanationAndTheExamplesInBothLanguages(_ code: DiagnosticCode) throws {
        let chinese = try LintReport.explanation(of: code.rawValue.lowercased(), language: .zh)
        let english = try LintReport.explanation(of: code.rawValue, language: .en)
        #expect(chinese.hasPrefix("\(code.rawValue) (\(code.severity.name(in: .zh))): \(code.explanation.zh)"))
        #expect(english.hasPrefix("\(code.rawValue) (\(code.severity.rawValue)): \(code.explanation.en)"))
        if let example = code.entry.example {
            #expect(chinese.contains("错误写法:\n    " + example.wrong.split(separator: "\n")[0]))
            #expect(english.contains("right:\n    " + example.right.split(separator: "\n")[0]))
        }
    }

    // MARK: Codes no script line can show

    static func codes(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasSuffix("]"), let open = line.lastIndex(of: "[") else { return nil }
            return String(line[line.index(after: open)..<line.index(before: line.endIndex)])
        }
    }

    static func file(_ bytes: [UInt8], named name: String = "bad.huashu") throws -> String {
        let folder = try self.folder("", .scenario)
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func aFileThatIsNotUTF8() throws {
        let path = try Self.file(Array("stage a 开场\n".utf8) + [0xB9, 0xFA, 0xA3, 0x0A])
        #expect(Self.codes(try Self.lint(path, .zh)) == ["H002"])
        #expect(try Self.lint(path, .zh).contains("错误: 文件不是 UTF-8 编码：字节 0xB9 不能组成字符 [H002]"))
        #expect(try Self.lint(path, .en).contains("error: file is not UTF-8: byte 0xB9 cannot start or continue a character [H002]"))
    }

    @Test func anEmptyFile() throws {
        let path = try Self.file(Array(" \n\n".utf8))
        #expect(try Self.lint(path, .zh).contains("1:1: 错误: 文件是空的 [H003]"))
        #expect(try Self.lint(path, .en).contains("1:1: error: file is empty [H003]"))
    }

    @Test func aFileTooLarge() throws {
        let path = try Self.file(Array(repeating: UInt8(ascii: "#"), count: SourceText.maximumBytes + 1))
        #expect(try Self.lint(path, .zh).contains("错误: 文件有 2048 KB，话术文件最大 2048 KB [H004]"))
        #expect(try Self.lint(path, .en).contains("error: file is 2048 KB; a script file may be at most 2048 KB [H004]"))
    }

    @Test func aLineTooLong() throws {
        let path = try Self.file(Array((Self.base + "  say " + String(repeating: "贵", count: 4000) + "\n").utf8))
        #expect(Self.codes(try Self.lint(path, .zh)) == ["H005"])
        #expect(try Self.lint(path, .zh).contains("错误: 这一行有 4006 个字，最多只能有 4000 个 [H005]"))
        #expect(try Self.lint(path, .en).contains("error: line has 4006 characters; at most 4000 are allowed [H005]"))
        let scenario = try Self.file(Array((Self.baseScenario + "  says price " + String(repeating: "贵", count: 4000) + "\n").utf8),
                                     named: "long.scenario")
        #expect(Self.codes(try Self.lint(scenario, .zh)) == ["H005"])
    }

    @Test func aFolderWithNoScript() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("huashu-empty-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(try Self.lint(folder.path, .zh).contains("错误: 没有可以加载的 .huashu 文件 [H040]"))
        #expect(try Self.lint(folder.path, .en).contains("error: no .huashu files to load [H040]"))
    }

    @Test func aRehearsalThatGoesRoundInCircles() throws {
        let folder = try Self.folder("", .inHandler)
        try (Self.base + "  - 再说说 -> price_again\nnode price_again\n  say 再比一比。\n  - 还是贵 -> price\n")
            .write(toFile: folder + "/demo.huashu", atomically: true, encoding: .utf8)
        try (Self.baseScenario + "  weight 1 at price -> price_again\n  weight 1 at price_again -> price\n  at quote say 太贵了 -> objection price\n")
            .write(toFile: folder + "/demo.scenario", atomically: true, encoding: .utf8)
        #expect(try Self.lint(folder, .zh).contains(": 警告: 走了"))
        #expect(Self.codes(try Self.lint(folder, .zh)).contains("H072"))
        #expect(try Self.lint(folder, .en).contains(": warning: after "))
    }
}

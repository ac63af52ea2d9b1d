import Foundation
import HuashuScript

/// `huashu lsp`: the dialogue scripts in the trainer's editor. Diagnostics as
/// the trainer types (the same as `huashu lint`, over the whole folder the file
/// belongs to, open files as they are in the editor), go to a node's
/// definition, completion of targets, placeholders, fields and keywords, and
/// hover with the `--explain` text of the diagnostic under the cursor (or the
/// declaring line of the node named there).
public final class LanguageServer {
    private let transport: LanguageServerTransport
    private let language: Language
    /// Open documents by path, as the editor has them.
    private var open: [String: String] = [:]
    /// What was last published for each file, so that a fixed file is cleared and hover can explain.
    private var published: [String: [Diagnostic]] = [:]
    private var shuttingDown = false

    init(transport: LanguageServerTransport, language: Language) {
        self.transport = transport
        self.language = language
    }

    /// Serves until the client sends `exit` or closes the connection; true when it shut down cleanly.
    public static func serve(language: Language) throws(UserError) -> Bool {
        let server = LanguageServer(transport: LanguageServerTransport(), language: language)
        while let message = try server.transport.read() {
            if message["method"] as? String == "exit" { return server.shuttingDown }
            server.handle(message)
        }
        return server.shuttingDown
    }

    func handle(_ message: [String: Any]) {
        let method = message["method"] as? String ?? ""
        let params = message["params"] as? [String: Any] ?? [:]
        let id = message["id"]
        switch method {
        case "initialize":
            reply(id, [
                "capabilities": [
                    "textDocumentSync": ["openClose": true, "change": 1],
                    "definitionProvider": true,
                    "hoverProvider": true,
                    "completionProvider": ["triggerCharacters": ["{", "[", ">", " "]],
                ] as [String: Any],
                "serverInfo": ["name": "huashu"],
            ])
        case "shutdown":
            shuttingDown = true
            reply(id, NSNull())
        case "textDocument/didOpen":
            guard let document = params["textDocument"] as? [String: Any], let path = Self.path(document["uri"]) else { return }
            open[path] = document["text"] as? String ?? ""
            publish(around: path)
        case "textDocument/didChange":
            guard let document = params["textDocument"] as? [String: Any], let path = Self.path(document["uri"]),
                  let text = (params["contentChanges"] as? [[String: Any]])?.last?["text"] as? String else { return }
            open[path] = text
            publish(around: path)
        case "textDocument/didSave":
            if let document = params["textDocument"] as? [String: Any], let path = Self.path(document["uri"]) { publish(around: path) }
        case "textDocument/didClose":
            guard let document = params["textDocument"] as? [String: Any], let path = Self.path(document["uri"]) else { return }
            open[path] = nil
            publish(around: path)
        case "textDocument/definition":
            reply(id, at(params).flatMap(definition) ?? NSNull())
        case "textDocument/hover":
            reply(id, at(params).flatMap(hover) ?? NSNull())
        case "textDocument/completion":
            reply(id, at(params).map(completion) ?? [])
        default:
            if id != nil && !method.hasPrefix("$/") {
                transport.send(["id": id!, "error": ["code": -32601, "message": "huashu lsp does not handle \(method)"]])
            }
        }
    }

    private func reply(_ id: Any?, _ result: Any) {
        guard let id else { return }
        transport.send(["id": id, "result": result])
    }

    // MARK: Files

    /// Where a request points: the file, its text, a line (from 0) and a UTF-16 column (from 0).
    struct Position {
        let path: String
        let text: String
        let line: Int
        let character: Int

        var lineText: Substring {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            return line < lines.count ? lines[line].prefix { $0 != "\r" } : ""
        }

        /// The line up to the cursor.
        var before: Substring {
            let line = lineText
            let utf16 = line.utf16
            let end = utf16.index(utf16.startIndex, offsetBy: min(character, utf16.count))
            return line[..<(String.Index(end, within: line) ?? line.endIndex)]
        }

        /// The ID (letters, digits, `_`) under the cursor.
        var word: String {
            let line = lineText
            let cut = before.endIndex
            let isID = { (c: Character) in c.isASCII && (c.isLetter || c.isNumber || c == "_") }
            let start = line[..<cut].reversed().prefix(while: isID).count
            let head = line.index(cut, offsetBy: -start)
            let tail = line[cut...].prefix(while: isID)
            return String(line[head..<tail.endIndex])
        }
    }

    private func at(_ params: [String: Any]) -> Position? {
        guard let document = params["textDocument"] as? [String: Any], let path = Self.path(document["uri"]),
              let position = params["position"] as? [String: Any],
              let line = position["line"] as? Int, let character = position["character"] as? Int,
              let text = open[path] ?? (try? String(contentsOfFile: path, encoding: .utf8)) else { return nil }
        return Position(path: path, text: text, line: line, character: character)
    }

    static func path(_ uri: Any?) -> String? {
        guard let uri = uri as? String, let url = URL(string: uri), url.isFileURL else { return nil }
        return url.standardizedFileURL.path
    }

    static func uri(_ path: String) -> String {
        URL(fileURLWithPath: path).absoluteString
    }

    /// The folder whose scripts a file is checked with: its own for a script, for a scenario
    /// the nearest folder above it that holds scripts (`Dialogues/` for `Dialogues/scenarios/`).
    private func root(of path: String) -> String {
        var folder = (path as NSString).deletingLastPathComponent
        if path.hasSuffix(".scenario") {
            for _ in 0..<4 {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                if names.contains(where: { $0.hasSuffix(".huashu") }) || open.keys.contains(where: { $0.hasPrefix(folder + "/") && $0.hasSuffix(".huashu") }) {
                    break
                }
                let parent = (folder as NSString).deletingLastPathComponent
                if parent == folder { break }
                folder = parent
            }
        }
        return folder
    }

    /// Every script and scenario under the root, open ones as the editor has them.
    private func sources(under root: String, fileExtension: String) -> [SourceText] {
        var paths = Set(open.keys.filter { $0.hasPrefix(root + "/") && $0.hasSuffix("." + fileExtension) })
        for name in FileManager.default.enumerator(atPath: root)?.compactMap({ $0 as? String }) ?? [] where name.hasSuffix("." + fileExtension) {
            paths.insert(root + "/" + name)
        }
        return paths.sorted().compactMap { path in
            if let text = open[path] { return SourceText(name: path, text: text) }
            guard let bytes = FileManager.default.contents(atPath: path) else { return nil }
            return SourceText(name: path, bytes: Array(bytes))
        }
    }

    // MARK: Diagnostics

    private func publish(around path: String) {
        let root = root(of: path)
        let scripts = sources(under: root, fileExtension: "huashu")
        let scenarios = sources(under: root, fileExtension: "scenario")
        var byFile: [String: [Diagnostic]] = [:]
        for diagnostic in LintReport.diagnostics(scripts: scripts, scenarios: scenarios) {
            // "No script here" belongs to no file: shown on the file being edited.
            byFile[diagnostic.location.file.isEmpty ? path : diagnostic.location.file, default: []].append(diagnostic)
        }
        let texts = Dictionary((scripts + scenarios).map { ($0.name, String(decoding: $0.bytes, as: UTF8.self)) }) { a, _ in a }
        let files = Set(byFile.keys).union(published.keys.filter { $0.hasPrefix(root + "/") }).union([path])
        for file in files.sorted() {
            let diagnostics = byFile[file] ?? []
            published[file] = diagnostics.isEmpty ? nil : diagnostics
            let lines = (texts[file] ?? open[file] ?? "").split(separator: "\n", omittingEmptySubsequences: false)
            transport.send(["method": "textDocument/publishDiagnostics", "params": [
                "uri": Self.uri(file),
                "diagnostics": diagnostics.map { lspDiagnostic($0, lines: lines) },
            ] as [String: Any]])
        }
    }

    private func lspDiagnostic(_ diagnostic: Diagnostic, lines: [Substring]) -> [String: Any] {
        var message = diagnostic.message.text(language)
        if let hint = diagnostic.hint { message += "\n" + (language == .zh ? "提示：" : "hint: ") + hint.text(language) }
        return [
            "range": range(diagnostic.location, lines: lines),
            "severity": diagnostic.severity == .error ? 1 : 2,
            "code": diagnostic.code.rawValue,
            "source": "huashu",
            "message": message,
        ]
    }

    /// A location's columns count Unicode scalars; LSP counts UTF-16 units.
    private func range(_ location: SourceLocation, lines: [Substring]) -> [String: Any] {
        let line = max(location.line - 1, 0)
        let text = line < lines.count ? lines[line].unicodeScalars : Substring("").unicodeScalars
        func utf16(_ scalars: Int) -> Int {
            text.prefix(max(scalars, 0)).reduce(0) { $0 + $1.utf16.count } + max(scalars - text.count, 0)
        }
        let start = utf16(location.column - 1)
        let end = utf16(location.column - 1 + location.length)
        return ["start": ["line": line, "character": start], "end": ["line": line, "character": max(end, start + 1)]]
    }

    // MARK: Requests

    private func definition(_ position: Position) -> Any? {
        guard let declared = declaration(of: position.word, from: position.path) else { return nil }
        return ["uri": Self.uri(declared.file), "range": range(declared.location, lines: declared.lines)]
    }

    /// Where the node or objection with this ID is declared in the script of the file's folder.
    private func declaration(of id: String, from path: String) -> (location: SourceLocation, file: String, number: Int, line: String, lines: [Substring])? {
        guard !id.isEmpty,
              let location = ScriptVocabulary.declarations(sources(under: root(of: path), fileExtension: "huashu"))[id] else { return nil }
        let lines = ((open[location.file] ?? (try? String(contentsOfFile: location.file, encoding: .utf8))) ?? "")
            .split(separator: "\n", omittingEmptySubsequences: false)
        let line = location.line - 1 < lines.count ? String(lines[location.line - 1]).trimmingSpaces : ""
        return (location, location.file, location.line, line, lines)
    }

    private func hover(_ position: Position) -> Any? {
        let here = (published[position.path] ?? []).filter { diagnostic in
            guard diagnostic.location.line - 1 == position.line else { return false }
            let range = self.range(diagnostic.location, lines: [position.lineText])
            let start = (range["start"] as? [String: Int])?["character"] ?? 0, end = (range["end"] as? [String: Int])?["character"] ?? 0
            return (start...end).contains(position.character)
        }
        var codes = here.map(\.code)
        if codes.isEmpty, let code = DiagnosticCode(rawValue: position.word.uppercased()) { codes = [code] }
        if codes.isEmpty, let declared = declaration(of: position.word, from: position.path) {
            // A node or objection named here: its declaring line and where it is.
            return ["contents": ["kind": "markdown", "value": "```\n\(declared.line)\n```\n\((declared.file as NSString).lastPathComponent):\(declared.number)"]]
        }
        guard !codes.isEmpty else { return nil }
        let text = codes.map { "```\n" + DiagnosticsFormatter.explanation(of: $0, in: language) + "```" }.joined(separator: "\n")
        return ["contents": ["kind": "markdown", "value": text]]
    }

    private func completion(_ position: Position) -> [[String: Any]] {
        let before = position.before
        let isScenario = position.path.hasSuffix(".scenario")
        let item = { (label: String, detail: String, kind: Int) -> [String: Any] in ["label": label, "detail": detail, "kind": kind] }
        if let open = before.lastIndex(of: "{"), !before[open...].contains("}") {
            return Placeholder.allCases.map { item($0.rawValue, $0.chinese, 6) }
        }
        if let open = before.lastIndex(where: { $0 == "[" || $0 == "【" }), !before[open...].contains(where: { $0 == "]" || $0 == "】" }) {
            return Clause.Field.allCases.map { item($0.rawValue, language == .zh ? "条件字段" : "condition field", 5) }
        }
        let trimmed = before.drop { $0 == " " || $0 == "\t" }
        let nodes = { () -> [[String: Any]] in
            let declarations = ScriptVocabulary.declarations(self.sources(under: self.root(of: position.path), fileExtension: "huashu"))
            return declarations.keys.sorted().map { item($0, (declarations[$0].map { "\(($0.file as NSString).lastPathComponent):\($0.line)" }) ?? "", 18) }
        }
        if ScriptVocabulary.hasArrow(trimmed) || (isScenario && (trimmed.hasPrefix("at ") || trimmed.hasPrefix("says "))) {
            return nodes() + (isScenario ? [item("objection", "", 14)] : [item("return", language == .zh ? "回到客户提出异议前的步骤" : "back to where the customer objected", 14)])
        }
        if trimmed.hasPrefix("do ") { return ScriptVocabulary.actions.map { item($0, "", 14) } }
        if !trimmed.contains(" ") {
            return (isScenario ? ScenarioParser.keywords : ScriptVocabulary.keywords).map { item($0, "", 14) }
        }
        return []
    }
}

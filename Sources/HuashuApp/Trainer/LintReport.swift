import Foundation
import HuashuEngine
import HuashuScript

/// The text `huashu lint` prints, and whether it found errors.
public struct LintReport: Sendable {
    public let text: String
    public let hasErrors: Bool

    /// Checks the dialogue files and the rehearsal scenarios (`.scenario`)
    /// in the given files and folders; scenarios are checked against the
    /// script, or against the default script when no `.huashu` file is given.
    /// With an evaluation set, a key or cue that makes its handler win cases
    /// labelled with another is reported.
    public static func run(_ paths: [String], colored: Bool, language: Language, eval: String? = nil) throws(UserError) -> LintReport {
        let scenarioFiles = paths.filter { $0.hasSuffix(".scenario") && !isFolder($0) }
        let scriptPaths = paths.filter { !scenarioFiles.contains($0) }
        let scenarioSources = try ScriptFiles.read(scenarioFiles + scriptPaths.filter(isFolder), fileExtension: "scenario")
        var sources = try ScriptFiles.read(scriptPaths)
        if sources.isEmpty && !scenarioSources.isEmpty {
            sources = try ScriptFiles.read([ScriptFiles.defaultPath])
        }
        // As compilers do, lint leaves the checked script to the end of the process: freeing a
        // model of thousands of nodes piece by piece costs a tenth of the run, for nothing.
        // Only for the one-shot `huashu lint`: a long-lived process (`huashu lsp`) must not.
        var (diagnostics, script) = checked(scripts: sources, scenarios: scenarioSources, keepingScript: true)
        if let eval, let script {
            diagnostics += try misleadingCues(eval, script: script)
            diagnostics.sort { $0.location < $1.location }
        }
        guard !diagnostics.isEmpty else { return LintReport(text: "", hasErrors: false) }
        let formatter = DiagnosticsFormatter(sources: sources + scenarioSources, colored: colored, language: language)
        return LintReport(text: formatter.format(diagnostics) + formatter.summary(of: diagnostics),
                          hasErrors: diagnostics.contains { $0.severity == .error })
    }

    /// A key or cue is misleading when it wins this many evaluation cases meant for another handler.
    static let misleadingWins = 2

    private static func misleadingCues(_ eval: String, script: Script) throws(UserError) -> [Diagnostic] {
        let result = ObjectionEval(try EvalFile.read(eval, script: script), finder: ObjectionFinder(script: script))
        return result.misleadingCues(atLeast: misleadingWins).compactMap { handlerID, text, count in
            guard let node = script.nodes[handlerID] else { return nil }
            let location = node.cues.first { $0.text == text }?.location ?? node.location
            return Diagnostic(.cueWinsWrongSearches,
                              Wording(en: "`\(text)` makes `\(handlerID)` win \(count) cases of \(eval) meant for other handlers",
                                      zh: "`\(text)` 让 `\(handlerID)` 赢了 \(eval) 里 \(count) 句本该属于别的异议处理的话"),
                              at: location,
                              hint: Wording(en: "see them with `huashu search --eval \(eval)`; make it longer, lower its weight, or add a negative cue",
                                            zh: "用 `huashu search --eval \(eval)` 查看这些句子；把词写长一点、降低权重，或者加一个负的提示词"))
        }
    }

    /// Everything lint finds in these scripts and the scenarios checked against them, by place.
    public static func diagnostics(scripts: [SourceText], scenarios: [SourceText]) -> [Diagnostic] {
        checked(scripts: scripts, scenarios: scenarios, keepingScript: false).diagnostics
    }

    /// The diagnostics and the compiled script, so that `--eval` measures the script lint checked.
    private static func checked(scripts: [SourceText], scenarios: [SourceText], keepingScript: Bool) -> (diagnostics: [Diagnostic], script: Script?) {
        let result = ScriptCompiler.compile(scripts)
        if keepingScript { _ = Unmanaged.passRetained(result.script as AnyObject) }
        var diagnostics = result.diagnostics
        if !scenarios.isEmpty {
            diagnostics += ScenarioChecker.lint(scenarios, script: result.script).diagnostics
            diagnostics.sort { $0.location < $1.location }
        }
        return (diagnostics, result.script)
    }

    static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    public static func explanation(of code: String, language: Language) throws(UserError) -> String {
        guard let found = DiagnosticCode(rawValue: code.uppercased()) else {
            throw UserError("no diagnostic has the code \(code); codes look like H032")
        }
        return DiagnosticsFormatter.explanation(of: found, in: language)
    }
}

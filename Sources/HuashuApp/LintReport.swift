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
    public static func run(_ paths: [String], colored: Bool, eval: String? = nil) throws(UserError) -> LintReport {
        let scenarioFiles = paths.filter { $0.hasSuffix(".scenario") && !isFolder($0) }
        let scriptPaths = paths.filter { !scenarioFiles.contains($0) }
        let scenarioSources = try ScriptFiles.read(scenarioFiles + scriptPaths.filter(isFolder), fileExtension: "scenario")
        var sources = try ScriptFiles.read(scriptPaths)
        if sources.isEmpty && !scenarioSources.isEmpty {
            sources = try ScriptFiles.read([ScriptFiles.defaultPath])
        }
        let result = ScriptCompiler.compile(sources)
        // As compilers do, lint leaves the checked script to the end of the process: freeing a
        // model of thousands of nodes piece by piece costs a tenth of the run, for nothing.
        // Only for the one-shot `huashu lint`: a long-lived process must not call this.
        _ = Unmanaged.passRetained(result.script as AnyObject)
        var diagnostics = result.diagnostics
        if !scenarioSources.isEmpty {
            diagnostics += ScenarioChecker.lint(scenarioSources, script: result.script).diagnostics
            diagnostics.sort { $0.location < $1.location }
        }
        if let eval, let script = result.script {
            diagnostics += try misleadingCues(eval, script: script)
            diagnostics.sort { $0.location < $1.location }
        }
        guard !diagnostics.isEmpty else { return LintReport(text: "", hasErrors: false) }
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.count - errors
        let text = DiagnosticsFormatter(sources: sources + scenarioSources, colored: colored).format(diagnostics)
            + "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        return LintReport(text: text, hasErrors: errors > 0)
    }

    /// A key or cue is misleading when it wins this many evaluation cases meant for another handler.
    static let misleadingWins = 2

    private static func misleadingCues(_ eval: String, script: Script) throws(UserError) -> [Diagnostic] {
        let result = ObjectionEval(try EvalFile.read(eval, script: script), finder: ObjectionFinder(script: script))
        return result.misleadingCues(atLeast: misleadingWins).compactMap { handlerID, text, count in
            guard let node = script.nodes[handlerID] else { return nil }
            let location = node.cues.first { $0.text == text }?.location ?? node.location
            return Diagnostic(.cueWinsWrongSearches, "`\(text)` makes `\(handlerID)` win \(count) cases of \(eval) meant for other handlers",
                              at: location, hint: "see them with `huashu search --eval \(eval)`; make it longer, lower its weight, or add a negative cue")
        }
    }

    private static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }

    public static func explanation(of code: String) throws(UserError) -> String {
        guard let found = DiagnosticCode(rawValue: code.uppercased()) else {
            throw UserError("no diagnostic has the code \(code); codes look like H032")
        }
        return "\(found.rawValue) (\(found.severity.rawValue)): \(found.explanation)"
    }
}

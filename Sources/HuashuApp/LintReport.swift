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
    public static func run(_ paths: [String], colored: Bool, language: Language) throws(UserError) -> LintReport {
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
        let diagnostics = self.diagnostics(scripts: sources, scenarios: scenarioSources, keepingScript: true)
        guard !diagnostics.isEmpty else { return LintReport(text: "", hasErrors: false) }
        let formatter = DiagnosticsFormatter(sources: sources + scenarioSources, colored: colored, language: language)
        return LintReport(text: formatter.format(diagnostics) + formatter.summary(of: diagnostics),
                          hasErrors: diagnostics.contains { $0.severity == .error })
    }

    /// Everything lint finds in these scripts and the scenarios checked against them, by place.
    public static func diagnostics(scripts: [SourceText], scenarios: [SourceText], keepingScript: Bool = false) -> [Diagnostic] {
        let result = ScriptCompiler.compile(scripts)
        if keepingScript { _ = Unmanaged.passRetained(result.script as AnyObject) }
        var diagnostics = result.diagnostics
        if !scenarios.isEmpty {
            diagnostics += ScenarioChecker.lint(scenarios, script: result.script).diagnostics
            diagnostics.sort { $0.location < $1.location }
        }
        return diagnostics
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

import HuashuScript

/// The text `huashu lint` prints, and whether it found errors.
public struct LintReport: Sendable {
    public let text: String
    public let hasErrors: Bool

    public static func run(_ paths: [String], colored: Bool) throws(UserError) -> LintReport {
        let sources = try ScriptFiles.read(paths)
        let result = ScriptCompiler.compile(sources)
        guard !result.diagnostics.isEmpty else { return LintReport(text: "", hasErrors: false) }
        let errors = result.errors.count
        let warnings = result.diagnostics.count - errors
        let text = DiagnosticsFormatter(sources: sources, colored: colored).format(result.diagnostics)
            + "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")\n"
        return LintReport(text: text, hasErrors: errors > 0)
    }

    public static func explanation(of code: String) throws(UserError) -> String {
        guard let found = DiagnosticCode(rawValue: code.uppercased()) else {
            throw UserError("no diagnostic has the code \(code); codes look like H032")
        }
        return "\(found.rawValue) (\(found.severity.rawValue)): \(found.explanation)"
    }
}

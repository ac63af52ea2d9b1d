import Foundation
import HuashuScript

/// Reads dialogue files from disk: a file, or every `.huashu` file in a folder
/// and its subfolders, in name order.
public enum ScriptFiles {
    public static let defaultFolder = "Dialogues"

    /// The folder to load when none is named: `$HUASHU_DIALOGUES`, else
    /// `Dialogues` here, else the scripts installed beside the program
    /// (`PREFIX/share/huashu/Dialogues`, where `Scripts/install` puts them).
    public static var defaultPath: String {
        if let named = ProcessInfo.processInfo.environment["HUASHU_DIALOGUES"] { return named }
        if FileManager.default.fileExists(atPath: defaultFolder) { return defaultFolder }
        let installed = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("share/huashu/Dialogues").path
        return FileManager.default.fileExists(atPath: installed) ? installed : defaultFolder
    }

    public static func read(_ paths: [String], fileExtension: String = "huashu") throws(UserError) -> [SourceText] {
        var sources: [SourceText] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw UserError("no such file or folder: \(path)")
            }
            if !isFolder.boolValue {
                sources.append(try readOne(path))
                continue
            }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            guard let walker = FileManager.default.enumerator(atPath: base) else { throw UserError("cannot read the folder \(path)") }
            let names = walker.compactMap { $0 as? String }.filter { $0.hasSuffix("." + fileExtension) }.sorted()
            for name in names { sources.append(try readOne(base + "/" + name)) }
        }
        return sources
    }

    /// Reads a file, but never more than one byte past what a script file may hold.
    private static func readOne(_ path: String) throws(UserError) -> SourceText {
        SourceText(name: path, bytes: try FileBytes.read(path, atMost: SourceText.maximumBytes + 1))
    }

    /// The scripts a supervisor's command reads only to name what the log holds: when they cannot be read, the
    /// command still runs on the log alone, and says on standard error what its output lacks without them.
    public static func forNames(_ paths: [String], lacking: String) -> Script? {
        do throws(UserError) {
            return try load(paths)
        } catch {
            printError("huashu: warning: \(error.description.split(separator: "\n").first ?? ""); \(lacking)")
            return nil
        }
    }

    /// Reads and compiles; a script with errors is a `UserError` carrying the formatted diagnostics.
    public static func load(_ paths: [String]) throws(UserError) -> Script {
        let sources = try read(paths)
        let result = ScriptCompiler.compile(sources)
        guard let script = result.script else {
            let report = DiagnosticsFormatter(sources: sources, language: MessageLanguage.fromEnvironment).format(result.errors)
            throw UserError("the call script has errors; fix them (see `huashu lint`):\n" + report)
        }
        return script
    }
}

import Foundation
import HuashuScript

/// Reads dialogue files from disk: a file, or every `.huashu` file in a folder
/// and its subfolders, in name order.
public enum ScriptFiles {
    public static let defaultFolder = "Dialogues"

    /// The folder to load when none is named: `$HUASHU_DIALOGUES`, else `Dialogues`.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["HUASHU_DIALOGUES"] ?? defaultFolder
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
        guard let handle = FileHandle(forReadingAtPath: path) else { throw UserError("cannot read \(path): permission denied or not a file") }
        defer { try? handle.close() }
        var bytes: [UInt8] = []
        let limit = SourceText.maximumBytes + 1
        // A regular file fits the first piece, sized by its length, and its bytes go there straight
        // from the system: no Data to copy them out of. Pipes and growing files take further pieces.
        var size = stat()
        var pieceSize = fstat(handle.fileDescriptor, &size) == 0 ? Int(size.st_size) + 1 : 64 * 1024
        while bytes.count < limit {
            let wanted = min(pieceSize, limit - bytes.count)
            let piece = try readPiece(of: handle, upTo: wanted, path: path)
            if bytes.isEmpty { bytes = piece } else { bytes += piece }
            if piece.count < wanted { break }
            pieceSize = 64 * 1024
        }
        return SourceText(name: path, bytes: bytes)
    }

    /// Reads and compiles; a script with errors is a `UserError` carrying the formatted diagnostics.
    public static func load(_ paths: [String]) throws(UserError) -> Script {
        let sources = try read(paths)
        let result = ScriptCompiler.compile(sources)
        guard let script = result.script else {
            let report = DiagnosticsFormatter(sources: sources).format(result.errors)
            throw UserError("the call script has errors; fix them (see `huashu lint`):\n" + report)
        }
        return script
    }
}

/// Up to `count` bytes, fewer only at the end of the file.
private func readPiece(of handle: FileHandle, upTo count: Int, path: String) throws(UserError) -> [UInt8] {
    var failure: Int32 = 0
    let piece = [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
        while filled < count {
            let got = read(handle.fileDescriptor, buffer.baseAddress! + filled, count - filled)
            if got > 0 {
                filled += got
            } else if got == 0 || errno != EINTR {
                failure = got < 0 ? errno : 0
                return
            }
        }
    }
    if failure != 0 { throw UserError("cannot read \(path): \(String(cString: strerror(failure)))") }
    return piece
}

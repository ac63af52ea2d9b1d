import Foundation

/// A file's bytes, read straight into one array: a regular file in one piece
/// sized by its length (no `Data` to copy out of), a pipe or a growing file in
/// further pieces. Scripts and ledgers are both read this way.
enum FileBytes {
    /// At most `limit` bytes; a caller that must refuse larger files asks for one byte more than it allows.
    static func read(_ path: String, atMost limit: Int = .max) throws(UserError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw failure(path, errno) }
        defer { close(fd) }
        var info = stat()
        // A pipe or a device has no size to go by.
        var pieceSize = fstat(fd, &info) == 0 && info.st_size > 0 ? Int(info.st_size) + 1 : 1 << 16
        var bytes: [UInt8] = []
        while bytes.count < limit {
            let wanted = min(pieceSize, limit - bytes.count)
            let piece = try readPiece(fd, upTo: wanted, path: path)
            if bytes.isEmpty { bytes = piece } else { bytes += piece }
            if piece.count < wanted { break }
            pieceSize = 1 << 16
        }
        return bytes
    }

    /// Up to `count` bytes, fewer only at the end of the file.
    private static func readPiece(_ fd: Int32, upTo count: Int, path: String) throws(UserError) -> [UInt8] {
        var error: Int32 = 0
        let piece = [UInt8](unsafeUninitializedCapacity: count) { buffer, filled in
            while filled < count {
                let got = Foundation.read(fd, buffer.baseAddress! + filled, count - filled)
                if got > 0 {
                    filled += got
                } else if got == 0 || errno != EINTR {
                    error = got < 0 ? errno : 0
                    return
                }
            }
        }
        if error != 0 { throw failure(path, error) }
        return piece
    }

    private static func failure(_ path: String, _ code: Int32) -> UserError {
        UserError("cannot read \(path): \(String(cString: strerror(code)))")
    }
}

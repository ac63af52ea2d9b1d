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

/// Every file the program writes (rejected rows, reports, seals) may hold
/// customers' names, phones and IDs: it is written mode 0600, and an
/// existing file is narrowed to 0600 before its new content goes in.
enum PrivateFile {
    static func write(_ bytes: [UInt8], to path: String, what: String) throws(UserError) {
        let fd = try open(path, what: what)
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw failure(what, path, errno) }
            offset += written
        }
    }

    /// The file made empty (or new) and readable by its owner alone, open for writing; the caller closes it.
    static func open(_ path: String, what: String) throws(UserError) -> Int32 {
        let fd = Foundation.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(what, path, errno) }
        // Only a regular file is narrowed: `--out /dev/stdout` must not change the terminal's mode.
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            close(fd)
            throw failure(what, path, errno)
        }
        if info.st_mode & S_IFMT == S_IFREG && fchmod(fd, 0o600) != 0 {
            let code = errno
            close(fd)
            throw failure(what, path, code)
        }
        return fd
    }

    static func failure(_ what: String, _ path: String, _ code: Int32) -> UserError {
        if code == ENOSPC || code == EDQUOT {
            return UserError("cannot write \(what) to \(path): the disk is full; free some space and run the command again")
        }
        return UserError("cannot write \(what) to \(path): \(String(cString: strerror(code)))")
    }
}

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
/// customers' names, phones and IDs: it is written mode 0600. A regular file
/// (or a new one) is written beside its place under a temporary name and
/// renamed into place only when whole, so a failure part-way (a database
/// read, a full disk) leaves the old file as it was and no temporary behind;
/// `--out /dev/stdout` or a FIFO is written directly.
enum PrivateFile {
    static func write(_ bytes: [UInt8], to path: String, what: String) throws(UserError) {
        try replace(path, what: what) { fd throws(UserError) in
            var offset = 0
            while offset < bytes.count {
                let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + offset, bytes.count - offset) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw failure(what, path, errno) }
                offset += written
            }
        }
    }

    /// Hands `body` a descriptor open for writing the file's new content; the file takes it only if `body` returns.
    static func replace(_ path: String, what: String, _ body: (Int32) throws(UserError) -> Void) throws(UserError) {
        var info = stat()
        let exists = stat(path, &info) == 0
        if exists && info.st_mode & S_IFMT != S_IFREG {
            let fd = Foundation.open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
            guard fd >= 0 else { throw failure(what, path, errno) }
            defer { close(fd) }
            return try body(fd)
        }
        // A link to the file is kept: the file it names is the one replaced.
        let target = exists ? (realpath(path, nil).map { resolved in defer { free(resolved) }; return String(cString: resolved) } ?? path) : path
        let slash = target.lastIndex(of: "/")
        let folder = slash.map { String(target[...$0]) } ?? ""
        var template = Array("\(folder).\(slash.map { String(target[target.index(after: $0)...]) } ?? target).XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw failure(what, path, errno) }
        let temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do throws(UserError) {
            try body(fd)
            guard fsync(fd) == 0 else { throw failure(what, path, errno) }
            guard close(fd) == 0 else {
                unlink(temporary)
                throw failure(what, path, errno)
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, target) == 0 else {
            let code = errno
            unlink(temporary)
            throw failure(what, path, code)
        }
    }

    static func failure(_ what: String, _ path: String, _ code: Int32) -> UserError {
        if code == ENOSPC || code == EDQUOT {
            return UserError("cannot write \(what) to \(path): the disk is full; free some space and run the command again")
        }
        return UserError("cannot write \(what) to \(path): \(String(cString: strerror(code)))")
    }
}

import Foundation
import HuashuStore

/// The push after each call: a `huashu sync --background` of its own, detached
/// from the terminal, so the agent never waits for the network. What it finds
/// is left beside the database: when the central store cannot be reached, the
/// desk says so once, on the next call's end, and the next push that gets
/// through clears it and catches up.
enum CentralBackgroundPush {
    /// Starts the push for the desk's file when a central store is configured; says once that it is out of reach.
    static func afterCall(_ options: CallOptions) {
        guard let url = options.central, case .file(let path) = options.database else { return }
        announceOutage(database: path)
        var pid = pid_t()
        var attributes = posix_spawnattr_t()
        var files = posix_spawn_file_actions_t()
        posix_spawnattr_init(&attributes)
        posix_spawn_file_actions_init(&files)
        defer {
            posix_spawnattr_destroy(&attributes)
            posix_spawn_file_actions_destroy(&files)
        }
        // Its own session: a Ctrl-C at the agent's prompt, or closing the terminal, does not cut the push.
        posix_spawnattr_setflags(&attributes, Self.newSession)
        for descriptor in [0, 1, 2] { posix_spawn_file_actions_addopen(&files, Int32(descriptor), "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0) }
        let arguments = ["huashu", "sync", "--background", "--db", path, "--central", url]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        _ = posix_spawn(&pid, "/proc/self/exe", &files, &attributes, argv, environ)
    }

    /// glibc's POSIX_SPAWN_SETSID, which its headers give only under _GNU_SOURCE.
    private static let newSession: Int16 = 0x80

    /// Where the last background push left word that the central store was out of reach.
    static func outageFile(_ database: String) -> String { database + "-central-offline" }

    /// Prints the outage once: the file says `new` until it has been said.
    private static func announceOutage(database: String) {
        let file = outageFile(database)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), text.hasPrefix("new\n") else { return }
        let reason = text.dropFirst(4).trimmingCharacters(in: .whitespacesAndNewlines)
        printError("中心库暂时连不上(\(reason));通话照常记在本机,连上后自动补传。")
        try? ("said\n" + reason + "\n").write(toFile: file, atomically: true, encoding: .utf8)
    }

    /// The end of a background push: an outage is noted (once), a push that got through clears it.
    static func note(database: String, failure: String?) {
        let file = outageFile(database)
        guard let failure else {
            try? FileManager.default.removeItem(atPath: file)
            return
        }
        if !FileManager.default.fileExists(atPath: file) {
            try? ("new\n" + failure + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        }
    }
}

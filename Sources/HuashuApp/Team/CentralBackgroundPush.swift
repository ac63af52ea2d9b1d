import Foundation
import HuashuStore

/// The push after each call: a `huashu sync --background` of its own, detached
/// from the terminal, so the agent never waits for the network. What it finds
/// is left beside the database: when the central store cannot be reached, the
/// desk says so once, on the next call's end, and the next push that gets
/// through clears it and catches up.
enum CentralBackgroundPush {
    /// Starts the push for the desk's file when a central store is configured; says once that it is out of reach,
    /// unless the command already said so (`outageSaid`: the pull or the lease before the call could not connect).
    static func afterCall(_ options: CallOptions, outageSaid: Bool) {
        guard let url = options.central, case .file(let path) = options.database else { return }
        announceOutage(database: path, alreadySaid: outageSaid)
        spawn(["sync", "--background", "--db", path, "--central", url], input: nil)
    }

    /// Starts `huashu ARGUMENTS` detached: its own session (a Ctrl-C at the agent's prompt, or closing the
    /// terminal, does not cut it), its output to /dev/null, its input from `input` or /dev/null.
    static func spawn(_ arguments: [String], input: Int32?) {
        var pid = pid_t()
        var attributes = posix_spawnattr_t()
        var files = posix_spawn_file_actions_t()
        posix_spawnattr_init(&attributes)
        posix_spawn_file_actions_init(&files)
        defer {
            posix_spawnattr_destroy(&attributes)
            posix_spawn_file_actions_destroy(&files)
        }
        posix_spawnattr_setflags(&attributes, Self.newSession)
        if let input { posix_spawn_file_actions_adddup2(&files, input, 0) }
        for descriptor in input == nil ? [0, 1, 2] : [1, 2] {
            posix_spawn_file_actions_addopen(&files, Int32(descriptor), "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        let argv = (["huashu"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        _ = posix_spawn(&pid, "/proc/self/exe", &files, &attributes, argv, environ)
    }

    /// glibc's POSIX_SPAWN_SETSID, which its headers give only under _GNU_SOURCE.
    private static let newSession: Int16 = 0x80

    /// Where the last background push left word that the central store was out of reach.
    static func outageFile(_ database: String) -> String { database + "-central-offline" }

    /// Prints the outage once: the file says `new` until it has been said.
    private static func announceOutage(database: String, alreadySaid: Bool) {
        let file = outageFile(database)
        guard let text = try? String(contentsOfFile: file, encoding: .utf8), text.hasPrefix("new\n") else { return }
        let reason = text.dropFirst(4).trimmingCharacters(in: .whitespacesAndNewlines)
        if !alreadySaid { printError("中心库暂时连不上(\(reason));通话照常记在本机,连上后自动补传。") }
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

/// The push of a call in progress, so the wallboard is live: a `huashu sync --follow`
/// started with the call, told of each committed step by one byte on a pipe. The
/// step never waits: the write does not block, and a full pipe already has a push coming.
/// The call closing the pipe (or dying) ends it; the push after the call sends the rest.
final class LivePush {
    private let wire: Int32

    /// Started when a central store is configured for the desk's file; nil otherwise, or when no pipe can be had.
    static func start(_ options: CallOptions) -> LivePush? {
        guard let url = options.central, case .file(let path) = options.database else { return nil }
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else { return nil }
        // Neither end goes to another program the call starts; the push gets the reading end as its input.
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        _ = fcntl(ends[1], F_SETFL, fcntl(ends[1], F_GETFL) | O_NONBLOCK)
        // A push that died leaves a pipe nobody reads: the write then fails, and must not end the call.
        Glibc.signal(SIGPIPE, SIG_IGN)
        CentralBackgroundPush.spawn(["sync", "--follow", "--db", path, "--central", url], input: ends[0])
        close(ends[0])
        return LivePush(wire: ends[1])
    }

    private init(wire: Int32) {
        self.wire = wire
    }

    deinit { close(wire) }

    /// A step is committed.
    func stepped() {
        var byte: UInt8 = 1
        _ = write(wire, &byte, 1)
    }
}

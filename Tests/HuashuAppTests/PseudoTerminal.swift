import Foundation
import Testing

/// A real terminal for end-to-end tests: the program runs on the slave side
/// of a pseudo-terminal, so libedit is really used; the test types keys on
/// the master side and reads what a person would see.
final class PseudoTerminal {
    private let master: Int32
    private(set) var pid: pid_t = 0
    private var output = [UInt8]()
    /// After one failed wait the rest of a test fails at once instead of timing out step by step.
    private var failed = false

    init(_ arguments: [String], environment: [String: String], columns: UInt16 = 100, rows: UInt16 = 50) throws {
        // posix_openpt and friends are hidden from Swift's Glibc module; these are their Linux ioctls.
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0
        var number: UInt32 = 0
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430
        guard master >= 0, ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            throw TestFailure("no pseudo-terminal available")
        }
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        let slavePath = "/dev/pts/\(number)"
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, slavePath, O_RDWR, 0) }
        posix_spawn_file_actions_addclose(&actions, master)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A new session on the terminal, with the signals a person's shell would give it.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var interrupt = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &interrupt)
        let setsid: Int32 = 0x80  // POSIX_SPAWN_SETSID, hidden from Swift like the above
        posix_spawnattr_setflags(&attributes, Int16(setsid | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        let status = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard status == 0 else { throw TestFailure("cannot start \(arguments[0]): \(String(cString: strerror(status)))") }
    }

    deinit {
        if pid > 0 { Glibc.kill(pid, SIGKILL); var status: Int32 = 0; waitpid(pid, &status, 0) }
        close(master)
    }

    /// Types text as keystrokes.
    func type(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count) }
    }

    /// Every byte the program wrote so far, escape codes included.
    var written: [UInt8] { output }

    /// Everything shown so far, without escape codes.
    var screen: String { Self.plain(String(decoding: output, as: UTF8.self)) }

    /// Waits until the screen shows `text` after the `since` offset; fails the test after `timeout`.
    @discardableResult
    func waitFor(_ text: String, since: Int = 0, timeout: TimeInterval = 15, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let deadline = Date().addingTimeInterval(failed ? 0.2 : timeout)
        while Date() < deadline {
            if tail(from: since).contains(text) { return true }
            pump(milliseconds: 50)
        }
        if failed { return false }
        failed = true
        Issue.record("timed out waiting for \(text.debugDescription); screen ends with:\n\(String(screen.suffix(1500)))", sourceLocation: sourceLocation)
        return false
    }

    /// The screen text from a mark, as counted by `mark`.
    func tail(from mark: Int) -> String {
        let text = screen
        return mark < text.count ? String(text.dropFirst(mark)) : ""
    }

    /// A position in the screen text; later waits can look only past it.
    var mark: Int { screen.count }

    /// Picks the numbered answer whose text contains `words` on the newest screen, as an agent would.
    @discardableResult
    func choose(_ words: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let lines = screen.components(separatedBy: "\n").reversed()
        guard let line = lines.first(where: { $0.range(of: #"^ \d+\) "#, options: .regularExpression) != nil && $0.contains(words) }),
              let number = line.split(separator: ")").first?.trimmingCharacters(in: .whitespaces) else {
            Issue.record("no answer containing \(words) on screen:\n\(String(screen.suffix(1200)))", sourceLocation: sourceLocation)
            return ""
        }
        type(number + "\r")
        pump(milliseconds: 50)
        return number
    }

    func pump(milliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while poll(&descriptor, 1, milliseconds) > 0 {
            var buffer = [UInt8](repeating: 0, count: 8192)
            let count = read(master, &buffer, buffer.count)
            guard count > 0 else { return }
            output += buffer[0..<count]
        }
    }

    /// Waits for the program to exit and returns its exit status.
    func waitForExit(timeout: TimeInterval = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            pump(milliseconds: 20)
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                pid = 0
                pump(milliseconds: 20)
                return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            }
        }
        return nil
    }

    func kill(signal: Int32) {
        Glibc.kill(pid, signal)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        pid = 0
    }

    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[ -/]*[@-~]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\u{1B}[()][0-9A-Za-z]", with: "", options: .regularExpression)
            .replacingOccurrences(of: "\r", with: "")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

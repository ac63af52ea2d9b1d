import CLibEdit
import Foundation
import HuashuText

/// What reading one line can give.
public enum LineInput: Equatable, Sendable {
    case line(String)
    /// Ctrl-C: the agent abandoned what they were typing.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
    /// A lone Esc: the agent left a choice (the search's pick mode); the line is dropped.
    case escaped
}

/// Reads the agent's input. libedit on a terminal; plain lines from a pipe,
/// so the same commands can be scripted and tested.
public protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineInput
    /// Gives the words the Tab key may complete; asked only when Tab is pressed.
    var completer: (@Sendable () -> [String])? { get set }
}

/// Plain line reading for pipes and files, with no escape codes. Each line
/// read is echoed after its prompt, so the output reads as a transcript.
/// Output is held while more input is already waiting and written before a
/// read that may wait, as C's standard I/O does for a pipe: a script driving
/// the call line by line sees each screen before it answers, and a whole
/// script piped in is not written out one small piece per step.
public final class PipeReader: LineReader {
    public var completer: (@Sendable () -> [String])?
    /// Input read but not yet given out as lines, from `start`.
    private var buffer: [UInt8] = []
    private var start = 0
    private var chunk = [UInt8](repeating: 0, count: 65_536)
    private var atEnd = false

    public init() {}

    public func readLine(prompt: String) -> LineInput {
        guard let line = nextLine() else { return .endOfInput }
        // The echo of what was typed: control codes in it are shown, never sent on.
        StandardOutput.hold((prompt + TerminalText.visible(line) + "\n").utf8)
        return .line(line)
    }

    /// The next line without its LF or CRLF; the last line may have no ending.
    private func nextLine() -> String? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return line(endingAt: newline)
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return line(endingAt: buffer.count)
            }
            buffer.removeSubrange(0..<start)
            start = 0
            StandardOutput.flush()
            let count = Glibc.read(0, &chunk, chunk.count)
            if count > 0 {
                buffer += chunk[..<count]
            } else if count == 0 || errno != EINTR {
                atEnd = true
            }
        }
    }

    private func line(endingAt end: Int) -> String {
        let end = end > start && buffer[end - 1] == UInt8(ascii: "\r") ? end - 1 : end
        return String(decoding: buffer[start..<end], as: UTF8.self)
    }
}

/// Standard output written straight from a string's bytes: a call draws a
/// screen per step, and going through `FileHandle` and `Data` copies each one.
/// What a step says is held and written whole when the program next waits for
/// input, so a step reaches the terminal (or the pipe) in one write, not several.
public enum StandardOutput {
    nonisolated(unsafe) private static var held: [UInt8] = []

    /// Writes at once, after anything held.
    public static func write(_ text: String) {
        flush()
        var text = text
        text.withUTF8 { writeAll($0) }
    }

    /// Keeps UTF-8 (`text.utf8`, or bytes built for a screen) until the next `flush` or
    /// `write`, or until a pipe's worth is held.
    public static func hold<Bytes: Sequence<UInt8>>(_ utf8: Bytes) {
        held.append(contentsOf: utf8)
        if held.count >= 65_536 { flush() }
    }

    /// Writes what is held; every reader calls it before it waits.
    public static func flush() {
        guard !held.isEmpty else { return }
        held.withUnsafeBufferPointer { writeAll($0) }
        held.removeAll(keepingCapacity: true)
    }

    private static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(1, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            // A closed or failing output cannot be reported anywhere better; the call log is what counts.
            guard written > 0 else { return }
            offset += written
        }
    }
}

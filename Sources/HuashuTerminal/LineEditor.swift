import CLibEdit
import Foundation

/// What reading one line can give.
public enum LineInput: Equatable, Sendable {
    case line(String)
    /// Ctrl-C: the agent abandoned what they were typing.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// Reads the agent's input. libedit on a terminal; plain lines from a pipe,
/// so the same commands can be scripted and tested.
public protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineInput
    /// Gives the words the Tab key may complete; asked only when Tab is pressed.
    var completer: (@Sendable () -> [String])? { get set }
}

public enum LineReaders {
    /// libedit when standard input is a terminal, plain lines otherwise.
    public static func standard(historyFile: String?) -> LineReader {
        isatty(0) == 1 ? LibEditReader(historyFile: historyFile) : PipeReader()
    }
}

/// Plain line reading for pipes and files, with no escape codes. Each line
/// read is echoed after its prompt, so the output reads as a transcript.
public final class PipeReader: LineReader {
    public var completer: (@Sendable () -> [String])?

    public init() {}

    public func readLine(prompt: String) -> LineInput {
        guard var line = Swift.readLine(strippingNewline: true) else { return .endOfInput }
        if line.hasSuffix("\r") { line.removeLast() }
        StandardOutput.write(prompt + line + "\n")
        return .line(line)
    }
}

/// Standard output written straight from a string's bytes: a call draws a
/// screen per step, and going through `FileHandle` and `Data` copies each one.
public enum StandardOutput {
    public static func write(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
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
}

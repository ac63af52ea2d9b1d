import Foundation
import HuashuTerminal

public enum StandardStream {
    case standardInput, standardOutput, standardError

    var descriptor: Int32 {
        switch self {
        case .standardInput: return 0
        case .standardOutput: return 1
        case .standardError: return 2
        }
    }
}

public func isTerminal(_ stream: StandardStream) -> Bool {
    isatty(stream.descriptor) == 1
}

/// Writes a line to standard error, after what standard output holds, so a terminal shows them in order.
public func printError(_ message: String) {
    StandardOutput.flush()
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

import Foundation

public enum StandardStream {
    case standardOutput, standardError

    var descriptor: Int32 {
        switch self {
        case .standardOutput: return 1
        case .standardError: return 2
        }
    }
}

public func isTerminal(_ stream: StandardStream) -> Bool {
    isatty(stream.descriptor) == 1
}

/// Writes a line to standard error.
public func printError(_ message: String) {
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

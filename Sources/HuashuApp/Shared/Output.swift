import Foundation
import HuashuTerminal
import HuashuText

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
/// Error messages quote ledger cells and typed words: they are shown as `PrivateText` shows them.
public func printError(_ message: String) {
    StandardOutput.flush()
    let message = PrivateText.shown(message)
    FileHandle.standardError.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
}

/// Messages that quote what a ledger or a user gave (import problems, errors):
/// phone and ID numbers masked, control codes shown, line breaks kept.
enum PrivateText {
    static func shown(_ text: String) -> String {
        TerminalText.visible(PersonalData.masked(text), keeping: .lineBreaks)
    }
}

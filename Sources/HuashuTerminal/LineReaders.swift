import CLibEdit
import Foundation
import HuashuText

/// The line reader a call gets: the editor on a terminal, plain lines from a pipe.
public enum LineReaders {
    /// libedit when standard input is a terminal, plain lines otherwise. `historyEntry` says what
    /// of a line the history file may keep (nil: nothing), so personal data stays in the database.
    public static func standard(historyFile: String?, historyEntry: @escaping (String) -> String?) -> LineReader {
        isatty(0) == 1 ? LibEditReader(historyFile: historyFile, historyEntry: historyEntry) : PipeReader()
    }
}

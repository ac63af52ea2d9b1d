import Foundation

/// The size of the terminal standard output draws on; 80x24 when it is not a terminal
/// or reports nonsense, so output meant for a screen still has a shape in a pipe.
public struct TerminalSize: Equatable, Sendable {
    public let columns: Int
    public let rows: Int

    public init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    public static var standardOutput: TerminalSize {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0 else { return TerminalSize(columns: 80, rows: 24) }
        return TerminalSize(columns: size.ws_col > 20 ? Int(size.ws_col) : 80, rows: size.ws_row > 5 ? Int(size.ws_row) : 24)
    }
}

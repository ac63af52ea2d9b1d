import Foundation
import HuashuStore
import HuashuTerminal

// How a live call meets the terminal: its width and styling, and the notice of a busy database.

extension CallView {
    static var forStandardOutput: CallView {
        CallView(width: TerminalSize.standardOutput.columns, styled: isatty(1) == 1)
    }
}

extension BusyWait {
    /// A live call never dies of a busy database: after a moment the agent sees
    /// that the step is being saved, the screen stays, and Ctrl-C offers to
    /// leave the call resumable instead of waiting on.
    static let liveCall = BusyWait(noticeAfter: 0.3, notice: {
        StandardOutput.write("保存中…(数据库正被别的程序占用,保存好之前会一直等;按 Ctrl-C 可选择稍后继续)\n")
    }, giveUp: { Interrupt.pending })
}

import Foundation
import HuashuTerminal

/// The clock of a rehearsal whose input is piped: every line arrives at once,
/// so the wall clock would time the whole call at 00:00. Instead each line
/// counts the time a trainee takes to read the screen and type it: three
/// seconds, and one more per character typed. The same input always takes the
/// same time, so a piped rehearsal's times (score sheet, log, coverage) can be compared.
final class InputClock {
    static let readingSeconds = 3.0
    static let secondsPerCharacter = 1.0

    private let start: Date
    private var elapsed = 0.0

    init(start: Date) {
        self.start = start
    }

    func now() -> Date {
        start.addingTimeInterval(elapsed)
    }

    func read(_ line: String) {
        elapsed += Self.readingSeconds + Self.secondsPerCharacter * Double(line.trimmingSpaces.count)
    }
}

/// A line reader that tells the clock of every line it reads.
final class ClockedReader: LineReader {
    private let reader: LineReader
    private let clock: InputClock

    init(_ reader: LineReader, clock: InputClock) {
        self.reader = reader
        self.clock = clock
    }

    var completer: (@Sendable () -> [String])? {
        get { reader.completer }
        set { reader.completer = newValue }
    }

    func readLine(prompt: String) -> LineInput {
        let input = reader.readLine(prompt: prompt)
        if case .line(let text) = input { clock.read(text) }
        return input
    }
}

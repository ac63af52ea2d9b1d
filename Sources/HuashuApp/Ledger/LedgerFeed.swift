import Foundation
import HuashuLedger
import HuashuStore

/// Reads a ledger on a thread of its own and hands its customers over in
/// batches, so that with two cores the later rows are checked while the
/// earlier ones are written. Only a few batches wait at a time, which keeps
/// the memory of a large file small.
final class LedgerFeed: @unchecked Sendable {  // every var is guarded by `condition`
    static let batchRows = 2_000
    static let waitingBatches = 4

    private let condition = NSCondition()
    private var waiting: [(entries: [LedgerEntry], rowsRead: Int)] = []
    private var finished: Result<LedgerRows, LedgerFileError>?
    private var stopped = false
    /// The batch handed out last, and those the writer is done with: freed here on the
    /// reading thread, which has time to spare, rather than on the writer's.
    private var handedOut: [LedgerEntry]?
    private var spent: [[LedgerEntry]] = []
    private let stopsAtFirstProblem: Bool

    /// Starts reading at once. With `stopsAtFirstProblem`, no customer is
    /// handed over after the first bad row (they would not be kept), but the
    /// file is still read to the end to name every problem.
    init(_ rows: LedgerRows, stopsAtFirstProblem: Bool) {
        self.stopsAtFirstProblem = stopsAtFirstProblem
        Thread.detachNewThread { [self] in read(rows) }
    }

    private func read(_ start: LedgerRows) {
        var rows = start
        let outcome: Result<LedgerRows, LedgerFileError>
        do {
            while true {
                // Each good row is made into its entry as it is read, while its batch can still be kept.
                let keeping = wanted(after: rows)
                var entries: [LedgerEntry] = []
                if keeping { entries.reserveCapacity(Self.batchRows) }
                guard try rows.next(rows: Self.batchRows, each: { record in if keeping { entries.append(ledgerRow: record) } }) else { break }
                guard keeping, wanted(after: rows) else { continue }
                condition.lock()
                while waiting.count >= Self.waitingBatches && !stopped { condition.wait() }
                if !stopped { waiting.append((entries, rows.rowsRead)) }
                let done = spent
                spent = []
                condition.broadcast()
                condition.unlock()
                _ = consume done
            }
            outcome = .success(rows)
        } catch {
            outcome = .failure(error)
        }
        condition.lock()
        finished = outcome
        condition.broadcast()
        condition.unlock()
    }

    /// False once nothing more is wanted: stopped, or a bad row read when the feed stops at the first.
    private func wanted(after rows: LedgerRows) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if stopsAtFirstProblem && !rows.problems.isEmpty && !stopped {
            stopped = true
            condition.broadcast()
        }
        return !stopped
    }

    /// The next batch of rows to store and the number of rows read up to its
    /// last, waiting for the reader if need be; nil when there are no more.
    func next() -> (entries: [LedgerEntry], rowsRead: Int)? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && finished == nil && !stopped { condition.wait() }
        // Asking for the next batch, the writer has let go of the one before.
        if let previous = handedOut { spent.append(previous) }
        handedOut = waiting.first?.entries
        guard !waiting.isEmpty else { return nil }
        condition.broadcast()
        return waiting.removeFirst()
    }

    /// Tells the reader that no more batches are wanted; it still reads to the end.
    func stop() {
        condition.lock()
        stopped = true
        waiting.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// The whole file's outcome (problems, rejected rows), once it is read; throws for a
    /// file found unreadable on the way.
    func outcome() throws(LedgerFileError) -> LedgerRows {
        stop()
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let finished { return try finished.get() }
            condition.wait()
        }
    }
}

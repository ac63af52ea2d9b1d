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
    private var waiting: [(customers: [Customer], rowsRead: Int)] = []
    private var finished: LedgerRows?
    private var stopped = false
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
        while let records = rows.next(rows: Self.batchRows) {
            let customers = records.map(Customer.init)
            condition.lock()
            while waiting.count >= Self.waitingBatches && !stopped { condition.wait() }
            if stopsAtFirstProblem && !rows.problems.isEmpty { stopped = true }
            if !stopped { waiting.append((customers, rows.rowsRead)) }
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        finished = rows
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch of customers and the number of rows read up to its
    /// last, waiting for the reader if need be; nil when there are no more.
    func next() -> (customers: [Customer], rowsRead: Int)? {
        condition.lock()
        defer { condition.unlock() }
        while waiting.isEmpty && finished == nil && !stopped { condition.wait() }
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

    /// The whole file's outcome (problems, rejected rows), once it is read.
    func outcome() -> LedgerRows {
        stop()
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let finished { return finished }
            condition.wait()
        }
    }
}

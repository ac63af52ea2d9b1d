import Foundation
import HuashuStore

/// A table's rows after a mark, read from the desk's SQLite and written out as COPY data a batch at a
/// time. A push of more than one batch reads on a thread of its own, at most `ahead` batches before
/// the one being sent, so the desk reads and writes out the next batch while the server takes this one.
final class CentralPushReading: @unchecked Sendable {
    /// One batch ready to send: its ids and its rows as COPY data, each starting with the desk.
    struct Batch {
        let span: PushSpan
        let data: [UInt8]
    }

    private let store: Store
    private let table: PushedTable
    private let desk: String
    private let limit: Int
    /// Bytes to reserve for a batch's COPY data: rows of steps take about half a kilobyte each.
    private let capacity: Int
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var cursor: Int64
    private var ready: [Batch] = []
    private var ended = false
    private var stopped = false
    private var failure: StoreError?
    private let threaded: Bool

    /// Reads on a thread when `rows` (how many there are) fill more than one batch.
    init(store: Store, table: PushedTable, desk: String, after mark: Int64, limit: Int, rows: Int, ahead: Int = 2) {
        self.store = store
        self.table = table
        self.desk = desk
        self.limit = limit
        capacity = min(rows, limit) * 512
        cursor = mark
        threaded = rows > limit
        guard threaded else { return }
        Thread { [self] in readAhead(ahead) }.start()
    }

    /// The next batch, nil after the last; throws what reading the desk's file met.
    func next() throws(StoreError) -> Batch? {
        guard threaded else {
            let batch = try read(after: cursor)
            if let batch { cursor = batch.span.last }
            return batch
        }
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !ended { condition.wait() }
        if !ready.isEmpty {
            condition.broadcast()
            return ready.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Ends the reading thread (a send failed, or all is sent) and waits for it.
    func stop() {
        guard threaded else { return }
        condition.lock()
        stopped = true
        condition.broadcast()
        while !ended { condition.wait() }
        condition.unlock()
    }

    private func read(after id: Int64) throws(StoreError) -> Batch? {
        var text = CentralCopyText(prefix: desk, capacity: capacity)
        guard let span = try store.writeRows(table, after: id, limit: limit, into: &text) else { return nil }
        return Batch(span: span, data: text.bytes)
    }

    private func readAhead(_ ahead: Int) {
        var after = cursor
        var failed: StoreError?
        while true {
            let batch: Batch?
            do throws(StoreError) {
                batch = try read(after: after)
            } catch {
                failed = error
                break
            }
            guard let batch else { break }
            condition.lock()
            while ready.count >= ahead && !stopped { condition.wait() }
            let stopping = stopped
            if !stopping { ready.append(batch) }
            condition.broadcast()
            condition.unlock()
            if stopping { break }
            after = batch.span.last
        }
        condition.lock()
        failure = failed
        ended = true
        condition.broadcast()
        condition.unlock()
    }
}

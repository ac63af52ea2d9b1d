import Foundation
import HuashuStore

/// A database being opened (made, or migrated) on a thread of its own: an
/// import opens it while the main thread reads the ledger file, so the first
/// rows can be written as soon as they are checked.
final class StoreOpening: @unchecked Sendable {  // `result` is written once, before `done` is signalled, and read only after waiting on it
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Store, UserError>?

    init(_ path: String) {
        Thread.detachNewThread { [self] in
            result = Result { () throws(UserError) in try openStore(.file(path)) }
            done.signal()
        }
    }

    /// The opened store, waiting for it if need be; throws what opening it threw.
    func store() throws(UserError) -> Store {
        finish()
        return try result!.get()
    }

    /// Waits until the opening is over, whatever its outcome: the file may be removed after.
    /// Always through the semaphore (and signalled again for the next caller): reading
    /// `result` before waiting would race with the thread writing it.
    func finish() {
        done.wait()
        done.signal()
    }
}

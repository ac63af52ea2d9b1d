import Foundation

/// Standard output (or a file) gathered into 64 KB writes: a long list is written as it is made, in
/// bounded memory, without a system call (or `print`'s locking) per line.
public final class BufferedOutput {
    private var buffer: [UInt8] = []
    private let descriptor: Int32
    private static let capacity = 1 << 16
    /// The `errno` of the first write that failed other than on a closed pipe; nothing more is written after it.
    public private(set) var failure: Int32?
    private var closed = false

    public init(descriptor: Int32 = STDOUT_FILENO) {
        self.descriptor = descriptor
        buffer.reserveCapacity(Self.capacity)
    }

    deinit { flush() }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.capacity { flush() }
    }

    /// Lets `body` add bytes to what is gathered (a row laid out in place, without a String of its own).
    func append(_ body: (inout [UInt8]) -> Void) {
        body(&buffer)
        if buffer.count >= Self.capacity { flush() }
    }

    /// Writes out what is gathered; a closed pipe (`| head`) ends the writing quietly.
    public func flush() {
        var written = 0
        while !closed && written < buffer.count {
            let done = buffer[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if done < 0 && errno == EINTR { continue }
            guard done > 0 else {
                if errno != EPIPE { failure = errno }
                closed = true
                break
            }
            written += done
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

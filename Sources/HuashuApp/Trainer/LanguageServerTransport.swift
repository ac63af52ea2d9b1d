import Foundation

/// JSON-RPC messages over standard input and output with the Language Server
/// Protocol's framing: a `Content-Length` header, a blank line, the JSON body.
final class LanguageServerTransport {
    private var buffer: [UInt8] = []
    private let input: Int32
    private let output: FileHandle

    init(input: Int32 = 0, output: FileHandle = .standardOutput) {
        self.input = input
        self.output = output
    }

    /// The next message, or nil when the client closed its end.
    func read() throws(UserError) -> [String: Any]? {
        while true {
            if let message = try takeMessage() { return message }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { Foundation.read(input, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
        }
    }

    private func takeMessage() throws(UserError) -> [String: Any]? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = buffer.firstRange(of: separator) else { return nil }
        let header = String(decoding: buffer[..<end.lowerBound], as: UTF8.self)
        let length = header.split(separator: "\r\n").lazy.compactMap { line -> Int? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int(parts[1].trimmingCharacters(in: .whitespaces))
        }.first
        guard let length, length >= 0 else { throw UserError("lsp: a message header has no Content-Length: \(header)") }
        guard buffer.count >= end.upperBound + length else { return nil }
        let body = Data(buffer[end.upperBound..<(end.upperBound + length)])
        buffer.removeFirst(end.upperBound + length)
        guard let message = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw UserError("lsp: a message is not a JSON object")
        }
        return message
    }

    func send(_ message: [String: Any]) {
        var object = message
        object["jsonrpc"] = "2.0"
        guard let body = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return }
        output.write(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
    }
}

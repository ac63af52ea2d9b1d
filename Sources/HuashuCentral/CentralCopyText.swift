import HuashuStore

/// Rows in COPY's text format, as the server reads them: a tab between columns, a newline after each
/// row, `\N` for NULL, and a backslash before a tab, newline, carriage return or backslash in a value.
/// The one place a push's values become COPY data, read straight from the desk's SQLite or given as text.
struct CentralCopyText: PushRowWriter {
    private(set) var bytes: [UInt8] = []
    /// The column every row starts with (the desk's name), written out once.
    private let prefix: [UInt8]
    private var atRowStart = true

    init(prefix: String? = nil, capacity: Int = 0) {
        var written: [UInt8] = []
        if let prefix { Self.escape(Array(prefix.utf8), into: &written) }
        self.prefix = written
        bytes.reserveCapacity(capacity)
    }

    mutating func beginRow() {
        bytes += prefix
        atRowStart = prefix.isEmpty
    }

    mutating func write(_ value: PushValue) {
        separate()
        switch value {
        case .null: escaped(UInt8(ascii: "N"))
        case .integer(let number): bytes += String(number).utf8
        case .real(let number): bytes += String(number).utf8
        case .text(let text):
            if Self.isPlainUTF8(text) {
                Self.escape(text, into: &bytes)
            } else {
                // PostgreSQL refuses a NUL or a broken sequence, and one such cell would stop every later push. Sent as the
                // older GRDB String path read it (`String(cString:)`): cut at the first NUL, broken sequences as U+FFFD.
                let kept = text.prefix { $0 != 0 }
                Self.escape(Array(String(decoding: kept, as: UTF8.self).utf8), into: &bytes)
            }
        case .blob(let blob):
            // As `PushRow.text` gives a blob: lowercase hex.
            for byte in blob {
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            }
        }
    }

    /// A row of values given as text (nil for NULL).
    mutating func write(row: [String?]) {
        beginRow()
        for value in row {
            guard var value else {
                write(.null)
                continue
            }
            value.withUTF8 { write(.text(UnsafeRawBufferPointer($0))) }
        }
        endRow()
    }

    mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func escaped(_ letter: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(letter)
    }

    private mutating func separate() {
        if atRowStart { atRowStart = false } else { bytes.append(UInt8(ascii: "\t")) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Copies `text` whole when nothing in it needs a backslash (most values), else byte by byte.
    private static func escape<Text: Collection<UInt8>>(_ text: Text, into bytes: inout [UInt8]) {
        guard text.contains(where: needsEscape) else {
            bytes += text
            return
        }
        for byte in text {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "\t"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "t"))
            case UInt8(ascii: "\n"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): bytes.append(UInt8(ascii: "\\")); bytes.append(UInt8(ascii: "r"))
            default: bytes.append(byte)
            }
        }
    }

    /// Whether `text` is well-formed UTF-8 without a NUL, checked on the bytes (no String made: this is every value's path).
    static func isPlainUTF8(_ text: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = text.count
        while index < count {
            let lead = text[index]
            if lead < 0x80 {
                guard lead != 0 else { return false }
                index += 1
                continue
            }
            var trailing = 0, low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: trailing = 1
            case 0xE0: trailing = 2; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: trailing = 2
            case 0xED: trailing = 2; high = 0x9F
            case 0xF0: trailing = 3; low = 0x90
            case 0xF1...0xF3: trailing = 3
            case 0xF4: trailing = 3; high = 0x8F
            default: return false
            }
            guard index + trailing < count, (low...high).contains(text[index + 1]) else { return false }
            for next in index + 2..<index + 1 + trailing where !(0x80...0xBF).contains(text[next]) { return false }
            index += 1 + trailing
        }
        return true
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || (byte <= UInt8(ascii: "\r") && (byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")))
    }
}

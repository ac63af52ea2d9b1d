/// A pull scanner for the XML a workbook is made of (OOXML's parts): tags,
/// attributes, text, the five named entities and character references,
/// CDATA; comments, processing instructions and a DOCTYPE are skipped and no
/// entity is ever expanded from a definition. Names lose their namespace
/// prefix (`x:row` is `row`). It works on bytes: every structural character
/// is ASCII and a sheet can be hundreds of megabytes, so text is only decoded
/// when the reader asks for it. Foundation's XMLParser would bring libxml2
/// into the static binary for the few elements a ledger needs.
struct XMLScanner: Sendable {
    enum Event: Sendable {
        /// A start tag; `empty` for `<c/>`, which has no end tag of its own.
        case start(name: String, attributes: [(name: String, value: String)], empty: Bool)
        case end(name: String)
        /// Character data between tags, still raw: `text(_:)` decodes it.
        case text(Range<Int>)
        case cdata(Range<Int>)
    }

    /// Damaged XML; `offset` is the byte (from 0) where reading stopped.
    struct Damage: Error {
        let offset: Int
        let what: String
    }

    let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func next() throws(Damage) -> Event? {
        while true {
            if let event = try step() { return event }
            if position >= bytes.count { return nil }
        }
    }

    /// The next event, or nil after something skipped (or at the end).
    private mutating func step() throws(Damage) -> Event? {
        let n = bytes.count
        guard position < n else { return nil }
        if bytes[position] != UInt8(ascii: "<") {
            let start = position
            while position < n && bytes[position] != UInt8(ascii: "<") { position += 1 }
            return .text(start..<position)
        }
        let open = position
        guard open + 1 < n else { throw Damage(offset: open, what: "a tag is cut off") }
        switch bytes[open + 1] {
        case UInt8(ascii: "?"):
            position = try after([UInt8(ascii: "?"), UInt8(ascii: ">")], from: open + 2)
            return nil
        case UInt8(ascii: "!"):
            if starts(with: "<!--", at: open) {
                position = try after(Array("-->".utf8), from: open + 4)
                return nil
            }
            if starts(with: "<![CDATA[", at: open) {
                let end = try after(Array("]]>".utf8), from: open + 9)
                position = end
                return .cdata(open + 9..<end - 3)
            }
            position = try after([UInt8(ascii: ">")], from: open + 2)  // <!DOCTYPE …>: nothing in it is used
            return nil
        case UInt8(ascii: "/"):
            var i = open + 2
            let name = self.name(from: &i)
            skipSpace(&i)
            guard i < n, bytes[i] == UInt8(ascii: ">"), !name.isEmpty else { throw Damage(offset: i, what: "an end tag is malformed") }
            position = i + 1
            return .end(name: name)
        default:
            var i = open + 1
            let name = self.name(from: &i)
            guard !name.isEmpty else { throw Damage(offset: open, what: "a \"<\" starts no tag") }
            var attributes: [(name: String, value: String)] = []
            while true {
                skipSpace(&i)
                guard i < n else { throw Damage(offset: open, what: "the tag <\(name)> is never closed") }
                if bytes[i] == UInt8(ascii: ">") {
                    position = i + 1
                    return .start(name: name, attributes: attributes, empty: false)
                }
                if bytes[i] == UInt8(ascii: "/") {
                    guard i + 1 < n, bytes[i + 1] == UInt8(ascii: ">") else { throw Damage(offset: i, what: "the tag <\(name)> is malformed") }
                    position = i + 2
                    return .start(name: name, attributes: attributes, empty: true)
                }
                let attribute = self.name(from: &i)
                skipSpace(&i)
                guard !attribute.isEmpty, i < n, bytes[i] == UInt8(ascii: "=") else {
                    throw Damage(offset: i, what: "an attribute of <\(name)> is malformed")
                }
                i += 1
                skipSpace(&i)
                guard i < n, bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") else {
                    throw Damage(offset: i, what: "an attribute of <\(name)> has no quoted value")
                }
                let quote = bytes[i]
                let start = i + 1
                guard let end = bytes[start...].firstIndex(of: quote) else {
                    throw Damage(offset: i, what: "an attribute value of <\(name)> is never closed")
                }
                attributes.append((attribute, text(start..<end)))
                i = end + 1
            }
        }
    }

    /// The characters of a `.text` or `.cdata` range (for `.cdata`, pass `entities: false`).
    func text(_ range: Range<Int>, entities: Bool = true) -> String {
        let raw = bytes[range]
        guard entities, raw.contains(UInt8(ascii: "&")) else { return String(decoding: raw, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = range.lowerBound
        while i < range.upperBound {
            let byte = bytes[i]
            guard byte == UInt8(ascii: "&"),
                  let semicolon = bytes[i..<min(range.upperBound, i + 12)].firstIndex(of: UInt8(ascii: ";")),
                  let scalar = Self.entity(bytes[(i + 1)..<semicolon]) else {
                out.append(byte)
                i += 1
                continue
            }
            out.append(contentsOf: String(scalar).utf8)
            i = semicolon + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func entity(_ name: ArraySlice<UInt8>) -> Unicode.Scalar? {
        switch String(decoding: name, as: UTF8.self) {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        // `&#0;` is not XML: left as written, so no NUL reaches a cell.
        case let reference where reference.hasPrefix("#x") || reference.hasPrefix("#X"):
            return UInt32(reference.dropFirst(2), radix: 16).flatMap { $0 == 0 ? nil : Unicode.Scalar($0) }
        case let reference where reference.hasPrefix("#"):
            return UInt32(reference.dropFirst(), radix: 10).flatMap { $0 == 0 ? nil : Unicode.Scalar($0) }
        default: return nil
        }
    }

    private func starts(with text: String, at offset: Int) -> Bool {
        bytes[offset...].starts(with: text.utf8)
    }

    /// The position just past the next `terminator` at or after `offset`.
    private func after(_ terminator: [UInt8], from offset: Int) throws(Damage) -> Int {
        var i = offset
        while i + terminator.count <= bytes.count {
            if bytes[i] == terminator[0] && bytes[i..<i + terminator.count].elementsEqual(terminator) { return i + terminator.count }
            i += 1
        }
        throw Damage(offset: offset, what: "\"\(String(decoding: terminator, as: UTF8.self))\" is missing")
    }

    private func skipSpace(_ i: inout Int) {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
    }

    /// A tag or attribute name from `i`, its namespace prefix dropped.
    private func name(from i: inout Int) -> String {
        let start = i
        var local = i
        while i < bytes.count {
            let byte = bytes[i]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 || byte == UInt8(ascii: ">")
                || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "=") || byte == UInt8(ascii: "<") { break }
            if byte == UInt8(ascii: ":") { local = i + 1 }
            i += 1
        }
        return start == i ? "" : String(decoding: bytes[local..<i], as: UTF8.self)
    }
}

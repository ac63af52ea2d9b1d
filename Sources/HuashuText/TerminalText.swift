/// How stored text (customer fields, notes, destinations, ledger cells)
/// reaches a terminal. Text from a ledger or typed through a pipe may hold
/// ESC, BEL or C1 codes that would retitle the window, clear the screen, hide
/// a link or draw a fake line over the real one, and bidi overrides that show
/// text in another order than it is stored. Every such code is shown visibly
/// instead: C0 codes and DEL as their control pictures (`␛`, `␇`, `␀`, `␡`),
/// C1 codes and bidi controls as `<U+202E>`. Text with none of them is
/// returned as it is, found by one pass over its UTF-8.
public enum TerminalText {
    /// What layout codes a caller keeps: none (a field on one line), line breaks (a whole
    /// report), or tab, CR and LF too (a CSV cell, quoted by the writer).
    public enum Keeping: Sendable {
        case nothing, lineBreaks, cellLayout

        func keeps(_ v: UInt32) -> Bool {
            switch self {
            case .nothing: return false
            case .lineBreaks: return v == 0x0A
            case .cellLayout: return v == 0x0A || v == 0x0D || v == 0x09
            }
        }
    }

    /// Stored text made safe to print: every control code shown visibly except those `keeping` names.
    public static func visible<S: StringProtocol>(_ text: S, keeping: Keeping = .nothing) -> String {
        // A concrete String: the scan below then runs over its bytes, not through a generic sequence.
        var text = String(text)
        guard text.withUTF8({ needsCare($0, keeping: keeping) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if keeping.keeps(v) {
                out.append(scalar)
            } else if v < 0x20 {
                out.append(Unicode.Scalar(0x2400 + v)!)
            } else if v == 0x7F {
                out.append("\u{2421}")
            } else if isHidden(v) {
                out.append(contentsOf: "<U+\(hex(v))>".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// C1 controls, and the bidi embeddings, overrides, isolates and marks that reorder text.
    static func isHidden(_ v: UInt32) -> Bool {
        (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || v == 0x200E || v == 0x200F || v == 0x061C
    }

    /// Whether the UTF-8 holds one of the codes above: C0, DEL, C1 (C2 80-9F), U+061C (D8 9C), U+200E/F
    /// (E2 80 8E/8F), U+202A-202E (E2 80 AA-AE), U+2066-2069 (E2 81 A6-A9). A `·` (C2 B7) or a `—` (E2 80 94)
    /// is not one: the exact sequences keep the common text on the fast path.
    private static func needsCare(_ utf8: UnsafeBufferPointer<UInt8>, keeping: Keeping) -> Bool {
        func at(_ index: Int) -> UInt8 { index < utf8.count ? utf8[index] : 0 }
        for index in utf8.indices {
            let byte = utf8[index]
            if byte < 0x20 {
                if !keeping.keeps(UInt32(byte)) { return true }
            } else if byte < 0x7F {
                continue
            } else if byte == 0x7F {
                return true
            } else if byte == 0xC2 {
                if (0x80...0x9F).contains(at(index + 1)) { return true }
            } else if byte == 0xD8 {
                if at(index + 1) == 0x9C { return true }
            } else if byte == 0xE2 {
                let second = at(index + 1), third = at(index + 2)
                if second == 0x80 && (third == 0x8E || third == 0x8F || (0xAA...0xAE).contains(third)) { return true }
                if second == 0x81 && (0xA6...0xA9).contains(third) { return true }
            }
        }
        return false
    }

    private static func hex(_ v: UInt32) -> String {
        let digits = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(4 - digits.count, 0)) + digits
    }

    /// True when the text holds a NUL, which typed input may not: SQLite's C strings and
    /// spreadsheets stop at it, so a note with one reads differently in different places.
    public static func hasNUL<S: StringProtocol>(_ text: S) -> Bool {
        text.utf8.contains(0)
    }
}

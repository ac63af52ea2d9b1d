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
        guard needsCare(text.utf8, keeping: keeping) else { return String(text) }
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

    /// Bytes that can start one of the codes above: C0, DEL, C1 (after 0xC2), U+061C (0xD8), the U+20xx ones (0xE2).
    private static func needsCare<U: Sequence<UInt8>>(_ utf8: U, keeping: Keeping) -> Bool {
        utf8.contains { byte in
            byte < 0x20 ? !keeping.keeps(UInt32(byte)) : byte == 0x7F || byte == 0xC2 || byte == 0xD8 || byte == 0xE2
        }
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
